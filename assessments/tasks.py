from celery import shared_task
from django.utils import timezone

from audit.context import acting
from core.jobs import job_claim, job_fail, job_finish, job_progress
from core.models import Job
from records.models import Unit

from .scoring.compute import recompute
from .services import review_cycle_open


@shared_task
def open_review_cycle(job_id):
    """Create a quarter's draft reviews for a unit's subtree; safe to run twice."""
    if not job_claim(job_id):
        return None
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        unit = Unit.objects.get(pk=job.params["unit_id"])
        # A worker has no request: the reviews it creates are the reviewer's, who opened the cycle.
        with acting(user=job.created_by, source="task:open_review_cycle"):
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


@shared_task
def recompute_scores(job_id):
    """The committee's recompute of a year, as one task in one transaction.

    Not split into slice tasks when a worker pool is there: measured on the bench county (20,000
    cadres, 2 cores, a pool of 2), four slice tasks and a finishing one took 7.2 s against 4.4 s
    for this one task. Each slice scanned the whole ledger, and the finishing task read every
    summary again to grade the year and evaluate the flags alone. The parallelism is inside the
    task: the ledger is read in ``SCORING_LEDGER_PARTS`` statements side by side on their own connections,
    and the database writes while Python evaluates."""
    if not job_claim(job_id):
        return None
    job = Job.objects.select_related("created_by").get(pk=job_id)
    year, unit_id = job.params["year"], job.params.get("unit_id")
    try:
        unit = Unit.objects.get(pk=unit_id) if unit_id else None
        with acting(user=job.created_by, source="task:recompute_scores"):
            result = recompute(
                year, unit=unit, progress=lambda done, total: job_progress(job_id, done=done, total=total)
            )
    except Exception as exc:
        job_fail(job_id, exc)
        raise
    job_finish(job_id, result)
    return result


@shared_task
def refresh_cadre_scores(cadre_ids, year):
    """A confirmed entry or an approved review: these cadres' numbers, their unit's grades."""
    with acting(source="task:refresh_cadre_scores"):
        return recompute(year, cadre_ids=cadre_ids)


@shared_task
def recompute_current_year():
    """Nightly: the current year for every cadre."""
    with acting(source="task:recompute_current_year"):
        return recompute(timezone.localdate().year)
