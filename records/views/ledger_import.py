"""Ledger import pages: upload → dry-run preview of every row → confirm, which re-checks and commits."""

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
from openpyxl.utils.cell import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Role
from core.access import role_required

from ..importing import UploadStash
from ..imports import XLSX_CONTENT_TYPE
from ..ledger_import import HEADERS, LedgerFileError, column_guide, ledger_import
from ..selectors import cadres_visible_to
from ..selectors.ledger import rules_in_force
from .imports import RosterUploadForm

STASH = UploadStash(session_key="ledger_uploads", folder="ledger")


class LedgerUploadForm(RosterUploadForm):
    # Same checks as the roster upload (size, .xlsx, zip signature); only the label differs.
    file = forms.FileField(label=gettext_lazy("Excel ledger sheet (.xlsx)"))


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def ledger_import_page(request):
    if request.method == "POST" and "token" in request.POST:
        return _commit(request, request.POST["token"])
    form = LedgerUploadForm(request.POST, request.FILES) if request.method == "POST" else LedgerUploadForm()
    if request.method == "POST" and form.is_valid():
        return _preview(request, form)
    return _page(request, form)


@role_required(Role.CLERK)
@require_http_methods(["GET"])
def ledger_import_template(request):
    response = HttpResponse(_template_workbook(request.user), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "月纪实导入模板.xlsx")
    return response


def _page(request, form, report=None, token=""):
    context = {
        "form": form,
        "report": report,
        "token": token,
        "columns": column_guide(),
        "max_size": settings.ROSTER_IMPORT_MAX_BYTES,
    }
    return render(request, "records/ledger_import.html", context)


def _preview(request, form):
    try:
        report = ledger_import(data=form.content, file_name=form.file_name, user=request.user)
    except LedgerFileError as exc:
        form.add_error("file", str(exc))
        return _page(request, form)
    token = STASH.put(request, form.content, form.file_name) if report.ok else ""
    return _page(request, LedgerUploadForm(), report, token)


def _commit(request, token):
    stashed = STASH.take(request, token)
    if stashed is None:
        messages.error(request, _("This upload has expired or is not yours. Upload the file again."))
        return redirect("records:ledger-import")
    data, file_name = stashed
    try:
        report = ledger_import(data=data, file_name=file_name, user=request.user, commit=True)
    except LedgerFileError as exc:
        messages.error(request, str(exc))
        return redirect("records:ledger-import")
    if not report.committed:
        # Something changed since the preview (a month closed, the same fact entered): nothing was written.
        return _page(request, LedgerUploadForm(), report)
    messages.success(request, _("Ledger imported: %(new)d entries, pending confirmation.") % {"new": report.created})
    return redirect("records:ledger-import")


# --- The template: a header row, one example row, the rules in force, and a column guide ---

_TEXT_COLUMNS = {"干部编号", "月份", "积分项目代码", "文号"}  # Excel must not turn these into numbers or dates
_ROWS = 1000


def _template_workbook(user):
    today = timezone.localdate()
    rules = list(rules_in_force(today).order_by("code"))
    book = openpyxl.Workbook()
    entries = book.active
    entries.title = _("Ledger")
    rules_sheet = book.create_sheet(_("Rules in force"))
    _fill_rules_sheet(rules_sheet, rules)
    _fill_entry_sheet(entries, _example_row(user, rules, today), rules_sheet.title, len(rules))
    _fill_guide_sheet(book.create_sheet(_("Instructions")))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _example_row(user, rules, today):
    cadre = cadres_visible_to(user, roles={Role.CLERK}).order_by("staff_no").only("staff_no", "name").first()
    rule = next((r for r in rules if r.code == "JN04"), rules[0] if rules else None)
    return {
        "干部编号": cadre.staff_no if cadre else "GB000001",
        "姓名": cadre.name if cadre else "张三",
        "月份": f"{today:%Y-%m}",
        "积分项目代码": rule.code if rule else "",
        "分值": rule.min_points if rule else None,
        "事由": _("Example: describe what happened"),
        "文号": f"示例〔{today:%Y}〕1号",
        "发生日期": today,
    }


def _fill_entry_sheet(worksheet, example, rules_title, rule_count):
    worksheet.append(list(HEADERS))
    worksheet.append([example[header] for header in HEADERS])
    for index, (header, required, _help) in enumerate(column_guide(), start=1):
        letter = get_column_letter(index)
        worksheet[f"{letter}1"].font = Font(bold=True, color="A61B1B" if required else "1F2933")
        worksheet.column_dimensions[letter].width = 30 if header == "事由" else 16
        if header in _TEXT_COLUMNS:
            for row in range(2, _ROWS + 2):
                worksheet[f"{letter}{row}"].number_format = "@"
        if header == "发生日期":
            worksheet[f"{letter}2"].number_format = "yyyy-mm-dd"
        if header == "积分项目代码" and rule_count:
            codes = DataValidation(
                type="list", formula1=f"{quote_sheetname(rules_title)}!$A$2:$A${rule_count + 1}", allow_blank=True
            )
            codes.add(f"{letter}2:{letter}{_ROWS + 1}")
            worksheet.add_data_validation(codes)
    worksheet.freeze_panes = "A2"


def _fill_rules_sheet(worksheet, rules):
    worksheet.append(
        [
            _("Code"),
            _("Name"),
            _("Category"),
            _("Points"),
            _("Document number required"),
            _("Monthly cap"),
            _("Annual cap"),
            _("Valid from"),
        ]
    )
    for rule in rules:
        worksheet.append(
            [
                rule.code,
                rule.name,
                rule.category,
                rule.range_label,
                _("Yes") if rule.requires_document else _("No"),
                rule.monthly_cap,
                rule.annual_cap,
                rule.valid_from,
            ]
        )
    for letter, width in zip("ABCDEFGH", (8, 34, 14, 14, 10, 10, 10, 12), strict=True):
        worksheet.column_dimensions[letter].width = width
        worksheet[f"{letter}1"].font = Font(bold=True)


def _fill_guide_sheet(worksheet):
    worksheet.append([_("Column"), _("Required"), _("Description")])
    for header, required, help_text in column_guide():
        worksheet.append([header, _("Yes") if required else _("No"), str(help_text)])
    for letter, width in zip("ABC", (14, 8, 80), strict=True):
        worksheet.column_dimensions[letter].width = width
