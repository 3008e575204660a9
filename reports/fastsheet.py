"""XlsxWriter's worksheet with a quicker constant-memory row writer.

In constant-memory mode XlsxWriter writes each row as it is left, cell by cell, through generic
helpers (a list of attributes, two escapes and a file write per cell): most of a large report's
time. This writer builds the same XML for a row's plain cells — numbers, dates, blanks and text
that needs no escaping — in one string and one write. Anything else (formulas, text with markup
or control characters, leading or trailing blanks, cells formatted by their row or column) goes
through XlsxWriter's own ``_write_cell``, so the file is the same either way.

It relies on XlsxWriter internals (``table``, ``previous_row``, ``_write_row``, ``_write_cell``),
as of the version pinned in requirements.txt; tests/test_reports_layout.py compares its output
with XlsxWriter's own.
"""

import re

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# Text XlsxWriter would change on the way out: XML markup, control characters, its own escapes.
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


class FastWorksheet(Worksheet):
    def __init__(self):
        super().__init__()
        self._column_names = {}
        self._styles = {}

    def _write_single_row(self, current_row_num=0):
        row_num = self.previous_row
        cells = self.table.get(row_num)
        row_info = self.row_info.get(row_num)
        if not cells or row_num in self.comments or (row_info and row_info.row_format):
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        self._write_row(row_num, None, row_info)
        out = []
        names, styles = self._column_names, self._styles
        line = str(row_num + 1)
        for col in sorted(cells):
            cell = cells[col]
            kind = cell.__class__.__name__
            fmt = cell.format
            if fmt is None and col in self.col_info:
                kind = "other"  # formatted by its column: XlsxWriter knows how
            if kind in ("Number", "Datetime", "Blank") or (kind == "String" and _plain(cell.string)):
                name = names.get(col) or names.setdefault(col, xl_col_to_name(col))
                style = styles.get(fmt) if fmt else ""
                if style is None:
                    style = styles[fmt] = f' s="{fmt._get_xf_index()}"'
                if kind == "String":
                    out.append(f'<c r="{name}{line}"{style} t="inlineStr"><is><t>{cell.string}</t></is></c>')
                elif kind == "Blank":
                    out.append(f'<c r="{name}{line}"{style}/>')
                else:
                    out.append(f'<c r="{name}{line}"{style}><v>{cell.number:.16G}</v></c>')
            else:
                if out:
                    self.fh.write("".join(out))
                    out = []
                self._write_cell(row_num, col, cell)
        out.append("</row>")
        self.fh.write("".join(out))
        self.table.clear()


def _plain(text):
    return bool(text) and not text[0].isspace() and not text[-1].isspace() and not _NEEDS_ESCAPE.search(text)
