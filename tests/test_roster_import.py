"""The roster import service: every row error names its Excel row and column; all or nothing."""

from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest

from audit.context import acting
from audit.models import Action, AuditEvent
from records.imports import HEADERS, RosterFileError, cadre_import, read_sheet
from records.models import Cadre, Posting
from tests.factories import valid_id_number


def roster_row(**cells):
    """One valid new-cadre row in township A, keyed by header; override any cell by header."""
    row = {
        "干部编号": "N0001",
        "姓名": "陈新",
        "性别": "男",
        "出生日期": "1988-03-04",
        "单位编码": "TA",
        "职务": "科员",
        "职务层次": "无",
        "职级": "一级科员",
        "干部类别": "公务员",
        "任现职时间": "2021-05-01",
        "任现职级时间": "2021-05-01",
        "身份证号": valid_id_number(date(1988, 3, 4)),
        "手机号": "13900001111",
        "状态": "在职",
    }
    row.update(cells)
    return row


def roster_bytes(*rows, headers=HEADERS):
    """An in-memory .xlsx: a header row, then one line per row dict (missing keys stay blank)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def run(*rows, user=None, commit=False, headers=HEADERS):
    return cadre_import(data=roster_bytes(*rows, headers=headers), file_name="名册.xlsx", user=user, commit=commit)


def only_error(report):
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    return report.errors[0]


# --- each error kind names its row and column ---


def test_it_rejects_an_unknown_unit_code(world):
    error = only_error(run(roster_row(), roster_row(干部编号="N0002", 单位编码="NOPE")))

    assert (error.row, error.column) == (3, "单位编码")
    assert "NOPE" in error.message


def test_it_rejects_a_unit_outside_the_users_scope(world):
    error = only_error(run(roster_row(单位编码="TB"), user=world.clerk))

    assert (error.row, error.column) == (2, "单位编码")
    assert str(error).count("2") >= 1 and "单位编码" in str(error)


def test_it_accepts_a_unit_below_the_users_scope(world):
    report = run(roster_row(单位编码="TA1"), user=world.clerk)

    assert report.ok, [str(e) for e in report.errors]


def test_it_rejects_a_bad_id_check_digit(world):
    good = valid_id_number(date(1988, 3, 4))
    bad = good[:17] + ("0" if good[17] != "0" else "1")

    error = only_error(run(roster_row(身份证号=bad)))

    assert (error.row, error.column) == (2, "身份证号")
    assert bad not in str(error)


def test_it_rejects_an_id_number_typed_as_an_excel_number(world):
    error = only_error(run(roster_row(身份证号=430521198803041234)))

    assert error.column == "身份证号"


def test_it_rejects_a_bad_mobile(world):
    error = only_error(run(roster_row(手机号="1390000111")))

    assert (error.row, error.column) == (2, "手机号")


def test_it_rejects_an_unknown_rank_listing_the_allowed_values(world):
    error = only_error(run(roster_row(职级="科长")))

    assert (error.row, error.column) == (2, "职级")
    assert "科长" in error.message and "一级科员" in error.message


def test_it_rejects_a_bad_date(world):
    error = only_error(run(roster_row(出生日期="1988-02-30")))

    assert (error.row, error.column) == (2, "出生日期")


def test_it_rejects_a_date_in_an_unknown_format(world):
    error = only_error(run(roster_row(任现职时间="01/05/2021")))

    assert (error.row, error.column) == (2, "任现职时间")


def test_it_rejects_a_duplicate_staff_number_on_the_later_row(world):
    report = run(roster_row(), roster_row(姓名="陈旧"), roster_row(干部编号="N0002"), roster_row(姓名="陈三"))

    assert [(e.row, e.column) for e in report.errors] == [(3, "干部编号"), (5, "干部编号")]
    assert [o.result for o in report.rows] == ["new", "error", "new", "error"]


def test_it_rejects_a_blank_required_cell(world):
    error = only_error(run(roster_row(姓名="  ")))

    assert (error.row, error.column) == (2, "姓名")


def test_it_reports_every_error_of_a_row(world):
    report = run(roster_row(性别="M", 职级="科长", 手机号="123"))

    assert [e.column for e in report.errors] == ["性别", "职级", "手机号"]


def test_it_names_a_missing_required_column(world):
    headers = [h for h in HEADERS if h != "姓名"]

    error = only_error(run(roster_row(), headers=headers))

    assert (error.row, error.column) == (1, "姓名")


def test_it_accepts_a_file_without_the_optional_columns(world):
    headers = HEADERS[:11]

    report = run(roster_row(), headers=headers, commit=True)

    assert report.ok
    cadre = Cadre.objects.get(staff_no="N0001")
    assert (cadre.id_number, cadre.mobile, cadre.status) == ("", "", "在职")


def test_it_needs_the_rank_date_for_a_new_cadre(world):
    error = only_error(run(roster_row(任现职级时间=None)))

    assert (error.row, error.column) == (2, "任现职级时间")


def test_it_lists_columns_it_ignores(world):
    report = run(roster_row(), headers=[*HEADERS, "手机号码"])

    assert report.ok and report.ignored_columns == ["手机号码"]


def test_it_refuses_a_file_that_is_not_a_workbook(world):
    with pytest.raises(RosterFileError):
        read_sheet(b"staff_no,name\nA1,x\n")


def test_it_reports_an_empty_sheet(world):
    report = run()

    assert not report.ok


# --- tolerated input ---


def test_it_tolerates_full_width_digits_and_spaces(world):
    report = run(
        roster_row(
            干部编号="　Ｎ０００１ ",
            出生日期="１９８８－０３－０４",
            单位编码=" ＴＡ ",
            手机号="１３９００００１１１１",
            职级=" 一级科员　",
        ),
        commit=True,
    )

    assert report.ok, [str(e) for e in report.errors]
    cadre = Cadre.objects.get(staff_no="N0001")
    assert (cadre.birth_date, cadre.unit, cadre.mobile) == (date(1988, 3, 4), world.town_a, "13900001111")


def test_it_reads_excel_date_cells_and_text_dates(world):
    report = run(
        roster_row(出生日期=datetime(1988, 3, 4), 任现职时间="2021/5/1", 任现职级时间="2021.5.1"),
        commit=True,
    )

    assert report.ok, [str(e) for e in report.errors]
    cadre = Cadre.objects.get(staff_no="N0001")
    assert cadre.birth_date == date(1988, 3, 4)
    assert cadre.post_since == cadre.rank_since == date(2021, 5, 1)


def test_it_reads_a_staff_number_typed_as_a_number(world):
    report = run(roster_row(干部编号=1001), commit=True)

    assert report.ok and Cadre.objects.filter(staff_no="1001").exists()


def test_it_skips_blank_lines_but_keeps_excel_row_numbers(world):
    report = run(roster_row(), {}, roster_row(干部编号="N0002", 职级="科长"))

    assert [o.row for o in report.rows] == [2, 4]
    assert only_error(report).row == 4


def test_it_reads_the_cached_value_of_a_formula_not_the_formula(world):
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    book.active.append(list(roster_row().values()))
    book.active["B2"] = '=HYPERLINK("http://example.com","x")'
    out = BytesIO()
    book.save(out)

    sheet = read_sheet(out.getvalue())

    # openpyxl writes no cached results, so the cell reads as blank: the formula text never arrives.
    assert sheet.rows[0][1][1] is None


# --- create, update, unchanged ---


def test_it_creates_a_cadre_with_an_open_posting(world):
    report = run(roster_row(), commit=True)

    assert report.committed and report.counts["new"] == 1
    cadre = Cadre.objects.get(staff_no="N0001")
    posting = Posting.objects.get(cadre=cadre)
    assert (posting.unit, posting.start, posting.end) == (world.town_a, date(2021, 5, 1), None)


def test_it_updates_an_existing_staff_number(world):
    report = run(roster_row(干部编号="A0001", 姓名="李明", 职务="副镇长", 职务层次="副科"), commit=True)

    assert report.counts == {"new": 0, "update": 1, "skip": 0, "error": 0}
    world.cadre_a.refresh_from_db()
    assert (world.cadre_a.position, world.cadre_a.leadership_level) == ("副镇长", "副科")
    assert Cadre.objects.count() == 3


def test_it_keeps_stored_values_for_blank_optional_cells(world):
    run(roster_row(干部编号="A0001", 姓名="李明", 身份证号="", 手机号=None, 状态=None), commit=True)

    world.cadre_a.refresh_from_db()
    assert world.cadre_a.mobile == "13812345678" and world.cadre_a.id_number


def test_it_reports_an_unchanged_row(world):
    cadre = world.cadre_a
    row = roster_row(
        干部编号=cadre.staff_no,
        姓名=cadre.name,
        出生日期=cadre.birth_date,
        任现职时间=cadre.post_since,
        任现职级时间=cadre.rank_since,
        身份证号=cadre.id_number,
        手机号=cadre.mobile,
    )

    report = run(row, commit=True)

    assert report.counts["skip"] == 1


def test_it_refuses_to_update_a_cadre_outside_the_users_scope(world):
    error = only_error(run(roster_row(干部编号="B0001", 单位编码="TA"), user=world.clerk))

    assert (error.row, error.column) == (2, "干部编号")


def test_a_new_unit_code_is_a_transfer_dated_the_rows_post_date(world):
    report = run(roster_row(干部编号="A0001", 姓名="李明", 单位编码="TA1", 任现职时间="2024-03-01"), commit=True)

    assert report.ok, [str(e) for e in report.errors]
    postings = list(Posting.objects.filter(cadre=world.cadre_a).order_by("start"))
    assert [(p.unit, p.start, p.end) for p in postings] == [
        (world.town_a, date(2020, 1, 1), date(2024, 2, 29)),
        (world.office_a, date(2024, 3, 1), None),
    ]
    assert report.rows[0].notes


def test_a_transfer_before_the_current_posting_is_an_error_on_the_post_date(world):
    error = only_error(run(roster_row(干部编号="A0001", 姓名="李明", 单位编码="TA1", 任现职时间="2019-01-01")))

    assert (error.row, error.column) == (2, "任现职时间")


# --- all or nothing, and the audit trail ---


def test_one_bad_row_writes_nothing_not_even_audit_events(world):
    cadres, postings, events = Cadre.objects.count(), Posting.objects.count(), AuditEvent.objects.count()

    rows = [roster_row(), roster_row(干部编号="A0001", 姓名="改名"), roster_row(干部编号="N0003", 职级="x")]

    report = run(*rows, commit=True)

    assert not report.committed
    assert (Cadre.objects.count(), Posting.objects.count(), AuditEvent.objects.count()) == (cadres, postings, events)
    world.cadre_a.refresh_from_db()
    assert world.cadre_a.name == "李明"


def test_a_dry_run_writes_nothing(world):
    events = AuditEvent.objects.count()

    report = run(roster_row(), roster_row(干部编号="A0001", 姓名="改名"))

    assert report.ok and not report.committed
    assert report.counts["new"] == 1 and report.counts["update"] == 1
    assert not Cadre.objects.filter(staff_no="N0001").exists()
    assert AuditEvent.objects.count() == events


def test_a_commit_writes_audit_events_and_a_summary(world):
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    with acting(user=world.clerk, source="test"):
        run(roster_row(), roster_row(干部编号="A0001", 姓名="改名"), user=world.clerk, commit=True)

    events = AuditEvent.objects.filter(id__gt=before)
    assert events.filter(action=Action.CREATE, model="records.cadre").count() == 1
    assert events.filter(action=Action.CREATE, model="records.posting").count() == 1
    assert events.filter(action=Action.UPDATE, model="records.cadre").count() == 1
    summary = events.get(action=Action.IMPORT)
    assert summary.changes == {"new": 1, "update": 1, "unchanged": 0}
    assert (summary.note, summary.actor_name) == ("名册.xlsx", "clerk_a")
