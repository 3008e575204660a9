"""参考人选名单 (promotion-candidates, adjustment-candidates): flags in words, with their evidence."""

from datetime import date
from decimal import Decimal

import pytest

from assessments.flags import Blocker, Flag, Reason
from assessments.models import AnnualSummary, QuarterlyReview, ScoringScheme
from records.models import SanctionMeasure
from records.services.sanctions import sanction_create
from tests.factories import confirmed_entry
from tests.factories_reports import body, export_book, freeze, make_flag, make_summary

PROMOTION = ["序号", "姓名", "单位", "职务", "职级", "任现职级时间", "综合得分", "类别排名", "提示情况", "提示理由",
             "限制情形核查", "组织决定", "决定说明"]  # fmt: skip
COMMENDATION = ["序号", "姓名", "单位", "职务", "职级", "综合得分", "类别排名", "提示情况", "提示理由", "限制情形核查",
                "组织决定", "决定说明"]  # fmt: skip
ROTATION = ["序号", "姓名", "单位", "职务", "职级", "任现职时间", "提示理由", "组织决定", "决定说明"]
ADJUSTMENT = ["序号", "姓名", "单位", "职务", "职级", "提示类别", "提示理由", "依据记录", "组织决定", "决定说明"]


@pytest.fixture
def promotions(world):
    make_summary(world.cadre_a, score=Decimal("93.5"), category_rank=2)
    make_flag(world.cadre_a, decision="accepted", decision_note="部务会通过")
    make_flag(world.cadre_b, state="blocked")
    make_flag(world.cadre_a_office, state="withdrawn")
    make_flag(world.cadre_a_office, kind="rank_promotion")
    return 2025


def test_the_promotion_list_has_a_sheet_per_kind_with_the_raised_first(world, promotions):
    book, rows = export_book("promotion-candidates", year=2025, user=world.committee)
    assert book.sheetnames == ["优先提拔", "职级晋升", "评先评优", "交流轮岗"]
    ws = book["优先提拔"]
    assert ws["A2"].value == "2025年度优先提拔参考人选名单"
    assert [c.value for c in ws[4]] == PROMOTION
    names = [r[1] for r in body(ws, 4)]
    assert names == ["李明", "赵强"]  # the withdrawn flag is left out
    assert [r[1] for r in body(book["职级晋升"], 4)] == ["王芳"]
    assert rows == 3


def test_a_candidate_reads_with_reasons_in_words_and_the_blockers_checked(world, promotions):
    ws = export_book("promotion-candidates", year=2025, user=world.committee)[0]["优先提拔"]
    raised, blocked = body(ws, 4)
    assert (raised[6], raised[7], raised[8]) == (93.5, 2, "提示")
    assert "年度综合得分位列本类别前 10%（得分高于本人的占 5%）" in raised[9]
    assert "3 个季度等次为“好”" in raised[9]
    assert raised[10].startswith("经核查，无")
    assert (raised[11], raised[12]) == ("采纳", "部务会通过")
    assert blocked[8] == "不予提示"
    assert "年度综合得分位列本类别前 10%" in blocked[9]  # why it was considered
    assert "政务处分·记过影响期至 2026-03-31" in blocked[10]  # and why it was not raised


def test_the_adjustment_list_names_the_records_behind_each_reason(world):
    deduction = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-3")
    scheme = ScoringScheme.objects.create(year=2025, name="2025")
    review = QuarterlyReview.objects.create(
        cadre=world.cadre_a, unit=world.town_a, year=2025, quarter=2, scheme=scheme, grade="较差", score=Decimal("58")
    )
    measure = SanctionMeasure.objects.get(kind="政务处分", name="记过")
    sanction = sanction_create(
        actor=world.county_clerk, cadre=world.cadre_b, measure=measure, decided_on=date(2025, 4, 1),
        document_no="青纪〔2025〕3号", reason="违规",
    )  # fmt: skip
    red = Flag(
        "red_card",
        (
            Reason("red.yellow_cards", ["2", 12], 2, refs=(("review", review.pk),)),
            Reason("red.sanction_deduction", "-15", "-18", refs=(("entry", deduction.pk), ("sanction", sanction.pk)),
                   period="2025", detail="问责、纪律处分"),
        ),
    )  # fmt: skip
    make_flag(world.cadre_a, kind="red_card", flag=red)
    make_flag(
        world.cadre_b,
        kind="talk_reminder",
        flag=Flag("talk_reminder", (Reason("talk.quarter_grade", "一般", "一般", period="2025-Q1"),)),
    )
    book, rows = export_book("adjustment-candidates", year=2025, user=world.committee)
    assert book.sheetnames == ["调整", "约谈", "红黄牌"]
    ws = book["红黄牌"]
    assert [c.value for c in ws[4]] == ADJUSTMENT
    (row,) = body(ws, 4)
    assert (row[1], row[5]) == ("李明", "红牌")
    assert "黄牌 2 次" in row[6]
    evidence = row[7].split("\n")
    assert evidence[0] == "季度考评 2025年第2季度：较差，58.00 分"
    assert evidence[1].startswith(f"积分 #{deduction.pk} {deduction.month:%Y-%m} SW01")
    assert evidence[2].startswith("政务处分·记过 2025-04-01（青纪〔2025〕3号），影响期至 2026-03-31")
    assert body(book["约谈"], 4)[0][1] == "赵强"
    assert body(book["调整"], 4) == [("无", *[None] * 9)]
    assert rows == 2


