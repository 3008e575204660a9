"""The mass evaluation import service: review_set_mass's checks for every row, each error naming its Excel
row and column; all or nothing, audit events included; scored reviews recomputed; queries that do not
grow with the rows."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from assessments.mass_import import HEADERS, MassFileError, mass_evaluation_import
from assessments.models import QuarterlyReview
from assessments.services import review_approve, review_cycle_open, review_return, review_score, review_submit
from audit.models import Action, AuditEvent
from tests.factories import UserFactory, confirmed_entry, grant, make_cadre

Q3 = {"year": 2026, "quarter": 3}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def cycle(world):
    """2026 Q3 opened for the whole county: a draft review each for 李明 (A0001), 王芳 (A0002), 赵强 (B0001)."""
    review_cycle_open(unit=world.county, **Q3)


def review_of(cadre, year=2026, quarter=3):
    return QuarterlyReview.objects.get(cadre=cadre, year=year, quarter=quarter)


def score(review, by, value="90", **kwargs):
    dimensions = dict.fromkeys(("political", "responsibility", "problem_solving", "bottom_line", "results"))
    for name in dimensions:
        dimensions[name] = Decimal(value)
    return review_score(actor=by, review=review, comment="", **dimensions, **kwargs)


def mass_row(**cells):
    """One valid row for 李明 (A0001, township A), 2026 Q3, keyed by header; override any cell by header."""
    row = {"干部编号": "A0001", "姓名": "李明", "年度": 2026, "季度": 3, "群众评议得分": 92.5}
    row.update(cells)
    return row


def mass_bytes(*rows, headers=HEADERS):
    """An in-memory .xlsx: a header row, then one line per row dict (missing keys stay blank)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def run(*rows, user, commit=False, headers=HEADERS):
    return mass_evaluation_import(
        data=mass_bytes(*rows, headers=headers), file_name="评议.xlsx", user=user, commit=commit
    )


def only_error(report):
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    return report.errors[0]


OFFICE = {"干部编号": "A0002", "姓名": "王芳"}


# --- a clean file ---


def test_it_records_the_mass_score_on_each_review_and_audits_each_change(world, cycle):
    report = run(mass_row(), mass_row(**OFFICE, 群众评议得分="88"), user=world.clerk, commit=True)

    assert report.committed and report.updated == 2
    assert review_of(world.cadre_a).mass_score == Decimal("92.50")
    assert review_of(world.cadre_a_office).mass_score == Decimal("88.00")
    assert review_of(world.cadre_b).mass_score is None
    events = AuditEvent.objects.filter(action=Action.UPDATE, model="assessments.quarterlyreview")
    assert {e.object_id: e.changes for e in events} == {
        str(review_of(world.cadre_a).pk): {"mass_score": [None, "92.50"]},
        str(review_of(world.cadre_a_office).pk): {"mass_score": [None, "88.00"]},
    }
    assert {(e.actor_name, e.object_repr) for e in events} == {("clerk_a", "李明 2026Q3"), ("clerk_a", "王芳 2026Q3")}
    summary = AuditEvent.objects.get(action=Action.IMPORT)
    assert (summary.actor_name, summary.model, summary.note) == ("clerk_a", "assessments.quarterlyreview", "评议.xlsx")
    assert summary.changes == {"updated": 2, "unchanged": 0}


def test_the_preview_shows_every_row_and_writes_nothing(world, cycle):
    events = AuditEvent.objects.count()

    report = run(mass_row(), mass_row(**OFFICE, 季度="Q3", 群众评议得分=80), user=world.clerk)

    assert report.ok and not report.committed
    assert [(o.row, o.staff_no, o.name, o.year, o.quarter, o.before, o.after, o.result) for o in report.rows] == [
        (2, "A0001", "李明", "2026", "Q3", "", "92.50", "update"),
        (3, "A0002", "王芳", "2026", "Q3", "", "80.00", "update"),
    ]
    assert report.counts == {"update": 2, "skip": 0, "error": 0}
    assert review_of(world.cadre_a).mass_score is None
    assert AuditEvent.objects.count() == events


def test_a_reviewer_may_import_for_the_units_they_review(world, cycle):
    report = run(mass_row(), user=world.reviewer, commit=True)

    assert report.committed
    assert review_of(world.cadre_a).mass_score == Decimal("92.50")


