from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessments.models import QuarterlyReview
from assessments.services import review_approve, review_cycle_open, review_return, review_score, review_submit
from audit.context import acting
from tests.factories import UserFactory, grant


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def url(review):
    return reverse("assessments:review-detail", args=[review.pk])


def submitted(review, by, value="85"):
    v = Decimal(value)
    review_score(
        actor=by,
        review=review,
        political=v,
        responsibility=v,
        problem_solving=v,
        bottom_line=v,
        results=v,
        comment="踏实肯干",
    )
    return review_submit(actor=by, review=review)


@pytest.fixture
def approver(world):
    return grant(UserFactory(username="reviewer_2", full_name="审核二"), "reviewer", world.county)


@pytest.fixture
def review(world):
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    return QuarterlyReview.objects.get(cadre=world.cadre_a, year=2026, quarter=4)


def test_it_shows_the_scores_who_assessed_and_who_approved(world, as_en, approver, review):
    review_approve(actor=approver, review=submitted(review, world.reviewer))
    response = as_en(world.committee).get(url(review))
    assert response.status_code == 200
    text = response.text
    assert "85.00" in text and "踏实肯干" in text and "较好" in text
    assert str(world.reviewer) in text and "审核二" in text
    assert "Approved and locked." in text


def test_its_history_shows_each_status_change_with_who_and_why(world, as_en, approver, review):
    review_return(actor=approver, review=submitted(review, world.reviewer), reason="请补充实绩材料")
    # Whether the cycle's bulk creation is in the log is the cycle's business; the changes after it are.
    history = [e for e in as_en(world.committee).get(url(review)).context["history"] if e.action != "create"]
    assert [(e.actor_name, e.status_from, e.status_to) for e in history] == [
        ("reviewer_a", "", ""),
        ("reviewer_a", "Draft", "Submitted"),
        ("reviewer_2", "Submitted", "Returned"),
    ]
    assert history[0].scored and history[2].reason == "请补充实绩材料"


def test_a_reopened_reviews_history_names_its_reason_the_person_and_the_source_as_people_read_them(
    world, as_user, approver, review
):
    with acting(source="command:import_mass_evaluation"):
        review_approve(actor=approver, review=submitted(review, world.reviewer))
    client = as_user(approver)
    client.post(reverse("assessments:review-reopen", args=[review.pk]), {"reason": "群众评议分数录入有误"})
    response = client.get(url(review))
    reopened = response.context["history"][-1]
    assert (reopened.actor, reopened.source_label, reopened.reason) == ("审核二", "", "群众评议分数录入有误")
    assert "重新开启原因" in reopened.fields and "重新开账原因" not in response.text
    assert response.context["history"][-2].source_label == "命令"
    row = response.text.split('<table class="list history">')[1]
    assert "审核二" in row and "reviewer_2" not in row and "web" not in row and "命令" in row


def test_the_assessor_is_offered_scoring_and_an_approver_the_decision(world, as_user, approver, review):
    assert reverse("assessments:review-score", args=[review.pk]) in as_user(world.reviewer).get(url(review)).text
    submitted(review, world.reviewer)
    assessor_view = as_user(world.reviewer).get(url(review)).context
    assert not assessor_view["can_score"] and not assessor_view["can_decide"]
    text = as_user(approver).get(url(review)).text
    assert f'value="approve:{review.pk}"' in text
    assert reverse("assessments:approval-queue") in text


def test_an_approved_review_offers_reopening_to_reviewers_only(world, as_user, approver, review):
    review_approve(actor=approver, review=submitted(review, world.reviewer))
    reopen = reverse("assessments:review-reopen", args=[review.pk])
    assert reopen in as_user(approver).get(url(review)).text
    assert reopen in as_user(world.reviewer).get(url(review)).text
    assert reopen not in as_user(world.committee).get(url(review)).text
    assert reopen not in as_user(world.clerk).get(url(review)).text


@pytest.mark.parametrize("role", ["clerk", "reviewer", "committee"])
def test_every_record_role_in_scope_reads_it(world, as_user, review, role):
    assert as_user(getattr(world, role)).get(url(review)).status_code == 200


def test_a_review_outside_the_scope_is_404(world, as_user, review):
    other = QuarterlyReview.objects.get(cadre=world.cadre_b)
    assert as_user(world.reviewer).get(url(other)).status_code == 404
    assert as_user(world.reviewer).get(reverse("assessments:review-detail", args=[999])).status_code == 404


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor", "outsider"])
def test_roles_without_record_access_get_403(world, as_user, review, role):
    assert as_user(getattr(world, role)).get(url(review)).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get(world, as_user, review, method):
    assert getattr(as_user(world.reviewer), method)(url(review)).status_code == 405
