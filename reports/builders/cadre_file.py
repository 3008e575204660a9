"""个人实绩档案: one cadre's whole record, a sheet per part.

Profile (ID number and mobile masked), every ledger entry with its reversals, corrections and
fault-tolerance outcome, quarterly reviews, annual summaries, sanctions, talks and flags. With a
snapshot, the annual summaries and flags are the snapshot's.
"""

from assessments.flag_text import TEXT
from assessments.models import AnnualSummary, CandidateFlag, FlagState, QuarterlyReview, SnapshotFlag, SnapshotSummary
from records.models import LedgerEntry, Sanction, TalkRecord

from ..layout import Column, generated, subtitle
from .candidates import DECISIONS, FT_OUTCOMES, reasons_text
from .quarterly import STATUS

ENTRY_STATUS = {"pending": "待审核", "confirmed": "已确认", "returned": "已退回"}
FT_STAGES = {"applied": "申请", "verified": "核实", "determined": "认定", "filed": "报备"}
FLAG_STATES = {FlagState.RAISED: "提示", FlagState.BLOCKED: "不予提示", FlagState.WITHDRAWN: "已撤销"}

PROFILE = [Column("项目", 18, "center"), Column("内容", 60, "auto")]
ENTRIES = [
    Column("序号", 5, "int"),
    Column("编号", 7, "int"),
    Column("月份", 8, "month"),
    Column("发生日期", 10, "date"),
    Column("规则", 7, "center"),
    Column("类别", 10, "wrap"),
    Column("事由", 30, "wrap"),
    Column("文号", 14, "wrap"),
    Column("分值", 6, "points"),
    Column("有效分值", 7, "points"),
    Column("状态", 7, "center"),
    Column("冲销与更正", 14, "wrap"),
    Column("容错纠错", 14, "wrap"),
]
QUARTERS = [
    Column("序号", 5, "int"),
    Column("年度", 6, "int"),
    Column("季度", 5, "int"),
    Column("政治定力", 7, "score"),
    Column("担当精神", 7, "score"),
    Column("破题能力", 7, "score"),
    Column("底线意识", 7, "score"),
    Column("争先创优", 7, "score"),
    Column("群众口碑", 7, "score"),
    Column("纪实积分", 7, "points"),
    Column("季度得分", 8, "score"),
    Column("等次", 6, "center"),
    Column("状态", 7, "center"),
    Column("评语", 24, "wrap"),
]
ANNUAL = [
    Column("年度", 6, "int"),
    Column("单位", 14, "wrap"),
    Column("加分", 7, "points"),
    Column("扣分", 7, "points"),
    Column("积分合计", 8, "points"),
    Column("季度等次", 12, "center"),
    Column("群众评议", 8, "score"),
    Column("综合得分", 8, "score"),
    Column("单位排名", 6, "int"),
    Column("类别排名", 6, "int"),
    Column("建议等次", 8, "center"),
    Column("最终等次", 8, "center"),
    Column("委员会意见", 20, "wrap"),
]
SANCTIONS = [
    Column("序号", 5, "int"),
    Column("类别", 10, "center"),
    Column("处分/处理", 10, "center"),
    Column("决定日期", 10, "date"),
    Column("文号", 16, "wrap"),
    Column("事由", 34, "wrap"),
    Column("影响期至", 10, "date"),
]
TALKS = [
    Column("序号", 5, "int"),
    Column("类别", 10, "center"),
    Column("日期", 10, "date"),
    Column("谈话人", 12, "wrap"),
    Column("谈话要点", 36, "wrap"),
    Column("结果", 24, "wrap"),
]
FLAGS = [
    Column("序号", 5, "int"),
    Column("年度", 6, "int"),
    Column("提示类别", 9, "center"),
    Column("提示情况", 8, "center"),
    Column("理由与限制情形", 50, "wrap"),
    Column("组织决定", 8, "center"),
    Column("决定说明", 18, "wrap"),
]


# The entries' values are before the caps; the annual sheet's totals are after them.
CAPS_NOTE = "有效分值为封顶前分值；计入年度考核的积分按月度、年度上限封顶，见“年度考核”表"


def count(req):
    return LedgerEntry.objects.filter(cadre=req.cadre).count() + 20


def build(book, req, progress=None):
    c = req.cadre
    who = (f"姓名：{c.name}", f"编号：{c.staff_no}", f"单位：{c.unit.name}")
    # A snapshot freezes the annual summaries and the flags only: the other sheets say they are live.
    live = "数据来源：实时数据（快照只封存年度考核和人选提示）" if req.snapshot is not None else req.source_label
    heads = {True: subtitle(*who, req.source_label, generated(book)), False: subtitle(*who, live, generated(book))}

    def sheet(name, columns, *, frozen=False, note=""):
        head = subtitle(heads[frozen], note)
        return book.sheet(name, title=f"个人实绩档案（{c.name}）· {name}", subtitle=head, columns=columns)

    _profile(sheet("基本信息", PROFILE), c)
    _entries(sheet("积分明细", ENTRIES, note=CAPS_NOTE), c)
    _quarters(sheet("季度考评", QUARTERS), c)
    _annual(sheet("年度考核", ANNUAL, frozen=True), req)
    _sanctions(sheet("处分与组织处理", SANCTIONS), c)
    _talks(sheet("谈心谈话", TALKS), c)
    _flags(sheet("人选提示", FLAGS, frozen=True), req)
    return book.rows


