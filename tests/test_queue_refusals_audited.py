"""A decision the queues refuse for who is asking (their own entry, what they assessed, a unit they do
not review) is a refused write: audited as the API's 403 for the same decision is."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessments.models import ReviewStatus
from audit.models import Action, AuditEvent
from records.models import EntryStatus
from records.services.ledger import entries_return
from tests.factories import UserFactory, grant, make_entry
from tests.test_review_approve_queue import review_of, status, submitted

LEDGER_QUEUE = reverse("records:review-queue")
APPROVAL_QUEUE = reverse("assessments:approval-queue")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _denied(user):
    return AuditEvent.objects.filter(action=Action.DENIED, actor_id=user.pk, success=False)


def test_confirming_ones_own_entry_from_the_queue_is_audited_as_refused(world, as_user):
    grant(world.reviewer, "clerk", world.town_a)
    own = make_entry(world.cadre_a, by=world.reviewer)
    other = make_entry(world.cadre_a, by=world.clerk)

    as_user(world.reviewer).post(LEDGER_QUEUE, {"do": "confirm", "entries": [own.pk, other.pk]})

    event = _denied(world.reviewer).get()
    assert (event.model, event.object_id, event.unit_id) == ("records.ledgerentry", str(own.pk), world.town_a.pk)
    own.refresh_from_db()
    assert own.status == EntryStatus.PENDING


def test_deciding_an_entry_of_a_unit_one_does_not_review_is_audited_as_refused(world):
    # The pages leave such entries out before asking; the service, which imports and other callers
    # reach too, refuses and records it all the same.
    entry_b = make_entry(world.cadre_b, by=world.county_clerk)

    done, problems = entries_return(actor=world.reviewer, entries=[entry_b], reason="x")

    assert (done, list(problems)) == (0, [entry_b.pk])
    assert _denied(world.reviewer).get().object_id == str(entry_b.pk)


def test_an_entry_already_decided_is_no_refusal(world, as_user):
    entry = make_entry(world.cadre_a, by=world.clerk)
    client = as_user(world.reviewer)
    client.post(LEDGER_QUEUE, {"do": "confirm", "entries": [entry.pk]})

    client.post(LEDGER_QUEUE, {"do": "confirm", "entries": [entry.pk]})

    assert not _denied(world.reviewer).exists()


def test_approving_what_one_assessed_from_the_queue_is_audited_as_refused(world, as_user):
    from assessments.services import review_cycle_open

    review_cycle_open(year=2026, quarter=4, unit=world.county)
    review = submitted(world.cadre_a, world.reviewer)

    as_user(world.reviewer).post(APPROVAL_QUEUE, {"do": "approve", "reviews": [review.pk]})

    assert status(review) == ReviewStatus.SUBMITTED
    event = _denied(world.reviewer).get()
    assert (event.model, event.object_id) == ("assessments.quarterlyreview", str(review.pk))


def test_a_quota_refusal_is_no_denied_write(world, as_user):
    from assessments.services import review_cycle_open

    review_cycle_open(year=2026, quarter=4, unit=world.county)
    approver = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    review = submitted(world.cadre_a, world.reviewer)

    as_user(approver).post(APPROVAL_QUEUE, {"do": "approve", "reviews": [review.pk]})

    assert status(review) == ReviewStatus.APPROVED
    assert not _denied(approver).exists()
    assert review_of(world.cadre_a).status == ReviewStatus.APPROVED
