from celery import shared_task

from core.jobs import job_claim, job_fail, job_finish, job_progress
from core.models import Job
from records.models import Unit

from .services import review_cycle_open


@shared_task
def open_review_cycle(job_id):
    """Create a quarter's draft reviews for a unit's subtree; safe to run twice."""
    if not job_claim(job_id):
        return None
    job = Job.objects.get(pk=job_id)
    try:
        unit = Unit.objects.get(pk=job.params["unit_id"])
        result = review_cycle_open(
            year=job.params["year"],
            quarter=job.params["quarter"],
            unit=unit,
            progress=lambda done, total: job_progress(job_id, done=done, total=total),
        )
    except Exception as exc:
        job_fail(job_id, exc)
        raise
    job_finish(job_id, result)
    return result
