"""年度实绩考核汇总表 (annual-summary): one sheet per unit plus the grade distribution against quota."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AnnualSummary
from tests.factories import make_cadre
from tests.factories_reports import body, export_book, freeze, make_summary

HEADERS = [
    "序号", "姓名", "单位", "职务", "职级", "加分", "扣分", "积分合计", "一季度", "二季度", "三季度", "四季度",
    "群众评议", "综合得分", "单位排名", "类别排名", "建议等次", "最终等次",
]  # fmt: skip


@pytest.fixture
def year(world):
    """Township A: five cadres ranked 1–5; its office one; township B one."""
    for rank in range(1, 6):
        cadre = world.cadre_a if rank == 1 else make_cadre(world.town_a, name=f"甲{rank}")
        make_summary(
            cadre,
            unit_rank=rank,
            score=Decimal("95") - rank,
            ledger_add=Decimal(rank),
            ledger_deduct=Decimal("-0.5"),
            ledger_net=Decimal(rank) - Decimal("0.5"),
            suggested_grade="优秀" if rank <= 2 else "称职",
            final_grade="称职" if rank == 2 else "",
        )
    make_summary(world.cadre_a_office, on_probation=True, suggested_grade="", score=None, unit_rank=None)
    make_summary(world.cadre_b, q3_grade="较差", suggested_grade="基本称职")
    return 2025


def test_it_has_the_distribution_then_a_sheet_per_unit_in_tree_order(world, year):
    book, rows = export_book("annual-summary", year=year, user=world.committee)
    assert book.sheetnames == ["等次分布", "东岭镇", "东岭镇党政办", "西河镇"]
    assert rows == 7


def test_a_unit_sheet_has_the_title_headers_and_rows_by_rank(world, year):
    ws = export_book("annual-summary", year=year, user=world.committee)[0]["东岭镇"]
    assert ws["A2"].value == "2025年度实绩考核汇总表"
    assert "单位：东岭镇" in ws["A3"].value and "数据来源：实时数据" in ws["A3"].value
    assert ws["I4"].value == "季度考评等次"
    assert [c.value for c in ws[5]] == HEADERS
    rows = body(ws, 5)
    assert [r[0] for r in rows[:5]] == [1, 2, 3, 4, 5]
    first = rows[0]
    assert first[1:5] == ("李明", "东岭镇", "科员", "一级科员")
    assert first[8:12] == ("好", "较好", "好", "好")
    assert (first[13], first[14], first[16], first[17]) == (94, 1, "优秀", None)
    assert rows[1][16:] == ("优秀", "称职")  # the committee's grade beside the suggestion


def test_the_totals_agree_with_the_database_and_are_numbers(world, year):
    ws = export_book("annual-summary", year=year, user=world.committee)[0]["东岭镇"]
    rows = body(ws, 5)
    people, total = rows[:-1], rows[-1]
    assert total[0] == "合计"
    db = {
        f: sum(s[f] for s in AnnualSummary.objects.filter(unit=world.town_a).values(f))
        for f in ("ledger_add", "ledger_net")
    }
    assert sum(r[5] for r in people) == total[5] == float(db["ledger_add"])
    assert sum(r[7] for r in people) == total[7] == float(db["ledger_net"])
    assert all(isinstance(r[12], float) and isinstance(r[14], int) for r in people)


def test_a_probationer_is_marked_rather_than_graded(world, year):
    ws = export_book("annual-summary", year=year, user=world.committee)[0]["东岭镇党政办"]
    assert body(ws, 5)[0][16] == "试用期"


def test_the_distribution_counts_grades_against_the_excellent_quota(world, year):
    ws = export_book("annual-summary", year=year, user=world.committee)[0]["等次分布"]
    assert ws["A2"].value == "2025年度考核等次分布与优秀名额情况"
    header = [c.value for c in ws[5]]
    rows = {r[1] or r[0]: dict(zip(header, r, strict=True)) for r in body(ws, 5)}
    town = rows["东岭镇"]
    # 5 cadres at 20%: one 优秀; the committee kept one of the two suggested.
    assert (town["参加考核人数"], town["优秀名额"], town["优秀"], town["称职"]) == (5, 1, 1, 4)
    assert town["名额使用"] == "1/1"
    assert (rows["东岭镇党政办"]["试用期（不定等次）"], rows["东岭镇党政办"]["优秀名额"]) == (1, 0)
    assert rows["西河镇"]["基本称职"] == 1
    assert rows["合计"]["参加考核人数"] == AnnualSummary.objects.filter(year=year).count() == 7


def test_more_excellent_than_the_quota_is_pointed_out(world, year):
    AnnualSummary.objects.filter(unit=world.town_a).update(final_grade="优秀")
    ws = export_book("annual-summary", year=year, user=world.committee)[0]["等次分布"]
    assert next(r for r in body(ws, 5) if r[1] == "东岭镇")[-1] == "超出名额"


def test_a_township_reviewer_gets_only_the_township(world, year):
    book, rows = export_book("annual-summary", year=year, user=world.reviewer)
    assert book.sheetnames == ["等次分布", "东岭镇", "东岭镇党政办"]
    assert "赵强" not in {r[1] for ws in book.worksheets[1:] for r in body(ws, 5)}
    assert rows == 6


def test_a_unit_narrows_the_report_to_its_subtree(world, year):
    book, _rows = export_book("annual-summary", year=year, user=world.committee, unit=world.town_b)
    assert book.sheetnames == ["等次分布", "西河镇"]


def test_a_snapshot_reproduces_what_the_committee_saw_after_later_edits(world, year):
    snapshot = freeze(year=year, unit=world.county, by=world.committee, title="部务会")
    AnnualSummary.objects.filter(cadre=world.cadre_a).update(score=Decimal("60"), final_grade="不称职")
    live = export_book("annual-summary", year=year, user=world.committee)[0]["东岭镇"]
    frozen = export_book("annual-summary", snapshot=snapshot, user=world.committee)[0]["东岭镇"]
    assert body(live, 5)[0][13] == 60
    frozen_first = body(frozen, 5)[0]
    assert (frozen_first[1], frozen_first[13], frozen_first[17]) == ("李明", 94, None)
    assert f"委员会快照 #{snapshot.pk}《部务会》" in frozen["A3"].value


def test_the_query_count_does_not_grow_with_the_cadres(world, year):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            export_book("annual-summary", year=year, user=world.committee)
        return len(ctx)

    queries()  # the user's roles are read once and kept on the user
    before = queries()
    for i in range(30):
        make_summary(make_cadre(world.town_b, name=f"乙{i}"), unit_rank=i + 2)
    assert queries() == before
