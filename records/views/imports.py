"""Roster import pages: upload → dry-run preview of every row → confirm, which re-runs and commits."""

from datetime import date
from io import BytesIO

import openpyxl
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import Role
from core.access import role_required
from core.masking import id_check_digit

from ..import_flow import ImportFlow
from ..importing import UploadStash
from ..imports import XLSX_CONTENT_TYPE, RosterFileError, cadre_import, column_guide
from ..models import CadreCategory, CadreStatus, Gender, LeadershipLevel, Rank
from ..selectors import units_visible_to

FLOW = ImportFlow(
    run=cadre_import,
    file_error=RosterFileError,
    stash=UploadStash(session_key="roster_uploads", folder="roster"),
    template="records/cadre_import.html",
    url_name="records:cadre-import",
    label=gettext_lazy("Excel roster (.xlsx)"),
    columns=column_guide,
    success=lambda report: _("Roster imported: %(new)d new, %(update)d updated, %(skip)d unchanged.") % report.counts,
)


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def roster_import(request):
    return FLOW.handle(request)


@role_required(Role.CLERK)
@require_http_methods(["GET"])
def roster_template(request):
    units = units_visible_to(request.user, roles={Role.CLERK}).order_by("depth", "order", "code")
    content = _template_workbook(units.values_list("code", flat=True).first() or "")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "干部名册导入模板.xlsx")
    return response


# --- The template: a header row, one example row, and a sheet explaining every column ---

_TEXT_COLUMNS = {"干部编号", "单位编码", "身份证号", "手机号"}  # Excel must not turn these into numbers


def _template_workbook(unit_code):
    book = openpyxl.Workbook()
    _fill_roster_sheet(book.active, unit_code)
    _fill_guide_sheet(book.create_sheet(_("Instructions")))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _example_row(unit_code):
    first17 = "43052119880304123"
    return {
        "干部编号": "GB000001",
        "姓名": "张三",
        "性别": Gender.MALE.value,
        "出生日期": date(1988, 3, 4),
        "单位编码": unit_code or "C0",
        "职务": "党政办主任",
        "职务层次": LeadershipLevel.UNIT_HEAD.value,
        "职级": Rank.PRINCIPAL_4.value,
        "干部类别": CadreCategory.CIVIL_SERVANT.value,
        "任现职时间": date(2021, 5, 1),
        "任现职级时间": date(2021, 5, 1),
        "身份证号": first17 + id_check_digit(first17),
        "手机号": "13800000000",
        "状态": CadreStatus.ACTIVE.value,
    }


def _fill_roster_sheet(worksheet, unit_code):
    worksheet.title = _("Roster")
    example = _example_row(unit_code)
    guide = column_guide()
    worksheet.append([header for header, *_rest in guide])
    worksheet.append([example[header] for header, *_rest in guide])
    for index, (header, required, _help, allowed) in enumerate(guide, start=1):
        _format_column(worksheet, get_column_letter(index), header, required, allowed)
    worksheet.freeze_panes = "A2"


def _format_column(worksheet, letter, header, required, allowed, rows=1000):
    worksheet[f"{letter}1"].font = Font(bold=True, color="A61B1B" if required else "1F2933")
    worksheet.column_dimensions[letter].width = 16
    if isinstance(worksheet[f"{letter}2"].value, date):
        worksheet[f"{letter}2"].number_format = "yyyy-mm-dd"
    if header in _TEXT_COLUMNS:
        for row in range(2, rows + 2):
            worksheet[f"{letter}{row}"].number_format = "@"
    if allowed:
        choices = DataValidation(type="list", formula1='"{}"'.format(allowed.replace("、", ",")), allow_blank=True)
        choices.add(f"{letter}2:{letter}{rows + 1}")
        worksheet.add_data_validation(choices)


def _fill_guide_sheet(worksheet):
    worksheet.append([_("Column"), _("Required"), _("Description"), _("Allowed values")])
    for header, required, help_text, allowed in column_guide():
        worksheet.append([header, _("Yes") if required else _("No"), str(help_text), allowed])
    for letter, width in zip("ABCD", (14, 8, 70, 60), strict=True):
        worksheet.column_dimensions[letter].width = width
