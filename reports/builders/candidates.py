"""参考人选名单: priority and rank promotion, commendation and rotation, and adjustment, talks and
red/yellow cards.

Each flag reads in words (``assessments.flag_text``): its reasons, and for promotion and commendation
the blockers checked. The adjustment lists also name the records behind each reason (entries, reviews,
sanctions, annual grades), each kind read in one query for the whole list.
"""

from django.db.models import OuterRef, Subquery

from assessments.flag_text import TEXT, sentence
from assessments.flags import Flag
from assessments.models import AnnualSummary, FlagKind, FlagState, QuarterlyReview, SnapshotSummary
from records.models import LedgerEntry, Sanction

from ..layout import Column, generated, subtitle
from ..selectors import flag_source, summary_source

STATES = {FlagState.RAISED: "提示", FlagState.BLOCKED: "不予提示"}
DECISIONS = {"": "待定", "accepted": "采纳", "dismissed": "不采纳"}

ADJUSTMENT_SHEETS = (
    ("调整", "{year}年度调整参考人选名单", (FlagKind.ADJUSTMENT,)),
    ("约谈", "{year}年度约谈提醒参考人选名单", (FlagKind.TALK_REMINDER,)),
    ("红黄牌", "{year}年度红黄牌参考人选名单", (FlagKind.RED_CARD, FlagKind.YELLOW_CARD)),
)
ADJUSTMENT_KINDS = [k for _s, _t, kinds in ADJUSTMENT_SHEETS for k in kinds]

PERSON = [
    Column("序号", 5, "int"),
    Column("姓名", 9),
    Column("单位", 14, "wrap"),
    Column("职务", 16, "wrap"),
    Column("职级", 11, "wrap"),
]
# Every list ends with the committee's decision; the promotion kinds share their score and reasons.
DECISION = [Column("组织决定", 8, "center"), Column("决定说明", 16, "wrap")]
SCORED = [
    Column("综合得分", 8, "score"),
    Column("类别排名", 6, "int"),
    Column("提示情况", 8, "center"),
    Column("提示理由", 40, "wrap"),
    Column("限制情形核查", 30, "wrap"),
]
PROMOTION_COLUMNS = [*PERSON, Column("任现职级时间", 11, "date"), *SCORED, *DECISION]
COMMENDATION_COLUMNS = [*PERSON, *SCORED, *DECISION]
ROTATION_COLUMNS = [*PERSON, Column("任现职时间", 11, "date"), Column("提示理由", 40, "wrap"), *DECISION]
ADJUSTMENT_COLUMNS = [
    *PERSON,
    Column("提示类别", 8, "center"),
    Column("提示理由", 36, "wrap"),
    Column("依据记录", 44, "wrap"),
    *DECISION,
]


def _flags(req, kinds):
    summaries = summary_source(req).filter(cadre_id=OuterRef("cadre_id"))
    return (
        flag_source(req)
        .filter(kind__in=kinds, state__in=list(STATES))
        .annotate(
            score=Subquery(summaries.values("score")[:1]),
            category_rank=Subquery(summaries.values("category_rank")[:1]),
        )
        .select_related("cadre", "unit")
        .order_by("-state", "unit__depth", "unit__order", "unit__code", "cadre__staff_no")
    )


def count_promotion(req):
    return flag_source(req).filter(kind__in=PROMOTION_KINDS, state__in=list(STATES)).count()


def count_adjustment(req):
    return flag_source(req).filter(kind__in=ADJUSTMENT_KINDS, state=FlagState.RAISED).count()


def reasons_text(flag):
    """The reasons alone, in words, whether or not a blocker kept the flag from being raised."""
    return sentence(Flag(flag.kind, flag.reasons, ())).replace(TEXT["sentence"]["join"], "；\n")


# What "no blocker" means depends on what the rule checks: 评先评优 is barred only by a sanction.
CLEAR = {
    FlagKind.COMMENDATION: "经核查，本年度未受影响评先评优的处分",
}


def blockers_text(flag):
    if not flag.blockers:
        return CLEAR.get(flag.kind, "经核查，无影响期、试用期、红黄牌等限制情形")
    return sentence(flag)


def _promotion_row(row):
    return (
        row.cadre.rank_since,
        row.score,
        row.category_rank,
        STATES[row.state],
        reasons_text(row.flag),
        blockers_text(row.flag),
    )


def _commendation_row(row):
    return (row.score, row.category_rank, STATES[row.state], reasons_text(row.flag), blockers_text(row.flag))


def _rotation_row(row):
    return (row.cadre.post_since, reasons_text(row.flag))


PROMOTION_SHEETS = (
    ("优先提拔", "{year}年度优先提拔参考人选名单", FlagKind.PROMOTION, PROMOTION_COLUMNS, _promotion_row),
    ("职级晋升", "{year}年度职级晋升参考人选名单", FlagKind.RANK_PROMOTION, PROMOTION_COLUMNS, _promotion_row),
    ("评先评优", "{year}年度评先评优参考人选名单", FlagKind.COMMENDATION, COMMENDATION_COLUMNS, _commendation_row),
    ("交流轮岗", "{year}年度交流轮岗参考人选名单", FlagKind.ROTATION_DUE, ROTATION_COLUMNS, _rotation_row),
)
PROMOTION_KINDS = [kind for _s, _t, kind, _c, _r in PROMOTION_SHEETS]


def build_promotion(book, req, progress=None):
    flags = list(_flags(req, PROMOTION_KINDS))
    for name, title, kind, columns, cells in PROMOTION_SHEETS:
        sheet = _sheet(book, req, name, title, columns)
        for row in (f for f in flags if f.kind == kind):
            sheet.write_row(_line(sheet, row, cells(row)))
        sheet.finish()
    return len(flags)


