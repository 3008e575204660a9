"""A year's capped ledger totals per cadre, in one SQL statement.

The same caps as ``records.points.capped_totals`` (which the pages use for one cadre), computed by
the database for a whole county: month by month a rule's net points are clipped to its monthly cap,
then to what is left of its annual cap; the category's sum is clipped the same way by the category
caps.

What is left of an annual cap: ``capped_totals`` takes ``min(|v|, cap - used)`` each month and adds
that to ``used``, so ``used`` before month m is ``min(cap, S)`` with ``S`` the sum of ``|v|`` over
the months before m, and month m keeps ``sign(v) * max(0, min(|v|, cap - S))``.

For speed on millions of entries: one pass over the entries groups them by cadre, category and
rule, with the twelve months as twelve columns, so the running sums are plain additions across
columns (no window, no sort); rules without any cap are pooled per category (their points pass
through unclipped, so the result is the same); points are summed as integer tenths, and turned back
into one-place decimals in Python. (A rule whose entries of one cadre carry two categories, which
entering never produces, has its annual cap applied per category.)

The statement is written for the caps configured, so that only capped rows pay for them: they are
read first with ``records.selectors.ledger.cap_tables`` (two small queries, whatever the number of
cadres) and written into it as constants, each cap a branch of a CASE on the rule or the category.
Three aggregates feed one another without storing anything in between: by cadre, category and
capped rule; by cadre and category (the rule caps applied); by cadre (the category caps applied).
"""

# ruff: noqa: S608 - the SQL is assembled from table names, keywords and integers that Python
# computed (ids, codes, caps); every other value is a parameter.
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db import connection

from records.models import ADD_CATEGORIES, EntryStatus, LedgerEntry, RuleCategory
from records.points import Caps
from records.selectors.ledger import cap_tables

CATEGORIES = tuple(RuleCategory.values)
ADD = tuple(c for c in CATEGORIES if c in ADD_CATEGORIES)
DEDUCT_CATEGORIES = tuple(c for c in CATEGORIES if c not in ADD_CATEGORIES)
TENTH = Decimal("0.1")
MONTHS = range(1, 13)
# A category's code in the statement. The deductions come last, so that "c >= len(ADD)" picks them;
# an unknown category (none exists) is -1, which no cap and no total picks up.
CODE = {c: i for i, c in enumerate(ADD + DEDUCT_CATEGORIES)}


@dataclass(frozen=True)
class _Dialect:
    least: str
    greatest: str
    tenths: Callable[[str], str]  # a points column as integer tenths of a point
    integer: Callable[[str], str]  # a SUM back to a plain integer


POSTGRES = _Dialect(
    "LEAST",
    "GREATEST",
    lambda column: f"({column} * 10)::int",
    # PostgreSQL's SUM of integers is a bigint, and a SUM of bigints a slow numeric.
    lambda expr: f"({expr})::int",
)
# SQLite has no LEAST/GREATEST; its MIN/MAX of two arguments are the same.
SQLITE = _Dialect("MIN", "MAX", lambda column: f"CAST(ROUND({column} * 10) AS INTEGER)", lambda expr: expr)


def _months(template):
    """The twelve columns template.format(m=1), …, template.format(m=12), comma-separated."""
    return ", ".join(template.format(m=m) for m in MONTHS)


def _caps(year):
    """({rule id: (monthly, annual)}, {category code: (monthly, annual)}) in integer tenths, for the
    rules and categories with a cap in ``year``, from the caps the pages use (``cap_tables``)."""
    rule_caps, category_caps = cap_tables(year)

    def tenths(caps):
        return tuple(
            None if cap is None else int((cap * 10).to_integral_value()) for cap in (caps.monthly, caps.annual)
        )

    rules = {rule_id: tenths(caps) for rule_id, caps in rule_caps.items()}
    categories = {CODE[c]: tenths(caps) for c, caps in category_caps.items() if c in CODE and caps != Caps()}
    return rules, categories


def _clip(d, value, cap):
    """``value`` clipped to [-cap, cap] (a cap of None: unclipped)."""
    return value if cap is None else f"{d.greatest}(-{int(cap)}, {d.least}({int(cap)}, {value}))"


def _kept(d, value, caps):
    """The twelve SQL values kept of the twelve ``value(m)`` under caps (monthly, annual) in tenths:
    each month clipped to the monthly cap, then to what is left of the annual cap (see the module's
    docstring), written out inline: only the rows these caps are for evaluate them."""
    monthly, annual = caps
    v = [_clip(d, value(m), monthly) for m in MONTHS]
    if annual is None:
        return v
    a = [f"ABS({x})" for x in v]
    return [
        f"(CASE WHEN {v[i]} < 0 THEN -1 ELSE 1 END) * "
        f"{d.greatest}(0, {d.least}({a[i]}, {' - '.join([str(int(annual)), *a[:i]])}))"
        for i in range(12)
    ]


