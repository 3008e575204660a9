"""Ledger import: monthly entries (月纪实) from an Excel sheet, read by their Chinese column headers.

django-import-export maps cells to fields and classifies rows. The checks are those of
``entry_create`` (records/services/ledger.py), done set-based: the cadres, the rule book, the
user's clerk scope, the facts already recorded and the closed months are read once for the whole
file, so the number of queries does not grow with the rows. Valid rows become pending entries
entered by the importing user, written with bulk_create; that sends no signals, so each entry gets
its audit event here, plus one summary event. One transaction: one bad row and nothing is written.
"""

import contextlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field

from accounts.models import Role
from accounts.roles import sole_scope_id
from audit.context import acting
from audit.models import Action
from audit.services import audit_bulk_created, audit_record
from core.text import normalize_cell

from .document_numbers import canonical_document_no
from .importing import UNVALUED, ImportReportBase, UnreadableWorkbook, cell_text, cyclic_gc_paused, read_first_sheet
from .imports import CellWidget, ExcelDateWidget, RowError
from .models import Cadre, EntryStatus, LedgerEntry, MonthClose, PointRule, UnitClosure
from .selectors import units_visible_to
from .selectors.ledger import fact_standing
from .services.ledger import lock_months, month_end, validate_points

logger = logging.getLogger(__name__)

MAX_ROWS = getattr(settings, "LEDGER_IMPORT_MAX_ROWS", 20_000)
WRITE_BATCH = 1000  # rows per INSERT: well inside SQLite's and PostgreSQL's parameter limits
FACT_CHUNK = 10_000  # rows whose (cadre, 文号) pairs go into one look-up of recorded facts

STAFF_NO, NAME, MONTH, RULE, POINTS, FACTS, DOCUMENT, OCCURRED = (
    "干部编号",
    "姓名",
    "月份",
    "积分项目代码",
    "分值",
    "事由",
    "文号",
    "发生日期",
)
HEADERS = (STAFF_NO, NAME, MONTH, RULE, POINTS, FACTS, DOCUMENT, OCCURRED)
OPTIONAL_HEADERS = frozenset({DOCUMENT})


class LedgerFileError(Exception):
    """The upload is not a workbook we can read; no row was looked at."""


# --- Cells: formulas are never evaluated; a formula without a stored result is an error ---


def _plain(value):
    """A free-text cell, only stripped: full-width punctuation belongs in Chinese text."""
    if value is None or value is UNVALUED:
        return ""
    return value.strip() if isinstance(value, str) else cell_text(value)


def _compact(value):
    """A code-like cell (staff number, month, rule code, points): NFKC, and no blanks anywhere."""
    return re.sub(r"\s+", "", cell_text(value))


def _formula_message():
    return _(
        "This cell holds a formula without a stored result. Type the value, or open and save the file in Excel "
        "so that the result is stored."
    )


class _Memo:
    """Rejects a formula without a stored result, and parses each distinct cell value once per file:
    staff numbers, months, codes, points and dates repeat from row to row, and on 5,000 rows the
    parsing was a good part of the time."""

    def clean(self, value, row=None, **kwargs):
        if value is UNVALUED:
            raise ValueError(_formula_message())
        key = (type(value), value)  # 1, 1.0 and True are equal keys otherwise
        try:
            ok, result = self.memo[key]
        except KeyError:
            try:
                ok, result = True, super().clean(value, row=row, **kwargs)
            except ValueError as exc:
                ok, result = False, str(exc)
            self.memo[key] = ok, result
        if not ok:
            raise ValueError(result)
        return result

    @property
    def memo(self):
        # Per widget, and widgets are per resource (import-export copies its fields), so per file.
        return self.__dict__.setdefault("_memo", {})


