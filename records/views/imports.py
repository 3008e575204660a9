"""Roster import pages: upload → dry-run preview of every row → confirm, which re-runs and commits."""

import re
import secrets
import time
from datetime import date
from io import BytesIO
from pathlib import Path

import openpyxl
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
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

from ..imports import XLSX_CONTENT_TYPE, RosterFileError, cadre_import, column_guide
from ..models import CadreCategory, CadreStatus, Gender, LeadershipLevel, Rank
from ..selectors import units_visible_to

SESSION_KEY = "roster_uploads"  # token -> original file name, for this user's session only
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")
STALE_SECONDS = 24 * 60 * 60


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel roster (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ROSTER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook saved as .xlsx."))
        self.content = upload.read()
        if not self.content.startswith(b"PK\x03\x04"):  # every .xlsx is a zip archive
            raise forms.ValidationError(_("The file is not a readable Excel workbook (.xlsx)."))
        self.file_name = Path(upload.name).name[:100]
        return upload


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def roster_import(request):
    if request.method == "POST" and "token" in request.POST:
        return _commit(request, request.POST["token"])
    form = RosterUploadForm(request.POST, request.FILES) if request.method == "POST" else RosterUploadForm()
    if request.method == "POST" and form.is_valid():
        return _preview(request, form)
    return _page(request, form)


@role_required(Role.CLERK)
@require_http_methods(["GET"])
def roster_template(request):
    units = units_visible_to(request.user, roles={Role.CLERK}).order_by("depth", "order", "code")
    content = _template_workbook(units.values_list("code", flat=True).first() or "")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "干部名册导入模板.xlsx")
    return response


def _page(request, form, report=None, token=""):
    context = {
        "form": form,
        "report": report,
        "token": token,
        "columns": column_guide(),
        "max_size": settings.ROSTER_IMPORT_MAX_BYTES,
    }
    return render(request, "records/cadre_import.html", context)


def _preview(request, form):
    try:
        report = cadre_import(data=form.content, file_name=form.file_name, user=request.user)
    except RosterFileError as exc:
        form.add_error("file", str(exc))
        return _page(request, form)
    token = _stash(request, form.content, form.file_name) if report.ok else ""
    return _page(request, RosterUploadForm(), report, token)


def _commit(request, token):
    stashed = _unstash(request, token)
    if stashed is None:
        messages.error(request, _("This upload has expired or is not yours. Upload the file again."))
        return redirect("records:cadre-import")
    data, file_name = stashed
    try:
        report = cadre_import(data=data, file_name=file_name, user=request.user, commit=True)
    except RosterFileError as exc:
        messages.error(request, str(exc))
        return redirect("records:cadre-import")
    if not report.committed:
        # Something changed since the preview (a unit moved, a cadre was added): nothing was written.
        return _page(request, RosterUploadForm(), report)
    counts = report.counts
    messages.success(
        request,
        _("Roster imported: %(new)d new, %(update)d updated, %(skip)d unchanged.") % counts,
    )
    return redirect("records:cadre-import")


# --- Uploaded files wait server-side between preview and commit, bound to the session ---


def _upload_dir():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash(request, content, file_name):
    _purge_stale()
    token = secrets.token_urlsafe(32)
    (_upload_dir() / f"{token}.xlsx").write_bytes(content)
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), token: file_name}
    return token


def _unstash(request, token):
    """The stashed bytes and file name, once: the token is spent whatever happens next."""
    uploads = dict(request.session.get(SESSION_KEY, {}))
    if not TOKEN_RE.fullmatch(token) or token not in uploads:
        return None
    file_name = uploads.pop(token)
    request.session[SESSION_KEY] = uploads
    path = _upload_dir() / f"{token}.xlsx"
    if not path.exists():
        return None
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return data, file_name


def _purge_stale():
    # Previews nobody confirmed: they hold personal data, so they do not linger.
    cutoff = time.time() - STALE_SECONDS
    for path in _upload_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another request got there first
            pass


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
