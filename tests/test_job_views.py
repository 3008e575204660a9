from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from core.jobs import job_fail, job_finish, job_progress
from core.models import Job, JobStatus
from tests.factories import UserFactory, grant


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def job(world):
    return Job.objects.create(
        kind="open_review_cycle",
        params={"year": 2026, "quarter": 4, "unit_id": world.town_a.pk},
        created_by=world.reviewer,
    )


def page(job):
    return reverse("jobs:job-detail", args=[job.pk])


def status(job):
    return reverse("jobs:job-status", args=[job.pk])


def test_a_queued_job_page_shows_a_progress_bar_that_polls_the_status(world, as_user, job):
    response = as_user(world.reviewer).get(page(job))
    assert response.status_code == 200
    assert f'data-job-status-url="{status(job)}"' in response.text
    assert "<progress" in response.text
    assert "js/jobs.js" in response.text
    assert "<script>" not in response.text  # the strict CSP allows no inline scripts


def test_the_status_reports_progress_as_json(world, as_user, job):
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    job_progress(job.pk, done=250, total=1000)
    response = as_user(world.reviewer).get(status(job))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    data = response.json()
    assert data["status"] == "running"
    assert (data["done"], data["total"], data["percent"]) == (250, 1000, 25)
    assert data["finished"] is False
    assert data["result"] is None


def test_a_finished_job_shows_its_summary_and_the_way_to_the_assessor_queue(world, as_user, job):
    job_finish(job.pk, {"created": 2, "year": 2026, "quarter": 4, "unit": "TA"})
    client = as_user(world.reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(page(job))
    assert "data-job-status-url" not in response.text
    assert "Reviews created" in response.text
    queue = reverse("assessments:assessor-queue")
    assert f"{queue}?unit={world.town_a.pk}&amp;year=2026&amp;quarter=4" in response.text
    data = client.get(status(job)).json()
    assert data["finished"] is True and data["percent"] == 100
    assert data["result"]["created"] == 2


def test_a_failed_job_shows_its_error(world, as_user, job):
    job_fail(job.pk, RuntimeError("数据库连接中断"))
    client = as_user(world.reviewer)
    response = client.get(page(job))
    assert "数据库连接中断" in response.text
    assert "data-job-status-url" not in response.text
    assert client.get(status(job)).json()["error"] == "数据库连接中断"


@pytest.mark.parametrize("who", ["clerk", "committee", "sysadmin", "outsider", "other_reviewer"])
def test_only_whoever_started_a_job_sees_it(world, as_user, job, who):
    user = (
        grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
        if who == "other_reviewer"
        else getattr(world, who)
    )
    client = as_user(user)
    assert client.get(page(job)).status_code == 404
    assert client.get(status(job)).status_code == 404


def test_a_missing_job_is_404(world, as_user):
    client = as_user(world.reviewer)
    assert client.get(reverse("jobs:job-detail", args=[999])).status_code == 404
    assert client.get(reverse("jobs:job-status", args=[999])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, job):
    assert client.get(page(job)).status_code == 302
    assert client.get(status(job)).status_code == 302


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_job_views_only_answer_get(world, as_user, job, method):
    client = as_user(world.reviewer)
    assert getattr(client, method)(page(job)).status_code == 405
    assert getattr(client, method)(status(job)).status_code == 405
