import csv
import json
import re
from datetime import datetime, time, timedelta

from django.apps import apps
from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.roles import sole_scope_id
from core.access import role_required
from core.paging import paginate
from core.text import spreadsheet_safe
from records.selectors import subtree_ids

from .forms import AuditFilterForm
from .models import Action
from .selectors import events_visible_to, with_unit_names
from .services import audit_record


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_events(user, form):
    """The events in the user's scope that match the form (all of those while it does not validate)."""
    qs = with_unit_names(events_visible_to(user))
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
    if data["unit"]:
        qs = qs.filter(unit_id__in=subtree_ids([data["unit"].pk]))
    if data["success"]:
        qs = qs.filter(success=data["success"] == "1")
    if data["since"]:
        qs = qs.filter(at__gte=_day_start(data["since"]))
    if data["until"]:
        qs = qs.filter(at__lt=_day_start(data["until"] + timedelta(days=1)))
    return qs


# Only these record a field's [before, after]; exports, imports and the rest record plain values.
PAIR_ACTIONS = frozenset({Action.CREATE, Action.UPDATE, Action.DELETE})


def _text(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value if value is None else str(value)


def _plain(value):
    """An export's or import's value: a dict (a report's parameters) reads as key=value pairs."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in value.items() if v is not None)
    return _text(value)


def change_lines(event):
    """(field, value, after, is_pair) per entry of ``event.changes``; a plain value has no after."""
    pairs = event.action in PAIR_ACTIONS
    lines = []
    for field, value in (event.changes or {}).items():
        if pairs and isinstance(value, list) and len(value) == 2:
            lines.append((field, _text(value[0]), _text(value[1]), True))
        else:
            lines.append((field, _plain(value), None, False))
    return lines


# Annual summaries and flags are stored as "<cadre id> <year>" and "<cadre id> <year> <kind>" (their
# __str__, which does not load the cadre); the page names the cadre and the flag's kind instead.
CADRE_REPRS = {
    "assessments.annualsummary": re.compile(r"(\d+) (\d{4})"),
    "assessments.candidateflag": re.compile(r"(\d+) (\d{4}) (\w+)"),
}


def object_labels(events):
    """Each event's object as the page shows it; one query for the cadres of the whole page."""
    matches = {}
    for e in events:
        pattern = CADRE_REPRS.get(e.model)
        if pattern and (match := pattern.fullmatch(e.object_repr)):
            matches[e.pk] = match.groups()
    names = {}
    if matches:
        cadre_ids = {int(groups[0]) for groups in matches.values()}
        names = dict(apps.get_model("records", "Cadre").objects.filter(pk__in=cadre_ids).values_list("pk", "name"))
    kinds = dict(apps.get_model("assessments", "CandidateFlag")._meta.get_field("kind").flatchoices)
    labels = {}
    for e in events:
        groups = matches.get(e.pk)
        if groups is None or int(groups[0]) not in names:
            labels[e.pk] = e.object_repr
            continue
        parts = [names[int(groups[0])], groups[1]]
        if len(groups) > 2:
            parts.append(str(kinds.get(groups[2], groups[2])))
        labels[e.pk] = " ".join(parts)
    return labels


@role_required(Role.AUDITOR)
@require_http_methods(["GET"])
def event_index(request):
    form = AuditFilterForm(request.GET or None, user=request.user)
    page = paginate(request, filtered_events(request.user, form), default=50)
    events = list(page)
    labels = object_labels(events)
    for e in events:
        e.object_label = labels[e.pk]
        e.change_lines = change_lines(e)
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
    "unit_id",
    "unit",
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
                e.unit_id or "",
                e.unit_name or "",
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
    form = AuditFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        # An unreadable filter would otherwise export the whole log; the list shows the form's errors.
        messages.error(request, _("Nothing was exported: correct the filters first."))
        return redirect(f"{reverse('audit:event-list')}?{request.GET.urlencode()}")
    events = filtered_events(request.user, form)
    count = events.count()
    audit_record(
        action=Action.EXPORT,
        model="audit.auditevent",
        note=f"{count} rows; {request.GET.urlencode()}"[:500],
        unit=sole_scope_id(request.user, {Role.AUDITOR}),
    )
    response = StreamingHttpResponse(_export_rows(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
