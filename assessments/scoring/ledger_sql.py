"""A year's capped ledger totals per cadre, in one SQL statement.

The same caps as ``records.points.capped_totals`` (which the pages use for one cadre), computed by
the database for a whole county: month by month a rule's net points are clipped to its monthly cap,
then to what is left of its annual cap; the category's sum is clipped the same way by the category
caps.

What is left of an annual cap: ``capped_totals`` takes ``min(|v|, cap - used)`` each month and adds
that to ``used``, so ``used`` after month m is ``min(cap, S_m)`` with ``S_m`` the running sum of
``|v|``, and month m keeps ``sign(v) * (min(cap, S_m) - min(cap, S_m - |v|))``.

For speed on millions of entries: one pass over the entries groups them by cadre, category and
rule, with the twelve months as twelve columns, so the running sums are plain additions across
columns (no window, no sort); rules without any cap are pooled per category (their points pass
through unclipped, so the result is the same); points are summed as integer tenths, and turned back
into one-place decimals in Python. (A rule whose entries of one cadre carry two categories, which
entering never produces, has its annual cap applied per category.)
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


def _sql(where, min_fn, max_fn, tenths, integer=lambda expr: expr, materialized=""):
    """tenths(expr): the SQL turning a points column into integer tenths of a point; integer(expr):
    a sum back to a plain integer (PostgreSQL's SUM of integers is a bigint, whose SUM is a slow numeric); materialized:
    "MATERIALIZED " where the database would otherwise inline every step into the last (SQLite)."""
    months = range(1, 13)

    def clip(value, cap):
        return f"CASE WHEN {cap} IS NULL THEN {value} ELSE {max_fn}(-{cap}, {min_fn}({cap}, {value})) END"

    def kept(v, m):
        # What is left of the annual cap in month m: sign(v_m) * (min(cap, S_m) - min(cap, S_m - |v_m|)).
        s = " + ".join(f"ABS({v}{k})" for k in range(1, m + 1))
        return (
            f"CASE WHEN acap IS NULL OR {v}{m} = 0 THEN {v}{m} ELSE "
            f"(CASE WHEN {v}{m} < 0 THEN -1 ELSE 1 END) * "
            f"({min_fn}({s}, acap) - {min_fn}({s} - ABS({v}{m}), acap)) END AS k{m}"
        )

    points = tenths("le.effective_points")
    pivot = ",\n    ".join(
        f"{integer(f'COALESCE(SUM({points}) FILTER (WHERE le.month = %s), 0)')} AS p{m}" for m in months
    )
    rule_clip = ",\n    ".join(f"{clip(f'p{m}', 'mcap')} AS v{m}" for m in months)
    rule_kept = ",\n    ".join(kept("v", m) for m in months)
    category_sum = ",\n    ".join(f"{integer(f'SUM(k{m})')} AS p{m}" for m in months)
    category_clip = rule_clip
    category_kept = rule_kept
    total = " + ".join(f"k{m}" for m in months)
    deduct_in = ", ".join(["%s"] * len(DEDUCT_CATEGORIES))
    add_in = ", ".join(["%s"] * len(ADD))
    category_columns = ",\n  ".join(
        f"SUM(CASE WHEN category = %s THEN {total} ELSE 0 END) AS c{i}" for i, _c in enumerate(CATEGORIES)
    )
    month_columns = ",\n  ".join(
        f"SUM(CASE WHEN category IN ({deduct_in}) THEN k{m} ELSE 0 END) AS m{m}" for m in months
    )
    entry, rule, cap = LedgerEntry._meta.db_table, PointRule._meta.db_table, CategoryCap._meta.db_table
    capped_rule = f"{tenths('monthly_cap')} AS mcap, {tenths('annual_cap')} AS acap"
    # Only table names, SQL function names and placeholders are interpolated; values are parameters.
    return f"""
WITH rp AS (
  SELECT le.cadre_id, le.category, cr.id AS rule_id, {pivot}
  FROM {entry} le LEFT JOIN (
    SELECT id FROM {rule} WHERE monthly_cap IS NOT NULL OR annual_cap IS NOT NULL
  ) cr ON cr.id = le.rule_id
  WHERE le.status = %s AND le.month >= %s AND le.month <= %s {where}
  GROUP BY le.cadre_id, le.category, cr.id
), rv AS {materialized}(
  SELECT rp.cadre_id, rp.category, pr.acap, {rule_clip}
  FROM rp LEFT JOIN (SELECT id, {capped_rule} FROM {rule}) pr ON pr.id = rp.rule_id
), rk AS {materialized}(
  SELECT cadre_id, category, {rule_kept}
  FROM rv
), cp AS {materialized}(
  SELECT cadre_id, category, {category_sum}
  FROM rk GROUP BY cadre_id, category
), cv AS {materialized}(
  SELECT cp.cadre_id, cp.category, cc.acap, {category_clip}
  FROM cp LEFT JOIN (SELECT category, {capped_rule} FROM {cap}) cc ON cc.category = cp.category
), ck AS {materialized}(
  SELECT cadre_id, category, {category_kept}
  FROM cv
)
SELECT cadre_id,
  SUM(CASE WHEN category IN ({add_in}) THEN {total} ELSE 0 END) AS added,
  SUM(CASE WHEN category IN ({deduct_in}) THEN {total} ELSE 0 END) AS deducted,
  {category_columns},
  {month_columns}
FROM ck GROUP BY cadre_id
"""  # noqa: S608


def _head(year):
    return [EntryStatus.CONFIRMED, date(year, 1, 1), date(year, 12, 1)]


def _decimal(tenths):
    """Integer tenths of a point from the statement, as the Decimal with one place it stands for."""
    return Decimal(tenths or 0).scaleb(-1)


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
        where = f"AND le.cadre_id IN ({', '.join(['%s'] * len(ids))})"
        extra = ids
    elif cadre_id_range is not None:
        where, extra = "AND le.cadre_id >= %s AND le.cadre_id <= %s", list(cadre_id_range)
    if connection.vendor == "postgresql":
        sql = _sql(
            where,
            "LEAST",
            "GREATEST",
            lambda column: f"({column} * 10)::int",
            lambda expr: f"({expr})::int",
            materialized="MATERIALIZED ",
        )
    else:
        tenths = lambda column: f"CAST(ROUND({column} * 10) AS INTEGER)"  # noqa: E731
        sql = _sql(where, "MIN", "MAX", tenths, materialized="MATERIALIZED ")
    # Parameters follow the statement's order: the WHERE of ``e``, the months of ``rp``, then the
    # final SELECT's.
    month_params = [date(year, m, 1) for m in range(1, 13)]
    select_params = list(ADD) + list(DEDUCT_CATEGORIES) + list(CATEGORIES)
    for _m in range(1, 13):
        select_params += DEDUCT_CATEGORIES
    params = [*month_params, *_head(year), *extra, *select_params]
    result = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # For this transaction only: the statement's expressions are long but run over few rows
            # after the first aggregate (compiling them with JIT costs more than it saves), and its
            # hash tables fit in memory instead of spilling to disk.
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)
        n = len(CATEGORIES)
        for row in cursor.fetchall():
            added, deducted = _decimal(row[1]), _decimal(row[2])
            result[row[0]] = {
                "added": added,
                "deducted": deducted,
                "net": added + deducted,
                "by_category": {c: _decimal(v) for c, v in zip(CATEGORIES, row[3 : 3 + n], strict=True) if v},
                "months": [_decimal(v) for v in row[3 + n : 15 + n]],
            }
    return result
