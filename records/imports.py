"""Roster import: an Excel sheet of cadres, read by its Chinese column headers.

django-import-export maps cells to fields and classifies rows; every write goes through the cadre
services, so postings open, transfers keep their history and the audit log records each change.
The whole file runs in one transaction: one bad row and nothing is written, audit events included.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field

from accounts.models import Role
from accounts.roles import sole_scope_id
from audit.models import Action
from audit.services import audit_record
from core.masking import validate_id_number, validate_mobile
from core.text import normalize_cell

from .importing import ImportReportBase
from .models import Cadre, CadreCategory, CadreStatus, Gender, LeadershipLevel, Rank, Unit
from .selectors import units_visible_to
from .services import CADRE_FIELDS, cadre_create, cadre_transfer, cadre_update

logger = logging.getLogger(__name__)

MAX_ROWS = getattr(settings, "ROSTER_IMPORT_MAX_ROWS", 20_000)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterFileError(Exception):
    """The upload is not a workbook we can read; no row was looked at."""


# --- Widgets: one cell in, one Python value out, or a ValueError whose text the user reads ---


def _text(value):
    """A cell as text; Excel turns typed digits into numbers, so 1001.0 reads back as "1001"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_cell(str(value))


class CellWidget(widgets.Widget):
    """A cell cleaned by NFKC and stripped. A required column needs a value in every row unless it
    names a ``blank`` value; an optional blank cell gives None, which leaves the stored value alone."""

    def __init__(self, *, required=True, blank=None):
        super().__init__()
        self.required = required
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        value = normalize_cell(value)
        if value == "":
            if self.blank is not None:
                return self.blank
            if self.required:
                raise ValueError(_("This column needs a value."))
            return None
        return self.parse(value)

    def parse(self, value):
        return _text(value)


class ChoiceWidget(CellWidget):
    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.values = list(choices.values)

    def parse(self, value):
        value = _text(value)
        if value not in self.values:
            raise ValueError(
                _("“%(value)s” is not allowed; use one of: %(allowed)s.")
                % {"value": value, "allowed": "、".join(self.values)}
            )
        return value


_TEXT_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")


