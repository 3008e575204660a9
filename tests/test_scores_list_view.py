"""The annual summary page: a unit's year, sortable, its grades against the 优秀 quota, the recompute button."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_cadre
from tests.factories_scores import make_summary

URL = reverse("assessments:score-list")


@pytest.fixture
def township(world):
    """Township A's 2025: 李明 first and 优秀, 王芳 in the office below, two more and one on probation."""
    a = make_summary(world.cadre_a, score=Decimal("91"), suggested_grade="优秀", unit_rank=1, unit_size=4)
    office = make_summary(world.cadre_a_office, score=Decimal("80"), unit_rank=1, unit_size=1)
    c1 = make_summary(make_cadre(world.town_a, name="陈一"), score=Decimal("85"), unit_rank=2, unit_size=4)
    c2 = make_summary(
        make_cadre(world.town_a, name="陈二"), score=Decimal("65"), suggested_grade="基本称职", unit_rank=3
    )
    trainee = make_summary(make_cadre(world.town_a, name="试用期", on_probation=True), score=Decimal("50"))
    b = make_summary(world.cadre_b, score=Decimal("99"))
    return {"a": a, "office": office, "c1": c1, "c2": c2, "trainee": trainee, "b": b}


def get(client, unit, **params):
    return client.get(URL, {"unit": unit.pk, "year": 2025, **params})


def test_it_lists_the_units_subtree_in_rank_order(world, as_user, township):
    response = get(as_user(world.committee), world.town_a)
    assert response.status_code == 200
    names = [s.cadre.name for s in response.context["page"]]
    # The township's ranking first (the probationer, unranked, last), then the office below.
    assert names == ["李明", "陈一", "陈二", "试用期", "王芳"]
    assert "赵强" not in response.text


def test_it_sorts_by_score(world, as_user, township):
    page = get(as_user(world.committee), world.town_a, sort="-score").context["page"]
    assert [s.cadre.name for s in page][:4] == ["李明", "陈一", "王芳", "陈二"]


def test_it_filters_by_grade_and_name(world, as_user, township):
    client = as_user(world.committee)
    assert [s.cadre.name for s in get(client, world.town_a, grade="基本称职").context["page"]] == ["陈二"]
    assert [s.cadre.name for s in get(client, world.town_a, q="陈").context["page"]] == ["陈一", "陈二"]


def test_the_grade_filter_counts_the_committees_grade_where_decided(world, as_user, township):
    township["c1"].final_grade = "基本称职"
    township["c1"].save()
    names = [s.cadre.name for s in get(as_user(world.committee), world.town_a, grade="基本称职").context["page"]]
    assert names == ["陈一", "陈二"]


def test_it_shows_each_units_grades_against_its_quota(world, as_user, township):
    rows = get(as_user(world.committee), world.town_a).context["distribution"]
    town = next(r for r in rows if r["unit"] == world.town_a)
    # Three graded (the probationer does not count) at 20%: floor(0.6) = 0 places, one 优秀 used.
    assert (town["cadres"], town["probation"], town["graded"]) == (4, 1, 3)
    assert (town["excellent"], town["limit"], town["over_quota"]) == (1, 0, True)
    assert town["grades"] == [1, 1, 1, 0]
    assert [r["unit"] for r in rows] == [world.town_a, world.office_a]


def test_a_units_quota_setting_that_differs_is_shown_until_the_next_computation(world, as_user, township):
    from assessments.models import UnitExcellentQuota

    UnitExcellentQuota.objects.create(unit=world.town_a, year=2025, share=Decimal("0.25"))
    town = get(as_user(world.committee), world.town_a).context["distribution"][0]
    assert town["setting_differs"] and town["setting_percent"] == "25" and town["percent"] == "20"


def test_the_committee_gets_the_recompute_button_and_the_last_computation(world, as_user, township):
    response = get(as_user(world.committee), world.town_a)
    assert response.context["can_recompute"]
    assert reverse("assessments:score-recompute") in response.text
    assert response.context["computed_at"] == max(s.computed_at for k, s in township.items() if k != "b")


def test_a_reviewer_reads_but_does_not_recompute(world, as_user, township):
    response = get(as_user(world.reviewer), world.town_a)
    assert response.status_code == 200 and not response.context["can_recompute"]
    assert reverse("assessments:score-recompute") not in response.text


def test_a_township_reviewer_sees_only_the_township(world, as_user, township):
    client = as_user(world.reviewer)
    response = get(client, world.town_b)
    assert response.context["data"] is None and "赵强" not in response.text
    units = list(response.context["form"].fields["unit"].queryset)
    assert world.county not in units and world.town_b not in units


def test_the_first_visit_shows_the_widest_unit_in_the_latest_year(world, as_user, township):
    make_summary(world.cadre_a, year=2024)
    response = as_user(world.committee).get(URL)
    assert response.context["data"] == {"unit": world.county, "year": 2025}
    assert len(response.context["page"]) == 6


def test_the_page_costs_the_same_queries_for_more_cadres(world, as_user, township):
    client = as_user(world.committee)
    get(client, world.town_a)
    with CaptureQueriesContext(connection) as few:
        get(client, world.town_a)
    for i in range(20):
        make_summary(make_cadre(world.town_a, name=f"干部{i}"))
    with CaptureQueriesContext(connection) as many:
        response = get(client, world.town_a, size=50)
    assert len(response.context["page"]) == 25
    assert len(many) == len(few)


def test_other_roles_are_refused(world, as_user, client):
    for user in (world.clerk, world.sysadmin, world.outsider):
        assert as_user(user).get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_it_answers_only_get(world, as_user):
    assert as_user(world.committee).post(URL).status_code == 405


def test_an_unknown_sort_key_keeps_the_list_in_its_default_order_and_says_so(world, as_user, township):
    response = get(as_user(world.committee), world.town_a, sort="bogus")
    assert response.status_code == 200
    assert [s.cadre.name for s in response.context["page"]] == ["李明", "陈一", "陈二", "试用期", "王芳"]
    assert response.context["form"].errors["sort"]
    assert 'class="error" role="alert"' in response.text