def _profile(sheet, c):
    rows = [
        ("干部编号", c.staff_no),
        ("姓名", c.name),
        ("性别", c.gender),
        ("出生日期", c.birth_date),
        ("民族", c.ethnicity),
        ("学历", c.education),
        ("政治面貌", c.political_status),
        ("单位", c.unit.name),
        ("职务", c.position),
        ("领导职务层次", c.leadership_level),
        ("职级", c.rank),
        ("干部类别", c.category),
        ("管理层级", c.management_tier),
        ("任现职时间", c.post_since),
        ("任现职级时间", c.rank_since),
        ("身份证号", c.masked_id_number),
        ("手机号码", c.masked_mobile),
        ("状态", c.status),
        ("试用期", "是" if c.on_probation else "否"),
    ]
    for row in rows:
        sheet.write_row(row)
    sheet.finish()


def _link(e):
    parts = []
    if e.reverses_id:
        parts.append(f"冲销 #{e.reverses_id}")
    if e.corrects_id:
        parts.append(f"更正 #{e.corrects_id}")
    reversal = getattr(e, "reversal", None)
    if reversal is not None:
        parts.append(f"已被 #{reversal.pk} 冲销")
    correction = getattr(e, "correction", None)
    if correction is not None:
        parts.append(f"已由 #{correction.pk} 更正")
    return "；".join(parts)


def _tolerance(e):
    ruling = getattr(e, "ruling", None)
    if ruling is None:
        return ""
    if not ruling.outcome:
        return f"容错纠错办理中（{FT_STAGES.get(ruling.stage, ruling.stage)}）"
    reduced = f"，减为 {ruling.reduced_points} 分" if ruling.reduced_points is not None else ""
    return f"{FT_OUTCOMES.get(ruling.outcome, ruling.outcome)}{reduced}"


def _entries(sheet, c):
    entries = (
        LedgerEntry.objects.filter(cadre=c)
        .select_related("ruling", "reversal", "correction")
        .order_by("month", "occurred_on", "id")
    )
    for e in entries:
        sheet.write_row(
            (
                sheet.rows + 1,
                e.pk,
                e.month,
                e.occurred_on,
                e.rule_code,
                e.category,
                e.facts,
                e.document_no,
                e.points,
                e.effective_points,
                ENTRY_STATUS.get(e.status, e.status),
                _link(e),
                _tolerance(e),
            )
        )
    sheet.finish()


def _quarters(sheet, c):
    fields = ("year", "quarter", "political", "responsibility", "problem_solving", "bottom_line", "results")
    rows = (
        QuarterlyReview.objects.filter(cadre=c)
        .order_by("year", "quarter")
        .values_list(*fields, "mass_score", "ledger_points", "score", "grade", "status", "comment")
    )
    for r in rows:
        sheet.write_row((sheet.rows + 1, *r[:11], STATUS.get(r[11], r[11]), r[12]))
    sheet.finish()


def _annual(sheet, req):
    if req.snapshot is not None:
        rows = SnapshotSummary.objects.filter(snapshot=req.snapshot, cadre=req.cadre)
    else:
        rows = AnnualSummary.objects.filter(cadre=req.cadre)
    for s in rows.select_related("unit").order_by("year"):
        quarters = "/".join(g or "—" for g in s.quarter_grades)
        sheet.write_row(
            (
                s.year,
                s.unit.name,
                s.ledger_add,
                s.ledger_deduct,
                s.ledger_net,
                quarters,
                s.mass_average,
                s.score,
                s.unit_rank,
                s.category_rank,
                s.suggested_grade or ("试用期" if s.on_probation else ""),
                s.final_grade,
                s.final_note,
            )
        )
    sheet.finish()


def _sanctions(sheet, c):
    for s in Sanction.objects.filter(cadre=c).select_related("measure").order_by("decided_on", "id"):
        sheet.write_row(
            (
                sheet.rows + 1,
                s.measure.kind,
                s.measure.name,
                s.decided_on,
                s.document_no,
                s.reason,
                s.promotion_barred_until,
            )
        )
    sheet.finish()


def _talks(sheet, c):
    for t in TalkRecord.objects.filter(cadre=c).order_by("held_on", "id"):
        sheet.write_row((sheet.rows + 1, t.kind, t.held_on, t.talker, t.summary, t.outcome))
    sheet.finish()


def _flags(sheet, req):
    if req.snapshot is not None:
        rows = SnapshotFlag.objects.filter(snapshot=req.snapshot, cadre=req.cadre)
    else:
        rows = CandidateFlag.objects.filter(cadre=req.cadre)
    for f in rows.order_by("year", "kind"):
        flag = f.flag
        words = reasons_text(flag)
        if flag.blockers:
            words = f"{words}\n{f.sentence}"
        state = FLAG_STATES.get(f.state, f.state)
        decision = DECISIONS.get(f.decision, f.decision)
        sheet.write_row((sheet.rows + 1, f.year, TEXT["kind"][f.kind], state, words, decision, f.decision_note))
    sheet.finish()
