"""Mass evaluation import pages: upload → dry-run preview of every row → confirm, which re-checks and
commits. The same flow as the ledger import (records/views/ledger_import.py)."""

from io import BytesIO

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.models import Role
from core.access import role_required
from records.import_flow import ImportFlow
from records.importing import UploadStash
from records.imports import XLSX_CONTENT_TYPE
from records.selectors import cadres_visible_to

from .mass_import import HEADERS, IMPORT_ROLES, MassFileError, column_guide, mass_evaluation_import
from .models import ReviewStatus
from .selectors import reviews_visible_to

FLOW = ImportFlow(
    run=mass_evaluation_import,
    file_error=MassFileError,
    stash=UploadStash(session_key="mass_evaluation_uploads", folder="mass_evaluation"),
    template="assessments/mass_import.html",
    url_name="assessments:mass-import",
    label=gettext_lazy("Excel mass evaluation sheet (.xlsx)"),
    columns=column_guide,
    success=lambda report: (
        _("Mass evaluations imported: %(updated)d reviews updated, %(recomputed)d quarter scores recomputed.")
        % {"updated": report.updated, "recomputed": report.recomputed}
    ),
)


@role_required(Role.CLERK, Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def mass_import_page(request):
    return FLOW.handle(request)


@role_required(Role.CLERK, Role.REVIEWER)
@require_http_methods(["GET"])
def mass_import_template(request):
    response = HttpResponse(_template_workbook(request.user), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "群众评议导入模板.xlsx")
    return response


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
