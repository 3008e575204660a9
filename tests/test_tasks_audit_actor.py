"""Background jobs run in a worker, with no request to say who acts: the audit log still names the
user who started the job (MLPS: who, when, what)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assessments.models import QuarterlyReview
from assessments.tasks import open_review_cycle, recompute_scores
from audit.models import Action, AuditEvent
from core.models import Job, JobStatus
from tests.scoring_data import year_of_reviews


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def test_it_files_the_reviews_a_worker_creates_under_the_reviewer_who_opened_the_cycle(world):
    job = Job.objects.create(
        kind="open_review_cycle",
        params={"year": 2026, "quarter": 4, "unit_id": world.town_a.pk},
        created_by=world.reviewer,
    )

    open_review_cycle(job.pk)  # as a worker runs it: outside any request

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    events = AuditEvent.objects.filter(action=Action.CREATE, model="assessments.quarterlyreview")
    assert events.count() == QuarterlyReview.objects.count() == 2
    assert {(e.actor_id, e.actor_name, e.source) for e in events} == {
        (world.reviewer.pk, "reviewer_a", "task:open_review_cycle")
    }


def test_it_files_a_workers_recompute_under_the_committee_member_who_started_it(world):
    year_of_reviews(world.cadre_a, ["好", "好", "好", "较好"], [92, 93, 91, 85])
    job = Job.objects.create(
        kind="recompute_scores", params={"year": 2025, "unit_id": None}, created_by=world.committee
    )

    recompute_scores(job.pk)

    event = AuditEvent.objects.get(action=Action.COMPUTE)
    assert (event.actor_id, event.source) == (world.committee.pk, "task:recompute_scores")
