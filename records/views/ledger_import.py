"""Ledger import pages: upload → dry-run preview of every row → confirm, which re-checks and commits."""

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
from openpyxl.utils.cell import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Role
from core.access import role_required

from ..import_flow import ImportFlow
from ..importing import UploadStash
from ..imports import XLSX_CONTENT_TYPE
from ..ledger_import import HEADERS, LedgerFileError, column_guide, ledger_import
from ..selectors import cadres_visible_to
from ..selectors.ledger import rules_in_force

FLOW = ImportFlow(
    run=ledger_import,
    file_error=LedgerFileError,
    stash=UploadStash(session_key="ledger_uploads", folder="ledger"),
    template="records/ledger_import.html",
    url_name="records:ledger-import",
    label=gettext_lazy("Excel ledger sheet (.xlsx)"),
    columns=column_guide,
    success=lambda report: _("Ledger imported: %(new)d entries, pending confirmation.") % {"new": report.created},
)


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def ledger_import_page(request):
    return FLOW.handle(request)


@role_required(Role.CLERK)
@require_http_methods(["GET"])
def ledger_import_template(request):
    response = HttpResponse(_template_workbook(request.user), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "月纪实导入模板.xlsx")
    return response


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
