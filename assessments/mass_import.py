"""Mass evaluation import (群众评议): each cadre's 群众口碑 score of a quarter, from an Excel sheet.

It behaves like the ledger import: every row is checked and shown in a preview, each error names its
Excel row and column, and one bad row means nothing is written. The checks are those of
``review_set_mass`` (assessments/services.py), done set-based: the cadres, the user's scope and the
quarters' reviews are read once for the whole file, and the scores go back with bulk_update, so the
number of queries does not grow with the rows. Reviews already scored get their quarter score and
suggested grade recomputed, as ``review_set_mass`` does. bulk_update sends no signals, so each changed
review gets its audit event here, plus one summary event.
"""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.roles import sole_scope_id
from audit.context import acting
from audit.models import Action, AuditEvent
from audit.services import audit_record, build_event, diff_for_save
from core.text import normalize_cell
from records.importing import (
    UNVALUED,
    ImportReportBase,
    UnreadableWorkbook,
    cell_text,
    cyclic_gc_paused,
    read_first_sheet,
)
from records.imports import RowError
from records.models import Cadre
from records.selectors import units_visible_to

from .models import QuarterlyReview, ReviewStatus, ScoringScheme
from .rules import allowed_grades, quarter_score, suggest_grade
from .selectors import quarter_ledger_points

logger = logging.getLogger(__name__)

MAX_ROWS = getattr(settings, "MASS_IMPORT_MAX_ROWS", 20_000)
WRITE_BATCH = 1000  # reviews per UPDATE and audit events per INSERT
LOOKUP_CHUNK = 10_000  # values per IN (...) look-up: inside SQLite's and PostgreSQL's parameter limits

STAFF_NO, NAME, YEAR, QUARTER, SCORE = "干部编号", "姓名", "年度", "季度", "群众评议得分"
HEADERS = (STAFF_NO, NAME, YEAR, QUARTER, SCORE)
IMPORT_ROLES = frozenset({Role.CLERK, Role.REVIEWER})
OPEN_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
RECOMPUTED_FIELDS = ["mass_score", "ledger_points", "score", "suggested_grade", "grade"]


class MassFileError(Exception):
    """The upload is not a workbook we can read; no row was looked at."""


# --- Cells: one cell in, one value out, or a ValueError whose text the user reads ---


def _compact(value):
    """A code-like cell (staff number, year, quarter, score): NFKC, and no blanks anywhere."""
    return re.sub(r"\s+", "", cell_text(value))


def parse_staff_no(value):
    return _compact(value)


def parse_name(value):
    return _compact(value)


_YEAR = re.compile(r"(\d{4})年?")


def parse_year(value):
    text = _compact(value)
    match = _YEAR.fullmatch(text)
    if isinstance(value, bool) or not match or not 2000 <= int(match[1]) <= 2100:
        raise ValueError(_("“%(value)s” is not a year; write it as four digits, such as 2026.") % {"value": text})
    return int(match[1])


_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_QUARTER = re.compile(r"Q([1-4])|第?([1-4一二三四])季度?|([1-4])", re.IGNORECASE)


def parse_quarter(value):
    """1–4, Q1–Q4, 一季度/第一季度 (also 1季度, 第1季度)."""
    text = _compact(value)
    match = None if isinstance(value, bool) else _QUARTER.fullmatch(text)
    if not match:
        raise ValueError(
            _("“%(value)s” is not a quarter; write 1 to 4, Q1 to Q4, or 一季度 to 四季度.") % {"value": text}
        )
    digit = next(group for group in match.groups() if group)
    return _CHINESE_DIGITS.get(digit) or int(digit)


_HUNDREDTH = Decimal("0.01")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")  # plain digits: no 1e2, no NaN


def parse_score(value):
    """0–100 with at most two decimal places; full-width digits are folded by NFKC."""
    text = _compact(value)
    try:
        if isinstance(value, bool) or (isinstance(value, str) and not _NUMBER.fullmatch(text)):
            raise InvalidOperation
        # A formula's cached 0.1 + 0.2 is 0.30000000000000004: keep Excel's 15 digits.
        score = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from exc
    if not Decimal("0") <= score <= Decimal("100"):
        raise ValueError(_("The mass evaluation score is between 0 and 100."))
    if score.quantize(_HUNDREDTH) != score:
        raise ValueError(_("The mass evaluation score takes at most two decimal places."))
    return score.quantize(_HUNDREDTH)