def build_adjustment(book, req, progress=None):
    flags = list(_flags(req, ADJUSTMENT_KINDS).filter(state=FlagState.RAISED))
    evidence = Evidence([row.flag for row in flags], [row.cadre_id for row in flags], req)
    for name, title, kinds in ADJUSTMENT_SHEETS:
        sheet = _sheet(book, req, name, title, ADJUSTMENT_COLUMNS)
        for row in (f for f in flags if f.kind in kinds):
            cells = (TEXT["kind"][row.kind], reasons_text(row.flag), evidence.text(row.flag, row.cadre_id))
            sheet.write_row(_line(sheet, row, cells))
        sheet.finish()
    return len(flags)


def _line(sheet, row, cells):
    """A list's row: the person (PERSON), the list's own ``cells``, the committee's decision (DECISION)."""
    c = row.cadre
    person = (sheet.rows + 1, c.name, row.unit.name, c.position, c.rank)
    return (*person, *cells, DECISIONS.get(row.decision, row.decision), row.decision_note)


def _sheet(book, req, name, title, columns):
    scope = req.unit.name if req.unit else req.scope_label
    return book.sheet(
        name,
        title=title.format(year=req.year),
        subtitle=subtitle(f"范围：{scope}", f"年度：{req.year}年", req.source_label, generated(book)),
        columns=columns,
    )


FT_OUTCOMES = {"waived": "免责", "reduced": "减轻", "rejected": "不予容错"}
ENTRY_FIELDS = ("id", "month", "rule_code", "category", "points", "effective_points", "facts", "document_no")


class Evidence:
    """The records a list of flags refers to, read once per kind of record."""

    def __init__(self, flags, cadre_ids, req):
        refs = {"entry": set(), "review": set(), "sanction": set(), "annual": set()}
        for flag in flags:
            for item in (*flag.reasons, *flag.blockers):
                for kind, ident in item.refs:
                    if kind in refs:
                        refs[kind].add(ident)
        entries = LedgerEntry.objects.filter(id__in=refs["entry"]).select_related("ruling")
        self.entries = {e.id: e for e in entries.only(*ENTRY_FIELDS, "ruling__outcome")}
        reviews = QuarterlyReview.objects.filter(id__in=refs["review"])
        self.reviews = {r["id"]: r for r in reviews.values("id", "year", "quarter", "grade", "score")}
        sanctions = Sanction.objects.filter(id__in=refs["sanction"]).select_related("measure")
        self.sanctions = {s.id: s for s in sanctions}
        self.grades = {}
        if refs["annual"]:
            # Earlier years' grades: decided long before any snapshot of this year, read live.
            grades = AnnualSummary.objects.filter(cadre_id__in=set(cadre_ids), year__in=refs["annual"])
            for g in grades.values("cadre_id", "year", "final_grade", "suggested_grade"):
                self.grades[g["cadre_id"], g["year"]] = g["final_grade"] or g["suggested_grade"]
        if req.snapshot is not None:
            self._as_frozen(req.snapshot, cadre_ids)

    def _as_frozen(self, snapshot, cadre_ids):
        """The snapshot year's quarters and annual grades as the snapshot froze them: a review
        reopened and approved again, or a grade the committee decided later, must not change what a
        snapshot's pack says (nor contradict the frozen reasons beside it)."""
        rows = SnapshotSummary.objects.filter(snapshot=snapshot, cadre_id__in=set(cadre_ids))
        fields = ["cadre_id", "year", "final_grade", "suggested_grade", "review_ids"]
        fields += [f"q{q}_{what}" for q in (1, 2, 3, 4) for what in ("grade", "score")]
        for row in rows.values(*fields):
            self.grades[row["cadre_id"], row["year"]] = row["final_grade"] or row["suggested_grade"]
            for q, review_id in enumerate(row["review_ids"] or [], start=1):
                if review_id is not None:
                    grade, score = row[f"q{q}_grade"], row[f"q{q}_score"]
                    self.reviews[review_id] = {
                        "id": review_id,
                        "year": row["year"],
                        "quarter": q,
                        "grade": grade,
                        "score": score,
                    }

    def text(self, flag, cadre_id):
        lines = []
        for item in flag.reasons:
            for kind, ident in item.refs:
                line = self._line(kind, ident, cadre_id)
                if line and line not in lines:
                    lines.append(line)
        return "\n".join(lines)

    def _line(self, kind, ident, cadre_id):
        if kind == "entry" and ident in self.entries:
            return _entry_line(self.entries[ident])
        if kind == "review" and ident in self.reviews:
            r = self.reviews[ident]
            score = f"，{r['score']} 分" if r["score"] is not None else ""
            return f"季度考评 {r['year']}年第{r['quarter']}季度：{r['grade'] or '未定'}{score}"
        if kind == "sanction" and ident in self.sanctions:
            s = self.sanctions[ident]
            until = f"{s.promotion_barred_until:%Y-%m-%d}"
            return f"{s.measure.kind}·{s.measure.name} {s.decided_on:%Y-%m-%d}（{s.document_no}），影响期至 {until}"
        if kind == "annual":
            grade = self.grades.get((cadre_id, int(ident)))
            return f"{ident}年度考核：{grade}" if grade else f"{ident}年度考核"
        return ""


def _entry_line(e):
    ruling = getattr(e, "ruling", None)
    tolerance = ""
    if ruling is not None and ruling.outcome:
        tolerance = f"（容错纠错：{FT_OUTCOMES.get(ruling.outcome, ruling.outcome)}，计 {e.effective_points} 分）"
    document = f"（{e.document_no}）" if e.document_no else ""
    return f"积分 #{e.id} {e.month:%Y-%m} {e.rule_code} {e.category} {e.points} 分{tolerance}：{e.facts}{document}"