class ExcelDateWidget(CellWidget):
    """An Excel date cell, or text YYYY-MM-DD (also YYYY/M/D and YYYY.M.D)."""

    def parse(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        match = _TEXT_DATE.fullmatch(_text(value))
        try:
            if match:
                return date(int(match[1]), int(match[3]), int(match[4]))
        except ValueError:
            pass
        raise ValueError(_("“%(value)s” is not a date; write YYYY-MM-DD or use an Excel date cell.") % {"value": value})


class IdNumberWidget(CellWidget):
    def parse(self, value):
        if not isinstance(value, str):
            # 18 digits do not survive as an Excel number: the last ones are already lost.
            raise ValueError(_("Enter the ID number as text: Excel rounds long numbers."))
        try:
            return validate_id_number(value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from exc


class MobileWidget(CellWidget):
    def parse(self, value):
        try:
            return validate_mobile(_text(value))
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from exc


class UnitScope:
    """The units a user may import into (their clerk scope); ``None`` user means unrestricted."""

    def __init__(self, user=None):
        self.unit_ids = None
        if user is not None:
            self.unit_ids = set(units_visible_to(user, roles={Role.CLERK}).values_list("id", flat=True))

    def allows(self, unit_id):
        return self.unit_ids is None or unit_id in self.unit_ids


class UnitCodeWidget(CellWidget):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scope = UnitScope()
        self._by_code = {}

    def parse(self, value):
        code = _text(value)
        if code not in self._by_code:
            self._by_code[code] = Unit.objects.filter(code=code).first()
        unit = self._by_code[code]
        if unit is None:
            raise ValueError(_("There is no unit with code “%(code)s”.") % {"code": code})
        if not self.scope.allows(unit.pk):
            raise ValueError(_("Unit “%(code)s” is outside the units you may edit.") % {"code": code})
        return unit


# --- The resource ---


def _column(attribute, header, widget):
    # An optional blank cell cleans to None: saves_null_values=False then keeps the stored value.
    return Field(attribute=attribute, column_name=header, widget=widget, saves_null_values=widget.required)


class CadreResource(resources.ModelResource):
    staff_no = _column("staff_no", "干部编号", CellWidget())
    name = _column("name", "姓名", CellWidget())
    gender = _column("gender", "性别", ChoiceWidget(Gender))
    birth_date = _column("birth_date", "出生日期", ExcelDateWidget())
    unit = _column("unit", "单位编码", UnitCodeWidget())
    position = _column("position", "职务", CellWidget())
    leadership_level = _column(
        "leadership_level", "职务层次", ChoiceWidget(LeadershipLevel, blank=LeadershipLevel.NONE)
    )
    rank = _column("rank", "职级", ChoiceWidget(Rank))
    category = _column("category", "干部类别", ChoiceWidget(CadreCategory))
    post_since = _column("post_since", "任现职时间", ExcelDateWidget())
    rank_since = _column("rank_since", "任现职级时间", ExcelDateWidget(required=False))
    id_number = _column("id_number", "身份证号", IdNumberWidget(required=False))
    mobile = _column("mobile", "手机号", MobileWidget(required=False))
    status = _column("status", "状态", ChoiceWidget(CadreStatus, required=False))

    class Meta:
        model = Cadre
        fields = (
            "staff_no",
            "name",
            "gender",
            "birth_date",
            "unit",
            "position",
            "leadership_level",
            "rank",
            "category",
            "post_since",
            "rank_since",
            "id_number",
            "mobile",
            "status",
        )
        import_id_fields = ("staff_no",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        store_row_values = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, *, user=None, sheet_rows=(), file_name=""):
        super().__init__()
        self.fields["unit"].widget.scope = UnitScope(user)
        self.sheet_rows = list(sheet_rows)
        self.file_name = file_name
        self.first_seen = {}
        self.notes = {}
        self.current_row = None

    def before_import_row(self, row, **kwargs):
        self.current_row = self.sheet_rows[kwargs["row_number"] - 1]
        try:
            staff_no = self.fields["staff_no"].clean(row)
        except ValueError as exc:
            raise ValidationError({"staff_no": str(exc)}) from exc
        first = self.first_seen.setdefault(staff_no, self.current_row)
        if first != self.current_row:
            message = _("Staff number %(staff_no)s already appears on row %(row)d.")
            raise ValidationError({"staff_no": message % {"staff_no": staff_no, "row": first}})

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new and not self.fields["unit"].widget.scope.allows(instance.unit_id):
            message = _("This staff number belongs to a cadre outside the units you may edit.")
            raise ValidationError({"staff_no": message})

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance._state.adding and instance.rank_since is None and "rank_since" not in errors:
            errors["rank_since"] = ValidationError(_("A new cadre needs this date."))
        super().validate_instance(instance, errors, validate_unique)

    def before_save_instance(self, instance, row, **kwargs):
        if not instance._state.adding:
            changed = [f.column_name for f in self.get_import_fields() if _changed(instance, f.attribute)]
            self._note(_("Changes: %(columns)s") % {"columns": "、".join(changed)})

    def do_instance_save(self, instance, is_create):
        fields = {name: getattr(instance, name) for name in CADRE_FIELDS}
        if is_create:
            instance.pk = cadre_create(**fields).pk
            instance._state.adding = False
            return
        current = Cadre.objects.get(pk=instance.pk)
        unit = fields.pop("unit")
        if unit.pk != current.unit_id:
            fields["post_since"] = self._transfer(current, unit, fields)
            current = Cadre.objects.get(pk=instance.pk)
        cadre_update(cadre=current, **fields)

    def _transfer(self, cadre, unit, fields):
        """A new unit code is a transfer dated the row's 任现职时间, or today when that is unchanged."""
        on = fields["post_since"] if fields["post_since"] != cadre.post_since else timezone.localdate()
        cadre_transfer(
            cadre=cadre,
            unit=unit,
            position=fields["position"],
            leadership_level=fields["leadership_level"],
            on=on,
            note=(_("Roster import %(file)s") % {"file": self.file_name})[:200],
        )
        self._note(_("Transfer to %(unit)s, effective %(on)s") % {"unit": unit.name, "on": on.isoformat()})
        return on

    def _note(self, text):
        self.notes.setdefault(self.current_row, []).append(text)

    def after_import(self, dataset, result, **kwargs):
        # Ids come from the database, never from the file, so there are no sequences to reset.
        pass


def _changed(instance, attribute):
    attname = instance._meta.get_field(attribute).attname
    return instance._audit_loaded.get(attname) != getattr(instance, attname)


_FIELDS = CadreResource().get_import_fields()
#: (header, required) of every column, in template order.
COLUMNS = tuple((f.column_name, f.widget.required) for f in _FIELDS)
HEADERS = tuple(header for header, _required in COLUMNS)
# Service errors name model fields; the transfer service names its date "on".
_HEADER_OF = {f.attribute: f.column_name for f in _FIELDS} | {"on": "任现职时间"}


# --- What the user sees: one outcome per row, errors that name the Excel row and column ---


@dataclass
class RowError:
    row: int  # the Excel row; 0 for the file as a whole
    column: str = ""
    message: str = ""

    def __str__(self):
        values = {"row": self.row, "column": self.column, "message": self.message}
        if self.row and self.column:
            return _("Row %(row)d, column “%(column)s”: %(message)s") % values
        if self.row:
            return _("Row %(row)d: %(message)s") % values
        return self.message


RESULT_LABELS = {
    "new": gettext_lazy("New"),
    "update": gettext_lazy("Updated"),
    "skip": gettext_lazy("Unchanged"),
    "error": gettext_lazy("Error"),
}


@dataclass
class RowOutcome:
    row: int
    staff_no: str
    name: str
    result: str  # a key of RESULT_LABELS
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def label(self):
        return RESULT_LABELS[self.result]


@dataclass
class ImportReport(ImportReportBase):
    RESULT_LABELS = RESULT_LABELS


# --- Reading the workbook ---


@dataclass
class Sheet:
    headers: list
    rows: list  # (Excel row number, cell values)


def read_sheet(data: bytes) -> Sheet:
    """The first sheet's cached cell values: formulas are never evaluated, only their last results read."""
    try:
        book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise RosterFileError(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        return _read_rows(book.worksheets[0])
    except RosterFileError:
        raise
    except Exception as exc:
        raise RosterFileError(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    finally:
        book.close()


def _read_rows(worksheet):
    worksheet.reset_dimensions()  # some writers store a wrong sheet size; read what is there
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    sheet = Sheet(headers=[_text(h) if h is not None else "" for h in header], rows=[])
    for number, values in enumerate(rows, start=2):
        if all(normalize_cell(v) == "" for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise RosterFileError(
                _("The sheet has more than %(max)d rows; split it into several files.") % {"max": MAX_ROWS}
            )
        sheet.rows.append((number, list(values)))
    return sheet


def _header_errors(sheet):
    errors = []
    for header, required in COLUMNS:
        found = sheet.headers.count(header)
        if required and not found:
            errors.append(RowError(1, header, _("This required column is missing.")))
        if found > 1:
            errors.append(RowError(1, header, _("This column appears more than once.")))
    if not sheet.rows:
        errors.append(RowError(0, "", _("The sheet has no data rows.")))
    return errors


def _dataset(sheet):
    keep = [i for i, header in enumerate(sheet.headers) if header in HEADERS]
    dataset = tablib.Dataset(headers=[sheet.headers[i] for i in keep])
    for _number, values in sheet.rows:
        values = values + [None] * (len(sheet.headers) - len(values))
        dataset.append([values[i] for i in keep])
    return dataset


# --- The service: dry run or commit ---


def cadre_import(*, data: bytes, file_name: str, user=None, commit: bool = False) -> ImportReport:
    """Import a roster workbook, all or nothing. ``user`` limits units to their clerk scope.

    Without ``commit`` it is a dry run: every row goes through the services and is rolled back.
    Raises RosterFileError for a file that is not a readable workbook.
    """
    sheet = read_sheet(data)
    report = ImportReport(file_name=file_name, ignored_columns=[h for h in sheet.headers if h and h not in HEADERS])
    report.file_errors = _header_errors(sheet)
    if report.file_errors:
        return report
    resource = CadreResource(user=user, sheet_rows=[number for number, _values in sheet.rows], file_name=file_name)
    with transaction.atomic():
        result = resource.import_data(
            _dataset(sheet), dry_run=not commit, use_transactions=True, rollback_on_validation_errors=True
        )
        report.rows = [_outcome(resource, i, row_result) for i, row_result in enumerate(result.rows)]
        report.file_errors = [RowError(0, "", _unexpected(error)) for error in result.base_errors]
        if commit and report.ok:
            _audit_summary(report, user)
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report


def _outcome(resource, index, row_result):
    number = resource.sheet_rows[index]
    values = row_result.row_values
    errors = _row_errors(number, row_result)
    return RowOutcome(
        row=number,
        staff_no=_text(values.get("干部编号") or ""),
        name=_text(values.get("姓名") or ""),
        result="error" if errors else row_result.import_type,
        errors=errors,
        notes=[] if errors else resource.notes.get(number, []),
    )


def _row_errors(number, row_result):
    errors = [RowError(number, "", _unexpected(error)) for error in row_result.errors]
    if row_result.validation_error is not None:
        exc = row_result.validation_error
        by_field = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        for name, messages in by_field.items():
            errors += [RowError(number, _HEADER_OF.get(name, ""), message) for message in messages]
    return sorted(errors, key=lambda e: HEADERS.index(e.column) if e.column in HEADERS else -1)


def _unexpected(error):
    # The details (SQL, traceback) go to the log, not to the page.
    logger.error("roster import: unexpected error\n%s", error.traceback)
    return _("This row could not be saved (%(kind)s).") % {"kind": type(error.error).__name__}


def _audit_summary(report, user):
    counts = report.counts
    audit_record(
        action=Action.IMPORT,
        model="records.cadre",
        note=report.file_name,
        changes={"new": counts["new"], "update": counts["update"], "unchanged": counts["skip"]},
        unit=sole_scope_id(user, {Role.CLERK}),
    )


# --- Column guide: the upload page and the template's second sheet ---


COLUMN_HELP = {
    "干部编号": gettext_lazy("Unique staff number. An existing number updates that cadre; a new one registers one."),
    "姓名": gettext_lazy("Full name."),
    "性别": gettext_lazy("Gender."),
    "出生日期": gettext_lazy("An Excel date, or text YYYY-MM-DD (also YYYY/M/D or YYYY.M.D)."),
    "单位编码": gettext_lazy("Code of a unit you may edit, as shown in the unit tree."),
    "职务": gettext_lazy("Position held."),
    "职务层次": gettext_lazy("Leadership level; a blank cell means none."),
    "职级": gettext_lazy("Rank on the civil-service ladder."),
    "干部类别": gettext_lazy("Cadre category."),
    "任现职时间": gettext_lazy(
        "Date in current post. A different unit code records a transfer on this date, or today if it is unchanged."
    ),
    "任现职级时间": gettext_lazy("Date in current rank. Needed for a new cadre; blank keeps an existing cadre's date."),
    "身份证号": gettext_lazy("18 characters with a valid check digit, entered as text. Blank keeps the stored number."),
    "手机号": gettext_lazy("11 digits starting with 1. Blank keeps the stored number."),
    "状态": gettext_lazy("Status. Blank means active for a new cadre and no change for an existing one."),
}


def column_guide():
    """(header, required, help, allowed values) for the upload page and the template's second sheet."""
    return [
        (f.column_name, f.widget.required, COLUMN_HELP[f.column_name], "、".join(getattr(f.widget, "values", [])))
        for f in _FIELDS
    ]
