from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from assessments.models import QuarterlyReview, ScoringScheme
from assessments.services import review_cycle_open, scheme_default

LIST = reverse("assessments:scheme-list")
NEW = reverse("assessments:scheme-new")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def admin(world, as_user):
    client = as_user(world.sysadmin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def detail(scheme):
    return reverse("assessments:scheme-detail", args=[scheme.pk])


def edit(scheme):
    return reverse("assessments:scheme-edit", args=[scheme.pk])


def scheme_form(**changes):
    data = {
        "name": "乡镇领导干部方案",
        "w_political": "2",
        "w_responsibility": "1",
        "w_problem_solving": "1",
        "w_bottom_line": "1",
        "w_results": "1",
        "quarter_dimension_part": "0.8",
        "quarter_mass_part": "0.2",
        "quarter_ledger_factor": "1",
        "good_min": "92",
        "fairly_good_min": "82",
        "average_min": "70",
        "good_quota": "0.30",
        "annual_review_part": "0.4",
        "annual_ledger_part": "0.4",
        "annual_mass_part": "0.2",
        "excellent_quota": "0.20",
        "promotion_top_share": "0.10",
        "promotion_min_good_quarters": "3",
        "rank_promotion_top_share": "0.20",
        "talk_month_net_deduction": "-5",
        "yellow_quarter_deduction": "-10",
        "red_sanction_deduction": "-15",
        "rotation_unit_years": "10",
        "rotation_office_years": "5",
    }
    data.update(changes)
    return data


def edit_form(scheme, **changes):
    data = scheme_form(**{name: str(getattr(scheme, name)) for name in scheme_form() if hasattr(scheme, name)})
    data.update({name: str(scheme.flag_setting(name)) for name in scheme_form() if not hasattr(scheme, name)})
    data.update(changes)
    return data


def test_it_lists_the_current_schemes_of_a_year(world, admin):
    scheme_default(2025)
    current = scheme_default(2026)
    response = admin.get(LIST)
    assert response.status_code == 200
    assert response.context["years"] == [2026, 2025]
    assert list(response.context["schemes"]) == [current]
    assert [s.year for s in admin.get(LIST, {"year": 2025}).context["schemes"]] == [2025]


@pytest.mark.parametrize(("typed", "error"), [("abc", "输入整数。"), ("99999999999", "确保该值小于或等于2100。")])
def test_a_bad_year_is_shown_beside_the_field_and_the_latest_year_stays(world, as_user, typed, error):
    scheme_default(2025)
    scheme_default(2026)
    response = as_user(world.sysadmin).get(LIST, {"year": typed})
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert [s.year for s in response.context["schemes"]] == [2026]
    assert response.context["form"].errors["year"] == [error]
    assert f'<small class="error">{error}</small>' in response.text
    assert "99999999999</small>" not in response.text


def test_a_system_admin_creates_a_scheme_for_a_tier(world, admin):
    response = admin.post(NEW, scheme_form(year="2026", cadre_group="leaders", unit_kind="乡镇街道"))
    scheme = ScoringScheme.objects.get()
    assert response.status_code == 302 and response.url == detail(scheme)
    assert (scheme.year, scheme.cadre_group, scheme.unit_kind, scheme.version) == (2026, "leaders", "乡镇街道", 1)
    assert scheme.w_political == Decimal("2") and scheme.good_quota == Decimal("0.30")
    assert scheme.flag_thresholds["promotion_min_good_quarters"] == 3
    assert scheme.flag_thresholds["yellow_quarter_deduction"] == "-10"


def test_a_second_scheme_for_the_same_tier_is_refused(world, admin):
    scheme_default(2026)
    response = admin.post(NEW, scheme_form(year="2026", cadre_group="all", unit_kind=""))
    assert response.status_code == 200
    assert "This year and tier already have a scheme; edit that one instead." in response.text
    assert ScoringScheme.objects.count() == 1


def test_thresholds_out_of_order_and_quotas_above_one_are_refused(world, admin):
    response = admin.post(
        NEW, scheme_form(year="2026", cadre_group="staff", unit_kind="", fairly_good_min="95", good_quota="1.5")
    )
    errors = response.context["form"].errors
    assert "fairly_good_min" in errors and "good_quota" in errors
    assert not ScoringScheme.objects.exists()


def test_editing_an_unused_scheme_changes_it_in_place(world, admin):
    scheme = scheme_default(2026)
    response = admin.post(edit(scheme), edit_form(scheme, good_min="93", rotation_unit_years="8"))
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.version, scheme.good_min) == (1, Decimal("93"))
    assert scheme.flag_setting("rotation_unit_years") == 8
    assert ScoringScheme.objects.count() == 1


def test_editing_a_scheme_in_use_makes_a_new_version_and_the_reviews_keep_theirs(world, admin):
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    v1 = ScoringScheme.objects.get()
    form_page = admin.get(edit(v1))
    assert "3 reviews use this version" in form_page.text
    response = admin.post(edit(v1), edit_form(v1, good_quota="0.35"))
    v2 = ScoringScheme.objects.get(is_current=True)
    assert response.url == detail(v2)
    assert (v2.version, v2.good_quota) == (2, Decimal("0.35"))
    assert set(QuarterlyReview.objects.values_list("scheme", flat=True)) == {v1.pk}
    page = admin.get(detail(v2))
    assert [v.version for v in page.context["versions"]] == [2, 1]
    assert [str(label) for label in page.context["versions"][0].changed] == ["好 quota (share of a unit's cadres)"]


def test_saving_without_changes_makes_no_version(world, admin):
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    v1 = ScoringScheme.objects.get()
    response = admin.post(edit(v1), edit_form(v1, promotion_top_share="0.1"))
    assert response.status_code == 302
    assert ScoringScheme.objects.count() == 1


def test_an_earlier_version_is_read_only(world, admin):
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    v1 = ScoringScheme.objects.get()
    admin.post(edit(v1), edit_form(v1, good_min="91"))
    assert admin.get(edit(v1)).status_code == 404
    page = admin.get(detail(v1))
    assert edit(v1) not in page.text
    assert "An earlier version" in page.text


def test_a_missing_scheme_is_404(world, admin):
    assert admin.get(reverse("assessments:scheme-detail", args=[999])).status_code == 404
    assert admin.get(reverse("assessments:scheme-edit", args=[999])).status_code == 404


@pytest.mark.parametrize("role", ["clerk", "reviewer", "committee", "secadmin", "auditor", "outsider"])
def test_only_the_system_admin_keeps_schemes(world, as_user, role):
    scheme = scheme_default(2026)
    client = as_user(getattr(world, role))
    for target in (LIST, NEW, detail(scheme), edit(scheme)):
        assert client.get(target).status_code == 403
    assert client.post(edit(scheme), edit_form(scheme, good_min="50")).status_code == 403
    scheme.refresh_from_db()
    assert scheme.good_min == Decimal("90")


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_get_405(world, admin, method):
    scheme = scheme_default(2026)
    for target in (LIST, NEW, detail(scheme), edit(scheme)):
        assert getattr(admin, method)(target).status_code == 405
    assert admin.post(LIST).status_code == 405
    assert admin.post(detail(scheme)).status_code == 405
