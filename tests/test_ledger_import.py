"""The ledger import service: entry_create's checks for every row, each error naming its Excel row and
column; all or nothing; pending entries entered by the importer; queries that do not grow with rows."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEvent
from records.ledger_import import HEADERS, LedgerFileError, ledger_import
from records.models import EntryStatus, LedgerEntry, PointRule
from records.services.ledger import entry_reverse, month_close
from records.services.rules import rule_revise
from tests.factories import confirmed_entry, make_cadre, make_entry, rule


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def ledger_row(**cells):
    """One valid row for 李明 (A0001, township A), keyed by header; override any cell by header."""
    row = {
        "干部编号": "A0001",
        "姓名": "李明",
        "月份": "2026-03",
        "积分项目代码": "JN04",
        "分值": 2,
        "事由": "完成产业园道路攻坚任务",
        "文号": "青政〔2026〕1号",
        "发生日期": "2026-03-10",
    }
    row.update(cells)
    return row


def ledger_bytes(*rows, headers=HEADERS):
    """An in-memory .xlsx: a header row, then one line per row dict (missing keys stay blank)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def many_rows(count, cadre="A0001", name="李明"):
    return [ledger_row(干部编号=cadre, 姓名=name, 文号=f"青政〔2026〕{n}号") for n in range(1, count + 1)]


def run(*rows, user, commit=False, headers=HEADERS):
    return ledger_import(data=ledger_bytes(*rows, headers=headers), file_name="纪实.xlsx", user=user, commit=commit)


def only_error(report):
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    return report.errors[0]


def error_at(report, row, column):
    found = [e for e in report.errors if (e.row, e.column) == (row, column)]
    assert found, [str(e) for e in report.errors]
    return found[0]


# --- each error kind names its row and column ---


def test_it_rejects_an_unknown_staff_number(world):
    error = only_error(run(ledger_row(), ledger_row(干部编号="X9999", 文号="青政〔2026〕2号"), user=world.clerk))

    assert (error.row, error.column) == (3, "干部编号")
    assert "X9999" in error.message


def test_it_rejects_a_name_that_does_not_match_the_staff_number(world):
    error = only_error(run(ledger_row(姓名="王芳"), user=world.clerk))

    assert (error.row, error.column) == (2, "姓名")
    assert "李明" in error.message


@pytest.mark.parametrize("month", ["2026-13", "2026/3/10", "三月", "202603", "2026年13月"])
def test_it_rejects_a_month_in_another_format(world, month):
    error = only_error(run(ledger_row(月份=month), user=world.clerk))

    assert (error.row, error.column) == (2, "月份")


def test_it_rejects_an_unknown_rule_code(world):
    error = only_error(run(ledger_row(积分项目代码="XX99"), user=world.clerk))

    assert (error.row, error.column) == (2, "积分项目代码")
    assert "XX99" in error.message


def test_it_rejects_a_rule_not_in_force_on_the_date(world):
    PointRule.objects.filter(code="JN04").update(valid_from=date(2026, 4, 1))

    error = only_error(run(ledger_row(), user=world.clerk))

    assert (error.row, error.column) == (2, "积分项目代码")
    assert "2026-03-10" in error.message


def test_it_uses_the_rule_version_in_force_on_the_date_of_occurrence(world):
    rule_revise(actor=world.sysadmin, rule=rule("JN04"), valid_from=date(2026, 4, 1), max_points=Decimal("5"))
    rows = [
        ledger_row(分值=3),
        ledger_row(月份="2026-05", 发生日期="2026-05-06", 分值=5, 文号="青政〔2026〕2号"),
        ledger_row(分值=5, 文号="青政〔2026〕3号"),
    ]

    report = run(*rows, user=world.clerk, commit=False)

    assert [(e.row, e.column) for e in report.errors] == [(4, "分值")]
    report = run(*rows[:2], user=world.clerk, commit=True)
    assert sorted(LedgerEntry.objects.values_list("rule__version", flat=True)) == [1, 2]


