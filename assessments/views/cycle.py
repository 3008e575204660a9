"""Opening a quarter's review cycle: a background job creates the draft reviews."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from core.access import role_required
from core.forms import apply_service_errors
from core.jobs import job_start
from core.models import Job
from records.models import Unit

from ..forms import CycleOpenForm
from ..services import cycle_open_check
from ..tasks import open_review_cycle

JOB_KIND = "open_review_cycle"


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def cycle_open(request):
    form = CycleOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        unit, year, quarter = (form.cleaned_data[k] for k in ("unit", "year", "quarter"))
        try:
            cycle_open_check(actor=request.user, unit=unit, year=year, quarter=quarter)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            job = job_start(
                actor=request.user,
                kind=JOB_KIND,
                params={"year": year, "quarter": quarter, "unit_id": unit.pk},
                task=open_review_cycle,
            )
            return redirect("jobs:job-detail", pk=job.pk)
    recent = list(Job.objects.filter(created_by=request.user, kind=JOB_KIND).order_by("-created_at")[:10])
    units = Unit.objects.in_bulk({job.params.get("unit_id") for job in recent})
    for job in recent:
        job.unit = units.get(job.params.get("unit_id"))
    return render(request, "assessments/cycle_open.html", {"form": form, "recent": recent})
