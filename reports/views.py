"""The reports page (committee and reviewers): build a report now, or in the background when large."""

from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.roles import sole_scope_id
from audit.models import Action
from audit.services import audit_record
from core.access import role_required
from core.forms import apply_service_errors

from .builders import filename, report_count
from .forms import RawExportForm, ReportForm
from .models import ExportFile
from .raw import RAW, raw_export, raw_queryset
from .selectors import REPORT_ROLES, build_request
from .services import export_start, report_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(data, name):
    response = FileResponse(BytesIO(data), as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


def _page(request, form, raw_form):
    exports = ExportFile.objects.filter(requester=request.user, expires_at__gt=timezone.now()).select_related("job")
    return render(request, "reports/index.html", {"form": form, "raw_form": raw_form, "exports": exports[:20]})


@role_required(*REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def report_index(request):
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            req = build_request(user=request.user, **form.request_args())
            rows = report_count(req)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if rows <= settings.REPORTS_DIRECT_MAX_ROWS and not form.cleaned_data["background"]:
                buffer = BytesIO()
                report_export(actor=request.user, req=req, target=buffer)
                return _xlsx_response(buffer.getvalue(), filename(req))
            export = export_start(actor=request.user, req=req)
            return redirect("reports:export-detail", pk=export.pk)
    return _page(request, form, RawExportForm(user=request.user))


def _own_export(user, pk):
    """Only the requester sees a file, and only until it expires; everyone else gets 404."""
    return get_object_or_404(
        ExportFile.objects.select_related("job"), pk=pk, requester=user, expires_at__gt=timezone.now()
    )


@never_cache
@role_required(*REPORT_ROLES)
@require_http_methods(["GET"])
def export_detail(request, pk):
    export = _own_export(request.user, pk)
    return render(request, "reports/export_detail.html", {"export": export, "job": export.job})


@never_cache
@role_required(*REPORT_ROLES)
@require_http_methods(["GET"])
def export_download(request, pk):
    export = _own_export(request.user, pk)
    if not export.file:
        raise Http404
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*REPORT_ROLES)
@require_http_methods(["GET"])
def raw_list_export(request):
    form = RawExportForm(request.GET or None, user=request.user)
    if not form.is_valid():
        return _page(request, ReportForm(user=request.user), form)
    what, unit, year = (form.cleaned_data[k] for k in ("what", "unit", "year"))
    queryset = raw_queryset(what, user=request.user, unit=unit, year=year)
    if queryset.count() > settings.REPORTS_RAW_MAX_ROWS:
        messages.error(request, _("Too many rows for one file: choose a unit or a year."))
        return redirect("reports:index")
    data, rows = raw_export(what, queryset)
    scope = unit.name if unit else _("all units in scope")
    audit_record(
        action=Action.EXPORT,
        user=request.user,
        model=f"reports.raw-{what}",
        changes={"list": what, "unit_id": unit.pk if unit else None, "year": year, "scope": scope, "rows": rows},
        note=f"{RAW[what][0]} · {scope} · {rows} 行",
        unit=unit or sole_scope_id(request.user, REPORT_ROLES),
    )
    return _xlsx_response(data, f"{RAW[what][0]}.xlsx")
