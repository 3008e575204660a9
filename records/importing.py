"""Helpers shared by the Excel imports: reading a sheet, an upload waiting between its preview and its
commit, the garbage collector paused for a bulk import."""

import contextlib
import gc
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import ClassVar

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from core.text import normalize_cell

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")
STALE_SECONDS = 24 * 60 * 60


# --- Reading the first sheet: formulas are never evaluated ---


class UnreadableWorkbook(Exception):
    """The bytes are not a workbook we can read."""


class _Unvalued:
    """Stands in for a formula cell whose workbook carries no stored result."""

    def __repr__(self):
        return "<formula without a value>"


UNVALUED = _Unvalued()


def cell_text(value):
    """A cell as text; Excel turns typed digits into numbers, so 1001.0 reads back as "1001"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_cell(str(value))


@dataclass
class Sheet:
    headers: list
    rows: list  # (Excel row number, cell values), blank rows left out


def read_first_sheet(data: bytes, *, max_rows) -> Sheet:
    """The first sheet's header row and cell values. A formula cell reads as the result the workbook
    stored for it, or as UNVALUED when there is none (files written by scripts); never evaluated."""
    try:
        book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableWorkbook(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        return _read_rows(book, book.worksheets[0], max_rows)
    except UnreadableWorkbook:
        raise
    except Exception as exc:
        raise UnreadableWorkbook(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    finally:
        book.close()


class _CellParser(WorkSheetParser):
    """openpyxl's worksheet parser, reading what an import needs in one pass: the stored result of a
    formula cell (UNVALUED if none), and inline strings as plain text. openpyxl builds a rich-text
    object for each inline string (the cells of script-written files), which was half of the read."""

    def parse_cell(self, element):
        if element.get("t") == "inlineStr":
            reference = element.get("r")
            if reference:
                self.col_counter = column_index_from_string(reference.rstrip("0123456789"))
            else:
                self.col_counter += 1
            return {"column": self.col_counter, "value": _inline_text(element.find(_INLINE))}
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(_FORMULA) is not None:
            cell["value"] = UNVALUED
        return cell


_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"


def _inline_text(element):
    if element is None:
        return None
    # Plain text, or rich-text runs; phonetic guides (rPh) are not part of the value.
    return "".join(
        (child.text or "") if child.tag == _TEXT else (child.findtext(_TEXT) or "")
        for child in element
        if child.tag in (_TEXT, _RUN)
    )


def _read_rows(book, worksheet, max_rows):
    with worksheet._get_source() as source:
        parser = _CellParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        rows = iter(parser.parse())
        first = next(rows, None)
        if first is None or first[0] != 1:  # no header row at the top
            return Sheet(headers=[], rows=[])
        headers = _values(first[1], width=None)
        sheet = Sheet(headers=[cell_text(h) if h is not None else "" for h in headers], rows=[])
        for number, cells in rows:
            values = _values(cells, width=len(headers))
            if all(v is not UNVALUED and normalize_cell(v) == "" for v in values):
                continue
            if len(sheet.rows) >= max_rows:
                raise UnreadableWorkbook(
                    _("The sheet has more than %(max)d rows; split it into several files.") % {"max": max_rows}
                )
            sheet.rows.append((number, values))
    return sheet


def _values(cells, width):
    """A row's values by column, blanks as None, cut to the header's width (cells past it have no column)."""
    if width is None:
        width = max((cell["column"] for cell in cells), default=0)
    values = [None] * width
    for cell in cells:
        if cell["column"] <= width:
            values[cell["column"] - 1] = cell["value"]
    return values


# --- An upload waiting between its preview and its commit ---


class UploadStash:
    """Uploaded workbooks kept server-side after a clean preview, each under a random token that only
    the session that uploaded it can spend, once.

    Each import has its own session key and folder, so a token from one import page is worthless on
    another.
    """

    def __init__(self, *, session_key, folder):
        self.session_key = session_key
        self.folder = folder

    def directory(self):
        path = Path(settings.MEDIA_ROOT) / "imports" / self.folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def put(self, request, content, file_name):
        self.purge_stale()
        token = secrets.token_urlsafe(32)
        (self.directory() / f"{token}.xlsx").write_bytes(content)
        request.session[self.session_key] = {**request.session.get(self.session_key, {}), token: file_name}
        return token

    def take(self, request, token):
        """The stashed bytes and file name, or None; the token is spent whatever happens next."""
        uploads = dict(request.session.get(self.session_key, {}))
        if not TOKEN_RE.fullmatch(token or "") or token not in uploads:
            return None
        file_name = uploads.pop(token)
        request.session[self.session_key] = uploads
        path = self.directory() / f"{token}.xlsx"
        if not path.exists():
            return None
        data = path.read_bytes()
        path.unlink(missing_ok=True)
        return data, file_name

    def purge_stale(self):
        # Previews nobody confirmed hold personal data, so they do not linger.
        cutoff = time.time() - STALE_SECONDS
        for path in self.directory().glob("*.xlsx"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except FileNotFoundError:  # another request got there first
                pass


# --- Bulk work ---


@contextlib.contextmanager
def cyclic_gc_paused():
    """Pause the cyclic garbage collector for a bulk import (or a county's score recompute).

    An import allocates hundreds of thousands of small objects (cells, model instances, audit events)
    that stay alive until it ends. The collector would walk that growing heap again and again and
    find nothing to free: on 5,000 ledger rows that was 40% of the time, and a sixth of a 20,000-cadre
    recompute. Reference counting still frees what is dropped; cycles wait for the next collection
    after the import.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class ImportReportBase:
    """What every import answers: per-row outcomes (each with ``result`` and ``errors``), file-level
    errors, and whether it was committed. Subclasses name their results in ``RESULT_LABELS``."""

    RESULT_LABELS: ClassVar[dict] = {}

    file_name: str
    rows: list = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    committed: bool = False

    @property
    def errors(self):
        return self.file_errors + [e for outcome in self.rows for e in outcome.errors]

    @property
    def ok(self):
        return not self.errors

    @property
    def counts(self):
        counted = Counter(outcome.result for outcome in self.rows)
        return {key: counted[key] for key in self.RESULT_LABELS}