class StaffNoWidget(_Memo, CellWidget):
    """A staff number → the cadre, from a dict filled once per file (no query per row)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cadres = {}
        self.scope = set()

    def parse(self, value):
        staff_no = _compact(value)
        cadre = self.cadres.get(staff_no)
        if cadre is None:
            raise ValueError(_("There is no cadre with staff number %(staff_no)s.") % {"staff_no": staff_no})
        if cadre.unit_id not in self.scope:
            raise ValueError(
                _("Cadre %(staff_no)s is outside the units you may enter points for.") % {"staff_no": staff_no}
            )
        return cadre


class NameWidget(_Memo, CellWidget):
    def parse(self, value):
        return _compact(value)


_MONTH = re.compile(r"(\d{4})(?:[-/.](\d{1,2})|年(\d{1,2})月)")


def parse_month(value):
    """`YYYY-MM`, `YYYY年M月` or an Excel date cell → the first day of that month."""
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH.fullmatch(_compact(value))
    if match and 1 <= int(match[2] or match[3]) <= 12:
        return date(int(match[1]), int(match[2] or match[3]), 1)
    raise ValueError(
        _("“%(value)s” is not a month; write YYYY-MM or YYYY年M月, or use an Excel date cell.") % {"value": value}
    )


class MonthWidget(_Memo, CellWidget):
    def parse(self, value):
        return parse_month(value)


class RuleCodeWidget(_Memo, CellWidget):
    """A rule code known to the rule book; which version applies depends on the date of occurrence."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.codes = set()

    def parse(self, value):
        code = _compact(value).upper()
        if code not in self.codes:
            raise ValueError(_("There is no rule with code “%(code)s”.") % {"code": code})
        return code


_TENTH = Decimal("0.1")


class PointsWidget(_Memo, CellWidget):
    def parse(self, value):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        try:
            if isinstance(value, int):
                points = Decimal(value)
            elif isinstance(value, float):
                # A formula's cached 0.1 + 0.2 is 0.30000000000000004: keep Excel's 15 digits.
                points = Decimal(format(value, ".15g"))
            else:
                points = Decimal(_compact(value).replace("−", "-"))
            if not points.is_finite():
                raise InvalidOperation
            tenths = points.quantize(_TENTH)
        except InvalidOperation as exc:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from exc
        if tenths != points:
            raise ValueError(_("Points take at most one decimal place."))
        return tenths


class TextWidget(CellWidget):
    """Free text kept as typed (full-width punctuation is part of Chinese text), only stripped."""

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        if value is UNVALUED:
            raise ValueError(_formula_message())
        text = _plain(value)
        if not text:
            if self.required:
                raise ValueError(_("This column needs a value."))
            return ""
        if self.max_length and len(text) > self.max_length:
            raise ValueError(_("At most %(max)d characters.") % {"max": self.max_length})
        return text


class DocumentNoWidget(TextWidget):
    """A document number (文号) in its canonical form, as entry_create stores it; the length is
    checked on that form, the one written."""

    def clean(self, value, row=None, **kwargs):
        if value is UNVALUED:
            raise ValueError(_formula_message())
        return super().clean(canonical_document_no(_plain(value)), row=row, **kwargs)


class DateWidget(_Memo, ExcelDateWidget):
    pass


# --- What the whole file needs from the database, read once ---


@dataclass
class Lookups:
    cadres: dict  # staff number -> Cadre (id, staff number, name, unit)
    names: dict  # cadre id -> name without blanks, as the 姓名 cells are compared
    scope: set  # ids of the units the user may enter points for
    rules: dict  # code -> every version of that rule
    closed: dict  # (unit id, month) -> name of the unit whose close locks it
    today: date
    facts: set = field(default_factory=set)  # (cadre id, rule code, 文号) already recorded
    reentry: dict = field(default_factory=dict)  # reversed fact -> the entry a new one corrects
    stuck: set = field(default_factory=set)  # reversed facts that cannot be entered again

    def rule_on(self, code, day):
        return next((rule for rule in self.rules.get(code, ()) if rule.valid_on(day)), None)


