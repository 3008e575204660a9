"""纪实完成情况表 (completion): per unit and month, entries, pending, confirmed and the close."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from records.models import CadreStatus, LedgerEntry, MonthClose
from tests.factories import confirmed_entry, make_cadre, make_entry
from tests.factories_reports import body, export_book


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 5, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def ledger(world):
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    make_entry(world.cadre_a, by=world.clerk)
    make_entry(world.cadre_a_office, by=world.clerk, occurred_on=date(2026, 4, 2))
    MonthClose.objects.create(
        unit=world.town_a, month=date(2026, 3, 1), closed_by=world.reviewer, closed_at=timezone.now()
    )


def test_it_lists_every_unit_and_month_so_far_with_the_counts(world, ledger):
    book, rows = export_book("completion", year=2026, user=world.committee)
    ws = book["纪实完成情况"]
    assert ws["A2"].value == "2026年度纪实完成情况表"
    assert [c.value for c in ws[4]] == [
        "序号",
        "单位",
        "月份",
        "在职干部",
        "挂职干部",
        "纪实人数",
        "纪实条数",
        "待审核",
        "已确认",
        "关账状态",
        "关账时间",
    ]
    rows_ = body(ws, 4)
    assert rows == 4 * 5  # four units, January to May
    march = next(r for r in rows_ if r[1] == "东岭镇" and r[2] == datetime(2026, 3, 1))
    assert march[3:10] == (1, 0, 1, 2, 1, 1, "已关账")
    assert isinstance(march[10], datetime)
    office = next(r for r in rows_ if r[1] == "东岭镇党政办" and r[2] == datetime(2026, 3, 1))
    assert office[9] == "已关账（东岭镇）"  # closed from above
    assert next(r for r in rows_ if r[1] == "西河镇" and r[2] == datetime(2026, 3, 1))[9] == "未关账"


def test_the_totals_agree_with_the_database(world, ledger):
    ws = export_book("completion", year=2026, user=world.committee)[0]["纪实完成情况"]
    total = body(ws, 4)[-1]
    assert total[0] == "合计"
    assert total[6] == LedgerEntry.objects.filter(month__year=2026).count() == 3
    assert total[7] == LedgerEntry.objects.filter(status="pending").count() == 2


def test_seconded_cadres_count_in_their_unit_apart_from_those_in_post(world, ledger):
    """挂职 cadres stay on their unit's roll and month sheet, so their entries count there; the
    head count shows them in a column of their own, never as 在职."""
    seconded = make_cadre(world.town_a, name="周凯", staff_no="A0009", status=CadreStatus.SECONDED)
    make_entry(seconded, by=world.clerk, occurred_on=date(2026, 4, 3))
    ws = export_book("completion", year=2026, user=world.committee)[0]["纪实完成情况"]
    header = [c.value for c in ws[4]]
    april = next(
        dict(zip(header, r, strict=True)) for r in body(ws, 4) if r[1] == "东岭镇" and r[2] == datetime(2026, 4, 1)
    )
    assert (april["在职干部"], april.get("挂职干部"), april["纪实人数"]) == (1, 1, 1)


def test_a_township_reviewer_gets_only_the_township(world, ledger):
    ws = export_book("completion", year=2026, user=world.reviewer)[0]["纪实完成情况"]
    assert {r[1] for r in body(ws, 4)[:-1]} == {"东岭镇", "东岭镇党政办"}
