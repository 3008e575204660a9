"""Background jobs with progress: created by a service, run by a Celery task, watched from a page."""

from django.db import transaction
from django.utils import timezone

from .models import Job, JobStatus


def job_start(*, actor, kind, params, task):
    """Create the job and queue ``task(job_id)`` once the surrounding transaction commits."""
    job = Job.objects.create(kind=kind, params=params, created_by=actor)
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def job_claim(job_id):
    """Mark a queued job running; False when another worker already has it (or it is finished)."""
    return bool(Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING))


def job_progress(job_id, *, done, total):
    Job.objects.filter(pk=job_id).update(done=done, total=total)


def job_finish(job_id, result):
    Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, result=result, finished_at=timezone.now())


def job_fail(job_id, error):
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now())