PARSERS = {STAFF_NO: parse_staff_no, NAME: parse_name, YEAR: parse_year, QUARTER: parse_quarter, SCORE: parse_score}


def _formula_message():
    return _(
        "This cell holds a formula without a stored result. Type the value, or open and save the file in Excel "
        "so that the result is stored."
    )


class _Cells:
    """Parses each distinct cell value of a column once per file: years, quarters and scores repeat."""

    def __init__(self):
        self.memo = {}

    def clean(self, header, value):
        if value is UNVALUED:
            raise ValueError(_formula_message())
        if normalize_cell(value) == "":
            raise ValueError(_("This column needs a value."))
        key = (header, type(value), value)  # 1, 1.0 and True are equal keys otherwise
        try:
            ok, result = self.memo[key]
        except KeyError:
            try:
                ok, result = True, PARSERS[header](value)
            except ValueError as exc:
                ok, result = False, str(exc)
            self.memo[key] = ok, result
        if not ok:
            raise ValueError(result)
        return result


# --- What the user sees: one outcome per row, errors that name the Excel row and column ---


RESULT_LABELS = {"update": gettext_lazy("Updated"), "skip": gettext_lazy("Unchanged"), "error": gettext_lazy("Error")}


@dataclass
class RowOutcome:
    row: int
    staff_no: str
    name: str
    year: str
    quarter: str
    before: str = ""  # the mass evaluation on record
    after: str = ""  # the mass evaluation from the file
    score: str = ""  # the quarter score after the import, for a review already scored
    grade: str = ""
    result: str = "error"  # a key of RESULT_LABELS
    errors: list = field(default_factory=list)

    @property
    def label(self):
        return RESULT_LABELS[self.result]


@dataclass
class MassImportReport(ImportReportBase):
    RESULT_LABELS = RESULT_LABELS

    updated: int = 0
    recomputed: int = 0


def _shown(value):
    if value is None or value is UNVALUED:
        return ""
    return cell_text(value)


def _decimal_text(value):
    return "" if value is None else f"{value:.2f}"


# --- Reading the workbook ---


def read_sheet(data: bytes):
    try:
        return read_first_sheet(data, max_rows=MAX_ROWS)
    except UnreadableWorkbook as exc:
        raise MassFileError(str(exc)) from exc


def _header_errors(sheet):
    errors = []
    for header in HEADERS:
        found = sheet.headers.count(header)
        if not found:
            errors.append(RowError(1, header, _("This required column is missing.")))
        if found > 1:
            errors.append(RowError(1, header, _("This column appears more than once.")))
    if not sheet.rows:
        errors.append(RowError(0, "", _("The sheet has no data rows.")))
    return errors


# --- Checking every row against what is recorded, read once for the whole file ---


@dataclass
class _Row:
    outcome: RowOutcome
    values: dict  # header -> parsed value, for the cells that parsed
    review: QuarterlyReview | None = None