def test_an_empty_list_says_none_in_one_bordered_row_across_the_table(world, promotions):
    book, rows = export_book("adjustment-candidates", year=2025, user=world.committee)
    assert rows == 0
    for name in ("调整", "约谈", "红黄牌"):
        ws = book[name]
        assert body(ws, 4) == [("无", *[None] * 9)]
        assert "A5:J5" in {str(r) for r in ws.merged_cells.ranges}
        assert (ws["A5"].font.name, ws["A5"].border.left.style, ws["J5"].border.right.style) == ("宋体", "thin", "thin")
        assert ws["A6"].value is None and ws["A7"].value == "制表人："
        assert ws.auto_filter.ref is None
    promotion = export_book("promotion-candidates", year=2025, user=world.committee)[0]
    assert [r[1] for r in body(promotion["优先提拔"], 4)] == ["李明", "赵强"]
    assert body(promotion["评先评优"], 4) == [("无", *[None] * 11)]
    assert body(promotion["交流轮岗"], 4) == [("无", *[None] * 8)]


def test_a_reviewer_of_one_township_sees_only_its_candidates(world, promotions):
    ws = export_book("promotion-candidates", year=2025, user=world.reviewer)[0]["优先提拔"]
    assert [r[1] for r in body(ws, 4)] == ["李明"]


def test_a_snapshot_keeps_the_flags_and_decisions_the_committee_met_over(world, promotions):
    snapshot = freeze(year=2025, unit=world.county, by=world.committee)
    make_flag(world.cadre_a, kind="promotion", year=2026)
    from assessments.models import CandidateFlag

    CandidateFlag.objects.filter(cadre=world.cadre_a, year=2025).update(decision="dismissed", decision_note="")
    ws = export_book("promotion-candidates", snapshot=snapshot, user=world.committee)[0]["优先提拔"]
    assert body(ws, 4)[0][11:] == ("采纳", "部务会通过")
    assert f"快照 #{snapshot.pk}" in ws["A3"].value


def test_a_snapshots_evidence_is_the_year_as_frozen(world, time_machine):
    """Reopening a review and approving it again, or deciding a grade, after the freeze changes
    neither the records a snapshot's list cites nor the frozen time it names (local time)."""
    time_machine.move_to("2026-03-02 09:30 +08:00")
    scheme = ScoringScheme.objects.create(year=2025, name="2025")
    review = QuarterlyReview.objects.create(
        cadre=world.cadre_a, unit=world.town_a, year=2025, quarter=4, scheme=scheme, grade="较差",
        score=Decimal("62.96"),
    )  # fmt: skip
    make_summary(
        world.cadre_a, q4_grade="较差", q4_score=Decimal("62.96"), review_ids=[None, None, None, review.pk],
        suggested_grade="基本称职",
    )  # fmt: skip
    adjustment = Flag(
        "adjustment",
        (
            Reason("adjustment.annual_grade", "基本称职", "基本称职", (("annual", 2025),), "2025"),
            Reason("adjustment.poor_quarters", 1, 1, (("review", review.pk),)),
        ),
    )
    make_flag(world.cadre_a, kind="adjustment", flag=adjustment)
    snapshot = freeze(year=2025, unit=world.county, by=world.committee)

    QuarterlyReview.objects.filter(pk=review.pk).update(grade="一般", score=Decimal("78"))
    AnnualSummary.objects.filter(cadre=world.cadre_a, year=2025).update(
        final_grade="称职", q4_grade="一般", q4_score=Decimal("78")
    )

    ws = export_book("adjustment-candidates", snapshot=snapshot, user=world.committee)[0]["调整"]
    (row,) = body(ws, 4)
    assert row[7].split("\n") == ["2025年度考核：基本称职", "季度考评 2025年第4季度：较差，62.96 分"]
    assert "2026-03-02 09:30 冻结" in ws["A3"].value
    live = export_book("adjustment-candidates", year=2025, user=world.committee)[0]["调整"]
    assert body(live, 4)[0][7].split("\n") == ["2025年度考核：称职", "季度考评 2025年第4季度：一般，78.00 分"]


