"""The printed layout every committee sheet shares (reports.layout), read back with openpyxl."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest

from reports.layout import FOOTER, MARKING, Book, Column, sheet_name, text_width
from tests.factories_reports import open_book

COLUMNS = [
    Column("序号", 5, "int"),
    Column("姓名", 9),
    Column("事由", 30, "wrap"),
    Column("分值", 7, "points"),
    Column("日期", 10, "date"),
]
GROUPED = [
    Column("姓名", 9),
    Column("一季度", 6, "center", group="季度等次"),
    Column("二季度", 6, "center", group="季度等次"),
    Column("得分", 8, "score"),
]


def build(rows, columns=COLUMNS, total=None):
    buffer = BytesIO()
    with Book(buffer, generated_at=datetime(2026, 1, 5, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))) as book:
        sheet = book.sheet("东岭镇", title="2025年度测试表", subtitle="单位：东岭镇", columns=columns)
        for row in rows:
            sheet.write_row(row)
        sheet.finish(total=total)
    return open_book(buffer.getvalue())["东岭镇"]


def test_the_title_is_merged_across_the_table_in_a_larger_bold_font():
    ws = build([(1, "李明", "完成任务", Decimal("2.5"), date(2025, 3, 1))])
    assert ws["A2"].value == "2025年度测试表"
    assert "A2:E2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].font.b and ws["A2"].font.sz > ws["A5"].font.sz
    assert ws["A3"].value == "单位：东岭镇"


def test_the_confidentiality_marking_is_at_top_right_on_screen_and_on_every_printed_page():
    ws = build([])
    assert ws["C1"].value == MARKING
    assert "C1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["C1"].alignment.horizontal == "right"
    assert ws.oddHeader.right.text == MARKING


def test_the_header_is_bold_and_bordered_and_frozen_with_a_filter():
    ws = build([(1, "李明", "完成任务", Decimal("2.5"), date(2025, 3, 1))])
    assert [c.value for c in ws[4]] == ["序号", "姓名", "事由", "分值", "日期"]
    for cell in ws[4]:
        assert cell.font.b
        assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:E5"
    assert ws["B5"].border.top.style == "thin"


def test_it_prints_a4_landscape_one_page_wide_with_the_header_on_every_page():
    ws = build([(1, "李明", "完成任务", Decimal("2.5"), date(2025, 3, 1))])
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1 is the file format's default, so it may be left out), any number tall.
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$4:$4"
    assert ws.oddFooter.center.text == FOOTER == "第 &P 页 共 &N 页"


def test_the_signature_line_follows_the_table_after_a_blank_row():
    ws = build([(1, "李明", "完成任务", Decimal("2.5"), date(2025, 3, 1))], total=("合计", "", "", 2.5, ""))
    assert ws["A6"].value == "合计" and ws["A6"].font.b
    assert ws["A7"].value is None
    assert [c.value for c in ws[8] if c.value] == ["制表人：", "审核人：", "日期：　　　　年　　月　　日"]
    assert ws.auto_filter.ref == "A4:E5"  # the total stays out of sorting and filtering


def test_an_empty_sheet_says_none_in_one_bordered_row_across_the_table():
    ws = build([], total=("合计", "", "", 0, ""))
    assert ws["A5"].value == "无" and "A5:E5" in {str(r) for r in ws.merged_cells.ranges}
    assert (ws["A5"].font.name, ws["A5"].font.b, ws["A5"].border.left.style) == ("宋体", False, "thin")
    assert ws["A6"].value == "合计"
    assert ws["A8"].value == "制表人："
    assert ws.auto_filter.ref is None


def test_numbers_are_numbers_and_dates_are_dates():
    ws = build([(1, "李明", "完成任务", Decimal("-2.5"), date(2025, 3, 1))])
    assert ws["A5"].data_type == "n" and ws["A5"].value == 1
    assert ws["D5"].data_type == "n" and ws["D5"].value == -2.5
    assert ws["D5"].number_format == "0.0"
    assert ws["E5"].is_date and ws["E5"].value == datetime(2025, 3, 1)


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+86 138", "-1+2", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("x")'])
def test_text_that_looks_like_a_formula_is_written_as_text(text):
    ws = build([(1, text, text, None, None)])
    for cell in (ws["B5"], ws["C5"]):
        assert cell.data_type == "s"
        # openpyxl shows a carriage return the way the file escapes it; spreadsheets unescape it.
        assert cell.value == text.replace("\r", "_x000D_")
        assert cell.quotePrefix  # stays text when the cell is edited


def test_ordinary_text_gets_no_quote_prefix():
    ws = build([(1, "李明", "完成任务", None, None)])
    assert not ws["B5"].quotePrefix


def test_empty_values_are_blank_bordered_cells():
    ws = build([(1, "李明", None, None, "")])
    assert ws["C5"].value is None and ws["D5"].value is None and ws["E5"].value is None
    assert ws["D5"].border.left.style == "thin"


def test_grouped_columns_get_a_group_row_over_the_headers():
    ws = build([("李明", "好", "较好", Decimal("91.5"))], columns=GROUPED)
    assert ws["B4"].value == "季度等次"
    assert "B4:C4" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[5]] == ["姓名", "一季度", "二季度", "得分"]
    assert ws.print_title_rows == "$4:$5"
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref == "A5:D6"


def test_wrapped_text_gets_a_row_tall_enough_for_its_lines():
    long = "完成重点项目攻坚任务" * 6  # 60 wide characters in a 30-wide column
    ws = build([(1, "李明", long, None, None), (2, "王芳", "短", None, None)])
    assert ws["C5"].alignment.wrap_text
    assert ws.row_dimensions[5].height >= 13.5 * 4
    assert ws.row_dimensions[6].height is None


def test_sheet_names_are_cut_cleaned_and_unique():
    used = set()
    assert sheet_name("东岭镇/党政办[一]", used) == "东岭镇_党政办_一_"
    long = "很长的单位名称" * 6
    first, second = sheet_name(long, used), sheet_name(long, used)
    assert len(first) == 31 and len(second) == 31 and first != second


def test_chinese_characters_count_double_width():
    assert text_width("李明") == 4
    assert text_width("ab") == pytest.approx(2.2)


def _sheet_xml(worksheet_class):
    import zipfile

    import xlsxwriter

    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    ws = workbook.add_worksheet("s", worksheet_class=worksheet_class)
    fmt = workbook.add_format({"border": 1})
    ws.set_row(1, 30)
    values = ["李明", " leading", "trailing ", "a & b < c", "ctl\x01char", "_x0041_", "=1+1", "多\n行"]
    for row in range(3):
        ws.write_number(row, 0, 1.5 + row, fmt)
        ws.write_datetime(row, 1, datetime(2025, 3, 1), fmt)
        ws.write_blank(row, 2, None, fmt)
        for col, text in enumerate(values, start=3):
            ws.write_string(row, col, text, fmt if col % 2 else None)
        ws.write_formula(row, len(values) + 3, "=A1*2", fmt)
    workbook.close()
    with zipfile.ZipFile(BytesIO(buffer.getvalue())) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_the_quick_row_writer_writes_what_xlsxwriter_writes():
    from xlsxwriter.worksheet import Worksheet

    from reports.fastsheet import FastWorksheet

    assert _sheet_xml(FastWorksheet) == _sheet_xml(Worksheet)
