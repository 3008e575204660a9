"""季度考评结果汇总表 (quarterly-results): a quarter's reviews by unit, with the 好 quota."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import QuarterlyReview, ScoringScheme
from tests.factories import make_cadre
from tests.factories_reports import body, export_book


@pytest.fixture
def quarter(world):
    scheme = ScoringScheme.objects.create(year=2025, name="2025", good_quota=Decimal("0.40"))
    cadres = [world.cadre_a] + [make_cadre(world.town_a, name=f"甲{i}") for i in range(4)]
    grades = ["好", "好", "较好", "一般", ""]
    for cadre, grade in zip(cadres, grades, strict=True):
        QuarterlyReview.objects.create(
            cadre=cadre, unit=world.town_a, year=2025, quarter=2, scheme=scheme, grade=grade,
            status="approved" if grade else "draft", political=Decimal("90"), score=Decimal("88.5"),
        )  # fmt: skip
    QuarterlyReview.objects.create(
        cadre=world.cadre_b, unit=world.town_b, year=2025, quarter=2, scheme=scheme, grade="较差", status="approved"
    )
    return scheme


def test_the_distribution_counts_approved_grades_against_the_quota(world, quarter):
    book, rows = export_book("quarterly-results", year=2025, quarter=2, user=world.committee)
    assert book.sheetnames == ["等次分布", "东岭镇", "西河镇"]
    ws = book["等次分布"]
    assert ws["A2"].value == "2025年第2季度考评等次分布"
    header = [c.value for c in ws[5]]
    assert header[4:8] == ["好", "较好", "一般", "较差"]
    rows_by_unit = {r[1] or r[0]: dict(zip(header, r, strict=True)) for r in body(ws, 5)}
    town = rows_by_unit["东岭镇"]
    assert (town["参加考评人数"], town["已审定"], town["好"], town["较好"], town["一般"]) == (5, 4, 2, 1, 1)
    assert (town["“好”名额"], town["名额使用"]) == (2, "2/2")
    assert rows_by_unit["合计"]["较差"] == 1
    assert rows_by_unit["合计"]["参加考评人数"] == QuarterlyReview.objects.filter(year=2025, quarter=2).count()
    assert rows == 6


def test_a_unit_sheet_lists_each_review_with_numbers_as_numbers(world, quarter):
    ws = export_book("quarterly-results", year=2025, quarter=2, user=world.committee)[0]["东岭镇"]
    assert ws["A2"].value == "2025年第2季度考评结果汇总表"
    first = body(ws, 5)[0]
    assert first[1] == "李明"
    assert (first[4], first[11], first[13], first[14]) == (90, 88.5, "好", "已审定")
    assert body(ws, 5)[-1][14] == "草稿"


def test_a_township_reviewer_gets_only_the_township(world, quarter):
    book, rows = export_book("quarterly-results", year=2025, quarter=2, user=world.reviewer)
    assert book.sheetnames == ["等次分布", "东岭镇"]
    assert rows == 5


def test_it_needs_a_quarter(world):
    with pytest.raises(ValidationError) as exc:
        export_book("quarterly-results", year=2025, user=world.committee)
    assert "quarter" in exc.value.error_dict
