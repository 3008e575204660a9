from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessments.models import QuarterlyReview, ReviewStatus
from assessments.services import (
    review_approve,
    review_cycle_open,
    review_return,
    review_score,
    review_set_mass,
    review_submit,
)
from audit.models import AuditEvent
from tests.factories import UserFactory, confirmed_entry, grant, make_cadre


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def url(review):
    return reverse("assessments:review-score", args=[review.pk])


def review_of(cadre):
    return QuarterlyReview.objects.get(cadre=cadre, year=2026, quarter=4)


def form(value="85", **changes):
    data = {name: value for name in ("political", "responsibility", "problem_solving", "bottom_line", "results")}
    data.update({"mass_score": "", "comment": "工作扎实", "grade": "", "do": "save"})
    data.update(changes)
    return data


def scored(review, by, value="85"):
    v = Decimal(value)
    review_score(actor=by, review=review, political=v, responsibility=v, problem_solving=v, bottom_line=v, results=v)
    return review_submit(actor=by, review=review)


@pytest.fixture
def review(world):
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="2", occurred_on=date(2026, 10, 10))
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    return review_of(world.cadre_a)


# --- the page ------------------------------------------------------------------------------------


def test_it_shows_the_cadre_the_quarter_the_ledger_points_and_the_good_quota(world, as_en, review):
    response = as_en(world.reviewer).get(url(review))
    assert response.status_code == 200
    text = response.text
    assert world.cadre_a.name in text and world.town_a.name in text and "2026Q4" in text
    assert "+2.0" in text
    assert reverse("records:cadre-detail", args=[world.cadre_a.pk]) + "#ledger" in text
    assert "好 used 0 of 1" in text
    assert 'id="score-data"' in text and "js/review_score.js" in text


def test_the_suggested_grade_reads_with_the_full_width_colon(world, as_user, review):
    text = as_user(world.reviewer).get(url(review)).text
    assert "建议等次： <strong data-live-grade>" in text and "建议等次:" not in text


def test_an_imported_mass_evaluation_is_filled_in(world, as_user, review):
    review_set_mass(actor=world.clerk, review=review, mass_score=Decimal("88"))
    response = as_user(world.reviewer).get(url(review))
    assert response.context["form"]["mass_score"].value() == Decimal("88.00")