def _distinct_cells(dataset, header):
    if header not in dataset.headers:
        return set()
    return {v for v in set(dataset[header]) if v is not UNVALUED and normalize_cell(v) != ""}


def _quietly(parse, values):
    parsed = set()
    for value in values:
        with contextlib.suppress(ValueError):
            parsed.add(parse(value))
    return parsed


def load_lookups(user, dataset):
    """Everything the checks need, in a fixed handful of queries whatever the number of rows."""
    staff_nos = {_compact(v) for v in _distinct_cells(dataset, STAFF_NO)}
    cadres = {c.staff_no: c for c in Cadre.objects.filter(staff_no__in=staff_nos).only("staff_no", "name", "unit_id")}
    rules = defaultdict(list)
    for rule in PointRule.objects.order_by("code", "-version"):
        rules[rule.code].append(rule)
    unit_ids = {c.unit_id for c in cadres.values()}
    months = _quietly(parse_month, _distinct_cells(dataset, MONTH))
    lookups = Lookups(
        cadres=cadres,
        names={c.pk: _compact(c.name) for c in cadres.values()},
        scope=set(units_visible_to(user, roles={Role.CLERK}).values_list("id", flat=True)),
        rules=dict(rules),
        closed=_closed_months(unit_ids, months),
        today=timezone.localdate(),
    )
    lookups.facts, lookups.reentry, lookups.stuck = _recorded_facts(dataset, cadres)
    return lookups


def _recorded_facts(dataset, cadres):
    """Where the facts (cadre id, rule code, 文号) that rows of this file could repeat stand:
    ``fact_standing``'s (recorded, reentry, stuck), as entry_create checks one entry."""
    recorded, reentry, stuck = set(), {}, set()
    if DOCUMENT not in dataset.headers:
        return recorded, reentry, stuck
    cadre_of = {value: cadres.get(_compact(_plain(value))) for value in set(dataset[STAFF_NO])}
    pairs = []
    for staff_no, document_no in zip(dataset[STAFF_NO], dataset[DOCUMENT], strict=True):
        cadre, document_no = cadre_of[staff_no], canonical_document_no(_plain(document_no))
        if cadre is not None and document_no:
            pairs.append((cadre.pk, None, document_no))
    for start in range(0, len(pairs), FACT_CHUNK):
        chunk_recorded, chunk_reentry, chunk_stuck = fact_standing(pairs[start : start + FACT_CHUNK])
        recorded |= chunk_recorded
        reentry.update(chunk_reentry)
        stuck |= chunk_stuck
    return recorded, reentry, stuck


def _closed_months(unit_ids, months):
    """(unit id, month) -> the name of the unit (itself or an ancestor) whose close locks it."""
    if not unit_ids or not months:
        return {}
    lock_months(months)  # no close of these months commits while the import is under way
    closes = list(
        MonthClose.objects.filter(closed=True, month__in=months).values_list("unit_id", "month", "unit__name")
    )
    if not closes:
        return {}
    below = defaultdict(set)
    for descendant, ancestor in UnitClosure.objects.filter(
        ancestor_id__in={unit for unit, _month, _name in closes}, descendant_id__in=unit_ids
    ).values_list("descendant_id", "ancestor_id"):
        below[ancestor].add(descendant)
    return {(unit, month): name for ancestor, month, name in closes for unit in below[ancestor]}


# --- The resource ---


def _column(attribute, header, widget):
    return Field(attribute=attribute, column_name=header, widget=widget)