def test_it_rejects_points_with_the_wrong_sign(world):
    error = only_error(run(ledger_row(分值=-2), user=world.clerk))

    assert (error.row, error.column) == (2, "分值")
    assert "JN04" in error.message


def test_it_rejects_a_deduction_entered_as_a_positive_number(world):
    error = only_error(run(ledger_row(积分项目代码="TS01", 分值=1), user=world.clerk))

    assert (error.row, error.column) == (2, "分值")


def test_it_rejects_points_outside_the_range(world):
    error = only_error(run(ledger_row(分值=4), user=world.clerk))

    assert (error.row, error.column) == (2, "分值")
    assert "+1.0 ~ +3.0" in error.message


@pytest.mark.parametrize("points", ["两分", "1.25", True])
def test_it_rejects_points_that_are_not_a_number_with_one_decimal(world, points):
    error = only_error(run(ledger_row(分值=points), user=world.clerk))

    assert (error.row, error.column) == (2, "分值")


def test_it_rejects_a_date_outside_the_month(world):
    error = only_error(run(ledger_row(发生日期="2026-04-01"), user=world.clerk))

    assert (error.row, error.column) == (2, "发生日期")
    assert "2026-03" in error.message


def test_it_rejects_a_date_in_the_future(world):
    error = only_error(run(ledger_row(月份="2026-11", 发生日期="2026-11-22"), user=world.clerk))

    assert (error.row, error.column) == (2, "发生日期")


def test_it_rejects_a_bad_date(world):
    error = only_error(run(ledger_row(发生日期="2026-02-30"), user=world.clerk))

    assert (error.row, error.column) == (2, "发生日期")


def test_it_rejects_a_missing_document_number_when_the_rule_requires_one(world):
    error = only_error(run(ledger_row(文号="  "), user=world.clerk))

    assert (error.row, error.column) == (2, "文号")
    assert "JN04" in error.message


def test_it_accepts_no_document_number_when_the_rule_does_not_require_one(world):
    report = run(
        ledger_row(积分项目代码="JN01", 文号=None), ledger_row(积分项目代码="JN01", 文号=None), user=world.clerk
    )

    assert report.ok, [str(e) for e in report.errors]


def test_it_rejects_the_same_fact_twice_in_the_file_on_the_later_row(world):
    report = run(ledger_row(), ledger_row(文号="青政〔2026〕2号"), ledger_row(分值=1), user=world.clerk)

    error = only_error(report)
    assert (error.row, error.column) == (4, "文号")
    assert "2" in error.message
    assert [o.result for o in report.rows] == ["new", "new", "error"]


def test_the_same_document_number_is_fine_for_another_cadre_or_rule(world):
    report = run(
        ledger_row(),
        ledger_row(干部编号="A0002", 姓名="王芳"),
        ledger_row(积分项目代码="JN03", 分值=1),
        user=world.clerk,
    )

    assert report.ok, [str(e) for e in report.errors]


def test_it_rejects_a_fact_already_recorded(world):
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕1号")

    error = only_error(run(ledger_row(), user=world.clerk))

    assert (error.row, error.column) == (2, "文号")


@pytest.mark.parametrize("typed", ["青政(2026)1号", "青政（２０２６）１号", " 青政 [2026] 1 号 "])
def test_it_rejects_a_fact_already_recorded_under_another_spelling_of_its_document_number(world, typed):
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕1号")

    error = only_error(run(ledger_row(文号=typed), user=world.clerk, commit=True))

    assert (error.row, error.column) == (2, "文号")
    assert error.message == "该事项（同一干部、积分项目 JN04、文号 青政〔2026〕1号）已录入。"
    assert LedgerEntry.objects.count() == 1


def test_it_rejects_two_spellings_of_one_fact_in_the_file_on_the_later_row(world):
    report = run(ledger_row(), ledger_row(文号="青政【2026】1号"), user=world.clerk)

    error = only_error(report)
    assert (error.row, error.column) == (3, "文号")


def test_a_reversed_fact_can_be_recorded_again(world):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, document_no="青政〔2026〕1号")
    entry_reverse(actor=world.clerk, entry=entry, reason="文号有误")

    assert run(ledger_row(), user=world.clerk).ok


