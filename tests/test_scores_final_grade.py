"""summary_final_grade_set: the committee's annual grade, within the 优秀 quota, with a note when it
differs from the suggestion; a cadre on probation gets a comment only."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import AnnualSummary
from assessments.services_committee import summary_final_grade_set
from audit.models import AuditEvent
from records.models import SanctionMeasure
from records.services.sanctions import sanction_create
from tests.factories import make_cadre
from tests.factories_scores import make_summary


def decide(world, summary, grade, note=""):
    return summary_final_grade_set(actor=world.committee, summary=summary, grade=grade, note=note)


def test_confirming_the_suggestion_needs_no_note(world):
    summary = make_summary(world.cadre_a, suggested_grade="称职")
    decide(world, summary, "称职")
    summary.refresh_from_db()
    assert (summary.final_grade, summary.decided_by, summary.grade) == ("称职", world.committee, "称职")
    assert summary.decided_at is not None


def test_a_grade_other_than_the_suggestion_needs_a_note(world):
    summary = make_summary(world.cadre_a, suggested_grade="称职")
    with pytest.raises(ValidationError) as exc:
        decide(world, summary, "基本称职")
    assert "note" in exc.value.message_dict
    decide(world, summary, "基本称职", "年度内两次通报批评")
    summary.refresh_from_db()
    assert (summary.final_grade, summary.final_note) == ("基本称职", "年度内两次通报批评")


def test_a_cadre_on_probation_gets_a_comment_and_no_grade(world):
    cadre = make_cadre(world.town_a, name="试用", on_probation=True)
    summary = make_summary(cadre)
    with pytest.raises(ValidationError) as exc:
        decide(world, summary, "称职", "表现良好")
    assert "grade" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        decide(world, summary, "", "")
    assert "note" in exc.value.message_dict
    decide(world, summary, "", "试用期表现良好，按期转正")
    summary.refresh_from_db()
    assert (summary.final_grade, summary.final_note) == ("", "试用期表现良好，按期转正")
    assert summary.decided_at is not None


def test_an_empty_grade_withdraws_the_committees_grade(world):
    summary = make_summary(world.cadre_a, suggested_grade="称职")
    decide(world, summary, "基本称职", "说明")
    decide(world, summary, "")
    summary.refresh_from_db()
    assert (summary.final_grade, summary.final_note, summary.decided_at) == ("", "", None)
    assert summary.grade == "称职"


def test_excellent_stays_within_the_units_quota(world):
    """Five graded cadres at 20%: one 优秀, already suggested to the first; a second needs a place freed."""
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(4)]
    first = make_summary(world.cadre_a, suggested_grade="优秀", unit_rank=1)
    others = [make_summary(c, suggested_grade="称职", unit_rank=i + 2) for i, c in enumerate(cadres)]
    with pytest.raises(ValidationError) as exc:
        decide(world, others[0], "优秀", "表现突出")
    assert "grade" in exc.value.message_dict and "1" in str(exc.value)
    decide(world, first, "称职", "让出名额")
    decide(world, others[0], "优秀", "表现突出")
    assert AnnualSummary.objects.get(pk=others[0].pk).final_grade == "优秀"


def test_the_quota_counts_the_share_the_computation_applied(world):
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(3)]
    rows = [make_summary(c, excellent_share=Decimal("0.25")) for c in [world.cadre_a, *cadres]]
    decide(world, rows[0], "优秀", "单位评为先进，名额25%")
    with pytest.raises(ValidationError):
        decide(world, rows[1], "优秀", "同上")


def test_a_poor_quarter_or_a_sanction_bars_excellent(world):
    make_cadre(world.town_a, name="甲")
    summary = make_summary(world.cadre_a, q2_grade="较差", grade_notes=["poor_quarter_bars_excellent"])
    with pytest.raises(ValidationError) as exc:
        decide(world, summary, "优秀", "破格")
    assert "grade" in exc.value.message_dict


def test_only_the_committee_in_scope_decides(world):
    summary = make_summary(world.cadre_b)
    for user in (world.reviewer, world.clerk, world.sysadmin, world.outsider):
        with pytest.raises(PermissionDenied):
            summary_final_grade_set(actor=user, summary=summary, grade="称职", note="")


def test_the_decision_is_audited_and_survives_a_recompute_of_the_row(world):
    summary = make_summary(world.cadre_a, suggested_grade="称职", score=Decimal("80"))
    decide(world, summary, "基本称职", "说明")
    summary.refresh_from_db()
    summary.score, summary.suggested_grade, summary.unit_rank = Decimal("75.5"), "基本称职", 2
    AnnualSummary.objects.bulk_update([summary], ["score", "suggested_grade", "unit_rank", "computed_at"])
    summary.refresh_from_db()
    assert (summary.final_grade, summary.final_note, summary.score) == ("基本称职", "说明", Decimal("75.5"))
    event = AuditEvent.objects.get(model="assessments.annualsummary", object_id=str(summary.pk), action="update")
    assert event.changes["final_grade"] == ["", "基本称职"] and event.actor_name == "committee"


def test_a_final_grade_refreshes_the_cadres_flags_after_commit(world, django_capture_on_commit_callbacks, monkeypatch):
    from assessments import tasks

    queued = []
    monkeypatch.setattr(tasks.refresh_cadre_scores, "delay", lambda ids, year: queued.append((ids, year)))
    summary = make_summary(world.cadre_a)
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, summary, "不称职", "全年多次问责")
    assert queued == [([world.cadre_a.pk], 2025)]


def test_a_poor_quarter_bars_excellent_even_where_the_grading_noted_nothing(world):
    # Suggested 基本称职: the grading names a bar only where it took 优秀 from a 称职 score.
    summary = make_summary(world.cadre_a, q3_grade="较差", suggested_grade="基本称职", grade_notes=[])
    with pytest.raises(ValidationError) as exc:
        decide(world, summary, "优秀", "破格")
    assert "较差" in str(exc.value.message_dict["grade"])
    assert AnnualSummary.objects.get(pk=summary.pk).final_grade == ""


def test_a_sanction_of_the_year_that_bars_excellent_bars_the_committees_excellent(world):
    warning = SanctionMeasure.objects.get(kind="政务处分", name="警告")
    assert warning.blocks_excellent
    sanction_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        measure=warning,
        decided_on=date(2025, 5, 6),
        document_no="青纪〔2025〕3号",
        reason="违反工作纪律",
    )
    # The unit's share would allow it: only the sanction stands in the way.
    summary = make_summary(world.cadre_a, suggested_grade="称职", grade_notes=[], excellent_share=Decimal("1"))
    with pytest.raises(ValidationError) as exc:
        decide(world, summary, "优秀", "表现突出")
    assert "处分" in str(exc.value.message_dict["grade"])
    # A sanction of another year does not bar this one (a unit of one with a share that allows it).
    other = make_summary(world.cadre_a, 2026, suggested_grade="称职", grade_notes=[], excellent_share=Decimal("1"))
    decide(world, other, "优秀", "表现突出")
    assert AnnualSummary.objects.get(pk=other.pk).final_grade == "优秀"


def test_withdrawing_a_grade_may_not_give_back_a_suggested_excellent_over_the_quota(world):
    """Five graded cadres at 20%: the committee lowers the suggested 优秀 and gives the place to
    another; withdrawing the first decision would make two 优秀."""
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(4)]
    first = make_summary(world.cadre_a, suggested_grade="优秀", unit_rank=1)
    others = [make_summary(c, suggested_grade="称职", unit_rank=i + 2) for i, c in enumerate(cadres)]
    decide(world, first, "称职", "让出名额")
    decide(world, others[0], "优秀", "表现突出")

    with pytest.raises(ValidationError) as exc:
        decide(world, first, "")
    assert "撤销后将恢复建议等次“优秀”" in str(exc.value.message_dict["grade"])
    assert AnnualSummary.objects.get(pk=first.pk).final_grade == "称职"

    decide(world, others[0], "", "")  # the place is given back: now the suggestion may return
    decide(world, first, "")
    assert AnnualSummary.objects.get(pk=first.pk).grade == "优秀"


def test_a_sanction_bars_excellent_as_its_measure_did_when_it_was_decided(world):
    """Changing the measure's setting later regrades no past year, either way (like impact periods)."""
    warning = SanctionMeasure.objects.get(kind="政务处分", name="警告")
    sanction_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        measure=warning,
        decided_on=date(2025, 5, 6),
        document_no="青纪〔2025〕4号",
        reason="违反工作纪律",
    )
    warning.blocks_excellent = False
    warning.save()
    summary = make_summary(world.cadre_a, suggested_grade="称职", grade_notes=[], excellent_share=Decimal("1"))
    with pytest.raises(ValidationError):
        decide(world, summary, "优秀", "表现突出")

    admonition = SanctionMeasure.objects.get(kind="诫勉")
    assert not admonition.blocks_excellent
    sanction_create(
        actor=world.county_clerk,
        cadre=world.cadre_b,
        measure=admonition,
        decided_on=date(2025, 6, 1),
        document_no="青纪〔2025〕5号",
        reason="工作不力",
    )
    admonition.blocks_excellent = True  # from now on; this one was decided before
    admonition.save()
    other = make_summary(world.cadre_b, suggested_grade="称职", grade_notes=[], excellent_share=Decimal("1"))
    decide(world, other, "优秀", "表现突出")
    assert AnnualSummary.objects.get(pk=other.pk).final_grade == "优秀"
