"""Correcting a sanction entered wrongly: the service and its page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import Action, AuditEvent
from records.models import Sanction, SanctionMeasure
from records.services.sanctions import sanction_correct
from tests.factories import make_sanction

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _measure(kind, name):
    return SanctionMeasure.objects.get(kind=kind, name=name)


@pytest.fixture
def sanction(world):
    # Entered as an admonition (6 months, 优秀 not barred) where the decision was a removal.
    return make_sanction(
        world.cadre_a, by=world.clerk, measure=("诫勉", "诫勉"), document_no="青组〔2026〕5号", reason="履职不力"
    )


def _sanction_of_township_b(world):
    return make_sanction(
        world.cadre_b, by=world.county_clerk, measure=("诫勉", "诫勉"), document_no="青组〔2026〕7号", reason="x"
    )


def _correct(world, sanction, **overrides):
    values = {
        "actor": world.clerk,
        "sanction": sanction,
        "measure": _measure("组织处理", "免职"),
        "decided_on": date(2026, 3, 15),
        "document_no": "青组〔2026〕5号",
        "reason": "履职不力",
        "correction_reason": "处理措施录错，应为免职",
    }
    values.update(overrides)
    return sanction_correct(**values)


def _unchanged(sanction):
    fresh = Sanction.objects.get(pk=sanction.pk)
    return (fresh.measure_id, fresh.decided_on, fresh.promotion_barred_until, fresh.blocks_excellent) == (
        sanction.measure_id,
        sanction.decided_on,
        sanction.promotion_barred_until,
        sanction.blocks_excellent,
    ) and not AuditEvent.objects.filter(action=Action.UPDATE, model="records.sanction").exists()


# --- the service -------------------------------------------------------------------------------


def test_correcting_the_measure_moves_the_impact_periods_and_the_excellent_bar(world, sanction):
    assert (sanction.promotion_barred_until, sanction.post_barred_until) == (date(2026, 9, 14), None)
    assert not sanction.blocks_excellent

    _correct(world, sanction)

    sanction.refresh_from_db()
    assert sanction.measure == _measure("组织处理", "免职")
    assert (sanction.promotion_barred_until, sanction.post_barred_until) == (date(2028, 3, 14), date(2027, 3, 14))
    assert sanction.blocks_excellent


def test_correcting_the_date_moves_the_impact_period_from_the_new_date(world, sanction):
    _correct(world, sanction, measure=sanction.measure, decided_on=date(2026, 1, 31))
    sanction.refresh_from_db()
    assert (sanction.decided_on, sanction.promotion_barred_until) == (date(2026, 1, 31), date(2026, 7, 30))


def test_the_audit_event_keeps_the_values_before_and_after_with_the_reason(world, sanction):
    _correct(world, sanction)

    event = AuditEvent.objects.get(action=Action.UPDATE, model="records.sanction", object_id=str(sanction.pk))
    assert event.note == "处理措施录错，应为免职"
    assert event.actor_id == world.clerk.pk and event.unit_id == world.town_a.pk
    assert event.changes["measure_id"] == [sanction.measure_id, _measure("组织处理", "免职").pk]
    assert event.changes["promotion_barred_until"] == ["2026-09-14", "2028-03-14"]
    assert event.changes["post_barred_until"] == [None, "2027-03-14"]
    assert event.changes["blocks_excellent"] == [False, True]


@pytest.mark.parametrize(("day", "words"), [(date(2026, 12, 1), "future"), (date(1999, 12, 31), "from 2000-01-01")])
def test_a_wrong_date_is_refused_in_words_and_nothing_changes(world, sanction, queued, day, words):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _correct(world, sanction, decided_on=day)
    assert words in str(exc.value.message_dict["decided_on"])
    assert _unchanged(sanction)
    assert queued == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_reason_for_the_correction_is_required(world, sanction, reason):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _correct(world, sanction, correction_reason=reason)
    assert exc.value.message_dict["correction_reason"] == ["Say why the sanction is corrected."]
    assert _unchanged(sanction)


def test_a_correction_that_changes_nothing_is_refused(world, sanction):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _correct(world, sanction, measure=sanction.measure, document_no="青组（２０２６） 5号")
    assert exc.value.messages == ["The correction changes nothing."]
    assert _unchanged(sanction)


def test_the_document_number_is_kept_in_its_canonical_form(world, sanction):
    _correct(world, sanction, document_no="青组[2026]6号")
    sanction.refresh_from_db()
    assert sanction.document_no == "青组〔2026〕6号"


def test_a_correction_into_a_sanction_already_recorded_is_refused_in_chinese(world, sanction):
    removal = _measure("组织处理", "免职")
    make_sanction(
        world.cadre_a, by=world.clerk, measure=("组织处理", "免职"), document_no="青组〔2026〕5号", reason="履职不力"
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        _correct(world, sanction, measure=removal)
    assert exc.value.message_dict["document_no"] == ["该处分处理已登记。"]
    assert _unchanged(sanction)


def test_only_a_clerk_whose_scope_covers_the_cadre_corrects(world, sanction):
    with pytest.raises(PermissionDenied):
        _correct(world, sanction, actor=world.reviewer)
    sanction_b = _sanction_of_township_b(world)
    with pytest.raises(PermissionDenied):
        _correct(world, sanction_b)
    assert _unchanged(sanction) and _unchanged(sanction_b)


def test_the_scores_are_refreshed_for_the_years_the_sanction_touched_and_touches(
    world, queued, django_capture_on_commit_callbacks
):
    # 记过 decided 2025-03-15 bars promotion until 2026-03-14: it touched 2025 and 2026.
    sanction = make_sanction(
        world.cadre_a, by=world.clerk, measure=("政务处分", "记过"), decided_on=date(2025, 3, 15), reason="违规"
    )
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        _correct(world, sanction, measure=_measure("政务处分", "警告"), decided_on=date(2024, 6, 1))
    # Now 2024-06-01 to 2024-11-30: 2024, and the 2025 and 2026 it no longer bars.
    assert queued == [([world.cadre_a.pk], 2024), ([world.cadre_a.pk], 2025), ([world.cadre_a.pk], 2026)]


def test_the_refresh_stops_at_the_current_year(world, sanction, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _correct(world, sanction)  # barred until 2028 now: 2027 and 2028 have not come
    assert queued == [([world.cadre_a.pk], 2026)]


# --- the page ----------------------------------------------------------------------------------


def _url(sanction_or_pk):
    return reverse("records:sanction-correct", args=[getattr(sanction_or_pk, "pk", sanction_or_pk)])


def _data(**overrides):
    data = {
        "correction_reason": "处理措施录错，应为免职",
        "measure": _measure("组织处理", "免职").pk,
        "decided_on": "2026-03-15",
        "document_no": "青组〔2026〕5号",
        "reason": "履职不力",
    }
    data.update(overrides)
    return data


def test_the_cadre_page_links_each_sanction_to_its_correction_for_clerks_only(world, as_en, sanction):
    page = reverse("records:cadre-detail", args=[world.cadre_a.pk])
    assert _url(sanction) in as_en(world.clerk).get(page).text
    assert _url(sanction) not in as_en(world.reviewer).get(page).text


def test_it_prefills_the_recorded_values(world, as_en, sanction):
    response = as_en(world.clerk).get(_url(sanction))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["measure"].value() == sanction.measure_id and form["decided_on"].value() == date(2026, 3, 15)
    assert 'value="青组〔2026〕5号"' in response.text and "data-confirm=" in response.text


def test_it_corrects_the_sanction_and_shows_the_new_impact_period(world, as_en, sanction):
    client = as_en(world.clerk)
    response = client.post(_url(sanction), _data())
    assert response.status_code == 302
    assert response.url == reverse("records:cadre-detail", args=[world.cadre_a.pk]) + f"#sanction-{sanction.pk}"
    sanction.refresh_from_db()
    assert sanction.promotion_barred_until == date(2028, 3, 14) and sanction.blocks_excellent
    text = client.get(response.url).text
    assert "Sanction corrected; promotion barred until 2028-03-14." in text and "no post until 2027-03-14" in text


def test_it_refuses_a_date_before_2000_on_its_field(world, as_en, sanction):
    response = as_en(world.clerk).post(_url(sanction), _data(decided_on="1999-03-15"))
    assert response.status_code == 200
    assert "Give a date from 2000-01-01 on." in response.context["form"].errors["decided_on"]
    assert _unchanged(sanction)


def test_it_refuses_a_date_to_come(world, as_en, sanction):
    response = as_en(world.clerk).post(_url(sanction), _data(decided_on="2026-12-01"))
    assert response.context["form"].errors["decided_on"]
    assert _unchanged(sanction)


def test_it_requires_the_reason_for_the_correction(world, as_en, sanction):
    response = as_en(world.clerk).post(_url(sanction), _data(correction_reason=""))
    assert response.context["form"].errors["correction_reason"]
    assert _unchanged(sanction)


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, sanction, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(sanction)).status_code == 403
    assert client.post(_url(sanction), _data()).status_code == 403
    assert _unchanged(sanction)


def test_it_answers_404_outside_scope_and_for_unknown_sanctions(world, as_en, sanction):
    sanction_b = _sanction_of_township_b(world)
    client = as_en(world.clerk)
    assert client.get(_url(sanction_b)).status_code == 404
    assert client.post(_url(sanction_b), _data()).status_code == 404
    assert client.get(_url(99999)).status_code == 404
    assert _unchanged(sanction_b)


def test_it_answers_405_to_other_methods(world, as_en, sanction):
    assert as_en(world.clerk).put(_url(sanction)).status_code == 405


def test_a_corrected_measure_regrades_the_year_once_committed(world, eager_celery, django_capture_on_commit_callbacks):
    from assessments.models import AnnualSummary
    from assessments.scoring.compute import recompute
    from tests.factories import make_cadre, make_unit
    from tests.scoring_data import year_of_reviews

    unit = make_unit("南山镇", parent=world.county)
    cadres = [make_cadre(unit, name=f"干部{i}") for i in range(5)]
    for i, cadre in enumerate(cadres):
        year_of_reviews(cadre, ["好"] * 4, [96 - i] * 4)
    # 警告 bars 优秀 in 2025.
    sanction = make_sanction(
        cadres[0], by=world.county_clerk, decided_on=date(2025, 5, 6), measure=("政务处分", "警告")
    )
    recompute(2025)
    assert AnnualSummary.objects.get(cadre=cadres[0], year=2025).suggested_grade == "称职"

    with django_capture_on_commit_callbacks(execute=True):
        _correct(world, sanction, actor=world.county_clerk, measure=_measure("诫勉", "诫勉"), **_as_recorded(sanction))

    assert AnnualSummary.objects.get(cadre=cadres[0], year=2025).suggested_grade == "优秀"


def _as_recorded(sanction):
    return {"decided_on": sanction.decided_on, "document_no": sanction.document_no, "reason": sanction.reason}


def test_recording_a_sanction_refreshes_the_scores_of_the_years_it_touches(
    world, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_sanction(world.cadre_a, by=world.clerk, measure=("政务处分", "记过"), decided_on=date(2025, 3, 15))
    assert queued == [([world.cadre_a.pk], 2025), ([world.cadre_a.pk], 2026)]
