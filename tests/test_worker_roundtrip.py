"""The housekeeping task makes a real round trip: Redis broker → Celery worker → database → result.

The worker is a separate process (started by .ci/run), so it can only see committed rows: the test
runs on a transactional database, and the worker is pointed at pytest's test database.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from celery.result import AsyncResult, EagerResult
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.tasks import housekeeping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def make_session(key, expires_in):
    return Session.objects.create(session_key=key, session_data="", expire_date=timezone.now() + expires_in)


def make_attempt(username, age):
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address="127.0.0.1",
        user_agent="pytest",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    # attempt_time is auto_now_add: age the row after creating it.
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - age)
    return attempt


def test_it_runs_housekeeping_in_the_worker_and_deletes_what_expired():
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    make_session("expired-1", timedelta(minutes=-1))
    make_session("expired-2", timedelta(days=-3))
    live = make_session("still-valid", timedelta(minutes=10))
    stale_after = settings.AXES_COOLOFF_TIME + timedelta(days=1)
    make_attempt("old", stale_after + timedelta(hours=1))
    recent = make_attempt("recent", timedelta(minutes=1))

    result = housekeeping.delay()
    counts = result.get(timeout=60)

    assert isinstance(result, AsyncResult)
    assert not isinstance(result, EagerResult)
    assert AsyncResult(result.id).state == "SUCCESS"
    assert counts == {"sessions": 2, "attempts": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]


def test_it_finds_nothing_left_to_delete_on_a_second_run():
    make_session("expired", timedelta(minutes=-1))

    assert housekeeping.delay().get(timeout=60) == {"sessions": 1, "attempts": 0}
    assert housekeeping.delay().get(timeout=60) == {"sessions": 0, "attempts": 0}


def test_a_review_cycle_job_runs_in_the_worker_with_its_progress(world):
    from assessments.models import QuarterlyReview
    from assessments.tasks import open_review_cycle
    from core.models import Job, JobStatus

    job = Job.objects.create(
        kind="open_review_cycle",
        params={"year": 2026, "quarter": 2, "unit_id": world.county.pk},
        created_by=world.reviewer,
    )
    result = open_review_cycle.delay(job.pk)
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=60)["created"] == 3
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3)
    assert QuarterlyReview.objects.filter(year=2026, quarter=2).count() == 3
    assert open_review_cycle.delay(job.pk).get(timeout=60) is None  # a finished job is not run again


def test_a_recompute_job_runs_in_the_worker_and_a_second_run_changes_nothing(world):
    from assessments.models import AnnualSummary, CandidateFlag
    from assessments.scoring.jobs import JOB_KIND
    from assessments.tasks import recompute_scores
    from core.models import Job, JobStatus
    from tests.scoring_data import entries, year_of_reviews

    year_of_reviews(world.cadre_b, ["较差", "一般", "较差", "一般"], [55, 72, 58, 70])
    entries(world.cadre_b, [(5, "SW01", -3), (5, "TB01", -2), (5, "YT01", -2)], by=world.clerk)
    results = []
    for _ in range(2):
        job = Job.objects.create(kind=JOB_KIND, params={"year": 2025, "unit_id": None}, created_by=world.committee)
        result = recompute_scores.delay(job.pk)
        assert not isinstance(result, EagerResult)
        results.append(result.get(timeout=60))
        job.refresh_from_db()
        assert job.status == JobStatus.DONE and job.result == results[-1]

    assert results[0]["cadres"] == 3 and results[0]["flags_raised"] >= 3
    assert (results[1]["summaries_changed"], results[1]["flags_changed"]) == (0, 0)
    assert AnnualSummary.objects.get(cadre=world.cadre_b, year=2025).ledger_deduct == -7
    assert CandidateFlag.objects.filter(cadre=world.cadre_b, kind="yellow_card", state="raised").exists()