def test_it_rejects_a_month_closed_for_the_unit_or_above(world):
    month_close(actor=world.county_clerk, unit=world.county, month=date(2026, 3, 1))

    report = run(
        ledger_row(), ledger_row(月份="2026-04", 发生日期="2026-04-02", 文号="青政〔2026〕2号"), user=world.clerk
    )

    error = only_error(report)
    assert (error.row, error.column) == (2, "月份")
    assert "青山县" in error.message


def test_a_month_closed_for_another_unit_does_not_matter(world):
    month_close(actor=world.county_clerk, unit=world.town_b, month=date(2026, 3, 1))

    assert run(ledger_row(), user=world.clerk).ok


def test_it_rejects_a_cadre_outside_the_clerks_scope(world):
    error = only_error(run(ledger_row(干部编号="B0001", 姓名="赵强"), user=world.clerk))

    assert (error.row, error.column) == (2, "干部编号")
    assert not LedgerEntry.objects.exists()


def test_a_user_without_a_clerk_role_may_import_for_nobody(world):
    error = only_error(run(ledger_row(), user=world.reviewer))

    assert error.column == "干部编号"


def test_it_rejects_a_formula_without_a_stored_value(world):
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    book.active.append(list(ledger_row().values()))
    book.active["E2"] = "=1+1"  # openpyxl writes no cached result

    report = ledger_import(data=_saved(book), file_name="纪实.xlsx", user=world.clerk)

    error = only_error(report)
    assert (error.row, error.column) == (2, "分值")
    assert "=1+1" not in str(error)


def test_it_reads_the_cached_value_of_a_formula(world):
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    book.active.append(list(ledger_row(分值="=1+1").values()))
    data = _with_cached_value(_saved(book), "E2", "2")

    report = ledger_import(data=data, file_name="纪实.xlsx", user=world.clerk, commit=True)

    assert report.committed, [str(e) for e in report.errors]
    assert LedgerEntry.objects.get().points == Decimal("2")


def test_it_reports_every_error_of_a_row_in_column_order(world):
    report = run(ledger_row(姓名="王芳", 分值=9, 发生日期="2026-04-01"), user=world.clerk)

    assert [e.column for e in report.errors] == ["姓名", "分值", "发生日期"]


def test_it_names_a_missing_required_column(world):
    headers = [h for h in HEADERS if h != "分值"]

    error = only_error(run(ledger_row(), headers=headers, user=world.clerk))

    assert (error.row, error.column) == (1, "分值")


def test_the_document_column_may_be_left_out(world):
    headers = [h for h in HEADERS if h != "文号"]

    report = run(ledger_row(积分项目代码="JN01"), headers=headers, user=world.clerk)

    assert report.ok, [str(e) for e in report.errors]


def test_it_lists_columns_it_ignores(world):
    report = run(ledger_row(备注="x"), headers=[*HEADERS, "备注"], user=world.clerk)

    assert report.ok and report.ignored_columns == ["备注"]


def test_it_refuses_a_file_that_is_not_a_workbook(world):
    with pytest.raises(LedgerFileError):
        ledger_import(data=b"not a workbook", file_name="x.xlsx", user=world.clerk)


def test_it_reports_an_empty_sheet(world):
    error = only_error(run(user=world.clerk))

    assert error.row == 0


def test_an_error_message_reads_in_chinese_with_row_and_column(world):
    from django.utils import translation

    report = run(ledger_row(分值=9), user=world.clerk)

    with translation.override("zh-hans"):
        assert str(report.errors[0]).startswith("第2行 “分值”")


# --- tolerance ---


def test_it_tolerates_full_width_digits_and_spaces(world):
    row = ledger_row(
        干部编号=" Ａ０００１ ",
        姓名="李 明",
        月份="２０２６ - ０３",
        积分项目代码=" jn04 ",
        分值="　２　",
        发生日期=" ２０２６-０３-１０ ",
    )

    report = run(row, user=world.clerk, commit=True)

    assert report.committed, [str(e) for e in report.errors]
    entry = LedgerEntry.objects.get()
    assert (entry.cadre, entry.rule_code, entry.points, entry.month) == (
        world.cadre_a,
        "JN04",
        Decimal("2"),
        date(2026, 3, 1),
    )