def test_a_returned_review_takes_the_mass_score(world, cycle):
    second = grant(UserFactory(username="reviewer_2"), "reviewer", world.county)
    review = score(review_of(world.cadre_a), world.reviewer)
    review_submit(actor=world.reviewer, review=review)
    review_return(actor=second, review=review, reason="群众评议未录入")

    report = run(mass_row(), user=world.clerk, commit=True)

    assert report.committed
    assert review_of(world.cadre_a).mass_score == Decimal("92.50")


def test_the_same_score_again_is_unchanged_and_not_audited(world, cycle):
    run(mass_row(), user=world.clerk, commit=True)
    events = AuditEvent.objects.filter(action=Action.UPDATE).count()

    report = run(mass_row(群众评议得分="92.50"), mass_row(**OFFICE), user=world.clerk, commit=True)

    assert [o.result for o in report.rows] == ["skip", "update"]
    assert [o.before for o in report.rows] == ["92.50", ""]
    assert AuditEvent.objects.filter(action=Action.UPDATE).count() == events + 1
    assert AuditEvent.objects.filter(action=Action.IMPORT).latest("id").changes == {"updated": 1, "unchanged": 1}


# --- cells: the accepted spellings ---


@pytest.mark.parametrize(
    "quarter", [3, 3.0, "3", "Q3", "q3", " Q3 ", "三季度", "第三季度", "3季度", "第3季度", "３", "Ｑ３"]
)
def test_it_accepts_a_quarter_as_a_number_q3_or_in_chinese(world, cycle, quarter):
    report = run(mass_row(季度=quarter), user=world.clerk, commit=True)

    assert report.committed, [str(e) for e in report.errors]
    assert review_of(world.cadre_a).mass_score == Decimal("92.50")


@pytest.mark.parametrize(
    ("cell", "value"), [("９２．５", "92.50"), ("88", "88.00"), (100, "100.00"), (0, "0.00"), (" 75.25 ", "75.25")]
)
def test_it_accepts_scores_with_full_width_digits_and_up_to_two_decimals(world, cycle, cell, value):
    report = run(mass_row(群众评议得分=cell), user=world.clerk, commit=True)

    assert report.committed, [str(e) for e in report.errors]
    assert review_of(world.cadre_a).mass_score == Decimal(value)


@pytest.mark.parametrize("year", ["2026", "2026年", "２０２６", 2026.0])
def test_it_accepts_a_year_as_a_number_or_text(world, cycle, year):
    assert run(mass_row(年度=year), user=world.clerk).ok


def test_it_reads_spaces_in_a_staff_number_and_a_name(world, cycle):
    assert run(mass_row(干部编号=" A 0001 ", 姓名=" 李 明"), user=world.clerk).ok


# --- each error kind names its row and column ---


def test_it_rejects_an_unknown_staff_number(world, cycle):
    error = only_error(run(mass_row(), mass_row(干部编号="X9999"), user=world.clerk))

    assert (error.row, error.column) == (3, "干部编号")
    assert "X9999" in error.message


def test_it_rejects_a_cadre_outside_the_importers_units(world, cycle):
    error = only_error(run(mass_row(干部编号="B0001", 姓名="赵强"), user=world.clerk))

    assert (error.row, error.column) == (2, "干部编号")
    assert "B0001" in error.message


def test_a_committee_member_may_import_for_nobody(world, cycle):
    error = only_error(run(mass_row(), user=world.committee))

    assert (error.row, error.column) == (2, "干部编号")


def test_it_rejects_a_name_that_does_not_match_the_staff_number(world, cycle):
    error = only_error(run(mass_row(姓名="王芳"), user=world.clerk))

    assert (error.row, error.column) == (2, "姓名")
    assert "李明" in error.message


@pytest.mark.parametrize("year", ["26", "二〇二六", "2026-03", 2026.5, "1999"])
def test_it_rejects_a_year_that_is_not_four_digits(world, cycle, year):
    error = only_error(run(mass_row(年度=year), user=world.clerk))

    assert (error.row, error.column) == (2, "年度")


@pytest.mark.parametrize("quarter", [0, 5, "Q5", "第五季度", "三", "2026Q3", "上半年", 3.5])
def test_it_rejects_a_quarter_outside_one_to_four(world, cycle, quarter):
    error = only_error(run(mass_row(季度=quarter), user=world.clerk))

    assert (error.row, error.column) == (2, "季度")


