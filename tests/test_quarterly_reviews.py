from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from assessments.models import QuarterlyReview, ReviewStatus, ScoringScheme
from assessments.services import (
    review_approve,
    review_cycle_open,
    review_reopen,
    review_return,
    review_score,
    review_set_mass,
    review_submit,
    reviews_approve,
    scheme_for,
    scheme_update,
)
from audit.models import AuditEvent
from records.services.ledger import entry_reverse, ruling_apply, ruling_determine, ruling_verify
from tests.factories import UserFactory, confirmed_entry, grant, make_cadre

D = Decimal
GOOD = dict(political=D(95), responsibility=D(95), problem_solving=D(95), bottom_line=D(95), results=D(95))
FAIR = dict(political=D(85), responsibility=D(85), problem_solving=D(85), bottom_line=D(85), results=D(85))


@pytest.fixture
def approver(world):
    return grant(UserFactory(username="reviewer_2"), "reviewer", world.county)


@pytest.fixture
def q1(world):
    review_cycle_open(year=2026, quarter=1, unit=world.county)
    return {r.cadre_id: r for r in QuarterlyReview.objects.filter(year=2026, quarter=1)}


def _assessed(world, review, scores=GOOD, **kwargs):
    review_score(actor=world.reviewer, review=review, **scores, **kwargs)
    return review_submit(actor=world.reviewer, review=review)


def test_opening_a_cycle_drafts_a_review_for_every_active_cadre_once(world):
    make_cadre(world.town_a, name="退休者", status="退休")
    assert review_cycle_open(year=2026, quarter=1, unit=world.county)["created"] == 3
    assert review_cycle_open(year=2026, quarter=1, unit=world.county)["created"] == 0
    assert QuarterlyReview.objects.filter(status=ReviewStatus.DRAFT).count() == 3


def test_a_township_cycle_reaches_only_its_subtree(world):
    review_cycle_open(year=2026, quarter=1, unit=world.town_a)
    assert set(QuarterlyReview.objects.values_list("cadre__name", flat=True)) == {"李明", "王芳"}


def test_reviews_carry_the_quarters_confirmed_effective_ledger_points(world):
    confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN04", points="3", occurred_on=date(2026, 2, 3)
    )
    deduction = confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-3", occurred_on=date(2026, 2, 9)
    )
    reduced = confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW02", points="-2", occurred_on=date(2026, 3, 9)
    )
    reversed_one = confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN05", points="5", occurred_on=date(2026, 3, 1)
    )
    confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="ZD02", points="4", occurred_on=date(2026, 4, 2)
    )
    from tests.factories import make_entry

    make_entry(
        world.cadre_a, by=world.clerk, code="JN03", points="2", occurred_on=date(2026, 3, 5)
    )  # pending: not counted
    for entry, outcome, value in ((deduction, "waived", None), (reduced, "reduced", D("-1"))):
        ruling = ruling_apply(actor=world.clerk, entry=entry, basis="trial", application="x")
        ruling = ruling_verify(actor=world.reviewer, ruling=ruling, findings="x")
        ruling_determine(actor=world.reviewer, ruling=ruling, outcome=outcome, reduced_points=value, determination="x")
    reversal = entry_reverse(actor=world.clerk, entry=reversed_one, reason="重复")
    from records.services.ledger import entry_confirm

    entry_confirm(actor=world.reviewer, entry=reversal)
    review_cycle_open(year=2026, quarter=1, unit=world.county)
    review = QuarterlyReview.objects.get(cadre=world.cadre_a, quarter=1)
    assert review.ledger_points == D("2.0")  # 3 + 0 (waived) − 1 (reduced) + 5 − 5 (reversed); April is Q2


def test_scoring_computes_the_score_and_suggested_grade(world, q1):
    review = review_score(
        actor=world.reviewer, review=q1[world.cadre_a.pk], **GOOD, mass_score=D(90), comment="担当作为突出"
    )
    assert (review.score, review.suggested_grade, review.grade) == (D("94.00"), "好", "好")