@pytest.mark.parametrize(
    "month", ["2026年3月", "2026年03月", "2026-3", "２０２６年３月", datetime(2026, 3, 1), date(2026, 3, 17)]
)
def test_it_reads_the_month_as_text_or_an_excel_date(world, month):
    report = run(ledger_row(月份=month), user=world.clerk)

    assert report.ok, [str(e) for e in report.errors]
    assert report.rows[0].month == "2026-03"


def test_it_reads_excel_date_cells_and_decimal_points(world):
    report = run(ledger_row(发生日期=datetime(2026, 3, 10), 分值=2.5), user=world.clerk, commit=True)

    assert report.committed, [str(e) for e in report.errors]
    entry = LedgerEntry.objects.get()
    assert (entry.occurred_on, entry.points) == (date(2026, 3, 10), Decimal("2.5"))


def test_it_reads_a_staff_number_typed_as_a_number(world):
    cadre = make_cadre(world.town_a, name="周平", staff_no="1001")

    report = run(ledger_row(干部编号=1001, 姓名="周平"), user=world.clerk, commit=True)

    assert report.committed, [str(e) for e in report.errors]
    assert LedgerEntry.objects.get().cadre == cadre


def test_it_keeps_the_facts_as_typed_and_stores_the_document_number_canonical(world):
    run(ledger_row(事由=" 完成攻坚（一期）， 按期交付 ", 文号=" qz（２０２６） 1号 "), user=world.clerk, commit=True)

    entry = LedgerEntry.objects.get()
    assert (entry.facts, entry.document_no) == ("完成攻坚（一期）， 按期交付", "QZ〔2026〕1号")


def test_it_skips_blank_lines_but_keeps_excel_row_numbers(world):
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    book.active.append(list(ledger_row().values()))
    book.active.append([None] * len(HEADERS))
    book.active.append(list(ledger_row(分值=9, 文号="x").values()))

    report = ledger_import(data=_saved(book), file_name="纪实.xlsx", user=world.clerk)

    assert [o.row for o in report.rows] == [2, 4]
    assert only_error(report).row == 4


def test_a_clerk_of_the_county_may_import_for_cadres_below(world):
    report = run(ledger_row(), ledger_row(干部编号="B0001", 姓名="赵强"), user=world.county_clerk, commit=True)

    assert report.committed, [str(e) for e in report.errors]


# --- what is written ---


def test_a_dry_run_writes_nothing(world):
    events = AuditEvent.objects.count()

    report = run(ledger_row(), user=world.clerk)

    assert report.ok and not report.committed
    assert not LedgerEntry.objects.exists()
    assert AuditEvent.objects.count() == events


def test_imported_entries_are_pending_and_entered_by_the_importing_user(world):
    report = run(
        ledger_row(), ledger_row(积分项目代码="TS01", 分值=-1.5, 文号="信访〔2026〕7号"), user=world.clerk, commit=True
    )

    assert report.committed and report.created == 2 and report.counts == {"new": 2, "error": 0}
    entries = LedgerEntry.objects.order_by("points")
    assert [(e.status, e.entered_by, e.unit, e.rule_code, e.category) for e in entries] == [
        (EntryStatus.PENDING, world.clerk, world.town_a, "TS01", "群众投诉"),
        (EntryStatus.PENDING, world.clerk, world.town_a, "JN04", "急难险重"),
    ]
    assert [e.effective_points for e in entries] == [Decimal("-1.5"), Decimal("2")]
    assert all(e.rule == rule(e.rule_code) and e.month == date(2026, 3, 1) for e in entries)