def _sql(d, where, rule_caps, category_caps):
    """The statement for these caps. Its parameters: the categories (in CODE order), the twelve
    months, then ``_head`` and those of ``where``.

    Three aggregates, each feeding the next without being stored: the entries by cadre, category
    and capped rule (r = 0 pools the rules without caps; the capped rules are picked by id rather
    than joined, so that PostgreSQL estimates the groups well); those sums clipped by their rule's
    caps and summed by cadre and category; those clipped by their category's caps and summed by
    cadre. Every cap is a constant of the statement, in a CASE on the rule or the category.
    """
    code = "CASE le.category " + " ".join(f"WHEN %s THEN {i}" for i in CODE.values()) + " ELSE -1 END"
    points = d.tenths("le.effective_points")
    pivot = _months(d.integer(f"COALESCE(SUM({points}) FILTER (WHERE le.month = %s), 0)") + " AS p{m}")
    rule = "0"
    if rule_caps:
        rule = f"CASE WHEN le.rule_id IN ({', '.join(map(str, sorted(rule_caps)))}) THEN le.rule_id ELSE 0 END"
    table = LedgerEntry._meta.db_table
    entries = (
        f"SELECT le.cadre_id AS cadre_id, {code} AS c, {rule} AS r, {pivot}\n  FROM {table} le\n"
        f"  WHERE le.status = %s AND le.month >= %s AND le.month <= %s {where}\n  GROUP BY le.cadre_id, le.category, r"
    )
    if rule_caps:
        kept = {rule_id: _kept(d, "p{}".format, caps) for rule_id, caps in sorted(rule_caps.items())}
        # r = 0, the rules without caps, pass first; each capped rule's clip is a branch of its own.
        by_rule = {m: " ".join(f"WHEN {r} THEN {k[m - 1]}" for r, k in kept.items()) for m in MONTHS}
        sums = ", ".join(
            d.integer(f"SUM(CASE WHEN r = 0 THEN p{m} ELSE CASE r {by_rule[m]} ELSE p{m} END END)") + f" AS p{m}"
            for m in MONTHS
        )
        entries = f"SELECT cadre_id, c, {sums}\n  FROM ({entries}) rp\n  GROUP BY cadre_id, c"
    # Per cadre: each category's total and each month's total of the deduction categories, after
    # the category caps.
    kept = {c: _kept(d, "p{}".format, category_caps.get(CODE[c], (None, None))) for c in CATEGORIES}
    columns = [f"SUM({' + '.join(kept[c])}) FILTER (WHERE c = {CODE[c]}) AS c{CODE[c]}" for c in CATEGORIES]
    capped = [c for c in DEDUCT_CATEGORIES if CODE[c] in category_caps]
    for m in MONTHS:
        month = f"p{m}"
        if capped:
            month = "CASE c " + " ".join(f"WHEN {CODE[c]} THEN {kept[c][m - 1]}" for c in capped) + f" ELSE p{m} END"
        columns.append(f"SUM({month}) FILTER (WHERE c >= {len(ADD)}) AS m{m}")
    columns = ",\n  ".join(columns)
    return f"SELECT cadre_id,\n  {columns}\nFROM ({entries}) cp GROUP BY cadre_id"


def _head(year):
    return [EntryStatus.CONFIRMED, date(year, 1, 1), date(year, 12, 1)]


# The same few totals recur across thousands of cadres: each Decimal is built once.
@lru_cache(maxsize=4096)
def _decimal(tenths):
    """Integer tenths of a point from the statement, as the Decimal with one place it stands for."""
    return Decimal(tenths or 0).scaleb(-1)


def ledger_totals(year, *, cadre_ids=None, cadre_id_range=None, part=None):
    """{cadre_id: {"added", "deducted", "net", "by_category": {cat: Decimal}, "months": [12 Decimals]}}.

    Only cadres with confirmed entries in the year appear. ``months`` are the net points of the
    deduction categories (≤ 0 unless reversals outweigh them). Filter by ids or by an id range.
    ``part=(k, n)``: only the cadres whose id leaves k divided by n, for n statements run side by
    side on n connections (``compute.ledger_parts``). Three queries: the configured caps (two), then the
    totals.
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
    if part is not None:
        where += " AND le.cadre_id %% %s = %s"
        extra += [part[1], part[0]]
    d = POSTGRES if connection.vendor == "postgresql" else SQLITE
    sql = _sql(d, where, *_caps(year))
    params = [*CODE, *(date(year, m, 1) for m in MONTHS), *_head(year), *extra]
    result = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # For this transaction only: the statement's expressions are long but run over few rows
            # after the first aggregate (compiling them with JIT costs more than it saves), and its
            # hash tables fit in memory instead of spilling to disk.
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '256MB'")
            if part is not None:
                # The parts are the parallelism: each runs in one process, start to end. (One
                # statement's parallel workers share only its scan; after them, its caps and sums
                # run in one process while the others wait.)
                # PostgreSQL cannot estimate "cadre_id % n = k" (it guesses 0.5 % of the entries) and
                # would sort them all for a few groups, where hashing takes a fifth less.
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_sort = off")
        cursor.execute(sql, params)
        n = len(CATEGORIES)
        for cadre_id, *tenths in cursor.fetchall():
            # The totals come in CATEGORIES order; added and deducted are their sums.
            by_category = dict(zip(CATEGORIES, tenths[:n], strict=True))
            added = _decimal(sum(by_category[c] or 0 for c in ADD))
            deducted = _decimal(sum(by_category[c] or 0 for c in DEDUCT_CATEGORIES))
            result[cadre_id] = {
                "added": added,
                "deducted": deducted,
                "net": added + deducted,
                "by_category": {c: _decimal(v) for c, v in by_category.items() if v},
                "months": [_decimal(v) for v in tenths[n:]],
            }
    return result
