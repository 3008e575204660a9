"""A background job's page and its progress as JSON, for the user who started it only."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from records.models import Unit

from .middleware import polled
from .models import Job, JobStatus

FINISHED = (JobStatus.DONE, JobStatus.FAILED)
RESULT_LABELS = {
    "created": gettext_lazy("Reviews created"),
    "year": gettext_lazy("year"),
    "quarter": gettext_lazy("quarter"),
    "unit": gettext_lazy("unit code"),
    "cadres": gettext_lazy("Cadres scored"),
    "summaries_changed": gettext_lazy("Summaries changed"),
    "flags_raised": gettext_lazy("Flags raised"),
    "flags_withdrawn": gettext_lazy("Flags withdrawn"),
    "flags_changed": gettext_lazy("Flags written"),
    "seconds": gettext_lazy("Seconds"),
}


def _review_links(job):
    query = urlencode({k: job.params[p] for k, p in (("unit", "unit_id"), ("year", "year"), ("quarter", "quarter"))})
    return [
        (_("Assessor queue"), f"{reverse('assessments:assessor-queue')}?{query}"),
        (_("Quarter overview"), f"{reverse('assessments:overview')}?{query}"),
    ]


def _score_links(job):
    query = {"year": job.params["year"]}
    if job.params.get("unit_id"):
        query["unit"] = job.params["unit_id"]
    query = urlencode(query)
    return [
        (_("Annual summary"), f"{reverse('assessments:score-list')}?{query}"),
        (_("Flags"), f"{reverse('assessments:flag-list')}?{query}"),
    ]


def _summary(job, labels=RESULT_LABELS):
    return [(labels.get(k, k), v) for k, v in job.result.items()]


def _score_summary(job):
    """A recompute of one unit refreshes the numbers of that unit's cadres only, but grades every
    summary of the year again (grades are relative), so its count of summaries is named for that."""
    unit_id = job.params.get("unit_id")
    if not unit_id or not job.result:
        return _summary(job)
    rows = _summary(job, {**RESULT_LABELS, "cadres": _("Summaries graded again, county-wide (grades are relative)")})
    unit = Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first()
    if unit is not None:
        rows.insert(0, (_("Cadres recomputed"), _("%(unit)s and its subunits") % {"unit": unit}))
    return rows


# What each kind of job is called, where its user goes once it is done, and how its result reads.
KINDS = {
    "open_review_cycle": (gettext_lazy("Opening a review cycle"), _review_links, _summary),
    "recompute_scores": (gettext_lazy("Recomputing annual scores and flags"), _score_links, _score_summary),
}


def _job_for_user(user, pk):
    """Only whoever started a job sees it; everyone else gets 404."""
    return get_object_or_404(Job, pk=pk, created_by=user)


def _status(job):
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.status in FINISHED,
        "result": job.result if job.status == JobStatus.DONE else None,
        "error": job.error if job.status == JobStatus.FAILED else "",
    }


@never_cache
@login_required
@require_http_methods(["GET"])
def job_detail(request, pk):
    job = _job_for_user(request.user, pk)
    title, links, summary = KINDS.get(job.kind, (job.kind, None, _summary))
    return render(
        request,
        "core/job_detail.html",
        {
            "job": job,
            "title": title,
            "finished": job.status in FINISHED,
            "summary": summary(job),
            "links": links(job) if links and job.status == JobStatus.DONE else [],
        },
    )


@polled
@never_cache
@login_required
@require_http_methods(["GET"])
def job_status(request, pk):
    return JsonResponse(_status(_job_for_user(request.user, pk)))
