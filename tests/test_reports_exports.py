"""Background report files: built once, for their requester, deleted a day later."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Job, JobStatus
from reports.models import ExportFile
from reports.selectors import build_request
from reports.services import export_start, exports_delete_expired
from reports.tasks import build_export, delete_expired_exports
from tests.factories_reports import make_summary


@pytest.fixture
def export(world, eager_celery, django_capture_on_commit_callbacks):
    make_summary(world.cadre_a)
    req = build_request(kind="annual-summary", year=2025, user=world.committee)
    with django_capture_on_commit_callbacks(execute=True):
        export = export_start(actor=world.committee, req=req)
    export.refresh_from_db()
    yield export
    if ExportFile.objects.filter(pk=export.pk).exists():
        export.file.delete(save=False)


def test_the_job_builds_the_file_and_reports_its_rows(world, export):
    assert export.ready and export.rows == 1 and export.size > 0
    assert Path(export.file.path).exists()
    assert export.filename == "2025年度实绩考核汇总表.xlsx"
    job = Job.objects.get(pk=export.job_id)
    assert (job.status, job.result) == (JobStatus.DONE, {"rows": 1})


def test_running_the_job_again_changes_nothing(world, export):
    name = export.file.name
    assert build_export(export.job_id) is None
    export.refresh_from_db()
    assert export.file.name == name


def test_files_past_their_day_are_deleted_with_their_row(world, export):
    path = Path(export.file.path)
    assert exports_delete_expired(now=timezone.now() + timedelta(hours=23)) == 0
    ExportFile.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert delete_expired_exports() == {"deleted": 1}
    assert not path.exists()
    assert not ExportFile.objects.exists()
    assert delete_expired_exports() == {"deleted": 0}


def test_a_requester_who_lost_the_scope_gets_a_failed_job(world, eager_celery, django_capture_on_commit_callbacks):
    from accounts.models import RoleAssignment

    req = build_request(kind="completion", year=2025, unit=world.town_a, user=world.reviewer)
    RoleAssignment.objects.filter(user=world.reviewer).delete()
    world.reviewer._role_cache = None
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        export_start(actor=world.reviewer, req=req)
    export = ExportFile.objects.get()
    assert not export.ready
    assert Job.objects.get(pk=export.job_id).status == JobStatus.FAILED