def _chunks(values, size=LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _load_cadres(staff_nos):
    cadres = {}
    for chunk in _chunks(staff_nos):
        cadres.update(
            (c.staff_no, c) for c in Cadre.objects.filter(staff_no__in=chunk).only("staff_no", "name", "unit_id")
        )
    return cadres


def _load_reviews(cadre_ids, years, quarters, lock):
    """(cadre id, year, quarter) -> review; locked until the commit when ``lock``."""
    reviews = {}
    for chunk in _chunks(cadre_ids):
        qs = QuarterlyReview.objects.filter(cadre_id__in=chunk, year__in=years, quarter__in=quarters)
        if lock:
            qs = qs.select_for_update()
        reviews.update(((r.cadre_id, r.year, r.quarter), r) for r in qs)
    return reviews


def _parse_rows(sheet):
    cells, index = _Cells(), {header: sheet.headers.index(header) for header in HEADERS}
    rows = []
    for number, values in sheet.rows:
        raw = {header: values[i] for header, i in index.items()}
        outcome = RowOutcome(
            row=number,
            staff_no=_compact(_shown(raw[STAFF_NO])),
            name=_shown(raw[NAME]),
            year=_shown(raw[YEAR]),
            quarter=_shown(raw[QUARTER]),
            after=_shown(raw[SCORE]),
        )
        parsed = {}
        for header in HEADERS:
            try:
                parsed[header] = cells.clean(header, raw[header])
            except ValueError as exc:
                outcome.errors.append(RowError(number, header, str(exc)))
        if YEAR in parsed:
            outcome.year = str(parsed[YEAR])
        if QUARTER in parsed:
            outcome.quarter = f"Q{parsed[QUARTER]}"
        if SCORE in parsed:
            outcome.after = _decimal_text(parsed[SCORE])
        rows.append(_Row(outcome, parsed))
    return rows


def _check_rows(rows, user, *, lock):
    """Attach each row's review, or the errors that keep it from being imported."""
    cadres = _load_cadres({row.values[STAFF_NO] for row in rows if STAFF_NO in row.values})
    scope = set(units_visible_to(user, roles=IMPORT_ROLES).values_list("id", flat=True))
    years = {row.values[YEAR] for row in rows if YEAR in row.values}
    quarters = {row.values[QUARTER] for row in rows if QUARTER in row.values}
    reviews = _load_reviews([c.pk for c in cadres.values()], years, quarters, lock) if years and quarters else {}
    seen = {}
    for row in rows:
        problems = _row_problems(row, cadres, scope, reviews, seen)
        outcome = row.outcome
        outcome.errors += [RowError(outcome.row, header, message) for header, message in problems]
        outcome.errors.sort(key=lambda e: HEADERS.index(e.column) if e.column in HEADERS else -1)
        if not outcome.errors:
            outcome.result = "skip" if row.review.mass_score == row.values[SCORE] else "update"


def _row_problems(row, cadres, scope, reviews, seen):
    """(column, message) for each check the row fails; sets ``row.review`` when it passes them all."""
    values, number, problems = row.values, row.outcome.row, []
    cadre = cadres.get(values.get(STAFF_NO))
    if STAFF_NO in values and cadre is None:
        message = _("There is no cadre with staff number %(staff_no)s.")
        problems.append((STAFF_NO, message % {"staff_no": values[STAFF_NO]}))
    elif cadre is not None and cadre.unit_id not in scope:
        message = _("Cadre %(staff_no)s is outside the units you may import mass evaluations for.")
        problems.append((STAFF_NO, message % {"staff_no": cadre.staff_no}))
        cadre = None
    if cadre is not None and NAME in values and values[NAME] != _compact(cadre.name):
        message = _("Staff number %(staff_no)s belongs to %(name)s.")
        problems.append((NAME, message % {"staff_no": cadre.staff_no, "name": cadre.name}))
    if cadre is None or YEAR not in values or QUARTER not in values:
        return problems
    key = (cadre.pk, values[YEAR], values[QUARTER])
    quarter = {"name": cadre.name, "year": values[YEAR], "quarter": values[QUARTER]}
    first = seen.setdefault(key, number)
    if first != number:
        message = _("%(name)s's %(year)dQ%(quarter)d is already on row %(row)d.")
        return [*problems, (QUARTER, message % {**quarter, "row": first})]
    review = reviews.get(key)
    if review is None:
        message = _("%(name)s has no review for %(year)dQ%(quarter)d: the review cycle of that quarter is not open.")
        return [*problems, (QUARTER, message % quarter)]
    row.outcome.before = _decimal_text(review.mass_score)
    if review.status not in OPEN_STATUSES:
        message = _("The %(year)dQ%(quarter)d review of %(name)s is %(status)s; its mass evaluation is locked.")
        return [*problems, (SCORE, message % {**quarter, "status": ReviewStatus(review.status).label})]
    review.cadre = cadre  # the audit event names the cadre: no query per review
    row.review = review
    return problems


# --- Applying the scores: in memory for the preview, then written for a commit ---


def _apply(rows):
    """Set the mass scores in memory and recompute the reviews already scored; answers (changed, recomputed)."""
    changed, scored = [], []
    for row in rows:
        if row.outcome.result != "update":
            continue
        review = row.review
        review.mass_score = row.values[SCORE]
        changed.append(review)
        if review.score is not None:
            scored.append(review)
    _recompute(scored)
    for row in rows:
        if row.review.score is not None:
            row.outcome.score, row.outcome.grade = _decimal_text(row.review.score), row.review.grade
    return changed, scored


def _recompute(reviews):
    """What review_set_mass does for one review, for many: fresh ledger points, the quarter score and the
    suggested grade. The assessor's grade stays unless the new suggestion is lower than it."""
    if not reviews:
        return
    schemes = ScoringScheme.objects.in_bulk({r.scheme_id for r in reviews})
    by_quarter = defaultdict(list)
    for review in reviews:
        by_quarter[review.year, review.quarter].append(review)
    for (year, quarter), group in by_quarter.items():
        points = quarter_ledger_points([r.cadre_id for r in group], year, quarter)
        for review in group:
            scheme = schemes[review.scheme_id]
            review.scheme = scheme
            review.ledger_points = points[review.cadre_id]
            review.score = quarter_score(
                review.dimension_scores, review.mass_score, review.ledger_points, scheme.quarter_weights
            )
            review.suggested_grade = suggest_grade(review.score, scheme.thresholds)
            if review.grade not in allowed_grades(review.suggested_grade):
                review.grade = review.suggested_grade


def _write(changed, report, unit):
    # Each written field is a CASE over the batch: only the scored reviews need more than the mass score.
    unscored = [r for r in changed if r.score is None]
    scored = [r for r in changed if r.score is not None]
    QuarterlyReview.objects.bulk_update(unscored, ["mass_score"], batch_size=WRITE_BATCH)
    QuarterlyReview.objects.bulk_update(scored, RECOMPUTED_FIELDS, batch_size=WRITE_BATCH)
    events = [build_event(action=Action.UPDATE, instance=r, changes=diff_for_save(r, False)) for r in changed]
    AuditEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
    audit_record(
        action=Action.IMPORT,
        model="assessments.quarterlyreview",
        note=report.file_name,
        changes={"updated": len(changed), "unchanged": report.counts["skip"]},
        unit=unit,
    )


# --- The service: dry run or commit ---


def mass_evaluation_import(*, data: bytes, file_name: str, user, commit: bool = False) -> MassImportReport:
    """Record the mass evaluation scores of a workbook on the quarters' reviews, all or nothing.

    Only cadres in ``user``'s clerk or reviewer scope are accepted, and only reviews still in draft or
    returned. Without ``commit`` it is a dry run: every row is checked and nothing is written.
    Raises MassFileError for a file that is not a readable workbook.
    """
    with cyclic_gc_paused():
        sheet = read_sheet(data)
        report = MassImportReport(
            file_name=file_name, ignored_columns=[h for h in sheet.headers if h and h not in HEADERS]
        )
        report.file_errors = _header_errors(sheet)
        if report.file_errors:
            return report
        with acting(user=user), transaction.atomic():
            rows = _parse_rows(sheet)
            _check_rows(rows, user, lock=commit)
            report.rows = [row.outcome for row in rows]
            if not report.ok:
                return report
            changed, scored = _apply(rows)
            report.updated, report.recomputed = len(changed), len(scored)
            if commit:
                _commit(changed, report, unit=sole_scope_id(user, IMPORT_ROLES))
    return report


def _commit(changed, report, unit):
    try:
        # Its own savepoint: a failed write must not leave the transaction aborted (PostgreSQL refuses
        # the statements that follow) and leaves nothing behind, audit events included.
        with transaction.atomic():
            _write(changed, report, unit)
    except DatabaseError as exc:
        logger.exception("mass evaluation import: the file could not be written")
        report.file_errors.append(
            RowError(
                0,
                "",
                _("The mass evaluations could not be saved (%(kind)s); nothing was written.")
                % {"kind": type(exc).__name__},
            )
        )
        report.updated = report.recomputed = 0
        return
    report.committed = True


# --- Column guide: the upload page and the template's instructions sheet ---


COLUMN_HELP = {
    STAFF_NO: gettext_lazy("Staff number of a cadre in the units you may import mass evaluations for."),
    NAME: gettext_lazy("The cadre's name, as a check that the staff number is the right one."),
    YEAR: gettext_lazy("The year of the review, four digits, such as 2026."),
    QUARTER: gettext_lazy("The quarter: 1 to 4, Q1 to Q4, or 一季度 to 四季度. Its review cycle must be open."),
    SCORE: gettext_lazy(
        "The mass evaluation score, 0 to 100, at most two decimal places. The review must still be a draft or "
        "returned; a review already scored gets its quarter score recomputed."
    ),
}


def column_guide():
    """(header, help) for the upload page and the template's instructions sheet; every column is required."""
    return [(header, COLUMN_HELP[header]) for header in HEADERS]