class LedgerEntryResource(resources.ModelResource):
    cadre = _column("cadre", STAFF_NO, StaffNoWidget())
    cadre_name = _column("cadre_name", NAME, NameWidget())
    month = _column("month", MONTH, MonthWidget())
    rule_code = _column("rule_code", RULE, RuleCodeWidget())
    points = _column("points", POINTS, PointsWidget())
    facts = _column("facts", FACTS, TextWidget())
    document_no = _column("document_no", DOCUMENT, DocumentNoWidget(required=False, max_length=60))
    occurred_on = _column("occurred_on", OCCURRED, DateWidget())

    class Meta:
        model = LedgerEntry
        fields = ("cadre", "cadre_name", "month", "rule_code", "points", "facts", "document_no", "occurred_on")
        import_order = fields
        force_init_instance = True  # every row is a new entry: no per-row look-up of an existing one
        use_bulk = True
        batch_size = None  # nothing is flushed mid-file; bulk_create below writes once, at the end
        skip_diff = True
        use_transactions = True

    def __init__(self, *, user, sheet_rows=(), file_name=""):
        super().__init__()
        self.user = user
        self.sheet_rows = list(sheet_rows)
        self.file_name = file_name
        self.lookups = None
        self.outcomes = []
        self.created = 0
        self._seen = {}  # (cadre id, rule code, 文号) -> first Excel row with that fact
        self._instance = None
        self._row_number = 0
        self._import_fields = self.get_import_fields()
        blank = LedgerEntry(entered_by=user, status=EntryStatus.PENDING)
        self._blank = tuple(getattr(blank, f.attname) for f in LedgerEntry._meta.concrete_fields)

    def before_import(self, dataset, **kwargs):
        self.lookups = lookups = load_lookups(self.user, dataset)
        self.fields["cadre"].widget.cadres = lookups.cadres
        self.fields["cadre"].widget.scope = lookups.scope
        self.fields["rule_code"].widget.codes = set(lookups.rules)

    def init_instance(self, row=None):
        # Positional values are Model.__init__'s fast path (the one from_db takes); with keywords it
        # cost a fifth of the per-row time.
        self._instance = LedgerEntry(*self._blank)
        return self._instance

    def import_instance(self, instance, row, **kwargs):
        """Field.save without its generic detours: a widget cleans each cell, its value is set."""
        errors = {}
        for column in self._import_fields:
            if column.column_name in row:
                try:
                    setattr(instance, column.attribute, column.widget.clean(row[column.column_name], row=row))
                except ValueError as exc:
                    errors[column.attribute] = ValidationError(str(exc))
        if errors:
            raise ValidationError(errors)

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = self.sheet_rows[kwargs["row_number"] - 1]
        self._instance = None
        row_result = super().import_row(row, instance_loader, **kwargs)
        self.outcomes.append(_outcome(self._row_number, row, self._instance, row_result))
        return row_result

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, message in self._problems(instance, failed=set(errors)).items():
            errors.setdefault(name, []).append(ValidationError(message))
        if errors:
            raise ValidationError(errors)

    def _problems(self, entry, failed):
        """entry_create's checks against the prefetched lookups, for the cells that parsed."""
        lookups, problems = self.lookups, {}
        cadre = None if "cadre" in failed else entry.cadre
        month = None if "month" in failed else entry.month
        day = None if "occurred_on" in failed else entry.occurred_on
        if cadre is not None and "cadre_name" not in failed and entry.cadre_name != lookups.names[cadre.pk]:
            problems["cadre_name"] = _("Staff number %(staff_no)s belongs to %(name)s.") % {
                "staff_no": cadre.staff_no,
                "name": cadre.name,
            }
        if day is not None:
            if day > lookups.today:
                problems["occurred_on"] = _("The date cannot be in the future.")
            elif month is not None and not month <= day <= month_end(month):
                problems["occurred_on"] = _("The date must fall within %(month)s.") % {"month": f"{month:%Y-%m}"}
        rule = None
        if day is not None and "rule_code" not in failed:
            rule = lookups.rule_on(entry.rule_code, day)
            if rule is None:
                problems["rule_code"] = _("Rule %(code)s is not in force on %(day)s.") % {
                    "code": entry.rule_code,
                    "day": day.isoformat(),
                }
        if rule is not None:
            entry.rule, entry.category = rule, rule.category
            if "points" not in failed and (problem := validate_points(rule, entry.points)):
                problems["points"] = problem
            if "document_no" not in failed:
                problem = self._document_problem(cadre, rule, entry.document_no)
                if problem:
                    problems["document_no"] = problem
        if cadre is not None and month is not None and (cadre.unit_id, month) in lookups.closed:
            problems["month"] = _("%(month)s is closed for %(unit)s; reopening needs a reason and a reviewer.") % {
                "month": f"{month:%Y-%m}",
                "unit": lookups.closed[cadre.unit_id, month],
            }
        return problems

    def _document_problem(self, cadre, rule, document_no):
        if not document_no:
            if rule.requires_document:
                return _("Rule %(code)s needs the document number (文号).") % {"code": rule.code}
            return None
        if cadre is None:
            return None
        fact = (cadre.pk, rule.code, document_no)
        if fact in self.lookups.facts:
            return _("This fact (cadre, rule %(code)s, document %(doc)s) is already recorded.") % {
                "code": rule.code,
                "doc": document_no,
            }
        if fact in self.lookups.stuck:
            return _(
                "This fact (cadre, rule %(code)s, document %(doc)s) was reversed and corrected already; "
                "correct the latest entry of it instead."
            ) % {"code": rule.code, "doc": document_no}
        first = self._seen.setdefault(fact, self._row_number)
        if first != self._row_number:
            return _("The same fact (rule %(code)s, document %(doc)s) is already on row %(row)d.") % {
                "code": rule.code,
                "doc": document_no,
                "row": first,
            }
        return None

    def before_save_instance(self, instance, row, **kwargs):
        instance.unit_id = instance.cadre.unit_id
        instance.effective_points = instance.points
        if instance.document_no:
            # A reversed fact entered again is its correction (records.selectors.ledger.fact_standing).
            fact = (instance.cadre_id, instance.rule_code, instance.document_no)
            instance.corrects_id = self.lookups.reentry.get(fact)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Write every entry and its audit event at the end, and only for a clean file that is committed."""
        try:
            if dry_run or result.has_errors() or result.has_validation_errors():
                return
            # Its own savepoint: a failed INSERT (a fact entered meanwhile) must not leave the
            # transaction aborted for the statements that follow (PostgreSQL refuses them).
            with transaction.atomic():
                created = LedgerEntry.objects.bulk_create(self.create_instances, batch_size=WRITE_BATCH)
                audit_bulk_created(created)
            self.created = len(created)
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.create_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        # Ids come from the database, never from the file, so there are no sequences to reset.
        pass


_HEADER_OF = {f.attribute: f.column_name for f in LedgerEntryResource(user=None).get_import_fields()}


# --- What the user sees: one outcome per row, errors that name the Excel row and column ---


RESULT_LABELS = {"new": gettext_lazy("New"), "error": gettext_lazy("Error")}


@dataclass
class RowOutcome:
    row: int
    staff_no: str
    name: str
    month: str
    rule: str
    points: str
    result: str  # a key of RESULT_LABELS
    errors: list = field(default_factory=list)

    @property
    def label(self):
        return RESULT_LABELS[self.result]


@dataclass
class LedgerImportReport(ImportReportBase):
    RESULT_LABELS = RESULT_LABELS

    created: int = 0


def _shown(value):
    if value is None or value is UNVALUED:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return cell_text(value)


def _outcome(number, row, entry, row_result):
    errors = _row_errors(number, row_result)
    parsed = entry.__dict__ if entry is not None else {}
    month, points, rule = parsed.get("month"), parsed.get("points"), parsed.get("rule_code")
    cache = entry._state.fields_cache if entry is not None else {}
    cadre, rule_obj = cache.get("cadre"), cache.get("rule")
    return RowOutcome(
        row=number,
        staff_no=cadre.staff_no if cadre else _compact(_shown(row.get(STAFF_NO))),
        name=_shown(row.get(NAME)),
        month=f"{month:%Y-%m}" if isinstance(month, date) else _shown(row.get(MONTH)),
        rule=f"{rule_obj.code} {rule_obj.name}" if rule_obj else (rule or _shown(row.get(RULE))),
        points=f"{points:+}" if isinstance(points, Decimal) else _shown(row.get(POINTS)),
        result="error" if errors else "new",
        errors=errors,
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
    logger.error("ledger import: unexpected error\n%s", error.traceback)
    return _("This row could not be saved (%(kind)s).") % {"kind": type(error.error).__name__}


# --- Reading the workbook ---


def read_sheet(data: bytes):
    """The first sheet, formulas as their stored results or UNVALUED; see records.importing."""
    try:
        return read_first_sheet(data, max_rows=MAX_ROWS)
    except UnreadableWorkbook as exc:
        raise LedgerFileError(str(exc)) from exc


def _header_errors(sheet):
    errors = []
    for header in HEADERS:
        found = sheet.headers.count(header)
        if not found and header not in OPTIONAL_HEADERS:
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
        dataset.append([values[i] for i in keep])
    return dataset


# --- The service: dry run or commit ---


def ledger_import(*, data: bytes, file_name: str, user, commit: bool = False) -> LedgerImportReport:
    """Import ledger entries from a workbook, all or nothing, as pending entries entered by ``user``
    (a clerk: only cadres in their clerk scope are accepted).

    Without ``commit`` it is a dry run: every row is checked and nothing is written.
    Raises LedgerFileError for a file that is not a readable workbook.
    """
    with cyclic_gc_paused():
        return _import(data=data, file_name=file_name, user=user, commit=commit)


def _import(*, data, file_name, user, commit):
    sheet = read_sheet(data)
    report = LedgerImportReport(
        file_name=file_name, ignored_columns=[h for h in sheet.headers if h and h not in HEADERS]
    )
    report.file_errors = _header_errors(sheet)
    if report.file_errors:
        return report
    resource = LedgerEntryResource(user=user, sheet_rows=[n for n, _values in sheet.rows], file_name=file_name)
    with acting(user=user), transaction.atomic():
        result = resource.import_data(
            _dataset(sheet), dry_run=not commit, use_transactions=True, rollback_on_validation_errors=True
        )
        report.rows = resource.outcomes
        report.file_errors = [RowError(0, "", _failed(error)) for error in result.base_errors]
        if commit and report.ok:
            audit_record(
                action=Action.IMPORT,
                model="records.ledgerentry",
                note=file_name,
                changes={"new": resource.created},
                unit=sole_scope_id(user, {Role.CLERK}),
            )
            report.committed, report.created = True, resource.created
        else:
            transaction.set_rollback(True)
    return report


def _failed(error):
    logger.error("ledger import: the file could not be written\n%s", error.traceback)
    return _("The entries could not be saved (%(kind)s); nothing was written.") % {"kind": type(error.error).__name__}


# --- Column guide: the upload page and the template's instructions sheet ---


COLUMN_HELP = {
    STAFF_NO: gettext_lazy("Staff number of a cadre in the units you may enter points for."),
    NAME: gettext_lazy("The cadre's name, as a check that the staff number is the right one."),
    MONTH: gettext_lazy("The month of the record: YYYY-MM, YYYY年M月, or an Excel date cell."),
    RULE: gettext_lazy("Code of a rule in force on the date of occurrence (see the rules sheet)."),
    POINTS: gettext_lazy("Within the rule's range, with its sign (deductions negative); one decimal place at most."),
    FACTS: gettext_lazy("What happened."),
    DOCUMENT: gettext_lazy("Source document number; needed when the rule says so. The same fact is scored once."),
    OCCURRED: gettext_lazy("An Excel date, or text YYYY-MM-DD, within the month and not in the future."),
}


def column_guide():
    """(header, required, help) for the upload page and the template's instructions sheet."""
    return [(header, header not in OPTIONAL_HEADERS, COLUMN_HELP[header]) for header in HEADERS]
