"""季度考评结果汇总表: a quarter's reviews by unit, after a sheet of grades against the 好 quota.

Grades count once approved (审定); the quota is the unit's scheme's share of its reviewed cadres.
Two queries whatever the number of reviews, as in the annual summary.
"""

from decimal import Decimal

from django.db.models import Count, Max, Q

from assessments.models import QuarterGrade, QuarterlyReview, ReviewStatus
from assessments.rules import quota_limit

from ..layout import Column, generated, subtitle
from ..selectors import ordered_units

GRADES = list(QuarterGrade.values)  # 好 较好 一般 较差
STATUS = {
    ReviewStatus.DRAFT: "草稿",
    ReviewStatus.SUBMITTED: "已提交",
    ReviewStatus.APPROVED: "已审定",
    ReviewStatus.RETURNED: "已退回",
}
DIMENSIONS = "考评维度得分"

COLUMNS = [
    Column("序号", 5, "int"),
    Column("姓名", 9),
    Column("职务", 16, "wrap"),
    Column("职级", 11, "wrap"),
    Column("政治定力", 7, "score", group=DIMENSIONS),
    Column("担当精神", 7, "score", group=DIMENSIONS),
    Column("破题能力", 7, "score", group=DIMENSIONS),
    Column("底线意识", 7, "score", group=DIMENSIONS),
    Column("争先创优", 7, "score", group=DIMENSIONS),
    Column("群众口碑", 7, "score"),
    Column("纪实积分", 7, "points"),
    Column("季度得分", 8, "score"),
    Column("建议等次", 7, "center"),
    Column("等次", 7, "center"),
    Column("状态", 7, "center"),
]
FIELDS = (
    "unit_id",
    "cadre__name",
    "cadre__position",
    "cadre__rank",
    "political",
    "responsibility",
    "problem_solving",
    "bottom_line",
    "results",
    "mass_score",
    "ledger_points",
    "score",
    "suggested_grade",
    "grade",
    "status",
)
GRADED = "等次（已审定）"
DISTRIBUTION = [
    Column("序号", 5, "int"),
    Column("单位", 22, "wrap"),
    Column("参加考评人数", 9, "int"),
    Column("已审定", 8, "int"),
    Column("好", 7, "int", group=GRADED),
    Column("较好", 7, "int", group=GRADED),
    Column("一般", 7, "int", group=GRADED),
    Column("较差", 7, "int", group=GRADED),
    Column("“好”比例上限", 9, "percent"),
    Column("“好”名额", 8, "int"),
    Column("名额使用", 12, "center"),
]


def source(req):
    return QuarterlyReview.objects.filter(year=req.year, quarter=req.quarter, unit_id__in=req.unit_ids)


def count(req):
    return source(req).count()


def build(book, req, progress=None):
    reviews = source(req)
    approved = Q(status=ReviewStatus.APPROVED)
    stats = {
        row["unit_id"]: row
        for row in reviews.values("unit_id")
        .annotate(
            cadres=Count("id"),
            approved=Count("id", filter=approved),
            ratio=Max("scheme__good_quota"),
            **{f"g{i}": Count("id", filter=approved & Q(grade=g)) for i, g in enumerate(GRADES)},
        )
        .order_by()
    }
    units = ordered_units(stats)
    period = f"考评期：{req.year}年第{req.quarter}季度"
    _distribution_sheet(book, req, units, stats, period)
    sheets = {
        u.id: book.sheet(
            u.name,
            title=f"{req.year}年第{req.quarter}季度考评结果汇总表",
            subtitle=subtitle(f"单位：{u.name}", period, generated(book)),
            columns=COLUMNS,
        )
        for u in units
    }
    total = sum(s["cadres"] for s in stats.values())
    rows = reviews.order_by("unit_id", "cadre__staff_no", "id").values_list(*FIELDS)
    for n, r in enumerate(rows.iterator(chunk_size=2000), 1):
        sheet = sheets[r[0]]
        sheet.write_row((sheet.rows + 1, *r[1:14], STATUS.get(r[14], r[14])))
        if progress and n % 1000 == 0:
            progress(n, total)
    for sheet in sheets.values():
        sheet.finish()
    return total


def _distribution_sheet(book, req, units, stats, period):
    scope = req.unit.name if req.unit else req.scope_label
    sheet = book.sheet(
        "等次分布",
        title=f"{req.year}年第{req.quarter}季度考评等次分布",
        subtitle=subtitle(f"范围：{scope}", period, generated(book)),
        columns=DISTRIBUTION,
    )
    sums = [0] * 7
    for i, u in enumerate(units, 1):
        s = stats[u.id]
        ratio = s["ratio"] or Decimal("0")
        limit = quota_limit(s["cadres"], ratio)
        grades = [s[f"g{k}"] for k in range(len(GRADES))]
        used = "超出名额" if grades[0] > limit else f"{grades[0]}/{limit}"
        sheet.write_row((i, u.name, s["cadres"], s["approved"], *grades, ratio, limit, used))
        for k, v in enumerate((s["cadres"], s["approved"], *grades, limit)):
            sums[k] += v
    sheet.finish(total=("合计", "", *sums[:6], "", sums[6], ""))
