"""纪实完成情况表: per unit and month of a year, entries recorded, pending, confirmed, and the close.

Like the 纪实完成情况 page (``records.selectors.completion``), but over a report's units rather than
a user, so the command can build it too. A month counts as closed when the unit or any unit above
it closed it. A constant number of queries whatever the number of units.

Seconded (挂职) cadres stay on their unit's roll and month sheet, so their entries count in the
unit's 纪实人数; the head count shows them in a column of their own, never as 在职.
"""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from records.models import CadreStatus, EntryStatus, LedgerEntry, MonthClose, Unit, UnitClosure

from ..layout import Column, generated, subtitle
from ..selectors import ordered_units

COLUMNS = [
    Column("序号", 5, "int"),
    Column("单位", 22, "wrap"),
    Column("月份", 9, "month"),
    Column("在职干部", 8, "int"),
    Column("挂职干部", 8, "int"),
    Column("纪实人数", 8, "int"),
    Column("纪实条数", 8, "int"),
    Column("待审核", 8, "int"),
    Column("已确认", 8, "int"),
    Column("关账状态", 14, "wrap"),
    Column("关账时间", 15, "datetime"),
]


def months_of(year, today):
    last = 12 if year < today.year else today.month if year == today.year else 0
    return [date(year, m, 1) for m in range(1, last + 1)]


def completion_rows(req, *, today):
    """(unit, month, active cadres, seconded cadres, cadres with entries, entries, pending, confirmed, close
    label, closed at)."""
    units = ordered_units(Unit.objects.filter(id__in=req.unit_ids).values_list("id", flat=True))
    ids = [u.id for u in units]
    headcount = {
        unit_id: (active, seconded)
        for unit_id, active, seconded in Unit.objects.filter(id__in=ids)
        .annotate(
            active=Count("cadres", filter=Q(cadres__status=CadreStatus.ACTIVE)),
            seconded=Count("cadres", filter=Q(cadres__status=CadreStatus.SECONDED)),
        )
        .values_list("id", "active", "seconded")
    }
    stats = {
        (r["unit_id"], r["month"].month): r
        for r in LedgerEntry.objects.filter(unit_id__in=ids, month__year=req.year)
        .exclude(status=EntryStatus.RETURNED)
        .values("unit_id", "month")
        .annotate(
            cadres=Count("cadre", distinct=True),
            entries=Count("id"),
            pending=Count("id", filter=Q(status=EntryStatus.PENDING)),
            confirmed=Count("id", filter=Q(status=EntryStatus.CONFIRMED)),
        )
        .order_by()
    }
    closes = _closes(ids, req.year)
    for u in units:
        for month in months_of(req.year, today):
            s = stats.get((u.id, month.month), {})
            label, closed_at = closes.get((u.id, month.month), ("未关账", None))
            yield (
                u,
                month,
                *headcount.get(u.id, (0, 0)),
                s.get("cadres", 0),
                s.get("entries", 0),
                s.get("pending", 0),
                s.get("confirmed", 0),
                label,
                closed_at,
            )


def _closes(ids, year):
    """{(unit id, month): (label, closed at)} for the months closed on the unit or above it."""
    ancestors = UnitClosure.objects.filter(descendant_id__in=ids).values("ancestor_id")
    rows = {
        (r.unit_id, r.month.month): r
        for r in MonthClose.objects.filter(month__year=year, closed=True, unit_id__in=ancestors).select_related("unit")
    }
    if not rows:
        return {}
    links = (
        UnitClosure.objects.filter(descendant_id__in=ids, ancestor_id__in={u for u, _m in rows})
        .order_by("descendant_id", "distance")
        .values_list("descendant_id", "ancestor_id", "distance")
    )
    result = {}
    for descendant, ancestor, distance in links:
        for m in range(1, 13):
            row = rows.get((ancestor, m))
            if row is not None and (descendant, m) not in result:
                label = "已关账" if distance == 0 else f"已关账（{row.unit.name}）"
                result[descendant, m] = (label, row.closed_at)
    return result


def count(req):
    return Unit.objects.filter(id__in=req.unit_ids).count() * 12


def build(book, req, progress=None):
    scope = req.unit.name if req.unit else req.scope_label
    sheet = book.sheet(
        "纪实完成情况",
        title=f"{req.year}年度纪实完成情况表",
        subtitle=subtitle(f"范围：{scope}", f"年度：{req.year}年", generated(book)),
        columns=COLUMNS,
    )
    sums = [0] * 4
    for row in completion_rows(req, today=timezone.localdate()):
        unit, month, active, seconded, *counts, label, closed_at = row
        sheet.write_row((sheet.rows + 1, unit.name, month, active, seconded, *counts, label, closed_at))
        for k, v in enumerate(counts):
            sums[k] += v
    sheet.finish(total=("合计", "", "", "", "", *sums, "", ""))
    return sheet.rows - 1
