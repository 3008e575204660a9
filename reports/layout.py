"""The printed layout every committee sheet shares, written with XlsxWriter in constant-memory mode.

A sheet is: the marking 内部资料 注意保密 at top right, a title merged across the table, a subtitle
(unit, period, data source, generation time), a bold bordered header (one row, or two when columns
are grouped), the bordered body, then a signature line. Printed A4 landscape, one page wide, the
header repeated on every page, "第 &P 页 共 &N 页" at the foot.

Rows go out in order (constant memory keeps only the current row of each sheet), so a sheet's
title and header are written when it is created and its signature line when it is finished.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.utils import timezone

from .fastsheet import FastWorksheet

MARKING = "内部资料 注意保密"
FOOTER = "第 &P 页 共 &N 页"
SIGNATURE = ("制表人：", "审核人：", "日期：　　　　年　　月　　日")
FONT = "宋体"
EMPTY = "无"  # the one row of a list with nothing in it
# Text starting with one of these would be taken for a formula (or DDE) by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

NUMBER_FORMATS = {
    "int": "0",
    "points": "0.0",
    "score": "0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "month": "yyyy-mm",
    "datetime": "yyyy-mm-dd hh:mm",
}
NUMERIC = frozenset({"int", "points", "score", "percent"})
DATES = frozenset({"date", "month", "datetime"})
LINE_HEIGHT = 13.5  # points, for 10-point text
CENTERED = frozenset({"int", "center", "date", "month", "datetime"})


@dataclass(frozen=True)
class Column:
    """One column: its header, its width in Excel character units (a Chinese character takes
    about two) and how its cells are written: text, wrap (long text), center, int, points, score,
    percent, date, month, datetime, or auto (by the value's type)."""

    header: str
    width: float
    kind: str = "text"
    group: str = ""  # a header spanning the consecutive columns of the same group


def sheet_name(name, used):
    """A name Excel accepts (≤ 31 characters, none of []:*?/\\), unique within the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def text_width(text):
    """Width in Excel character units: a wide (Chinese) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def local_naive(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class Book:
    """One workbook; ``target`` is a path or a binary file object."""

    def __init__(self, target, *, generated_at=None):
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,
            },
        )
        self.generated_at = local_naive(generated_at or timezone.now())
        self.rows = 0  # body rows written, over every sheet
        self._formats = {}
        self._names = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.workbook.close()

    def fmt(self, role, kind="text", *, bold=False, quoted=False):
        key = (role, kind, bold, quoted)
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(_format_spec(role, kind, bold, quoted))
        return self._formats[key]

    def sheet(self, name, *, title, subtitle, columns):
        return Sheet(self, sheet_name(name, self._names), title=title, subtitle=subtitle, columns=columns)


def _format_spec(role, kind, bold, quoted):
    spec = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
    if role == "title":
        spec.update(bold=True, font_size=16, align="center")
    elif role == "subtitle":
        spec.update(font_size=9, align="left")
    elif role == "marking":
        spec.update(bold=True, font_size=10, align="right", font_color="#C00000")
    elif role.startswith("header"):
        spec.update(bold=True, border=1, align="center", text_wrap=True, bg_color="#D9D9D9")
        if role == "header_open":  # the upper half of an ungrouped column's header
            spec["bottom"] = 0
        elif role == "header_under":  # its lower half, holding the text
            spec["top"] = 0
    elif role == "signature":
        spec.update(font_size=11, align="left")
    elif role == "body":
        spec.update(border=1, bold=bold, text_wrap=kind in ("wrap", "auto"))
        if kind in NUMBER_FORMATS:
            spec["num_format"] = NUMBER_FORMATS[kind]
        spec["align"] = "center" if kind in CENTERED else "right" if kind in NUMERIC else "left"
    if quoted:
        # Stored as text with Excel's quote prefix: shown as typed, kept as text when edited.
        spec["quote_prefix"] = True
    return spec


