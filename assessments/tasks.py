from celery import chord, shared_task
from django.conf import settings
from django.db.models import F, Max, Min
from django.utils import timezone

from audit.context import acting
from core.jobs import job_claim, job_fail, job_finish, job_progress
from core.models import Job
from records.models import Cadre, Unit

from .scoring.compute import ACTIVE, audit_result, grade_and_flag, recompute, refresh_components
from .services import review_cycle_open

# A county larger than this is split into slices, one task each, when a worker pool is there.
SPLIT_MIN_CADRES = 5000
SLICES = 4


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


def _slices(year):
    """Cadre id ranges of roughly equal size, or None when one task will do."""
    active = Cadre.objects.filter(status__in=ACTIVE)
    bounds = active.aggregate(low=Min("id"), high=Max("id"))
    count = active.count()
    if settings.CELERY_TASK_ALWAYS_EAGER or count < SPLIT_MIN_CADRES or bounds["low"] is None:
        return None
    ids = list(active.order_by("id").values_list("id", flat=True))[:: -(-count // SLICES)]
    edges = [*ids[1:], bounds["high"] + 1]
    return [(low, high - 1) for low, high in zip(ids, edges, strict=True)]


@shared_task
def recompute_scores(job_id):
    """The committee's recompute of a year; a large county runs as a few slice tasks, then one
    task grades the year and refreshes the flags."""
    if not job_claim(job_id):
        return None
    job = Job.objects.select_related("created_by").get(pk=job_id)
    year, unit_id = job.params["year"], job.params.get("unit_id")
    try:
        slices = None if unit_id else _slices(year)
        if slices:
            job_progress(job_id, done=0, total=len(slices) + 1)
            header = [recompute_slice.si(job_id, year, low, high) for low, high in slices]
            chord(header)(recompute_finish.si(job_id, year, timezone.now().timestamp()))
            return None
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
def recompute_slice(job_id, year, low, high):
    try:
        changed = refresh_components(year, cadre_id_range=(low, high))
    except Exception as exc:
        job_fail(job_id, exc)
        raise
    Job.objects.filter(pk=job_id).update(done=F("done") + 1)
    return len(changed)


@shared_task
def recompute_finish(job_id, year, started):
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        result = grade_and_flag(year)
        result["summaries_changed"] = len(result.pop("graded_changed"))
        with acting(user=job.created_by, source="task:recompute_scores"):
            audit_result(year, result)
        result["seconds"] = round(timezone.now().timestamp() - started, 2)
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
