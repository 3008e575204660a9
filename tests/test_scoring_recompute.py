"""The recompute service: summaries, grades under the quota, flags, and what a rerun leaves alone."""

import re
from decimal import Decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import (
    AnnualSummary,
    CandidateFlag,
    FlagDecision,
    FlagState,
    QuarterlyReview,
    UnitExcellentQuota,
)
from assessments.scoring import bulk
from assessments.scoring.compute import recompute
from records.models import CadreStatus, Unit
from tests.factories import make_cadre, make_unit
from tests.scoring_data import entries, review, year_of_reviews


def summary(cadre, year=2025):
    return AnnualSummary.objects.get(cadre=cadre, year=year)


def flag(cadre, kind, year=2025):
    return CandidateFlag.objects.get(cadre=cadre, year=year, kind=kind)


@pytest.fixture
def scored(world):
    """李明 strong all year; 赵强 weak with deductions; 王芳 average."""
    year_of_reviews(world.cadre_a, ["好", "好", "好", "较好"], [92, 93, 91, 85])
    entries(world.cadre_a, [(1, "JN04", 3), (2, "BZ02", 8)], by=world.clerk)
    year_of_reviews(world.cadre_b, ["较差", "一般", "较差", "一般"], [55, 72, 58, 70], mass="60")
    entries(world.cadre_b, [(5, "SW01", -3), (5, "TB01", -2), (5, "YT01", -2), (8, "SW02", -1)], by=world.clerk)
    year_of_reviews(world.cadre_a_office, ["较好", "较好", "好", "较好"], [84, 86, 90, 85], mass="80")
    return world


def test_it_writes_each_active_cadres_year(scored):
    result = recompute(2025)

    a = summary(scored.cadre_a)
    assert (a.ledger_add, a.ledger_deduct, a.ledger_net) == (Decimal("11.0"), Decimal("0.0"), Decimal("11.0"))
    assert a.quarter_grades == ("好", "好", "好", "较好")
    assert a.quarter_average == Decimal("90.25")
    assert a.mass_average == Decimal("90.00")
    # The ledger normalised within the category: 李明 has the most (100), 赵强 the least (0).
    assert a.ledger_normalised == Decimal("100.00")
    assert a.score == Decimal("94.10")  # 40% × 90.25 + 40% × 100 + 20% × 90
    b = summary(scored.cadre_b)
    assert b.ledger_deduct == Decimal("-8.0")
    assert b.month_deductions[4] == "-7.0"
    assert b.ledger_normalised == Decimal("0.00")
    assert result["cadres"] == 3


def test_ranks_and_grades_follow_the_scores(scored):
    recompute(2025)

    a, b = summary(scored.cadre_a), summary(scored.cadre_b)
    assert (a.category_rank, b.category_rank, summary(scored.cadre_a_office).category_rank) == (1, 3, 2)
    assert a.category_percentile == Decimal("0")
    assert b.suggested_grade == "不称职"  # 40% × 63.75 + 0 + 20% × 60 = 37.5
    assert b.score == Decimal("37.50")


def test_a_cadre_without_an_approved_quarter_gets_no_score_and_no_grade(world):
    review(world.cadre_a, 1, "好", 95, status="submitted")

    recompute(2025)

    a = summary(world.cadre_a)
    assert (a.score, a.suggested_grade) == (None, "")
    assert "no_approved_quarter" in a.grade_notes


def test_the_rank_sizes_count_only_the_cadres_ranked(world, as_user):
    unit = make_unit("南山镇", parent=world.county)
    ranked = [make_cadre(unit, name=f"干部{i}") for i in range(3)]
    for i, cadre in enumerate(ranked):
        year_of_reviews(cadre, ["好"] * 4, [95 - i] * 4)
    probationer = make_cadre(unit, name="试用", on_probation=True)
    year_of_reviews(probationer, ["好"] * 4, [99] * 4)
    make_cadre(unit, name="未考核")  # no approved quarter: no score, no rank

    recompute(2025)

    rows = AnnualSummary.objects.filter(unit=unit)
    # "rank / size" must reach its size: the last of the three ranked is 3 / 3, not 3 / 5.
    assert sorted((s.unit_rank, s.unit_size) for s in rows if s.unit_rank) == [(1, 3), (2, 3), (3, 3)]
    assert {s.unit_size for s in rows} == {3}
    # The category spans the county, whose other three cadres have no approved quarter.
    assert {s.category_size for s in rows} == {3}
    assert max(s.category_rank for s in rows if s.category_rank) == 3
    page = as_user(world.committee).get(reverse("assessments:score-list"), {"unit": unit.pk, "year": 2025}).text
    shown = sorted(re.findall(r'<td class="num nowrap">(\d+) / (\d+)', page))
    assert shown == [("1", "3"), ("1", "3"), ("2", "3"), ("2", "3"), ("3", "3"), ("3", "3")]  # unit and category


