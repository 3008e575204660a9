import csv
import json
from datetime import datetime, time, timedelta

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from core.access import role_required
from core.paging import paginate
from core.text import spreadsheet_safe

from .forms import AuditFilterForm
from .models import Action, AuditEvent
from .services import audit_record


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


class _Echo:
    def write(self, value):
        return value


EXPORT_COLUMNS = (
    "at",
    "actor_name",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "ip",
    "request_id",
    "source",
    "success",
    "note",
)


def _export_rows(events):
    writer = csv.writer(_Echo())
    # A byte-order mark so that Excel opens the UTF-8 file with its Chinese intact.
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for e in events.iterator(chunk_size=2000):
        yield writer.writerow(
            spreadsheet_safe(value)
            for value in [
                timezone.localtime(e.at).isoformat(),
                e.actor_name,
                e.action,
                e.model,
                e.object_id,
                e.object_repr,
                json.dumps(e.changes, ensure_ascii=False),
                e.ip or "",
                e.request_id,
                e.source,
                "1" if e.success else "0",
                e.note,
            ]
        )


@role_required(Role.AUDITOR)
@require_http_methods(["GET"])
def event_export(request):
    """The filtered log as CSV; the export itself is an audited event."""
    form = AuditFilterForm(request.GET or None)
    events = filtered_events(form)
    count = events.count()
    audit_record(action=Action.EXPORT, model="audit.auditevent", note=f"{count} rows; {request.GET.urlencode()}"[:500])
    response = StreamingHttpResponse(_export_rows(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