def test_the_assessor_may_lower_the_grade_but_not_raise_it(world, q1):
    review = review_score(actor=world.reviewer, review=q1[world.cadre_a.pk], **GOOD, grade="较好")
    assert review.grade == "较好"
    with pytest.raises(ValidationError):
        review_score(actor=world.reviewer, review=q1[world.cadre_a.pk], **FAIR, grade="好")


def test_nobody_assesses_their_own_review(world, q1):
    world.reviewer.cadre = world.cadre_a
    world.reviewer.save()
    with pytest.raises(PermissionDenied):
        review_score(actor=world.reviewer, review=q1[world.cadre_a.pk], **GOOD)


def test_a_peer_does_not_assess_but_a_superior_does(world, q1):
    peer_cadre = make_cadre(world.town_a, name="同级")
    peer = grant(UserFactory(cadre=peer_cadre), "reviewer", world.town_a)
    with pytest.raises(PermissionDenied):
        review_score(actor=peer, review=q1[world.cadre_a.pk], **GOOD)
    boss_cadre = make_cadre(world.town_a, name="书记", leadership_level="正科", is_leader=True)
    boss = grant(UserFactory(cadre=boss_cadre), "reviewer", world.town_a)
    assert review_score(actor=boss, review=q1[world.cadre_a.pk], **GOOD).assessor == boss
    county_cadre = make_cadre(world.county, name="县里")
    county = grant(UserFactory(cadre=county_cadre), "reviewer", world.county)
    assert review_score(actor=county, review=q1[world.cadre_a_office.pk], **GOOD).assessor == county


@pytest.mark.parametrize("who", ["clerk", "committee", "outsider", "sysadmin"])
def test_only_reviewers_in_scope_assess(world, q1, who):
    with pytest.raises(PermissionDenied):
        review_score(actor=getattr(world, who), review=q1[world.cadre_a.pk], **GOOD)


def test_a_reviewer_outside_the_scope_does_not_assess(world, q1):
    with pytest.raises(PermissionDenied):
        review_score(actor=world.reviewer, review=q1[world.cadre_b.pk], **GOOD)


def test_submitting_needs_all_scores(world, q1):
    with pytest.raises(ValidationError):
        review_submit(actor=world.reviewer, review=q1[world.cadre_a.pk])


def test_the_assessor_cannot_approve_what_they_assessed(world, q1):
    review = _assessed(world, q1[world.cadre_a.pk])
    with pytest.raises(PermissionDenied):
        review_approve(actor=world.reviewer, review=review)


def test_the_cadre_cannot_approve_their_own_review(world, q1, approver):
    review = _assessed(world, q1[world.cadre_a.pk])
    approver.cadre = world.cadre_a
    approver.save()
    with pytest.raises(PermissionDenied):
        review_approve(actor=approver, review=review)


def test_approval_locks_the_review(world, q1, approver):
    review = review_approve(actor=approver, review=_assessed(world, q1[world.cadre_a.pk]))
    assert (review.status, review.approver) == (ReviewStatus.APPROVED, approver)
    with pytest.raises(ValidationError):
        review_score(actor=world.reviewer, review=review, **FAIR)
    with pytest.raises(ValidationError):
        review_set_mass(actor=world.reviewer, review=review, mass_score=D(60))
    with pytest.raises(ValidationError):
        review_approve(actor=approver, review=review)


def test_a_returned_review_goes_back_to_the_assessor_with_its_reason(world, q1, approver):
    review = _assessed(world, q1[world.cadre_a.pk])
    with pytest.raises(ValidationError):
        review_return(actor=approver, review=review, reason="")
    review = review_return(actor=approver, review=review, reason="评语过于简单")
    assert (review.status, review.return_reason) == (ReviewStatus.RETURNED, "评语过于简单")
    review = _assessed(world, review, FAIR)
    assert review.status == ReviewStatus.SUBMITTED and review.return_reason == ""