def test_saving_computes_the_score_and_suggested_grade_and_keeps_the_draft(world, as_user, review):
    response = as_user(world.reviewer).post(url(review), form("85"))
    assert response.status_code == 302
    assert response.url == url(review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.score == Decimal("87.00")  # 85 + 2 ledger points
    assert review.suggested_grade == review.grade == "较好"
    assert review.assessor == world.reviewer
    assert review.comment == "工作扎实"


def test_a_draft_may_be_saved_before_every_dimension_is_scored(world, as_user, review):
    response = as_user(world.reviewer).post(url(review), form("85", results=""))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.political == Decimal("85") and review.results is None and review.score is None


def test_submitting_saves_and_submits_for_approval(world, as_user, review):
    response = as_user(world.reviewer).post(url(review), form("95", do="submit"))
    assert response.status_code == 302
    assert response.url == reverse("assessments:assessor-queue")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert review.grade == "好" and review.submitted_at is not None
    events = AuditEvent.objects.filter(
        model="assessments.quarterlyreview", object_id=str(review.pk), action="update"
    ).order_by("id")
    assert [e.changes.get("status") for e in events] == [None, ["draft", "submitted"]]


def test_submitting_without_all_five_dimensions_is_refused_and_saves_nothing(world, as_en, review):
    response = as_en(world.reviewer).post(url(review), form("85", results="", do="submit"))
    assert response.status_code == 200
    assert "Score all five dimensions before submitting." in response.text
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.political is None


def test_a_grade_above_the_suggestion_is_refused_on_the_grade_field(world, as_user, review):
    response = as_user(world.reviewer).post(url(review), form("85", grade="好"))
    assert response.status_code == 200
    assert response.context["form"].errors["grade"]
    review.refresh_from_db()
    assert review.score is None


def test_a_lower_grade_than_suggested_is_kept(world, as_user, review):
    as_user(world.reviewer).post(url(review), form("95", grade="一般"))
    review.refresh_from_db()
    assert (review.suggested_grade, review.grade) == ("好", "一般")


def test_grades_above_the_saved_suggestion_are_offered_disabled(world, as_user, review):
    as_user(world.reviewer).post(url(review), form("85"))
    text = as_user(world.reviewer).get(url(review)).text
    assert '<option value="好" disabled>' in text
    assert '<option value="较好">' in text


def test_the_grade_follows_the_scores_unless_it_was_lowered_by_hand(world, as_user, review):
    client = as_user(world.reviewer)
    client.post(url(review), form("85"))
    assert client.get(url(review)).context["form"]["grade"].value() == ""
    client.post(url(review), form("85", grade="一般"))
    assert client.get(url(review)).context["form"]["grade"].value() == "一般"


def test_scores_outside_0_to_100_are_refused(world, as_user, review):
    response = as_user(world.reviewer).post(url(review), form("85", political="101", mass_score="-1"))
    assert response.context["form"].errors.keys() == {"political", "mass_score"}


def test_a_returned_review_shows_its_reason_and_can_be_scored_again(world, as_user, review):
    approver = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    review_return(actor=approver, review=scored(review, world.reviewer), reason="破题能力评分偏高，请核实")
    client = as_user(world.reviewer)
    response = client.get(url(review))
    assert 'class="return-notice"' in response.text
    assert "破题能力评分偏高，请核实" in response.text
    client.post(url(review), form("80", do="submit"))
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED and review.return_reason == ""


# --- state ----------------------------------------------------------------------------------------


def test_a_submitted_review_opens_read_only(world, as_user, review):
    scored(review, world.reviewer)
    response = as_user(world.reviewer).get(url(review))
    assert response.status_code == 302
    assert response.url == reverse("assessments:review-detail", args=[review.pk])


def test_posting_scores_to_an_approved_review_is_refused_and_it_stays_locked(world, as_en, review):
    approver = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    review_approve(actor=approver, review=scored(review, world.reviewer))
    response = as_en(world.reviewer).post(url(review), form("60"))
    assert response.status_code == 200
    assert "Only a draft or returned review can be scored." in response.text
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED and review.political == Decimal("85")


# --- who may assess ------------------------------------------------------------------------------


def _linked_reviewer(world, username, **cadre_fields):
    cadre = make_cadre(world.town_a, name=username, **cadre_fields)
    return grant(UserFactory(username=username, cadre=cadre), "reviewer", world.town_a)


def test_a_superior_assesses(world, as_user, review):
    boss = _linked_reviewer(world, "boss", leadership_level="正科")
    assert as_user(boss).post(url(review), form("85")).status_code == 302
    review.refresh_from_db()
    assert review.assessor == boss


def test_nobody_assesses_themself(world, as_user, review):
    own = grant(UserFactory(username="li", cadre=world.cadre_a), "reviewer", world.town_a)
    client = as_user(own)
    assert client.get(url(review)).status_code == 403
    assert client.post(url(review), form("100")).status_code == 403
    review.refresh_from_db()
    assert review.score is None


def test_a_peer_does_not_assess(world, as_user, review):
    peer = _linked_reviewer(world, "peer", leadership_level="无")
    assert as_user(peer).get(url(review)).status_code == 403
    assert as_user(peer).post(url(review), form("85")).status_code == 403


def test_a_reviewer_of_other_units_gets_404(world, as_user):
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    assert as_user(world.reviewer).get(url(review_of(world.cadre_b))).status_code == 404


@pytest.mark.parametrize("role", ["clerk", "committee", "sysadmin", "outsider"])
def test_roles_other_than_reviewer_get_403(world, as_user, review, role):
    client = as_user(getattr(world, role))
    assert client.get(url(review)).status_code == 403
    assert client.post(url(review), form("85")).status_code == 403


def test_a_missing_review_is_404(world, as_user):
    assert as_user(world.reviewer).get(reverse("assessments:review-score", args=[999])).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_get_405(world, as_user, review, method):
    assert getattr(as_user(world.reviewer), method)(url(review)).status_code == 405