class Sheet:
    def __init__(self, book, name, *, title, subtitle, columns):
        self.book = book
        self.columns = list(columns)
        self._wrapped = [i for i, c in enumerate(self.columns) if c.kind in ("wrap", "auto")]
        self._kinds = [c.kind for c in self.columns]
        self._formats = [None if c.kind == "auto" else book.fmt("body", c.kind) for c in self.columns]
        self._bold_formats = [None if c.kind == "auto" else book.fmt("body", c.kind, bold=True) for c in self.columns]
        self.ws = book.workbook.add_worksheet(name, worksheet_class=FastWorksheet)
        self.rows = 0
        last = len(self.columns) - 1
        ws = self.ws
        for i, col in enumerate(self.columns):
            ws.set_column(i, i, col.width)
        # Row 0: the marking at top right; 1: title; 2: subtitle; 3 (and 4): header.
        marking_from = max(0, last - 2)
        if marking_from < last:
            ws.merge_range(0, marking_from, 0, last, MARKING, book.fmt("marking"))
        else:
            ws.write_string(0, last, MARKING, book.fmt("marking"))
        ws.set_row(1, 30)
        _merged(ws, 1, last, title, book.fmt("title"))
        _merged(ws, 2, last, subtitle, book.fmt("subtitle"))
        self.header_first = 3
        self.header_last = self._write_header(3)
        self.first_body = self.header_last + 1
        self.next_row = self.first_body
        self._print_setup()

    def _write_header(self, row):
        """The header row; grouped columns get a row above it with the group's name merged across.

        Every column's own header is on the last header row (the filter row). Above an ungrouped
        column the upper cell is left open at the bottom, so the two read as one box. (A vertical
        merge cannot be used: XlsxWriter pads it into the next row, which in constant-memory mode
        closes the row before the rest of it is written.)
        """
        ws, book, last = self.ws, self.book, len(self.columns) - 1
        grouped = any(c.group for c in self.columns)
        if grouped:
            i = 0
            while i <= last:
                group = self.columns[i].group
                j = i
                while group and j < last and self.columns[j + 1].group == group:
                    j += 1
                if group:
                    _merge_or_write(ws, row, i, row, j, group, book.fmt("header"))
                else:
                    ws.write_blank(row, i, None, book.fmt("header_open"))
                i = j + 1
            row += 1
        ws.set_row(row, 30)
        for i, col in enumerate(self.columns):
            ws.write_string(row, i, col.header, book.fmt("header_under" if grouped and not col.group else "header"))
        return row

    def _print_setup(self):
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
        ws.repeat_rows(self.header_first, self.header_last)
        # On paper the marking is the page header, on every page; row 0 shows it on screen.
        ws.set_header(f"&R{MARKING}")
        ws.set_footer(f"&C{FOOTER}")
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.center_horizontally()
        ws.freeze_panes(self.first_body, 0)

    def write_row(self, values, *, bold=False):
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        row = self.next_row
        if self._wrapped:
            lines = self._lines(values)
            if lines > 1:
                # Spreadsheets do not grow a row for wrapped text on their own when opening a file.
                self.ws.set_row(row, LINE_HEIGHT * lines + 3)
        ws, kinds = self.ws, self._kinds
        formats = self._bold_formats if bold else self._formats
        # The innermost loop of every report: plain branches, formats looked up once per column.
        for i, value in enumerate(values):
            kind = kinds[i]
            if value is None or value == "":
                ws.write_blank(row, i, None, formats[i] or self.book.fmt("body", "text", bold=bold))
            elif kind == "auto":
                self._cell(row, i, _kind_of(value), value, bold)
            elif kind in NUMERIC and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                ws.write_number(row, i, float(value), formats[i])
            elif kind in DATES and isinstance(value, date):
                ws.write_datetime(row, i, local_naive(value), formats[i])
            elif type(value) is str and not value.startswith(FORMULA_TRIGGERS):
                ws.write_string(row, i, value, formats[i])
            else:
                self._cell(row, i, kind, value, bold)
        self.next_row += 1
        self.rows += 1
        if not bold:
            self.book.rows += 1

    def _lines(self, values):
        lines = 1
        for i in self._wrapped:
            value = values[i]
            width = self.columns[i].width
            # At most two units a character: short text fits on one line without measuring.
            if isinstance(value, str) and (len(value) * 2 > width or "\n" in value):
                lines = max(lines, sum(math.ceil(text_width(part) / width) or 1 for part in value.split("\n")))
        return min(lines, 30)

    def _cell(self, row, col, kind, value, bold):
        ws, book = self.ws, self.book
        if kind in NUMERIC and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            ws.write_number(row, col, float(value), book.fmt("body", kind, bold=bold))
        elif kind in DATES and isinstance(value, date):
            ws.write_datetime(row, col, local_naive(value), book.fmt("body", kind, bold=bold))
        else:
            text = str(value)
            quoted = text.startswith(FORMULA_TRIGGERS)
            ws.write_string(row, col, text, book.fmt("body", kind, bold=bold, quoted=quoted))

    def finish(self, *, total=None):
        """The total row (bold, left out of the filter), then the signature line. A sheet without
        rows gets one 无 row across the table first."""
        last_col = len(self.columns) - 1
        if self.rows:
            self.ws.autofilter(self.header_last, 0, self.next_row - 1, last_col)
        else:
            # A printed pack shows that an empty list was checked, not left out: one bordered 无 row.
            # It is no body row: neither counted nor filtered.
            _merge_or_write(self.ws, self.next_row, 0, self.next_row, last_col, EMPTY, self.book.fmt("body", "center"))
            self.next_row += 1
        if total is not None:
            self.write_row(total, bold=True)
        row = self.next_row + 1
        self.ws.set_row(row, 28)
        fmt = self.book.fmt("signature")
        if last_col < 2:
            _merged(self.ws, row, last_col, "　　".join(SIGNATURE), fmt)
        else:
            for (first, end), text in zip(_thirds(last_col + 1), SIGNATURE, strict=True):
                _merge_or_write(self.ws, row, first, row, end, text, fmt)
        self.ws.print_area(1, 0, row, last_col)


def _kind_of(value):
    if isinstance(value, bool):
        return "center"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float | Decimal):
        return "score"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    return "wrap"


def _thirds(n):
    a, b = n // 3, 2 * n // 3
    return [(0, a - 1), (a, b - 1), (b, n - 1)]


def _merged(ws, row, last, text, fmt):
    _merge_or_write(ws, row, 0, row, last, text, fmt)


def _merge_or_write(ws, first_row, first_col, last_row, last_col, text, fmt):
    if (first_row, first_col) == (last_row, last_col):
        ws.write_string(first_row, first_col, text, fmt)
    else:
        ws.merge_range(first_row, first_col, last_row, last_col, text, fmt)


def subtitle(*parts):
    """The subtitle line: its non-empty parts, spaced with ideographic spaces."""
    return "　　".join(p for p in parts if p)


def generated(book):
    return f"生成时间：{book.generated_at:%Y-%m-%d %H:%M}"