def test_reopening_an_approved_review_needs_a_reason_and_is_audited(world, q1, approver):
    review = review_approve(actor=approver, review=_assessed(world, q1[world.cadre_a.pk]))
    with pytest.raises(ValidationError):
        review_reopen(actor=approver, review=review, reason=" ")
    review = review_reopen(actor=approver, review=review, reason="群众评议数据更正")
    assert review.status == ReviewStatus.RETURNED and review.reopen_reason == "群众评议数据更正"
    event = AuditEvent.objects.filter(model="assessments.quarterlyreview", object_id=str(review.pk)).latest("id")
    assert event.changes["status"] == ["approved", "returned"] and event.actor_name == "reviewer_2"


def test_the_good_quota_is_enforced_at_approval(world, approver):
    cadres = [make_cadre(world.town_b, name=f"干部{i}") for i in range(4)]  # 5 cadres in TB: 40% → 2
    review_cycle_open(year=2026, quarter=1, unit=world.town_b)
    county_assessor = grant(UserFactory(username="assessor_b"), "reviewer", world.town_b)
    reviews = []
    for cadre in [world.cadre_b, *cadres]:
        review = QuarterlyReview.objects.get(cadre=cadre, quarter=1)
        review_score(actor=county_assessor, review=review, **GOOD)
        reviews.append(review_submit(actor=county_assessor, review=review))
    done, problems = reviews_approve(actor=approver, reviews=reviews)
    assert done == 2 and len(problems) == 3
    assert all("好" in p for p in problems.values())
    assert QuarterlyReview.objects.filter(status=ReviewStatus.APPROVED, grade="好").count() == 2


def test_mass_evaluation_recomputes_a_scored_review(world, q1):
    review = review_score(actor=world.reviewer, review=q1[world.cadre_a.pk], **GOOD)
    assert review.score == D("95.00")
    review = review_set_mass(actor=world.clerk, review=review, mass_score=D(70))
    assert review.score == D("90.00") and review.suggested_grade == "好"


def test_a_scheme_in_use_is_versioned_not_overwritten(world, q1, approver):
    scheme = scheme_for(2026, world.cadre_a)
    review = review_approve(actor=approver, review=_assessed(world, q1[world.cadre_a.pk]))
    new = scheme_update(actor=world.sysadmin, scheme=scheme, good_min=D(96))
    assert new.version == 2 and new.pk != scheme.pk
    scheme.refresh_from_db()
    assert scheme.good_min == D(90) and not scheme.is_current
    review.refresh_from_db()
    assert review.scheme == scheme and review.grade == "好"
    fresh = review_score(actor=world.reviewer, review=q1[world.cadre_a_office.pk], **GOOD)
    assert fresh.scheme == new and fresh.suggested_grade == "较好"


def test_an_unused_scheme_is_edited_in_place(world):
    scheme = ScoringScheme.objects.create(year=2027, name="2027")
    edited = scheme_update(actor=world.sysadmin, scheme=scheme, good_min=D(92))
    assert edited.pk == scheme.pk and edited.version == 1


def test_only_the_system_admin_changes_schemes(world):
    scheme = ScoringScheme.objects.create(year=2027, name="2027")
    with pytest.raises(PermissionDenied):
        scheme_update(actor=world.reviewer, scheme=scheme, good_min=D(92))


def test_leaders_get_the_leaders_scheme(world):
    leaders = ScoringScheme.objects.create(year=2026, name="领导干部", cadre_group="leaders", w_results=D(2))
    boss = make_cadre(world.town_a, name="镇长", is_leader=True, leadership_level="正科")
    assert scheme_for(2026, boss) == leaders
    assert scheme_for(2026, world.cadre_a).cadre_group == "all"


def test_the_current_quarter_is_open_but_not_the_next(world):
    from assessments.services import cycle_open_check

    with time_machine.travel(date(2026, 11, 21), tick=False):
        cycle_open_check(actor=world.reviewer, unit=world.town_a, year=2026, quarter=4)
        with pytest.raises(ValidationError):
            cycle_open_check(actor=world.reviewer, unit=world.town_a, year=2027, quarter=1)
    with pytest.raises(PermissionDenied):
        cycle_open_check(actor=world.clerk, unit=world.town_a, year=2026, quarter=1)