@pytest.mark.parametrize("cell", [101, -1, "100.01", "优", "92.555", 92.555, "1e2", True])
def test_it_rejects_a_score_outside_0_to_100_or_with_more_than_two_decimals(world, cycle, cell):
    error = only_error(run(mass_row(群众评议得分=cell), user=world.clerk))

    assert (error.row, error.column) == (2, "群众评议得分")


@pytest.mark.parametrize("header", HEADERS)
def test_it_rejects_a_blank_required_cell(world, cycle, header):
    error = only_error(run(mass_row(**{header: None}), user=world.clerk))

    assert (error.row, error.column) == (2, header)


def test_it_rejects_a_formula_without_a_stored_result(world, cycle):
    error = only_error(run(mass_row(群众评议得分="=90+2"), user=world.clerk))

    assert (error.row, error.column) == (2, "群众评议得分")


def test_it_rejects_a_quarter_whose_cycle_is_not_open(world, cycle):
    error = only_error(run(mass_row(季度=2), user=world.clerk))

    assert (error.row, error.column) == (2, "季度")
    assert "2026 年第 2 季度" in error.message


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_it_rejects_a_review_already_submitted_or_approved(world, cycle, status):
    review = score(review_of(world.cadre_a), world.reviewer)
    review_submit(actor=world.reviewer, review=review)
    if status == "approved":
        review_approve(actor=grant(UserFactory(username="reviewer_2"), "reviewer", world.county), review=review)

    error = only_error(run(mass_row(), user=world.clerk))

    assert (error.row, error.column) == (2, "群众评议得分")
    assert review_of(world.cadre_a).status == status


def test_it_rejects_the_same_cadre_and_quarter_twice(world, cycle):
    error = only_error(run(mass_row(), mass_row(**OFFICE), mass_row(季度="Q3", 群众评议得分=70), user=world.clerk))

    assert (error.row, error.column) == (4, "季度")
    assert "2" in error.message


def test_the_same_cadre_in_two_quarters_is_no_duplicate(world, cycle):
    review_cycle_open(unit=world.county, year=2026, quarter=2)

    report = run(mass_row(), mass_row(季度=2, 群众评议得分=70), user=world.clerk, commit=True)

    assert report.committed
    assert review_of(world.cadre_a, quarter=2).mass_score == Decimal("70.00")


def test_a_row_lists_every_error_of_its_cells(world, cycle):
    report = run(mass_row(姓名="王芳", 年度="明年", 群众评议得分=120), user=world.clerk)

    assert [e.column for e in report.errors] == ["姓名", "年度", "群众评议得分"]


# --- the file as a whole ---


def test_it_reports_missing_and_repeated_columns(world, cycle):
    report = run(mass_row(), user=world.clerk, headers=("干部编号", "姓名", "年度", "年度", "群众评议得分"))

    assert {(e.row, e.column) for e in report.file_errors} == {(1, "季度"), (1, "年度")}
    assert report.rows == []


def test_it_reports_a_sheet_without_data_rows(world, cycle):
    report = run(user=world.clerk)

    assert [e.row for e in report.file_errors] == [0]


def test_it_ignores_other_columns_and_names_them(world, cycle):
    report = run(mass_row(备注="x"), user=world.clerk, headers=(*HEADERS, "备注"))

    assert report.ok and report.ignored_columns == ["备注"]


def test_it_refuses_a_file_that_is_not_a_workbook(world):
    with pytest.raises(MassFileError):
        mass_evaluation_import(data=b"not a workbook", file_name="x.xlsx", user=world.clerk)


# --- all or nothing ---


def test_one_bad_row_and_nothing_is_written_not_even_audit_events(world, cycle):
    events = AuditEvent.objects.count()

    report = run(mass_row(), mass_row(**OFFICE, 群众评议得分=101), user=world.clerk, commit=True)

    assert not report.committed and report.counts == {"update": 1, "skip": 0, "error": 1}
    assert not QuarterlyReview.objects.filter(mass_score__isnull=False).exists()
    assert AuditEvent.objects.count() == events


