"""A year's capped ledger totals per cadre, in one SQL statement.

The same caps as ``records.points.capped_totals`` (which the pages use for one cadre), expressed
with window functions so the database does the work for a whole county: month by month a rule's
net points are clipped to its monthly cap, then to what is left of its annual cap; the category's
sum is clipped the same way by the category caps.

What is left of an annual cap: ``capped_totals`` takes ``min(|v|, cap - used)`` each month and adds
that to ``used``, so ``used`` after month m is ``min(cap, S_m)`` with ``S_m`` the running sum of
``|v|``, and month m keeps ``sign(v) * (min(cap, S_m) - min(cap, S_m - |v|))``.
"""

from datetime import date
from decimal import Decimal

from django.db import connection

from records.models import ADD_CATEGORIES, EntryStatus, LedgerEntry, RuleCategory
from records.models.ledger import CategoryCap, PointRule

CATEGORIES = tuple(RuleCategory.values)
ADD = tuple(c for c in CATEGORIES if c in ADD_CATEGORIES)
DEDUCT_CATEGORIES = tuple(c for c in CATEGORIES if c not in ADD_CATEGORIES)
TENTH = Decimal("0.1")


def _sql(where, min_fn, max_fn):
    def capped(prefix=""):
        return (
            f"CASE WHEN {prefix}cap IS NULL THEN {prefix}v ELSE "
            f"(CASE WHEN {prefix}v < 0 THEN -1 ELSE 1 END) * "
            f"({min_fn}({prefix}s, {prefix}cap) - {min_fn}({prefix}s - ABS({prefix}v), {prefix}cap)) END"
        )

    category_columns = ",\n  ".join(
        f"SUM(CASE WHEN category = %s THEN pts ELSE 0 END) AS c{i}" for i, _c in enumerate(CATEGORIES)
    )
    deduct_in = ", ".join(["%s"] * len(DEDUCT_CATEGORIES))
    add_in = ", ".join(["%s"] * len(ADD))
    month_columns = ",\n  ".join(
        f"SUM(CASE WHEN month = %s AND category IN ({deduct_in}) THEN pts ELSE 0 END) AS m{m}" for m in range(1, 13)
    )
    entry, rule, cap = LedgerEntry._meta.db_table, PointRule._meta.db_table, CategoryCap._meta.db_table
    # Only table names, SQL function names and placeholders are interpolated; values are parameters.
    return f"""
WITH e AS (
  SELECT cadre_id, month, rule_id, category, SUM(effective_points) AS pts
  FROM {entry}
  WHERE status = %s AND month >= %s AND month <= %s {where}
  GROUP BY cadre_id, month, rule_id, category
), r AS (
  SELECT e.cadre_id, e.month, e.rule_id, e.category, pr.annual_cap AS cap,
    CASE WHEN pr.monthly_cap IS NULL THEN e.pts
         ELSE {max_fn}(-pr.monthly_cap, {min_fn}(pr.monthly_cap, e.pts)) END AS v
  FROM e JOIN {rule} pr ON pr.id = e.rule_id
), ra AS (
  SELECT cadre_id, month, category, v, cap,
    SUM(ABS(v)) OVER (PARTITION BY cadre_id, rule_id ORDER BY month ROWS UNBOUNDED PRECEDING) AS s
  FROM r
), rc AS (
  SELECT cadre_id, month, category, SUM({capped()}) AS pts
  FROM ra GROUP BY cadre_id, month, category
), c AS (
  SELECT rc.cadre_id, rc.month, rc.category, cc.annual_cap AS cap,
    CASE WHEN cc.monthly_cap IS NULL THEN rc.pts
         ELSE {max_fn}(-cc.monthly_cap, {min_fn}(cc.monthly_cap, rc.pts)) END AS v
  FROM rc LEFT JOIN {cap} cc ON cc.category = rc.category
), ca AS (
  SELECT cadre_id, month, category, v, cap,
    SUM(ABS(v)) OVER (PARTITION BY cadre_id, category ORDER BY month ROWS UNBOUNDED PRECEDING) AS s
  FROM c
), f AS (
  SELECT cadre_id, month, category, {capped()} AS pts FROM ca
)
SELECT cadre_id,
  SUM(CASE WHEN category IN ({add_in}) THEN pts ELSE 0 END) AS added,
  SUM(CASE WHEN category IN ({deduct_in}) THEN pts ELSE 0 END) AS deducted,
  {category_columns},
  {month_columns}
FROM f GROUP BY cadre_id
"""  # noqa: S608


def _head(year):
    return [EntryStatus.CONFIRMED, date(year, 1, 1), date(year, 12, 1)]


def _decimal(value):
    return Decimal(str(value or 0)).quantize(TENTH) + 0  # "+ 0" turns -0.0 into 0.0


def ledger_totals(year, *, cadre_ids=None, cadre_id_range=None):
    """{cadre_id: {"added", "deducted", "net", "by_category": {cat: Decimal}, "months": [12 Decimals]}}.

    Only cadres with confirmed entries in the year appear. ``months`` are the net points of the
    deduction categories (≤ 0 unless reversals outweigh them). Filter by ids, or an id range for a
    worker's slice of a large county.
    """
    where, extra = "", []
    if cadre_ids is not None:
        ids = sorted(set(cadre_ids))
        if not ids:
            return {}
        where = f"AND cadre_id IN ({', '.join(['%s'] * len(ids))})"
        extra = ids
    elif cadre_id_range is not None:
        where, extra = "AND cadre_id >= %s AND cadre_id <= %s", list(cadre_id_range)
    if connection.vendor == "postgresql":
        min_fn, max_fn = "LEAST", "GREATEST"
    else:
        min_fn, max_fn = "MIN", "MAX"
    # Parameters follow the statement's order: the WHERE of ``e`` first, then the final SELECT's.
    select_params = list(ADD) + list(DEDUCT_CATEGORIES) + list(CATEGORIES)
    for m in range(1, 13):
        select_params += [date(year, m, 1), *DEDUCT_CATEGORIES]
    params = [*_head(year), *extra, *select_params]
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(_sql(where, min_fn, max_fn), params)
        n = len(CATEGORIES)
        for row in cursor.fetchall():
            added, deducted = _decimal(row[1]), _decimal(row[2])
            by_category = {c: _decimal(v) for c, v in zip(CATEGORIES, row[3 : 3 + n], strict=True) if v}
            result[row[0]] = {
                "added": added,
                "deducted": deducted,
                "net": added + deducted,
                "by_category": {c: v for c, v in by_category.items() if v},
                "months": [_decimal(v) for v in row[3 + n : 15 + n]],
            }
    return result