def test_a_lower_mass_score_lowers_the_grade_with_the_suggestion(world, q1):
    review = review_score(actor=world.reviewer, review=q1[world.cadre_a.pk], **GOOD, mass_score=D(95))
    assert review.grade == "好"
    review = review_set_mass(actor=world.clerk, review=review, mass_score=D(40))
    assert (review.suggested_grade, review.grade) == ("较好", "较好")


def test_a_lowered_grade_survives_a_new_mass_score(world, q1):
    review = review_score(actor=world.reviewer, review=q1[world.cadre_a.pk], **GOOD, grade="一般")
    review = review_set_mass(actor=world.clerk, review=review, mass_score=D(99))
    assert review.grade == "一般"


def test_opening_a_cycle_audits_every_review_it_creates(world):
    review_cycle_open(year=2026, quarter=2, unit=world.county)
    created = AuditEvent.objects.filter(model="assessments.quarterlyreview", action="create")
    assert created.count() == 3
    assert {e.changes["status"][1] for e in created} == {"draft"}


def test_a_draft_review_shows_the_quarters_points_as_the_ledger_has_them(world, q1):
    review = q1[world.cadre_a.pk]
    assert review.ledger_points == D("0")
    confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN04", points="3", occurred_on=date(2026, 2, 3)
    )
    review.refresh_from_db()
    assert (review.ledger_points, review.score) == (D("3.0"), None)
    scored = review_score(actor=world.reviewer, review=review, **FAIR)
    confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN05", points="2", occurred_on=date(2026, 3, 3)
    )
    scored.refresh_from_db()
    assert scored.ledger_points == D("5.0")
    assert scored.score == FAIR["political"] + D("5.0") * scored.scheme.quarter_weights.ledger_factor


def test_approval_takes_the_points_as_they_are_and_refuses_a_grade_they_no_longer_allow(world, q1, approver):
    import math

    review = _assessed(world, q1[world.cadre_a.pk])
    weights, good = review.scheme.quarter_weights, review.scheme.thresholds.good
    assert review.grade == "好"
    # Deductions confirmed after the submission bring the score under the 好 line.
    needed = math.ceil((review.score - good + D("0.01")) / (3 * weights.ledger_factor))
    for n in range(needed):
        confirmed_entry(
            world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-3",
            occurred_on=date(2026, 3, 1 + n), document_no=f"青督查通〔2026〕{n + 1}号",
        )  # fmt: skip
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        review_approve(actor=approver, review=review)
    assert "return the review" in str(exc.value)
    review.refresh_from_db()
    assert (review.status, review.grade) == (ReviewStatus.SUBMITTED, "好")
    review_return(actor=approver, review=review, reason="积分有变动，请重新评定")
    again = _assessed(world, review, grade="较好")
    assert (again.ledger_points, again.grade) == (D(-3 * needed), "较好")
    assert review_approve(actor=approver, review=again).status == ReviewStatus.APPROVED


def test_a_deduction_waived_after_the_submission_is_not_locked_in_by_the_approval(world, approver):
    deduction = confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-3", occurred_on=date(2026, 2, 9)
    )
    review_cycle_open(year=2026, quarter=1, unit=world.county)
    review = _assessed(world, QuarterlyReview.objects.get(cadre=world.cadre_a, quarter=1), grade="较好")
    assert review.ledger_points == D("-3.0")
    ruling = ruling_apply(actor=world.clerk, entry=deduction, basis="trial", application="x")
    ruling = ruling_verify(actor=world.reviewer, ruling=ruling, findings="x")
    ruling_determine(actor=world.reviewer, ruling=ruling, outcome="waived", reduced_points=None, determination="x")

    approved = review_approve(actor=approver, review=review)
    approved.refresh_from_db()
    assert (approved.status, approved.ledger_points, approved.grade) == (ReviewStatus.APPROVED, D("0.0"), "较好")
