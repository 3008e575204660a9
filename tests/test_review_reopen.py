from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from assessments.models import QuarterlyReview, ReviewStatus
from assessments.services import review_approve, review_cycle_open, review_score, review_submit
from audit.models import AuditEvent
from tests.factories import UserFactory, grant


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def url(review):
    return reverse("assessments:review-reopen", args=[review.pk])


def submitted(review, by):
    v = Decimal("85")
    review_score(actor=by, review=review, political=v, responsibility=v, problem_solving=v, bottom_line=v, results=v)
    return review_submit(actor=by, review=review)


@pytest.fixture
def approver(world):
    return grant(UserFactory(username="reviewer_2"), "reviewer", world.county)


@pytest.fixture
def review(world):
    review_cycle_open(year=2026, quarter=4, unit=world.county)
    return QuarterlyReview.objects.get(cadre=world.cadre_a, year=2026, quarter=4)


@pytest.fixture
def approved(world, approver, review):
    return review_approve(actor=approver, review=submitted(review, world.reviewer))


def test_reopening_sends_an_approved_review_back_with_the_reason(world, as_user, approver, approved):
    response = as_user(approver).post(url(approved), {"reason": "群众评议分数录入有误"})
    assert response.status_code == 302
    assert response.url == reverse("assessments:review-detail", args=[approved.pk])
    approved.refresh_from_db()
    assert approved.status == ReviewStatus.RETURNED
    assert approved.reopen_reason == "群众评议分数录入有误"
    event = AuditEvent.objects.filter(model="assessments.quarterlyreview", object_id=str(approved.pk)).first()
    assert event.changes["status"] == ["approved", "returned"] and event.actor_name == "reviewer_2"
    queue = as_user(world.reviewer).get(reverse("assessments:assessor-queue"))
    assert "群众评议分数录入有误" in queue.text


def test_the_assessor_may_reopen_too(world, as_user, approved):
    as_user(world.reviewer).post(url(approved), {"reason": "漏记一项实绩"})
    assert QuarterlyReview.objects.get(pk=approved.pk).status == ReviewStatus.RETURNED


def test_reopening_needs_a_reason(world, as_user, approver, approved):
    response = as_user(approver).post(url(approved), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert QuarterlyReview.objects.get(pk=approved.pk).status == ReviewStatus.APPROVED


def test_only_an_approved_review_is_reopened(world, as_user, approver, review):
    client = as_user(approver)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Only an approved review is reopened." in client.get(url(review)).text
    response = client.post(url(review), {"reason": "重新评定"})
    assert response.status_code == 200
    assert "Only an approved review is reopened." in response.text
    assert QuarterlyReview.objects.get(pk=review.pk).status == ReviewStatus.DRAFT


def test_the_cadre_cannot_reopen_their_own_review(world, as_user, approved):
    own = grant(UserFactory(username="li", cadre=world.cadre_a), "reviewer", world.county)
    assert as_user(own).post(url(approved), {"reason": "我要重评"}).status_code == 403
    assert QuarterlyReview.objects.get(pk=approved.pk).status == ReviewStatus.APPROVED


@pytest.mark.parametrize("role", ["clerk", "committee", "sysadmin", "outsider"])
def test_roles_other_than_reviewer_get_403(world, as_user, approved, role):
    assert as_user(getattr(world, role)).post(url(approved), {"reason": "重评"}).status_code == 403


def test_a_review_outside_the_scope_is_404(world, as_user, approver, review):
    other = QuarterlyReview.objects.get(cadre=world.cadre_b)
    assert as_user(world.reviewer).post(url(other), {"reason": "重评"}).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_get_405(world, as_user, approved, method):
    assert getattr(as_user(world.reviewer), method)(url(approved)).status_code == 405