@pytest.fixture
def commendations(world):
    excellent = (Reason("commendation.suggested_excellent", "优秀", "优秀", period="2025"),)
    make_summary(world.cadre_a, score=Decimal("95"), category_rank=1)
    make_flag(world.cadre_a, kind="commendation", flag=Flag("commendation", excellent), decision="accepted",
              decision_note="推荐表彰")  # fmt: skip
    barred = Flag("commendation", excellent, (Blocker("excellent_barred", detail="政务处分·警告"),))
    make_flag(world.cadre_b, kind="commendation", state="blocked", flag=barred)
    rotation = Flag("rotation_due", (Reason("rotation.unit_years", 10, 12, detail="正科"),))
    make_flag(world.cadre_a_office, kind="rotation_due", flag=rotation, decision_note="列入轮岗计划")
    make_flag(world.cadre_b, kind="rotation_due", state="withdrawn", flag=rotation)
    return 2025


def test_the_promotion_pack_lists_commendations_with_what_bars_them(world, commendations):
    book, rows = export_book("promotion-candidates", year=2025, user=world.committee)
    ws = book["评先评优"]
    assert ws["A2"].value == "2025年度评先评优参考人选名单"
    assert [c.value for c in ws[4]] == COMMENDATION
    raised, blocked = body(ws, 4)
    assert raised[1:4] == ("李明", "东岭镇", "科员") and raised[5:8] == (95, 1, "提示")
    assert raised[8] == "2025 年度建议考核等次为“优秀”"
    assert raised[9] == "经核查，本年度未受影响评先评优的处分"
    assert raised[10:] == ("采纳", "推荐表彰")
    assert (blocked[1], blocked[7]) == ("赵强", "不予提示")
    assert blocked[9] == "未提示评先评优：本年度受政务处分·警告"
    assert blocked[10:] == ("待定", None)
    assert rows == 3  # two commendations and one rotation; the withdrawn rotation is left out


def test_the_promotion_pack_lists_the_cadres_due_for_rotation(world, commendations):
    book = export_book("promotion-candidates", year=2025, user=world.committee)[0]
    ws, first = book["交流轮岗"], book["优先提拔"]
    assert ws["A2"].value == "2025年度交流轮岗参考人选名单"
    assert ws["A3"].value == first["A3"].value  # scope, year, source and time, as on every sheet
    assert [c.value for c in ws[4]] == ROTATION
    (row,) = body(ws, 4)
    assert row[1] == "王芳" and row[5].date() == date(2020, 1, 1)
    assert row[6] == "任现职 12 年（单位正副职满 10 年）"
    assert row[7:] == ("待定", "列入轮岗计划")
    assert (ws.print_title_rows, ws.page_setup.orientation) == ("$4:$4", first.page_setup.orientation)
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_a_snapshot_keeps_the_commendations_and_rotations_as_frozen(world, commendations):
    from assessments.models import CandidateFlag

    snapshot = freeze(year=2025, unit=world.county, by=world.committee)
    CandidateFlag.objects.filter(kind="commendation", cadre=world.cadre_a).update(decision="dismissed")
    CandidateFlag.objects.filter(kind="rotation_due").delete()
    book = export_book("promotion-candidates", snapshot=snapshot, user=world.committee)[0]
    assert body(book["评先评优"], 4)[0][10] == "采纳"
    assert [r[1] for r in body(book["交流轮岗"], 4)] == ["王芳"]
    assert body(export_book("promotion-candidates", year=2025)[0]["交流轮岗"], 4) == [("无", *[None] * 8)]
