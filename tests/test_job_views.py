from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
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


RECOMPUTED = {"cadres": 599, "summaries_changed": 4, "flags_raised": 1, "flags_withdrawn": 0, "flags_changed": 2}


def _recompute_job(world, unit):
    job = Job.objects.create(
        kind="recompute_scores", params={"year": 2025, "unit_id": unit.pk if unit else None}, created_by=world.committee
    )
    job_finish(job.pk, RECOMPUTED)
    return job


def test_a_units_recompute_keeps_the_unit_in_its_links_and_says_what_was_recomputed(world, as_user):
    job = _recompute_job(world, world.town_a)
    response = as_user(world.committee).get(page(job))
    query = f"?year=2025&amp;unit={world.town_a.pk}"
    assert f'href="{reverse("assessments:score-list")}{query}"' in response.text
    assert f'href="{reverse("assessments:flag-list")}{query}"' in response.text
    # Only the unit's cadres were recomputed; the 599 are the county's summaries graded again.
    assert response.context["summary"][:2] == [
        ("重新计算的干部", "东岭镇及其下级单位"),
        ("全县重新定等的年度汇总（等次按相对排名确定）", 599),
    ]
    assert "已评分干部" not in response.text


def test_a_county_recompute_counts_the_cadres_scored(world, as_user):
    job = _recompute_job(world, None)
    response = as_user(world.committee).get(page(job))
    assert response.context["summary"][0] == ("已评分干部", 599)
    assert f'href="{reverse("assessments:flag-list")}?year=2025"' in response.text


def test_a_failed_job_says_so_in_words_and_keeps_the_exception_for_the_log(world, as_user, job, caplog):
    job_fail(job.pk, RuntimeError('relation "records_cadre" … SELECT id_number FROM …'))
    client = as_user(world.reviewer)
    response = client.get(page(job))
    notice = f"后台处理出错，未保存任何结果。请稍后重试；如再次失败，请告知系统管理员（任务 {job.pk}）。"
    assert notice in response.text
    assert "SELECT" not in response.text and "data-job-status-url" not in response.text
    assert client.get(status(job)).json()["error"] == notice
    assert "SELECT id_number" in caplog.text  # the administrators' log has it


def test_a_refused_job_shows_the_refusal(world, as_user, job):
    from django.core.exceptions import ValidationError

    job_fail(job.pk, ValidationError("2027 年度尚未开始，无可计算的内容。"))
    assert "2027 年度尚未开始" in as_user(world.reviewer).get(page(job)).text


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


def _seen_elsewhere(job):
    """The job's (done, total) as another connection reads it, locking the row without waiting: a
    row this test's transaction holds locked raises instead."""
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT done, total FROM core_job WHERE id = %s FOR UPDATE NOWAIT", [job.pk])
            return cursor.fetchone()
    finally:
        other.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_made_inside_a_transaction_shows_before_it_commits(job):
    with transaction.atomic():
        job_progress(job.pk, done=2, total=6)
        assert _seen_elsewhere(job) == (2, 6)  # the page sees it now, and the row is not held
        job_progress(job.pk, done=3, total=6)
        assert _seen_elsewhere(job) == (3, 6)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_of_a_job_row_this_transaction_holds_is_written_here_without_waiting(job):
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)  # now locked by this transaction
        job_progress(job.pk, done=1, total=4)
        job.refresh_from_db()
        assert (job.done, job.total) == (1, 4)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.RUNNING, 1, 4)


def test_progress_of_a_job_created_in_the_same_transaction_is_kept(world):
    # In a test's own transaction no other connection sees the row: it is written on this one.
    with transaction.atomic():
        job = Job.objects.create(kind="open_review_cycle", params={}, created_by=world.reviewer)
        job_progress(job.pk, done=5, total=10)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (5, 10, 50)


def test_a_finished_job_shows_every_step_done_even_when_the_last_did_not_report(world, as_user, job):
    job_progress(job.pk, done=2, total=3)
    job_finish(job.pk, {"created": 4})

    job.refresh_from_db()
    assert (job.done, job.total) == (3, 3)
    assert as_user(world.reviewer).get(status(job)).json()["done"] == 3