def test_excellent_goes_to_at_most_the_units_share_and_a_unit_setting_raises_it(world):
    unit = make_unit("南山镇", parent=world.county)
    cadres = [make_cadre(unit, name=f"干部{i}") for i in range(10)]
    for i, cadre in enumerate(cadres):
        year_of_reviews(cadre, ["好"] * 4, [95 - i] * 4)

    recompute(2025)
    excellent = AnnualSummary.objects.filter(unit=unit, suggested_grade="优秀")
    assert sorted(s.cadre.name for s in excellent) == ["干部0", "干部1"]  # 20% of 10, best first

    UnitExcellentQuota.objects.create(unit=unit, year=2025, share=Decimal("0.3"), note="先进单位")
    recompute(2025)
    assert AnnualSummary.objects.filter(unit=unit, suggested_grade="优秀").count() == 3
    assert summary(cadres[2]).excellent_share == Decimal("0.300")


def test_a_poor_quarter_passes_the_excellent_place_on(world):
    unit = make_unit("南山镇", parent=world.county)
    cadres = [make_cadre(unit, name=f"干部{i}") for i in range(5)]
    for i, cadre in enumerate(cadres):
        year_of_reviews(cadre, ["较差" if i == 0 else "好", "好", "好", "好"], [96 - i] * 4)

    recompute(2025)

    assert summary(cadres[0]).suggested_grade == "称职"
    assert summary(cadres[0]).grade_notes[0] == "poor_quarter_bars_excellent"
    assert summary(cadres[1]).suggested_grade == "优秀"


def test_a_sanction_passes_the_excellent_place_on_as_its_measure_barred_it_when_decided(world):
    from datetime import date

    from records.models import SanctionMeasure
    from records.services.sanctions import sanction_create

    unit = make_unit("南山镇", parent=world.county)
    cadres = [make_cadre(unit, name=f"干部{i}") for i in range(5)]
    for i, cadre in enumerate(cadres):
        year_of_reviews(cadre, ["好"] * 4, [96 - i] * 4)
    warning = SanctionMeasure.objects.get(kind="政务处分", name="警告")
    sanction_create(
        actor=world.county_clerk,
        cadre=cadres[0],
        measure=warning,
        decided_on=date(2025, 5, 6),
        document_no="青纪〔2025〕8号",
        reason="违反工作纪律",
    )
    warning.blocks_excellent = False  # changed afterwards: the decided sanction still bars 2025
    warning.save()

    recompute(2025)

    assert summary(cadres[0]).suggested_grade == "称职"
    assert summary(cadres[1]).suggested_grade == "优秀"


def test_flags_carry_their_reasons_and_the_entries_behind_them(scored):
    recompute(2025)

    yellow = flag(scored.cadre_b, "yellow_card")
    assert yellow.state == FlagState.RAISED
    assert [r["period"] for r in yellow.data["reasons"]] == ["2025-Q1", "2025-Q3"]
    talk = flag(scored.cadre_b, "talk_reminder")
    may = next(r for r in talk.data["reasons"] if r["rule"] == "talk.month_deduction")
    may_entries = {ref[1] for ref in may["refs"]}
    assert len(may_entries) == 3 and may["actual"] == "-7.0"
    assert flag(scored.cadre_b, "adjustment").state == FlagState.RAISED
    assert "第 1 季度等次为“较差”" in yellow.sentence
    assert not CandidateFlag.objects.filter(cadre=scored.cadre_a_office, kind="yellow_card").exists()


def test_a_waived_deduction_raises_no_flag(world):
    year_of_reviews(world.cadre_a, ["好"] * 4, [90] * 4)
    entries(world.cadre_a, [(3, "SW01", -3, 0), (3, "TB02", -4, 0)], by=world.clerk)

    recompute(2025)

    assert not CandidateFlag.objects.filter(cadre=world.cadre_a, kind="talk_reminder").exists()
    assert summary(world.cadre_a).ledger_deduct == 0


def test_running_it_twice_changes_nothing(scored):
    recompute(2025)
    before = list(AnnualSummary.objects.order_by("pk").values())
    flags_before = list(CandidateFlag.objects.order_by("pk").values())

    again = recompute(2025)

    assert (again["summaries_changed"], again["flags_raised"], again["flags_withdrawn"], again["flags_changed"]) == (
        0,
        0,
        0,
        0,
    )
    assert list(AnnualSummary.objects.order_by("pk").values()) == before
    assert list(CandidateFlag.objects.order_by("pk").values()) == flags_before


