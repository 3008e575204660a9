"""Raw list exports read as Chinese workbooks: the sheet is named after the list and every choice
column holds the label a user sees on the pages, not the stored code."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import QuarterlyReview, ScoringScheme
from tests.factories import confirmed_entry, make_entry
from tests.factories_reports import open_book

RAW = reverse("reports:raw-export")


def _sheet(client, **params):
    response = client.get(RAW, params)
    assert response.status_code == 200
    book = open_book(b"".join(response.streaming_content))
    assert len(book.sheetnames) == 1
    ws = book.active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    return ws.title, rows


def test_an_entry_export_names_its_sheet_and_shows_statuses_in_chinese(world, as_user):
    pending = make_entry(world.cadre_a, by=world.clerk)
    confirmed = confirmed_entry(world.cadre_a_office, by=world.clerk, reviewer=world.reviewer)
    title, rows = _sheet(as_user(world.reviewer), what="entries", year=2026)
    assert title == "积分明细"
    status = {r["编号"]: r["状态"] for r in rows}
    assert status == {pending.pk: "待确认", confirmed.pk: "已确认"}
    assert {r["类别"] for r in rows} == {"急难险重"}


@pytest.fixture
def reviews(world):
    scheme = ScoringScheme.objects.create(year=2025, name="2025", good_quota=Decimal("0.40"))
    common = {"unit": world.town_a, "year": 2025, "quarter": 2, "scheme": scheme}
    QuarterlyReview.objects.create(cadre=world.cadre_a, grade="好", status="approved", **common)
    QuarterlyReview.objects.create(cadre=world.cadre_a_office, status="draft", **common)


def test_a_review_export_names_its_sheet_and_shows_statuses_in_chinese(world, as_user, reviews):
    title, rows = _sheet(as_user(world.reviewer), what="reviews", year=2025)
    assert title == "季度考评"
    by_name = {r["姓名"]: r for r in rows}
    assert by_name["李明"]["状态"] == "已审批" and by_name["李明"]["等次"] == "好"
    assert by_name["王芳"]["状态"] == "草稿"


def test_a_cadre_export_names_its_sheet_and_keeps_its_masking(world, as_user):
    title, rows = _sheet(as_user(world.reviewer), what="cadres")
    assert title == "干部名册"
    li = next(r for r in rows if r["姓名"] == "李明")
    assert li["状态"] == "在职" and li["性别"] == "男" and li["干部类别"] == "公务员"
    assert li["手机号码"] == "138****5678" and "*" in li["身份证号"]
    assert world.cadre_a.id_number not in {str(v) for r in rows for v in r.values()}


def test_the_workbook_stays_chinese_for_an_english_user(world, as_user):
    make_entry(world.cadre_a, by=world.clerk)
    client = as_user(world.reviewer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    title, rows = _sheet(client, what="entries", year=2026)
    assert title == "积分明细" and [r["状态"] for r in rows] == ["待确认"]