def test_a_failed_write_leaves_no_score_and_no_audit_event(world, cycle, monkeypatch):
    events = AuditEvent.objects.count()

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    # The reviews are written first, then the audit events: this fails after the UPDATE.
    monkeypatch.setattr(AuditEvent.objects, "bulk_create", fail)
    report = run(mass_row(), mass_row(**OFFICE), user=world.clerk, commit=True)

    assert not report.committed and report.updated == 0
    assert [e.row for e in report.errors] == [0]
    assert "DatabaseError" in report.errors[0].message
    assert not QuarterlyReview.objects.filter(mass_score__isnull=False).exists()
    assert AuditEvent.objects.count() == events


# --- scored reviews are recomputed ---


def test_a_scored_review_gets_its_score_and_suggested_grade_recomputed(world, cycle):
    score(review_of(world.cadre_a), world.reviewer, "90")  # no mass evaluation yet: the dimensions carry 100
    before = review_of(world.cadre_a)
    assert (before.score, before.suggested_grade, before.grade) == (Decimal("90.00"), "好", "好")

    report = run(mass_row(群众评议得分=40), user=world.clerk, commit=True)

    after = review_of(world.cadre_a)
    # 90 × 0.8 + 40 × 0.2 = 80: the suggestion drops to 较好 and the grade cannot stay above it.
    assert (after.score, after.suggested_grade, after.grade) == (Decimal("80.00"), "较好", "较好")
    assert (report.recomputed, report.rows[0].score, report.rows[0].grade) == (1, "80.00", "较好")
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(after.pk), changes__has_key="mass_score")
    assert event.changes == {
        "mass_score": [None, "40.00"],
        "score": ["90.00", "80.00"],
        "suggested_grade": ["好", "较好"],
        "grade": ["好", "较好"],
    }


def test_the_recomputed_score_carries_the_quarters_ledger_points_as_of_now(world, cycle):
    score(review_of(world.cadre_a), world.reviewer, "90")
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, occurred_on=date(2026, 8, 10))

    run(mass_row(群众评议得分=40), user=world.clerk, commit=True)

    after = review_of(world.cadre_a)
    assert (after.ledger_points, after.score) == (Decimal("2.0"), Decimal("82.00"))


def test_an_assessors_lowered_grade_stays_when_still_allowed(world, cycle):
    score(review_of(world.cadre_a), world.reviewer, "95", grade="一般")

    run(mass_row(群众评议得分=90), user=world.clerk, commit=True)

    after = review_of(world.cadre_a)
    assert (after.score, after.suggested_grade, after.grade) == (Decimal("94.00"), "好", "一般")


def test_a_draft_not_yet_scored_keeps_no_score(world, cycle):
    report = run(mass_row(), user=world.clerk, commit=True)

    review = review_of(world.cadre_a)
    assert (review.score, review.suggested_grade, review.grade) == (None, "", "")
    assert report.recomputed == 0 and report.rows[0].score == ""


def test_the_preview_shows_the_recomputed_score_without_writing_it(world, cycle):
    score(review_of(world.cadre_a), world.reviewer, "90")

    report = run(mass_row(群众评议得分=40), user=world.clerk)

    assert (report.rows[0].score, report.rows[0].grade) == ("80.00", "较好")
    assert review_of(world.cadre_a).score == Decimal("90.00")


# --- queries ---


def _queries(world, rows, commit):
    data = mass_bytes(*rows)
    world.clerk._role_cache = None
    with CaptureQueriesContext(connection) as ctx:
        report = mass_evaluation_import(data=data, file_name="评议.xlsx", user=world.clerk, commit=commit)
    assert report.ok, [str(e) for e in report.errors[:3]]
    return len(ctx.captured_queries)


@pytest.mark.parametrize("commit", [False, True])
def test_the_query_count_does_not_grow_with_the_rows(world, commit):
    cadres = [make_cadre(world.town_a, name=f"干部{n}", staff_no=f"Q{n:04d}") for n in range(120)]
    review_cycle_open(unit=world.town_a, **Q3)
    for cadre in (cadres[0], cadres[20]):  # one scored review in each file, so both recompute
        score(review_of(cadre), world.reviewer, "85")

    def rows(numbers):
        return [mass_row(干部编号=cadres[n].staff_no, 姓名=cadres[n].name, 群众评议得分=80 + n % 20) for n in numbers]

    few = _queries(world, rows(range(0, 5)), commit)
    many = _queries(world, rows(range(5, 120)), commit)

    assert many == few
    assert QuarterlyReview.objects.filter(mass_score__isnull=False).count() == (120 if commit else 0)