def test_a_flag_whose_condition_goes_is_withdrawn_and_keeps_its_decision(scored):
    recompute(2025)
    yellow = flag(scored.cadre_b, "yellow_card")
    CandidateFlag.objects.filter(pk=yellow.pk).update(decision=FlagDecision.ACCEPTED, decision_note="已谈话")

    QuarterlyReview.objects.filter(cadre=scored.cadre_b, grade="较差").update(grade="一般")
    result = recompute(2025)

    yellow.refresh_from_db()
    assert (yellow.state, yellow.decision, yellow.decision_note) == (FlagState.WITHDRAWN, "accepted", "已谈话")
    assert result["flags_withdrawn"] >= 1

    QuarterlyReview.objects.filter(cadre=scored.cadre_b, quarter=1).update(grade="较差")
    recompute(2025)
    yellow.refresh_from_db()
    assert (yellow.state, yellow.decision) == (FlagState.RAISED, "accepted")


def test_the_committees_final_grade_survives_a_recompute(scored):
    recompute(2025)
    AnnualSummary.objects.filter(cadre=scored.cadre_b).update(final_grade="基本称职", final_note="综合研判")
    entries(scored.cadre_b, [(9, "JN04", 3)], by=scored.clerk)

    recompute(2025)

    b = summary(scored.cadre_b)
    assert (b.final_grade, b.final_note, b.ledger_add) == ("基本称职", "综合研判", Decimal("3.0"))


def test_a_cadre_who_left_is_not_scored(scored):
    scored.cadre_a_office.status = CadreStatus.LEFT
    scored.cadre_a_office.save()

    assert recompute(2025)["cadres"] == 2
    assert not AnnualSummary.objects.filter(cadre=scored.cadre_a_office).exists()


def test_a_refresh_of_some_cadres_leaves_the_others_components_alone(scored):
    recompute(2025)
    entries(scored.cadre_a, [(10, "ZD02", 3)], by=scored.clerk)
    entries(scored.cadre_b, [(10, "ZD02", 3)], by=scored.clerk)

    recompute(2025, cadre_ids=[scored.cadre_a.pk])

    assert summary(scored.cadre_a).ledger_add == Decimal("14.0")
    assert summary(scored.cadre_b).ledger_add == Decimal("0.0")


def _queries_for_fresh_run():
    AnnualSummary.objects.all().delete()
    CandidateFlag.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        recompute(2025)
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_number_of_cadres(scored):
    recompute(2025)  # the year's default scheme exists from here on
    small = _queries_for_fresh_run()
    unit = make_unit("南山镇", parent=scored.county)
    for i in range(15):
        cadre = make_cadre(unit, name=f"干部{i}")
        year_of_reviews(cadre, ["较差", "好", "好", "一般"], [60 + i, 90, 91, 75])
        entries(cadre, [(5, "SW01", -3), (5, "TB01", -2), (6, "JN04", 2)], by=scored.clerk)

    assert _queries_for_fresh_run() == small


def test_a_year_without_ledger_points_leaves_the_ledger_out_of_the_score(world):
    year_of_reviews(world.cadre_a, ["好"] * 4, [90] * 4, mass="80")
    year_of_reviews(world.cadre_b, ["好"] * 4, [90] * 4, mass="80")
    entries(world.cadre_b, [(1, "JN04", 2)], by=world.clerk)

    recompute(2025)

    a = summary(world.cadre_a)
    assert (a.ledger_normalised, a.score) == (None, Decimal("86.67"))  # (40% × 90 + 20% × 80) / 60%
    assert "no_ledger_points" in a.grade_notes
    assert summary(world.cadre_b).ledger_normalised == Decimal("100.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("parts", [2, 3])
def test_the_ledger_read_on_other_connections_gives_the_year_one_connection_gives(scored, monkeypatch, settings, parts):
    settings.SCORING_LEDGER_PARTS = parts
    called = []
    call = bulk.Beside.call

    def spy(self, function, *args, **kwargs):
        called.append(function.__name__)
        return call(self, function, *args, **kwargs)

    monkeypatch.setattr(bulk.Beside, "call", spy)

    recompute(2025)

    assert called == ["ledger_totals"] * parts  # each part on a connection of its own
    assert summary(scored.cadre_a).score == Decimal("94.10")
    assert summary(scored.cadre_b).month_deductions[4] == "-7.0"
    # A transaction that has written keeps its snapshot to itself: the ledger is read on its own
    # connection then, and finds nothing to change.
    with transaction.atomic():
        Unit.objects.filter(pk=scored.county.pk).update(name="青山县")
        again = recompute(2025)
    assert called == ["ledger_totals"] * parts
    assert (again["summaries_changed"], again["flags_changed"]) == (0, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_ledger_is_read_on_this_connection_when_a_second_one_cannot_be_opened(scored, monkeypatch):
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    copy = wrapper.copy

    def unreachable(self, alias=None):
        other = copy(self, alias)
        other.settings_dict["PORT"] = "1"  # nothing listens there: connection refused
        return other

    monkeypatch.setattr(wrapper, "copy", unreachable)

    result = recompute(2025)

    assert result["cadres"] == 3
    assert summary(scored.cadre_a).score == Decimal("94.10")
    assert summary(scored.cadre_b).month_deductions[4] == "-7.0"
