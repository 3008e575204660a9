from datetime import datetime, time, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from core.access import role_required
from core.paging import paginate

from .forms import AuditFilterForm
from .models import AuditEvent


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_events(form):
    qs = AuditEvent.objects.all()
    if not form.is_valid():
        return qs
    data = form.cleaned_data
    if data["actor"]:
        qs = qs.filter(actor_name__contains=data["actor"])
    if data["action"]:
        qs = qs.filter(action=data["action"])
    if data["model"]:
        qs = qs.filter(model__contains=data["model"])
    if data["object_id"]:
        qs = qs.filter(object_id=data["object_id"])
    if data["success"]:
        qs = qs.filter(success=data["success"] == "1")
    if data["since"]:
        qs = qs.filter(at__gte=_day_start(data["since"]))
    if data["until"]:
        qs = qs.filter(at__lt=_day_start(data["until"] + timedelta(days=1)))
    return qs


@role_required(Role.AUDITOR)
@require_http_methods(["GET"])
def event_index(request):
    form = AuditFilterForm(request.GET or None)
    page = paginate(request, filtered_events(form), default=50)
    return render(request, "audit/event_list.html", {"form": form, "page": page})
