"""Two reviewers pressing "approve" at the same moment, on PostgreSQL's real row locks."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from assessments.models import QuarterlyReview, ReviewStatus
from assessments.services import review_approve, review_cycle_open, review_score, review_submit
from audit.models import AuditEvent
from tests.factories import UserFactory, grant, make_cadre

# eager_celery: an approval queues a score refresh when it commits, which these tests really do; sent
# to CI's real worker, that refresh would run against the test database while it is being flushed.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_celery")]
GOOD = dict(
    political=Decimal(95),
    responsibility=Decimal(95),
    problem_solving=Decimal(95),
    bottom_line=Decimal(95),
    results=Decimal(95),
)


def _race(calls):
    """Run each call in its own thread and connection, released together; collect outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the loser's error is the point
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.fixture
def submitted(world):
    review_cycle_open(year=2026, quarter=1, unit=world.county)
    review = QuarterlyReview.objects.get(cadre=world.cadre_a, quarter=1)
    review_score(actor=world.reviewer, review=review, **GOOD)
    return review_submit(actor=world.reviewer, review=review)


def test_two_reviewers_approving_at_once_make_exactly_one_approval(world, submitted):
    first = grant(UserFactory(username="approver_1"), "reviewer", world.county)
    second = grant(UserFactory(username="approver_2"), "reviewer", world.county)
    outcomes = _race([lambda u=u: review_approve(actor=u, review=submitted) for u in (first, second)])
    assert sorted(outcomes) == ["ValidationError", "ok"]
    review = QuarterlyReview.objects.get(pk=submitted.pk)
    assert review.status == ReviewStatus.APPROVED
    changes = AuditEvent.objects.filter(model="assessments.quarterlyreview", object_id=str(review.pk), action="update")
    assert sum(1 for e in changes if e.changes.get("status") == ["submitted", "approved"]) == 1


def test_two_approvals_racing_for_the_last_good_place_leave_the_quota_intact(world):
    extra = make_cadre(world.town_b, name="新人")  # TB has 2 cadres: 40% → 1 好
    review_cycle_open(year=2026, quarter=1, unit=world.town_b)
    assessor = grant(UserFactory(username="assessor_b"), "reviewer", world.town_b)
    reviews = []
    for cadre in (world.cadre_b, extra):
        review = QuarterlyReview.objects.get(cadre=cadre, quarter=1)
        review_score(actor=assessor, review=review, **GOOD)
        reviews.append(review_submit(actor=assessor, review=review))
    first = grant(UserFactory(username="approver_1"), "reviewer", world.county)
    second = grant(UserFactory(username="approver_2"), "reviewer", world.county)
    outcomes = _race(
        [
            lambda: review_approve(actor=first, review=reviews[0]),
            lambda: review_approve(actor=second, review=reviews[1]),
        ]
    )
    assert sorted(outcomes) == ["ValidationError", "ok"]
    assert QuarterlyReview.objects.filter(grade="好", status=ReviewStatus.APPROVED).count() == 1
