"""年度实绩考核汇总表: one sheet per unit, ranked, after a county sheet of grades against the quota.

Two queries whatever the number of cadres: the per-unit aggregate (which also fixes the sheets and
their order), then every summary row in one streamed query, written as it arrives.
"""

from decimal import Decimal

from django.db.models import Count, F, FloatField, Max, Q, Sum
from django.db.models.functions import Cast

from assessments.annual_rules import excellent_limit
from assessments.models import AnnualGrade

from ..layout import Column, generated, subtitle
from ..selectors import ordered_units, summary_source

GRADES = list(AnnualGrade.values)  # 优秀 称职 基本称职 不称职
QUARTERS = "季度考评等次"

COLUMNS = [
    Column("序号", 5, "int"),
    Column("姓名", 9),
    Column("单位", 14, "wrap"),
    Column("职务", 16, "wrap"),
    Column("职级", 11, "wrap"),
    Column("加分", 7, "points"),
    Column("扣分", 7, "points"),
    Column("积分合计", 8, "points"),
    Column("一季度", 6, "center", group=QUARTERS),
    Column("二季度", 6, "center", group=QUARTERS),
    Column("三季度", 6, "center", group=QUARTERS),
    Column("四季度", 6, "center", group=QUARTERS),
    Column("群众评议", 8, "score"),
    Column("综合得分", 8, "score"),
    Column("单位排名", 6, "int"),
    Column("类别排名", 6, "int"),
    Column("建议等次", 8, "center"),
    Column("最终等次", 8, "center"),
]

FIELDS = (
    "unit_id",
    "cadre__name",
    "unit__name",
    "cadre__position",
    "cadre__rank",
    "ledger_add",
    "ledger_deduct",
    "ledger_net",
    "q1_grade",
    "q2_grade",
    "q3_grade",
    "q4_grade",
    "mass_average",
    "score",
    "unit_rank",
    "category_rank",
    "suggested_grade",
    "final_grade",
    "on_probation",
)

DECIMALS = ("ledger_add", "ledger_deduct", "ledger_net", "mass_average", "score")

DISTRIBUTION = [
    Column("序号", 5, "int"),
    Column("单位", 22, "wrap"),
    Column("参加考核人数", 9, "int"),
    Column("试用期（不定等次）", 10, "int"),
    Column("优秀比例", 8, "percent"),
    Column("优秀名额", 8, "int"),
    Column("优秀", 7, "int", group="考核等次（最终等次，未定者按建议等次）"),
    Column("称职", 7, "int", group="考核等次（最终等次，未定者按建议等次）"),
    Column("基本称职", 8, "int", group="考核等次（最终等次，未定者按建议等次）"),
    Column("不称职", 7, "int", group="考核等次（最终等次，未定者按建议等次）"),
    Column("未定等次", 8, "int", group="考核等次（最终等次，未定者按建议等次）"),
    Column("优秀占比", 8, "percent"),
    Column("名额使用", 12, "center"),
]


def _grade_is(grade):
    # The committee's final grade where it gave one, the suggestion otherwise.
    return Q(final_grade=grade) | Q(final_grade="", suggested_grade=grade)


def distribution(source):
    """Per unit: cadres, probationers, each grade, totals and the 优秀 share applied."""
    return list(
        source.values("unit_id")
        .annotate(
            cadres=Count("id"),
            probation=Count("id", filter=Q(on_probation=True)),
            share=Max("excellent_share"),
            add=Sum("ledger_add"),
            deduct=Sum("ledger_deduct"),
            net=Sum("ledger_net"),
            **{f"g{i}": Count("id", filter=_grade_is(g)) for i, g in enumerate(GRADES)},
        )
        .order_by()
    )


def count(req):
    return summary_source(req).count()


def build(book, req, progress=None):
    source = summary_source(req)
    stats = {row["unit_id"]: row for row in distribution(source)}
    units = ordered_units(stats)
    total = sum(s["cadres"] for s in stats.values())
    _county_sheet(book, req, units, stats)
    sheets = {
        u.id: book.sheet(
            u.name,
            title=f"{req.year}年度实绩考核汇总表",
            subtitle=subtitle(f"单位：{u.name}", f"考核年度：{req.year}年", req.source_label, generated(book)),
            columns=COLUMNS,
        )
        for u in units
    }
    # Decimals arrive as floats (what the cells hold anyway): no Decimal built per value.
    floats = {f"{name}_f": Cast(name, FloatField()) for name in DECIMALS}
    fields = [f"{name}_f" if name in DECIMALS else name for name in FIELDS]
    rows = (
        source.annotate(**floats)
        .order_by("unit_id", F("unit_rank").asc(nulls_last=True), "cadre__staff_no", "id")
        .values_list(*fields)
    )
    for n, r in enumerate(rows.iterator(chunk_size=2000), 1):
        sheet = sheets[r[0]]
        suggested = r[16] or ("试用期" if r[18] else "")
        sheet.write_row((sheet.rows + 1, *r[1:16], suggested, r[17]))
        if progress and n % 1000 == 0:
            progress(n, total)
    for u in units:
        s = stats[u.id]
        sheets[u.id].finish(total=("合计", "", "", "", "", s["add"], s["deduct"], s["net"], *[""] * 10))
    return total


def _county_sheet(book, req, units, stats):
    root = req.unit.name if req.unit else req.scope_label
    sheet = book.sheet(
        "等次分布",
        title=f"{req.year}年度考核等次分布与优秀名额情况",
        subtitle=subtitle(f"范围：{root}", f"考核年度：{req.year}年", req.source_label, generated(book)),
        columns=DISTRIBUTION,
    )
    sums = [0] * 8
    for i, u in enumerate(units, 1):
        s = stats[u.id]
        graded = s["cadres"] - s["probation"]
        quota = excellent_limit(graded, s["share"] or Decimal("0"))
        grades = [s[f"g{k}"] for k in range(len(GRADES))]
        undecided = graded - sum(grades)
        share = grades[0] / graded if graded else None
        used = "超出名额" if grades[0] > quota else f"{grades[0]}/{quota}"
        sheet.write_row((i, u.name, s["cadres"], s["probation"], s["share"], quota, *grades, undecided, share, used))
        for k, v in enumerate((s["cadres"], s["probation"], quota, *grades, undecided)):
            sums[k] += v
    graded = sums[0] - sums[1]
    share = sums[3] / graded if graded else None
    sheet.finish(total=("合计", "", sums[0], sums[1], "", sums[2], *sums[3:8], share, ""))
