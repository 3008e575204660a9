"""个人实绩档案 (cadre-file): one cadre's whole record, masked where the law says so."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from records.models import FaultToleranceRuling
from records.services.ledger import entry_reverse
from records.services.sanctions import talk_create
from tests.factories import confirmed_entry
from tests.factories_reports import body, export_book, make_flag, make_summary


@pytest.fixture
def record(world):
    kept = confirmed_entry(
        world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="3", facts="=cmd|' /C calc'!A0"
    )
    wrong = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="2")
    reversal = entry_reverse(actor=world.clerk, entry=wrong, reason="重复录入")
    waived = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-3")
    FaultToleranceRuling.objects.create(
        entry=waived, basis="trial", application="探索", applied_by=world.clerk, stage="filed", outcome="waived"
    )
    make_summary(world.cadre_a, final_note="表现突出")
    make_flag(world.cadre_a)
    talk_create(actor=world.clerk, cadre=world.cadre_a, kind="谈心谈话", held_on=date(2025, 6, 1), talker="张书记",
                summary="谈工作")  # fmt: skip
    return {"kept": kept, "wrong": wrong, "reversal": reversal, "waived": waived}


def test_it_has_a_sheet_per_part_of_the_record(world, record):
    book, _rows = export_book("cadre-file", year=2025, cadre=world.cadre_a, user=world.committee)
    assert book.sheetnames == ["基本信息", "积分明细", "季度考评", "年度考核", "处分与组织处理", "谈心谈话", "人选提示"]
    assert book["基本信息"]["A2"].value == "个人实绩档案（李明）· 基本信息"


def test_the_id_number_and_mobile_are_masked(world, record):
    ws = export_book("cadre-file", year=2025, cadre=world.cadre_a, user=world.committee)[0]["基本信息"]
    profile = dict(body(ws, 4))
    number = world.cadre_a.id_number
    assert profile["身份证号"] == "*" * 14 + number[-4:]
    assert profile["手机号码"] == "138****5678"
    assert profile["出生日期"].date() == date(1985, 6, 1)  # a date cell


def test_every_entry_is_listed_with_reversals_and_fault_tolerance(world, record):
    ws = export_book("cadre-file", year=2025, cadre=world.cadre_a, user=world.committee)[0]["积分明细"]
    rows = {r[1]: r for r in body(ws, 4)}
    assert set(rows) == {e.pk for e in record.values()}
    assert rows[record["wrong"].pk][11] == f"已被 #{record['reversal'].pk} 冲销"
    assert rows[record["reversal"].pk][11] == f"冲销 #{record['wrong'].pk}"
    assert rows[record["reversal"].pk][8] == -2
    assert rows[record["waived"].pk][12] == "免责"
    kept = rows[record["kept"].pk]
    assert kept[6] == "=cmd|' /C calc'!A0"  # text, not a formula
    assert ws.cell(row=4 + list(rows).index(record["kept"].pk) + 1, column=7).data_type == "s"


def test_annual_summaries_talks_and_flags_are_there(world, record):
    book, _rows = export_book("cadre-file", year=2025, cadre=world.cadre_a, user=world.committee)
    (annual,) = body(book["年度考核"], 4)
    assert (annual[0], annual[4], annual[7], annual[12]) == (2025, 10.5, 88.25, "表现突出")
    assert body(book["谈心谈话"], 4)[0][3] == "张书记"
    flag = body(book["人选提示"], 4)[0]
    assert flag[2:4] == ("优先提拔", "提示")


def test_a_cadre_outside_the_scope_is_refused(world, record):
    with pytest.raises(ValidationError) as exc:
        export_book("cadre-file", year=2025, cadre=world.cadre_b, user=world.reviewer)
    assert "cadre" in exc.value.error_dict


def test_the_personal_file_needs_a_cadre(world):
    with pytest.raises(ValidationError):
        export_book("cadre-file", year=2025, user=world.committee)


def test_score_decimals_stay_numbers(world, record):
    ws = export_book("cadre-file", year=2025, cadre=world.cadre_a, user=world.committee)[0]["年度考核"]
    assert ws["H5"].data_type == "n" and ws["H5"].value == float(Decimal("88.25"))


def test_with_a_snapshot_only_the_frozen_sheets_name_it_as_their_source(world):
    from tests.factories_reports import freeze, make_summary

    make_summary(world.cadre_a)
    snapshot = freeze(year=2025, unit=world.county, by=world.committee)
    book, _rows = export_book("cadre-file", snapshot=snapshot, cadre=world.cadre_a, user=world.committee)
    for name in ("年度考核", "人选提示"):
        assert f"委员会快照 #{snapshot.pk}" in book[name]["A3"].value
    for name in ("积分明细", "季度考评", "处分与组织处理"):
        assert "快照 #" not in book[name]["A3"].value
        assert "数据来源：实时数据（快照只封存年度考核和人选提示）" in book[name]["A3"].value


def test_the_entries_sheet_says_its_values_are_before_the_caps(world):
    ws = export_book("cadre-file", year=2025, cadre=world.cadre_a, user=world.committee)[0]["积分明细"]
    assert "有效分值为封顶前分值" in ws["A3"].value and "年度考核" in ws["A3"].value
