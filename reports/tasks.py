from celery import shared_task
from django.contrib.auth import get_user_model

from audit.context import acting
from core.jobs import job_claim, job_fail, job_finish, job_progress
from core.models import Job

from .models import ExportFile
from .selectors import request_from_params
from .services import export_run, exports_delete_expired


@shared_task
def build_export(job_id):
    """Build a requested report file; safe to run twice (a claimed or finished job is left alone)."""
    if not job_claim(job_id):
        return None
    job = Job.objects.get(pk=job_id)
    try:
        export = ExportFile.objects.select_related("requester").get(pk=job.params["export_id"])
        user = get_user_model().objects.get(pk=export.requester_id)
        with acting(user=user, source="task:build_export"):
            req = request_from_params(export.params, user=user)
            rows = export_run(
                export=export, req=req, progress=lambda done, total: job_progress(job_id, done=done, total=total)
            )
    except Exception as exc:
        job_fail(job_id, exc)
        raise
    result = {"rows": rows}
    job_finish(job_id, result)
    return result


@shared_task
def delete_expired_exports():
    """Scheduled by beat: report files live a day."""
    return {"deleted": exports_delete_expired()}