def test_a_commit_writes_one_audit_event_per_entry_and_a_summary(world):
    events = AuditEvent.objects.count()

    run(*many_rows(3), user=world.clerk, commit=True)

    created = AuditEvent.objects.filter(action=Action.CREATE, model="records.ledgerentry")
    ids = set(LedgerEntry.objects.values_list("pk", flat=True))
    assert {int(e.object_id) for e in created} == {int(pk) for pk in ids}
    assert all(e.actor_name == "clerk_a" and e.changes["status"] == [None, "pending"] for e in created)
    summary = AuditEvent.objects.get(action=Action.IMPORT)
    assert (summary.model, summary.note, summary.changes, summary.actor_name) == (
        "records.ledgerentry",
        "纪实.xlsx",
        {"new": 3},
        "clerk_a",
    )
    assert AuditEvent.objects.count() == events + 4


def test_one_bad_row_writes_nothing_not_even_audit_events(world):
    events = AuditEvent.objects.count()

    report = run(*many_rows(5), ledger_row(分值=9, 文号="x"), user=world.clerk, commit=True)

    assert not report.committed and report.counts == {"new": 5, "error": 1}
    assert not LedgerEntry.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_failed_write_is_reported_and_writes_nothing(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("records.ledger_import.audit_bulk_created", broken)
    events = AuditEvent.objects.count()

    report = run(ledger_row(), user=world.clerk, commit=True)

    assert not report.committed and report.file_errors
    assert not LedgerEntry.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_fact_recorded_while_the_file_was_checked_fails_the_write_and_writes_nothing(world, monkeypatch):
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕1号")
    monkeypatch.setattr("records.ledger_import._recorded_facts", lambda dataset, cadres: set())
    entries, events = LedgerEntry.objects.count(), AuditEvent.objects.count()

    report = run(ledger_row(文号="青政〔2026〕9号"), ledger_row(), user=world.clerk, commit=True)

    assert not report.committed and report.file_errors
    assert (LedgerEntry.objects.count(), AuditEvent.objects.count()) == (entries, events)


def test_the_preview_describes_every_row(world):
    report = run(ledger_row(), ledger_row(积分项目代码="XX1", 文号="x"), user=world.clerk)

    first, second = report.rows
    assert (first.row, first.staff_no, first.name, first.month, first.rule, first.points, first.result) == (
        2,
        "A0001",
        "李明",
        "2026-03",
        "JN04 重点项目攻坚任务",
        "+2.0",
        "new",
    )
    assert (second.rule, second.result) == ("XX1", "error")


# --- queries ---


def _queries(world, rows, commit):
    data = ledger_bytes(*rows)
    world.clerk._role_cache = None
    with CaptureQueriesContext(connection) as ctx:
        report = ledger_import(data=data, file_name="纪实.xlsx", user=world.clerk, commit=commit)
    assert report.ok, [str(e) for e in report.errors[:3]]
    return len(ctx.captured_queries)


@pytest.mark.parametrize("commit", [False, True])
def test_the_query_count_does_not_grow_with_the_rows(world, commit):
    month_close(actor=world.county_clerk, unit=world.town_b, month=date(2026, 3, 1))
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕0号")
    cadres = [make_cadre(world.town_a, name=f"干部{n}", staff_no=f"Q{n:04d}") for n in range(150)]

    def rows(count, series):
        return [
            ledger_row(干部编号=cadres[n].staff_no, 姓名=cadres[n].name, 文号=f"青政〔2026〕{series}-{n}号")
            for n in range(count)
        ]

    ten = _queries(world, rows(10, "a"), commit)
    hundred = _queries(world, rows(150, "b"), commit)

    assert hundred == ten


def _saved(book):
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _with_cached_value(data, ref, value):
    """Add a cached result to formula cell ``ref``, as Excel does when it saves (openpyxl never does)."""
    import re
    import zipfile

    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet1"):
                content = re.sub(
                    rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v\s*/>'.encode(),
                    rb"\1<f>\2</f><v>" + value.encode() + b"</v>",
                    content,
                )
                content = re.sub(
                    rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f>(?!<v>)'.encode(),
                    rb"\1<f>\2</f><v>" + value.encode() + b"</v>",
                    content,
                )
            target.writestr(item, content)
    return out.getvalue()
