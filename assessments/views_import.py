"""Mass evaluation import pages: upload → dry-run preview of every row → confirm, which re-checks and
commits. The same flow as the ledger import (records/views/ledger_import.py)."""

from io import BytesIO

import openpyxl
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.models import Role
from core.access import role_required
from records.importing import UploadStash
from records.imports import XLSX_CONTENT_TYPE
from records.selectors import cadres_visible_to
from records.views.imports import RosterUploadForm

from .mass_import import HEADERS, IMPORT_ROLES, MassFileError, column_guide, mass_evaluation_import
from .models import ReviewStatus
from .selectors import reviews_visible_to

STASH = UploadStash(session_key="mass_evaluation_uploads", folder="mass_evaluation")


class MassUploadForm(RosterUploadForm):
    # Same checks as the roster upload (size, .xlsx, zip signature); only the label differs.
    file = forms.FileField(label=gettext_lazy("Excel mass evaluation sheet (.xlsx)"))


@role_required(Role.CLERK, Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def mass_import_page(request):
    if request.method == "POST" and "token" in request.POST:
        return _commit(request, request.POST["token"])
    form = MassUploadForm(request.POST, request.FILES) if request.method == "POST" else MassUploadForm()
    if request.method == "POST" and form.is_valid():
        return _preview(request, form)
    return _page(request, form)


@role_required(Role.CLERK, Role.REVIEWER)
@require_http_methods(["GET"])
def mass_import_template(request):
    response = HttpResponse(_template_workbook(request.user), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "群众评议导入模板.xlsx")
    return response


def _page(request, form, report=None, token=""):
    context = {
        "form": form,
        "report": report,
        "token": token,
        "columns": column_guide(),
        "max_size": settings.ROSTER_IMPORT_MAX_BYTES,
    }
    return render(request, "assessments/mass_import.html", context)


def _preview(request, form):
    try:
        report = mass_evaluation_import(data=form.content, file_name=form.file_name, user=request.user)
    except MassFileError as exc:
        form.add_error("file", str(exc))
        return _page(request, form)
    token = STASH.put(request, form.content, form.file_name) if report.ok else ""
    return _page(request, MassUploadForm(), report, token)


def _commit(request, token):
    stashed = STASH.take(request, token)
    if stashed is None:
        messages.error(request, _("This upload has expired or is not yours. Upload the file again."))
        return redirect("assessments:mass-import")
    data, file_name = stashed
    try:
        report = mass_evaluation_import(data=data, file_name=file_name, user=request.user, commit=True)
    except MassFileError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:mass-import")
    if not report.committed:
        # Something changed since the preview (a review submitted meanwhile): nothing was written.
        return _page(request, MassUploadForm(), report)
    messages.success(
        request,
        _("Mass evaluations imported: %(updated)d reviews updated, %(recomputed)d quarter scores recomputed.")
        % {"updated": report.updated, "recomputed": report.recomputed},
    )
    return redirect("assessments:mass-import")


# --- The template: a header row, one example row, and a column guide ---

_TEXT_COLUMNS = {"干部编号", "季度"}  # Excel must not turn these into numbers
_ROWS = 1000


def _template_workbook(user):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Mass evaluation")
    sheet.append(list(HEADERS))
    example = _example_row(user)
    sheet.append([example[header] for header in HEADERS])
    for index, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True, color="A61B1B")
        sheet.column_dimensions[letter].width = 16
        if header in _TEXT_COLUMNS:
            for row in range(2, _ROWS + 2):
                sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(_("Instructions"))
    guide.append([_("Column"), _("Required"), _("Description")])
    for header, help_text in column_guide():
        guide.append([header, _("Yes"), str(help_text)])
    for letter, width in zip("ABC", (14, 8, 90), strict=True):
        guide.column_dimensions[letter].width = width
        guide[f"{letter}1"].font = Font(bold=True)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _example_row(user):
    """A review still open for its mass evaluation, so the template uploads back as a valid file."""
    review = (
        reviews_visible_to(user, roles=IMPORT_ROLES)
        .filter(status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])
        .select_related("cadre")
        .order_by("-year", "-quarter", "cadre__staff_no")
        .first()
    )
    if review is not None:
        cadre, year, quarter = review.cadre, review.year, review.quarter
    else:
        today = timezone.localdate()
        cadre = cadres_visible_to(user, roles=IMPORT_ROLES).order_by("staff_no").only("staff_no", "name").first()
        year, quarter = today.year, (today.month - 1) // 3 + 1
    return {
        "干部编号": cadre.staff_no if cadre else "GB000001",
        "姓名": cadre.name if cadre else "张三",
        "年度": year,
        "季度": f"Q{quarter}",
        "群众评议得分": 90,
    }
