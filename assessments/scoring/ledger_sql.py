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
cadres). A row without caps passes through, a monthly cap is a clip, and only rows
under an annual cap go through the running sums; the categories without caps skip the category
step. Caps are joined from a VALUES list, and categories travel as small integer codes.
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


def _union(*selects):
    return "\n  UNION ALL\n  ".join(selects)


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


def _literal(tenths):
    return "NULL" if tenths is None else str(int(tenths))


def _apply(d, source, key, caps, prefix, *, all_capped=False):
    """The caps of ``key`` on the rows of ``source`` (cadre_id, c, key, p1…p12): the SELECTs giving
    (cadre_id, c, k1…k12), to join with UNION ALL, and the CTEs they read. ``all_capped``: every
    row of ``source`` has caps.

    The rows join their caps from a VALUES list (a row without caps joins none and keeps its
    points). Without an annual cap that is a clip; with one, each month's value v and size a are
    first written out (materialized: inlined, each a would repeat its clip in every later month),
    so that the sums of a before each month are plain additions of columns.
    """
    values = ", ".join(f"({int(k)}, {_literal(m)}, {_literal(a)})" for k, (m, a) in sorted(caps.items()))
    join = (
        f"FROM {source} LEFT JOIN (SELECT column1 AS id, column2 AS mcap, column3 AS acap "
        f"FROM (VALUES {values}) AS caps) {prefix}c ON {prefix}c.id = {source}.{key}"
    )
    # VALUES types an all-NULL column as text, so mcap may appear only when some monthly cap is set.
    if any(m is not None for m, _a in caps.values()):
        v = f"CASE WHEN mcap IS NULL THEN p{{m}} ELSE {d.greatest}(-mcap, {d.least}(mcap, p{{m}})) END"
    else:
        v = "p{m}"
    clipped = f"SELECT cadre_id, c, {_months(v + ' AS k{m}')} {join}"
    annual = sorted(k for k, (_m, a) in caps.items() if a is not None)
    if not annual:
        return [], [clipped]
    # The rows are split on the key rather than on the joined acap: PostgreSQL guesses that
    # "acap IS NULL" keeps almost nothing and would then sort where it should hash.
    keys = ", ".join(map(str, annual))
    written = f"SELECT cadre_id, c, acap, {_months(v + ' AS v{m}')}, {_months('ABS(' + v + ') AS a{m}')}"

    def kept(m):
        left = " - ".join(["acap", *(f"a{j}" for j in range(1, m))])
        return f"(CASE WHEN v{m} < 0 THEN -1 ELSE 1 END) * {d.greatest}(0, {d.least}(a{m}, {left})) AS k{m}"

    selects = [f"SELECT cadre_id, c, {', '.join(map(kept, MONTHS))} FROM {prefix}a"]
    if not (all_capped and len(annual) == len(caps)):
        selects.insert(0, f"{clipped} WHERE {key} NOT IN ({keys})")
    return [(f"{prefix}a", "MATERIALIZED ", f"{written} {join} WHERE {key} IN ({keys})")], selects


def _sql(d, where, rule_caps, category_caps):
    """The statement for these caps. Its parameters: the categories (in CODE order), the twelve
    months, then ``_head`` and those of ``where``.

    rp and cp are computed once for their several readers (MATERIALIZED: SQLite would compute them
    again for each). rk is not: each of its two readers wants only some categories, and inlined,
    that filter reaches its scans of rp.
    """
    # 1. The entries by cadre, category and capped rule (r = 0 pools the rules without caps), one
    # column a month. The capped rules are picked by id rather than joined: with the join,
    # PostgreSQL expected several times too many groups and gave up aggregating in parallel.
    code = "CASE le.category " + " ".join(f"WHEN %s THEN {i}" for i in CODE.values()) + " ELSE -1 END"
    points = d.tenths("le.effective_points")
    pivot = _months(d.integer(f"COALESCE(SUM({points}) FILTER (WHERE le.month = %s), 0)") + " AS p{m}")
    rule, group = "0", "le.cadre_id, le.category"
    if rule_caps:
        rule = f"CASE WHEN le.rule_id IN ({', '.join(map(str, sorted(rule_caps)))}) THEN le.rule_id ELSE 0 END"
        group += f", {rule}"
    entries = (
        f"SELECT le.cadre_id, {code} AS c, {rule} AS r, {pivot}\n  FROM {LedgerEntry._meta.db_table} le\n"
        f"  WHERE le.status = %s AND le.month >= %s AND le.month <= %s {where}\n  GROUP BY {group}"
    )
    steps = [("rp", "MATERIALIZED ", entries)]
    # 2. The rule caps.
    if rule_caps:
        ctes, selects = _apply(d, "rp", "r", rule_caps, "r")
    else:
        ctes, selects = [], [f"SELECT cadre_id, c, {_months('p{m} AS k{m}')} FROM rp"]
    steps += [*ctes, ("rk", "NOT MATERIALIZED ", _union(*selects))]
    # 3. The category caps, on the sum of each capped category's rows; other categories pass on.
    if category_caps:
        codes = ", ".join(map(str, sorted(category_caps)))
        sums = _months(d.integer("SUM(k{m})") + " AS p{m}")
        steps.append(
            ("cp", "MATERIALIZED ", f"SELECT cadre_id, c, {sums} FROM rk WHERE c IN ({codes}) GROUP BY cadre_id, c")
        )
        ctes, selects = _apply(d, "cp", "c", category_caps, "c", all_capped=True)
        steps += [*ctes, ("ck", "", _union(f"SELECT * FROM rk WHERE c NOT IN ({codes})", *selects))]
    else:
        steps.append(("ck", "", "SELECT * FROM rk"))
    # 4. Per cadre: each category's total, and each month's total of the deduction categories.
    total = " + ".join(f"k{m}" for m in MONTHS)
    columns = [f"SUM({total}) FILTER (WHERE c = {CODE[c]}) AS c{CODE[c]}" for c in CATEGORIES]
    columns += [f"SUM(k{m}) FILTER (WHERE c >= {len(ADD)}) AS m{m}" for m in MONTHS]
    ctes = ",\n".join(f"{name} AS {how}(\n  {sql}\n)" for name, how, sql in steps)
    columns = ",\n  ".join(columns)
    return f"WITH {ctes}\nSELECT cadre_id,\n  {columns}\nFROM ck GROUP BY cadre_id"


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
    side on n connections (``LEDGER_PARTS``). Three queries: the configured caps (two), then the
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
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
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
