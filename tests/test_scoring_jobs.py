"""Starting a recompute: the committee's job, the command, and the small refresh after a confirmation."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Role
from assessments.models import AnnualSummary
from assessments.scoring.compute import STEPS, recompute
from assessments.scoring.jobs import JOB_KIND, recompute_start
from audit.models import Action, AuditEvent
from core.jobs import job_progress
from core.models import Job, JobStatus
from records.services.ledger import entry_confirm
from tests.factories import UserFactory, grant, make_entry
from tests.scoring_data import entries, year_of_reviews


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def committee_town(world):
    return grant(UserFactory(), Role.COMMITTEE, world.town_a)


def test_the_committee_runs_a_recompute_job_with_a_result_summary(world, eager_celery, run_on_commit):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4)

    with run_on_commit():
        job = recompute_start(actor=world.committee, year=2025)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (STEPS, STEPS)
    assert job.result["cadres"] == 3 and job.result["summaries_changed"] == 3
    assert AnnualSummary.objects.filter(year=2025).count() == 3
    assert AuditEvent.objects.filter(action=Action.COMPUTE, actor_id=world.committee.pk).exists()


def test_a_reviewer_may_not_start_a_recompute(world):
    with pytest.raises(PermissionDenied):
        recompute_start(actor=world.reviewer, year=2025)
    assert not Job.objects.exists()


def test_a_township_committee_recomputes_its_township_but_not_the_county(
    world, committee_town, eager_celery, run_on_commit
):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4)
    with pytest.raises(PermissionDenied):
        recompute_start(actor=committee_town, year=2025)
    with pytest.raises(PermissionDenied):
        recompute_start(actor=committee_town, year=2025, unit=world.town_b)

    with run_on_commit():
        job = recompute_start(actor=committee_town, year=2025, unit=world.town_a)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    # The request and what it changed are filed under the township, for its auditors.
    events = AuditEvent.objects.filter(action=Action.COMPUTE)
    assert {e.unit_id for e in events} == {world.town_a.pk} and events.count() == 2


def test_a_second_start_while_one_waits_returns_the_waiting_job(world):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4)
    waiting = Job.objects.create(kind=JOB_KIND, params={"year": 2025, "unit_id": None}, created_by=world.committee)

    assert recompute_start(actor=world.committee, year=2025) == waiting
    assert Job.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_command_recomputes_a_unit_and_prints_what_it_did(world, eager_celery):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4)
    out = StringIO()

    call_command("recompute_scores", "--year", "2025", "--unit", "TA", stdout=out)
    call_command("recompute_scores", "--year", "2025", "--unit", "TA", stdout=out)

    assert "2 名干部已评分，2 条年度汇总有变化" in out.getvalue()
    assert "2 名干部已评分，0 条年度汇总有变化" in out.getvalue()
    assert set(AnnualSummary.objects.values_list("cadre__staff_no", flat=True)) >= {"A0001", "A0002"}
    assert list(Job.objects.values_list("status", flat=True)) == [JobStatus.DONE, JobStatus.DONE]


def test_the_command_refuses_an_unknown_unit(world):
    with pytest.raises(CommandError):
        call_command("recompute_scores", "--year", "2025", "--unit", "NOPE", stdout=StringIO())


def test_confirming_an_entry_refreshes_that_cadres_numbers(world, eager_celery, django_capture_on_commit_callbacks):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4, year=2026)
    entry = make_entry(world.cadre_a, by=world.clerk, code="JN04", points="3")

    with django_capture_on_commit_callbacks(execute=True):
        entry_confirm(actor=world.reviewer, entry=entry)

    summary = AnnualSummary.objects.get(cadre=world.cadre_a, year=2026)
    assert summary.ledger_add == 3
    assert not AnnualSummary.objects.filter(cadre=world.cadre_b).exists()


def test_nothing_is_refreshed_when_an_entry_is_returned(world, eager_celery, django_capture_on_commit_callbacks):
    from records.services.ledger import entry_return

    entry = make_entry(world.cadre_a, by=world.clerk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry_return(actor=world.reviewer, entry=entry, reason="文号有误")

    assert callbacks == []
    assert not AnnualSummary.objects.exists()


def test_the_nightly_task_recomputes_the_current_year(world, eager_celery, time_machine):
    from assessments.tasks import recompute_current_year

    time_machine.move_to("2025-11-30 03:00 +08:00")
    entries(world.cadre_a, [(2, "JN04", 2)], by=world.clerk)

    assert recompute_current_year.delay().get()["cadres"] == 3
    assert AnnualSummary.objects.get(cadre=world.cadre_a, year=2025).ledger_add == 2


def test_the_job_page_shows_the_summary_and_links_to_the_scores(world, as_user, eager_celery, run_on_commit):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4)
    with run_on_commit():
        job = recompute_start(actor=world.committee, year=2025, unit=world.town_a)

    page = as_user(world.committee).get(f"/jobs/{job.pk}/").content.decode()

    assert "重新计算年度得分和人选提示" in page
    # One unit's recompute grades the whole county again: the count says so (see test_job_views).
    assert "全县重新定等的年度汇总" in page
    assert f"/reviews/annual/?year=2025&amp;unit={world.town_a.pk}" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_recompute_shows_each_step_on_its_job_page_while_it_runs(world):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4)
    job = Job.objects.create(kind=JOB_KIND, params={"year": 2025, "unit_id": None}, status=JobStatus.RUNNING)
    other = connection.copy()
    seen = []

    def progress(done, total):
        job_progress(job.pk, done=done, total=total)
        # What the job page reads while the recompute's transaction is open (NOWAIT: the
        # recompute must not hold the row), and that none of the summaries is committed yet.
        with other.cursor() as cursor:
            cursor.execute("SELECT done, total FROM core_job WHERE id = %s FOR UPDATE NOWAIT", [job.pk])
            row = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM assessments_annualsummary")
            seen.append((*row, cursor.fetchone()[0]))

    try:
        recompute(2025, progress=progress)
    finally:
        other.close()

    # The components, the grading, then the flags of three cadres in one part: the last step.
    assert seen == [(0, STEPS, 0), (1, STEPS, 0), (2, STEPS, 0), (STEPS, STEPS, 0)]
    assert AnnualSummary.objects.filter(year=2025).count() == 3


def test_the_command_refuses_a_year_not_begun_or_with_nothing_recorded(world, time_machine):
    time_machine.move_to("2026-11-21 10:00 +08:00")
    with pytest.raises(CommandError, match="2027 年度尚未开始"):
        call_command("recompute_scores", "--year", "2027", stdout=StringIO())
    with pytest.raises(CommandError, match="全部单位 2024 年度暂无可计算的内容"):
        call_command("recompute_scores", "--year", "2024", stdout=StringIO())
    assert not Job.objects.exists()


def test_what_a_refresh_changes_is_in_the_audit_log_and_a_refresh_changing_nothing_is_not(
    world, eager_celery, django_capture_on_commit_callbacks
):
    year_of_reviews(world.cadre_a, ["好"] * 4, [92] * 4, year=2026)
    entry = make_entry(world.cadre_a, by=world.clerk, code="JN04", points="3")
    with django_capture_on_commit_callbacks(execute=True):
        entry_confirm(actor=world.reviewer, entry=entry)

    (event,) = AuditEvent.objects.filter(action=Action.COMPUTE, model="assessments.annualsummary")
    assert event.changes["summaries_changed"] >= 1 and event.changes["cadre_ids"] == [world.cadre_a.pk]
    assert event.actor_id is None  # the engine, after the reviewer's confirmation
    assert event.unit_id == world.cadre_a.unit_id  # the township's auditors see it

    recompute(2026, cadre_ids=[world.cadre_a.pk])  # nothing changed since
    assert AuditEvent.objects.filter(action=Action.COMPUTE, model="assessments.annualsummary").count() == 1
