"""Recompute a year's annual summaries and flags, set-based.

Three steps, each a handful of queries whatever the number of cadres:

1. ``_start_components``: the ledger totals (one SQL aggregate with every cap, ``ledger_sql``), the
   approved quarters and the mass evaluation of some cadres (in memory).
2. ``grade_and_flag``, grading: over every summary of the year, the ledger normalised within the
   category, the annual score, ranks, percentiles and the suggested grades under each unit's 优秀
   quota (``annual_rules``).
3. ``grade_and_flag``, flags: ``flags.evaluate`` on each cadre's year; new flags are created,
   changed ones updated, and ones whose conditions no longer hold are marked withdrawn. The
   committee's own fields (final grade, flag decisions) are never written here.

Only rows whose values change are written, so running it twice changes nothing the second time.

On PostgreSQL the database works in the background while Python does. The ledger statement runs
on other connections that see what this transaction sees (``bulk.Beside``; a full run in
``ledger_parts()`` statements side by side) while this one reads the cadres, their reviews and what
grading and the flags need, and builds the cadres' other columns. Then, on this connection and
transaction (``bulk.Pipeline``), the flags' inputs are read while the year is graded, and the writes
run while the flags are evaluated.
"""

import json
import time
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from records.importing import cyclic_gc_paused
from records.models import Cadre, CadreStatus, EntryStatus, LedgerEntry, Sanction, UnitKind
from records.selectors import subtree_ids

from .. import annual_rules, flags
from ..models import (
    COMPUTED_SUMMARY_FIELDS,
    AnnualSummary,
    CandidateFlag,
    FlagDecision,
    FlagState,
    QuarterlyReview,
    ReviewStatus,
    ScoringScheme,
    UnitExcellentQuota,
)
from ..services import scheme_default, scheme_pick
from . import bulk
from .ledger_sql import DEDUCT_CATEGORIES, ledger_totals

ACTIVE = (CadreStatus.ACTIVE, CadreStatus.SECONDED)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal("0")
LOCK_KEY = 0x5C0E0000  # + year: one recompute of a year at a time on PostgreSQL


def ledger_parts():
    """How many statements side by side, on as many connections, a full recompute reads the ledger
    in, each over the cadres whose id leaves its remainder (``settings.SCORING_LEDGER_PARTS``). One
    statement's parallel workers share only its scan; its caps and sums then run in one process.
    Parted, all of it runs on every core the parts get, at the price of each part scanning the
    entries (on 2 cores: 1.3 s against 1.8 s alone; three parts were slower there)."""
    return max(1, settings.SCORING_LEDGER_PARTS)


def _q(value, step):
    return None if value is None else Decimal(value).quantize(step, rounding=ROUND_HALF_UP)


def _lock(year):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY + year])


# ------------------------------------------------------------------------------- 1. components


def _scheme_picker(year):
    """scheme_pick over the year's current schemes, remembered per (group, unit kind)."""
    schemes = list(ScoringScheme.objects.filter(year=year, is_current=True))
    cache = {}

    def pick(is_leader, unit_kind):
        key = (is_leader, unit_kind)
        if key not in cache:
            cache[key] = scheme_pick(schemes, is_leader=is_leader, unit_kind=unit_kind) or scheme_default(year)
        return cache[key]

    return pick


def _tuples(queryset):
    """The rows of a ``values_list`` queryset as tuples, read through the database driver on
    PostgreSQL: for the large reads of a recompute, where the ORM's per-row conversion costs more
    than the query (80,000 reviews: 0.35 s against 0.1 s). The driver gives the ORM's Python types
    there, but JSON as text, which is decoded here. SQLite's driver does not (decimals come back as
    floats), so there the ORM reads them."""
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    model = queryset.model
    json_at = [
        i
        for i, name in enumerate(queryset.query.values_select)
        if "__" not in name and model._meta.get_field(name).get_internal_type() == "JSONField"
    ]
    if json_at:
        decoded = []
        for row in rows:
            row = list(row)
            for i in json_at:
                if row[i] is not None:
                    row[i] = json.loads(row[i])
            decoded.append(tuple(row))
        rows = decoded
    return rows


def _approved_reviews(year, cadre_filter):
    """The query of the approved reviews (its rows are read by ``_quarters_by_cadre``)."""
    return QuarterlyReview.objects.filter(year=year, status=ReviewStatus.APPROVED, **cadre_filter).values_list(
        "cadre_id", "quarter", "grade", "score", "mass_score", "id"
    )


def _quarters_by_cadre(rows):
    by_cadre = defaultdict(dict)
    for cadre_id, quarter, grade, score, mass, review_id in rows:
        by_cadre[cadre_id][quarter] = (grade, score, mass, review_id)
    return by_cadre


_NO_QUARTER = ("", None, None, None)
_QUARTER_COLUMNS = tuple((q, f"q{q}_grade", f"q{q}_score") for q in (1, 2, 3, 4))


# Quarter scores repeat across a county (92.00, 85.50, …): each is rounded once.
@lru_cache(maxsize=8192)
def _cents(score):
    return _q(score, CENT)


def _components(cadre, quarters, scheme_id):
    """A cadre's summary columns but the ledger's (``_ledger_components``)."""
    row = {
        "unit_id": cadre["unit_id"],
        "category": cadre["category"],
        "scheme_id": scheme_id,
        "on_probation": cadre["on_probation"],
    }
    review_ids, scores, masses = [], [], []
    for q, grade_column, score_column in _QUARTER_COLUMNS:
        grade, score, mass, review_id = quarters.get(q, _NO_QUARTER)
        row[grade_column] = grade
        review_ids.append(review_id)
        if score is None:
            row[score_column] = None
        else:
            row[score_column] = _cents(score)
            scores.append(Decimal(score))
        if mass is not None:
            masses.append(Decimal(mass))
    row["review_ids"] = review_ids
    row["quarter_average"] = _q(sum(scores) / len(scores), CENT) if scores else None
    row["mass_average"] = _q(sum(masses) / len(masses), CENT) if masses else None
    return row


def _ledger_components(totals):
    """A cadre's ledger columns, from ``ledger_totals`` (None: no points counted this year)."""
    if not totals:
        return {
            "ledger_add": ZERO,
            "ledger_deduct": ZERO,
            "ledger_net": ZERO,
            "ledger_by_category": {},
            "month_deductions": ["0.0"] * 12,
        }
    return {
        "ledger_add": totals["added"],
        "ledger_deduct": totals["deducted"],
        "ledger_net": totals["net"],
        "ledger_by_category": {c: str(v) for c, v in totals["by_category"].items()},
        "month_deductions": [str(v) for v in totals["months"]],
    }


_CADRE_FIELDS = (
    "id",
    "unit_id",
    "unit__kind",
    "unit__depth",
    "category",
    "on_probation",
    "is_leader",
    "staff_no",
    "rank",
    "rank_since",
    "post_since",
    "leadership_level",
)


def _cadres(cadre_filter):
    rows = _tuples(Cadre.objects.filter(status__in=ACTIVE, **cadre_filter).values_list(*_CADRE_FIELDS))
    return [dict(zip(_CADRE_FIELDS, row, strict=True)) for row in rows]


def _target_filter(unit, cadre_ids):
    if cadre_ids is not None:
        return {"cadre_id__in": sorted(set(cadre_ids))}, {"id__in": sorted(set(cadre_ids))}
    if unit is not None:
        units = subtree_ids([unit.pk])
        return {"cadre__unit_id__in": units}, {"unit_id__in": units}
    return {}, {}


def _start_components(year, *, unit=None, cadre_ids=None, beside=None):
    """The ledger totals and approved quarters of the chosen active cadres (all by default), as
    cadre_id → column values, in two steps: this reads the cadres and their reviews and builds every
    column but the ledger's; it returns the cadres read and a function that adds the ledger's
    columns and gives the rows. Nothing is written.

    The ledger statement runs meanwhile: on ``beside``'s connections when they are available (the
    caller can then do other reads on its own connection before asking for the rows), else in the
    background of this one while the rows are built (``bulk.Pipeline``). Beside, the ledger of
    every cadre is read in ``ledger_parts()`` statements side by side, each over its share of the
    cadres."""
    review_filter, cadre_filter = _target_filter(unit, cadre_ids)
    beside = beside if beside is not None and beside.available else None
    # The ledger of every cadre needs no list of ids: it can start before they are read.
    target = {} if cadre_ids is None and unit is None else None
    ledger = None
    if beside is not None and target is not None:
        parts = ledger_parts()
        ledger = [beside.call(ledger_totals, year, **target, part=(k, parts)) for k in range(parts)]
    cadres = _cadres(cadre_filter)
    if not cadres:
        return cadres, dict
    if target is None:
        target = {"cadre_ids": [c["id"] for c in cadres]}
    if beside is not None and ledger is None:
        ledger = [beside.call(ledger_totals, year, **target)]
    reviews = _tuples(_approved_reviews(year, review_filter))
    pick = _scheme_picker(year)
    schemes = [pick(c["is_leader"], c["unit__kind"]).pk for c in cadres]

    def build():
        quarters = _quarters_by_cadre(reviews)
        return {c["id"]: _components(c, quarters.get(c["id"], {}), s) for c, s in zip(cadres, schemes, strict=True)}

    if beside is not None:
        rows = build()
    else:
        with bulk.Pipeline() as pipeline:  # the statement runs in the background of this connection
            ledger = [pipeline.call(ledger_totals, year, **target)]
            rows = build()

    def finish():
        try:
            totals = {}
            for part in ledger:
                totals.update(part.result())
        except OperationalError:
            if beside is None:
                raise
            # A connection beside could not be opened (the server's connection limit, say) or was
            # lost: read the ledger on this one instead.
            totals = ledger_totals(year, **target)
        for cadre_id, row in rows.items():
            row.update(_ledger_components(totals.get(cadre_id)))
        return rows

    return cadres, finish


_COMPONENT_COLUMNS = [
    "unit_id",
    "category",
    "scheme_id",
    "on_probation",
    "ledger_add",
    "ledger_deduct",
    "ledger_net",
    "ledger_by_category",
    "month_deductions",
    *(f"q{q}_grade" for q in (1, 2, 3, 4)),
    *(f"q{q}_score" for q in (1, 2, 3, 4)),
    "review_ids",
    "quarter_average",
    "mass_average",
]
_DERIVED_COLUMNS = [f for f in COMPUTED_SUMMARY_FIELDS if f not in ("unit", "scheme", *_COMPONENT_COLUMNS)]
_COMPUTED_COLUMNS = [*_COMPONENT_COLUMNS, *_DERIVED_COLUMNS]


def _differs(row, stored):
    return any(stored.get(k) != v for k, v in row.items())


def _upsert(year, rows, columns, *, write=bulk.upsert):
    """Insert the given summaries (cadre_id → column values) or overwrite ``columns`` of existing
    ones, in one statement; a new row gets the model's defaults for what it is not given."""
    if not rows:
        return
    base = {**bulk.defaults(AnnualSummary), "year": year, "computed_at": timezone.now()}
    write(
        AnnualSummary,
        [{**base, **values, "cadre_id": cadre_id} for cadre_id, values in rows.items()],
        unique=["cadre_id", "year"],
        update=[*columns, "computed_at"],
    )


# ---------------------------------------------------------------------------------- 2. grading


def _excellent_shares(summaries, schemes, overrides):
    """Each unit's 优秀 share: its own setting for the year (``overrides``), else the lowest of its
    cadres' schemes."""
    shares = {}
    for s in summaries:
        quota = schemes[s["scheme_id"]].excellent_quota
        unit = s["unit_id"]
        shares[unit] = overrides.get(unit, min(quota, shares.get(unit, quota)))
    return shares


def _notes(decision, summary):
    notes = list(decision.reasons)
    if summary["quarter_average"] is None:
        notes.append("no_approved_quarter")
    if not summary["ledger_by_category"]:
        notes.append("no_ledger_points")
    return notes


def grade(summaries, cadres, schemes, barred, quotas):
    """Derived fields of every summary (cadre_id → values): score, ranks, percentile, grade.
    ``quotas``: the units' own 优秀 shares for the year (unit_id → share)."""
    by_category = defaultdict(list)
    by_unit = defaultdict(list)
    for s in summaries:
        by_category[s["category"]].append(s)
        by_unit[s["unit_id"]].append(s)
    derived = {s["cadre_id"]: {} for s in summaries}
    parts = {
        pk: annual_rules.AnnualParts(scheme.annual_review_part, scheme.annual_ledger_part, scheme.annual_mass_part)
        for pk, scheme in schemes.items()
    }
    for members in by_category.values():
        # A cadre with no points counted all year has no ledger component (it is missing, not
        # zero): the other components are re-normalised, and the bounds come from the others.
        nets = [s["ledger_net"] for s in members if s["ledger_by_category"]] or [ZERO]
        low, high = min(nets), max(nets)
        scores = {}
        for s in members:
            normalised = None
            if s["ledger_by_category"]:
                normalised = _q(annual_rules.normalise(s["ledger_net"], low, high), CENT)
            # Without one approved quarter there is nothing to grade yet: no score, no grade.
            score = None
            if s["quarter_average"] is not None:
                score = annual_rules.annual_score(
                    s["quarter_average"], normalised, s["mass_average"], parts[s["scheme_id"]]
                )
            derived[s["cadre_id"]].update(ledger_normalised=normalised, score=score)
            if score is not None and not s["on_probation"]:
                scores[s["cadre_id"]] = score
        ranks = annual_rules.competition_ranks(scores)
        shares_above = annual_rules.percentiles(scores) if scores else {}
        for s in members:
            d = derived[s["cadre_id"]]
            # The sizes are the cadres ranked (a score, not on probation): the "rank / size" shown
            # beside a rank must not count the unranked, or the last rank never reaches it.
            d["category_size"] = len(scores)
            d["category_rank"] = ranks.get(s["cadre_id"])
            d["category_percentile"] = _q(shares_above.get(s["cadre_id"]), Decimal("0.0001"))
    shares = _excellent_shares(summaries, schemes, quotas)
    for unit_id, members in by_unit.items():
        candidates = [
            annual_rules.Candidate(
                cadre_id=s["cadre_id"],
                score=derived[s["cadre_id"]]["score"],
                quarter_grades=tuple(g for g in (s["q1_grade"], s["q2_grade"], s["q3_grade"], s["q4_grade"]) if g),
                mass_average=s["mass_average"],
                staff_no=cadres[s["cadre_id"]]["staff_no"],
                on_probation=s["on_probation"],
                barred_from_excellent=s["cadre_id"] in barred,
            )
            for s in members
        ]
        decisions = annual_rules.allocate(
            candidates, excellent_share=shares[unit_id], thresholds=annual_rules.GradeThresholds()
        )
        ranked = sum(1 for s in members if decisions[s["cadre_id"]].rank is not None)
        for s in members:
            decision = decisions[s["cadre_id"]]
            derived[s["cadre_id"]].update(
                unit_rank=decision.rank,
                unit_size=ranked,
                excellent_share=_q(shares[unit_id], Decimal("0.001")),
                suggested_grade=decision.grade,
                grade_notes=_notes(decision, s),
            )
    return derived


# ------------------------------------------------------------------------------------ 3. flags


def _as_of(year):
    today = timezone.localdate()
    return min(today, date(year, 12, 31))


def _sanction_facts(year, cadre_ids, as_of):
    facts = defaultdict(list)
    rows = Sanction.objects.filter(decided_on__lte=as_of, promotion_barred_until__gte=date(year, 1, 1)).values_list(
        "id",
        "cadre_id",
        "measure__kind",
        "measure__name",
        "decided_on",
        "promotion_barred_until",
        "post_barred_until",
        "blocks_excellent",
    )
    if cadre_ids is not None:
        rows = rows.filter(cadre_id__in=cadre_ids)
    for sid, cadre_id, kind, measure, decided, until, post_until, blocks in rows:
        facts[cadre_id].append(flags.SanctionFact(sid, kind, measure, decided, until, post_until, blocks))
    return facts


def _barred(year, sanctions, as_of):
    return {
        cid
        for cid, facts in sanctions.items()
        if any(f.blocks_excellent and f.decided_on.year == year and f.decided_on <= as_of for f in facts)
    }


def _earlier(year, cadre_ids):
    grades = defaultdict(dict)
    rows = AnnualSummary.objects.filter(year__lt=year).values_list("cadre_id", "year", "final_grade", "suggested_grade")
    rows = _in(rows, cadre_ids)
    for cadre_id, y, final, suggested in rows:
        if final or suggested:
            grades[cadre_id][y] = final or suggested
    cards = defaultdict(list)
    stored = CandidateFlag.objects.filter(year=year - 1, kind="yellow_card", state=FlagState.RAISED).exclude(
        decision=FlagDecision.DISMISSED
    )
    stored = _in(stored, cadre_ids)
    for cadre_id, data in stored.values_list("cadre_id", "data"):
        for reason in data.get("reasons", []):
            period = reason.get("period", "")
            if "-Q" in period:
                y, q = period.split("-Q")
                cards[cadre_id].append(flags.quarter_end(int(y), int(q)))
    return grades, cards


def _deduction_entries(year, summaries, t_of):
    """Entry ids behind the months, quarters and categories that meet a deduction threshold."""
    wanted = set()
    for s in summaries:
        t = t_of(s)
        months = [_decimal(v) for v in s["month_deductions"] or ["0"] * 12]
        quarters = [sum(months[i : i + 3]) for i in (0, 3, 6, 9)]
        red = sum((_decimal(v) for c, v in s["ledger_by_category"].items() if c in t.red_sanction_categories), ZERO)
        if (
            min(months) <= t.talk_month_net_deduction
            or min(quarters) <= t.yellow_quarter_deduction
            or red <= t.red_sanction_deduction
        ):
            wanted.add(s["cadre_id"])
    entries = defaultdict(list)
    if wanted:
        rows = (
            LedgerEntry.objects.filter(
                cadre_id__in=sorted(wanted),
                status=EntryStatus.CONFIRMED,
                month__gte=date(year, 1, 1),
                month__lte=date(year, 12, 1),
                category__in=DEDUCT_CATEGORIES,
            )
            .exclude(effective_points=0)
            .order_by("month", "id")
            .values_list("cadre_id", "id", "month", "category")
        )
        for cadre_id, entry_id, month, category in _tuples(rows):
            entries[cadre_id].append((entry_id, month.month, category))
    return entries


# The month totals' texts repeat ("0.0", "-2.5", …) across thousands of cadres: each Decimal is built once.
@lru_cache(maxsize=4096)
def _decimal(text):
    return Decimal(text)


_NO_ENTRIES = {}
_QUARTER_KEYS = tuple((q, f"q{q}_grade", f"q{q}_score", range(3 * q - 2, 3 * q + 1)) for q in (1, 2, 3, 4))


def _cadre_year(year, s, d, cadre, as_of, sanctions, grades, cards, entries):
    months = [_decimal(v) for v in s["month_deductions"]] if s["month_deductions"] else [ZERO] * 12
    by_month = by_category = _NO_ENTRIES  # most cadres: no deduction entry near a threshold
    if s["cadre_id"] in entries:
        by_month, by_category = defaultdict(list), defaultdict(list)
        for entry_id, month, category in entries[s["cadre_id"]]:
            by_month[month].append(entry_id)
            by_category[category].append(entry_id)
    review_ids = s["review_ids"] or [None] * 4
    quarters = [
        flags.QuarterFact(
            quarter=q,
            grade=s[grade],
            score=s[score],
            deductions=months[3 * q - 3] + months[3 * q - 2] + months[3 * q - 1],
            review_id=review_ids[q - 1],
            deduction_entry_ids=tuple(i for m in in_quarter for i in by_month.get(m, ())) if by_month else (),
        )
        for q, grade, score, in_quarter in _QUARTER_KEYS
    ]
    return flags.CadreYear(
        cadre_id=s["cadre_id"],
        year=year,
        as_of=as_of,
        rank=cadre["rank"],
        rank_since=cadre["rank_since"],
        post_since=cadre["post_since"],
        leadership_level=cadre["leadership_level"],
        unit_is_internal_office=cadre["unit__depth"] >= 2 and cadre["unit__kind"] != UnitKind.VILLAGE,
        on_probation=s["on_probation"],
        category_percentile=d["category_percentile"],
        suggested_grade=d["suggested_grade"],
        final_grade=s.get("final_grade", ""),
        earlier_grades=grades.get(s["cadre_id"], {}),
        quarters=tuple(quarters),
        months=tuple(
            flags.MonthFact(m, points, tuple(by_month.get(m, ()))) for m, points in enumerate(months, 1) if points
        ),
        sanctions=tuple(sanctions.get(s["cadre_id"], ())),
        category_deductions=tuple(
            flags.CategoryDeduction(c, _decimal(v), tuple(by_category.get(c, ())))
            for c, v in s["ledger_by_category"].items()
            if c in DEDUCT_CATEGORIES
        ),
        earlier_yellow_cards=tuple(cards.get(s["cadre_id"], ())),
    )


def _in(queryset, cadre_ids):
    return queryset if cadre_ids is None else queryset.filter(cadre_id__in=sorted(cadre_ids))


def _stored_flags(year, scope):
    """The year's stored flags of the cadres in ``scope`` (None: all), (cadre_id, kind) → plain row.
    Plain rows, not model instances: building 24,000 instances (with their signals) took longer than
    everything else the rerun of a county does with its flags."""
    return {
        (cadre_id, kind): {"id": pk, "state": state, "data": data, "unit_id": unit_id}
        for pk, cadre_id, kind, state, data, unit_id in _in(CandidateFlag.objects.filter(year=year), scope).values_list(
            "id", "cadre_id", "kind", "state", "data", "unit_id"
        )
    }


class _FlagWriter:
    """Creates, updates and withdraws the ``stored`` flags (of the cadres evaluated) through a
    ``bulk.Pipeline``: the flags of each part of the cadres are created as soon as they are
    evaluated, so the server writes them while the next part is evaluated; the updates and the
    withdrawals (of flags whose conditions no longer hold) follow at the end in one statement. The
    committee's decisions are left as they are."""

    def __init__(self, year, cadre_units, stored, pipeline):
        self.year, self.cadre_units, self.stored, self.pipeline = year, cadre_units, stored, pipeline
        self.now = timezone.now()
        self.blank = {**bulk.defaults(CandidateFlag), "year": year, "raised_at": self.now, "changed_at": self.now}
        self.seen, self.updates = set(), []
        self.created = self.raised = 0

    def part(self, evaluated):
        """Write the flags of one part of the cadres: (cadre_id, kind) → Flag."""
        create = []
        for key, flag in evaluated.items():
            self.seen.add(key)
            state = FlagState.RAISED if flag.raised else FlagState.BLOCKED
            data = flag.as_data()
            unit_id = self.cadre_units[key[0]]
            old = self.stored.get(key)
            if old is None:
                create.append(
                    {**self.blank, "cadre_id": key[0], "kind": key[1], "unit_id": unit_id, "state": state, "data": data}
                )
                self.raised += state == FlagState.RAISED
            elif old["state"] != state or old["data"] != data or old["unit_id"] != unit_id:
                self.raised += state == FlagState.RAISED and old["state"] != FlagState.RAISED
                self.updates.append(
                    {"id": old["id"], "state": state, "data": data, "unit_id": unit_id, "changed_at": self.now}
                )
        self.created += self.pipeline.upsert(CandidateFlag, create, unique=["cadre_id", "year", "kind"], update=[])

    def finish(self):
        withdrawn = 0
        for key, old in self.stored.items():
            if key not in self.seen and old["state"] != FlagState.WITHDRAWN:
                self.updates.append({**old, "state": FlagState.WITHDRAWN, "changed_at": self.now})
                withdrawn += 1
        self.pipeline.update(CandidateFlag, self.updates, ["state", "data", "unit_id", "changed_at"])
        changed = self.created + len(self.updates)
        return {"flags_raised": self.raised, "flags_withdrawn": withdrawn, "flags_changed": changed}


# A county of at least this many cadres has its flags written in this many parts (see _FlagWriter).
FLAG_PARTS_FROM = 1000
FLAG_PARTS = 4
# The steps a recompute reports to ``progress``: the components (the ledger), the grading, each part
# of the flags.
STEPS = 2 + FLAG_PARTS


_SUMMARY_COLUMNS = ["cadre_id", "final_grade", *_COMPUTED_COLUMNS]


def _flag_history(year, scope):
    """What the flags of the cadres in ``scope`` (None: all) need from earlier runs and years:
    (earlier grades, earlier yellow cards, dismissed cards, stored flags)."""
    grades, cards = _earlier(year, scope)
    dismissed = defaultdict(set)
    for cadre_id, kind in CandidateFlag.objects.filter(
        year=year, kind__in=("yellow_card", "red_card"), decision=FlagDecision.DISMISSED
    ).values_list("cadre_id", "kind"):
        dismissed[cadre_id].add(kind)
    return grades, cards, dismissed, _stored_flags(year, scope)


def _flag_inputs(year, summaries, thresholds, scope, history=None):
    """What the flags of these summaries' cadres need from the database besides the summaries:
    (deduction entries, earlier grades, earlier yellow cards, dismissed cards, stored flags)."""
    entries = _deduction_entries(year, summaries, lambda s: thresholds[s["scheme_id"]])
    return entries, *(history or _flag_history(year, scope))


class _YearReads:
    """What grading a year and its flags read besides the fresh components: the active cadres, the
    stored summaries, sanctions, unit quotas and, when every cadre's flags are refreshed, their
    history (``_flag_history``). Read before the ledger totals are known: a recompute reads them
    while the ledger statement runs on a second connection (``bulk.Beside``)."""

    def __init__(self, year, *, every_flag, cadres=None):
        """``cadres``: every active cadre, read already (``_cadres({})``)."""
        self.cadres = {c["id"]: c for c in (_cadres({}) if cadres is None else cadres)}
        self.stored = {
            s["cadre_id"]: s
            for s in (
                dict(zip(_SUMMARY_COLUMNS, row, strict=True))
                for row in _tuples(AnnualSummary.objects.filter(year=year).values_list(*_SUMMARY_COLUMNS))
            )
            if s["cadre_id"] in self.cadres
        }
        self.as_of = _as_of(year)
        self.sanctions = _sanction_facts(year, None, self.as_of)
        self.quotas = dict(UnitExcellentQuota.objects.filter(year=year).values_list("unit_id", "share"))
        self.history = _flag_history(year, None) if every_flag else None


@cyclic_gc_paused()
def grade_and_flag(year, *, components=None, flag_cadre_ids=None, reads=None, progress=None):
    """Grade every summary of the year, with fresh ``components`` (cadre_id → column values) over
    the stored ones; write what changed in one statement; refresh the flags (of ``flag_cadre_ids``,
    else all). ``reads``: a ``_YearReads`` of the year read already. ``progress(done, total)`` is
    told when the grading (step 2 of ``STEPS``) and each part of the flags (the steps after it) end."""
    report = progress or (lambda done, total: None)
    if reads is None or (reads.history is None and flag_cadre_ids is None):
        reads = _YearReads(year, every_flag=flag_cadre_ids is None)
    cadres, stored, as_of, sanctions = reads.cadres, reads.stored, reads.as_of, reads.sanctions
    blank = {c: v for c, v in bulk.defaults(AnnualSummary).items() if c in _SUMMARY_COLUMNS}
    merged = dict(stored)
    for cid, values in (components or {}).items():
        if cid in cadres:
            merged[cid] = {**stored.get(cid, blank), **values, "cadre_id": cid}
    summaries = list(merged.values())
    schemes = {s.pk: s for s in ScoringScheme.objects.filter(pk__in={s["scheme_id"] for s in summaries})}
    thresholds = {pk: flags.Thresholds.from_settings(s.flag_thresholds) for pk, s in schemes.items()}
    # From here the database works in the background (bulk.Pipeline): the flags' inputs are read
    # while the year is graded, and the summaries and flags written while the flags are evaluated.
    with bulk.Pipeline() as pipeline:
        inputs = None
        if flag_cadre_ids is None:  # every cadre's flags: their inputs need not wait for the grades
            inputs = pipeline.call(_flag_inputs, year, summaries, thresholds, None, reads.history)
        derived = grade(summaries, cadres, schemes, _barred(year, sanctions, as_of), reads.quotas)
        report(2, STEPS)
        rows = {cid: {**{c: s[c] for c in _COMPONENT_COLUMNS}, **derived[cid]} for cid, s in merged.items()}
        changed = {cid for cid, row in rows.items() if cid not in stored or _differs(row, stored[cid])}
        stored = merged
        scope = set(stored) if flag_cadre_ids is None else (set(flag_cadre_ids) | changed) & set(stored)
        partial = None if flag_cadre_ids is None else scope
        in_scope = [stored[cid] for cid in scope]
        if inputs is None:
            inputs = pipeline.call(_flag_inputs, year, in_scope, thresholds, partial)
        entries, grades, cards, dismissed, stored_flags = inputs.result()
        _upsert(year, {cid: rows[cid] for cid in changed}, _COMPUTED_COLUMNS, write=pipeline.upsert)
        writer = _FlagWriter(year, {cid: stored[cid]["unit_id"] for cid in scope}, stored_flags, pipeline)
        size = max(1, -(-len(in_scope) // (FLAG_PARTS if len(in_scope) >= FLAG_PARTS_FROM else 1)))
        for start in range(0, len(in_scope), size):
            evaluated = {}
            for s in in_scope[start : start + size]:
                cid = s["cadre_id"]
                cy = _cadre_year(year, s, derived[cid], cadres[cid], as_of, sanctions, grades, cards, entries)
                for flag in flags.evaluate(cy, thresholds[s["scheme_id"]], dismissed_cards=dismissed[cid]):
                    evaluated[(cid, flag.kind)] = flag
            writer.part(evaluated)
            report(2 + FLAG_PARTS * min(start + size, len(in_scope)) // len(in_scope), STEPS)
        counts = writer.finish()
    return {"cadres": len(summaries), "graded_changed": changed, **counts}


def recompute(year, *, unit=None, cadre_ids=None, progress=None):
    """Refresh the chosen cadres' components (all by default), grade the year and refresh the flags
    (all of them on a full run; the chosen and the changed cadres' otherwise). ``progress(done,
    total)`` is told of the start and of the end of each of the ``STEPS``: the components, the
    grading, the parts of the flags (``grade_and_flag``)."""
    started = time.monotonic()
    report = progress or (lambda done, total: None)
    partial = unit is not None or cadre_ids is not None
    with transaction.atomic(), cyclic_gc_paused():
        _lock(year)
        report(0, STEPS)
        with bulk.Beside() as beside:
            cadres, rows = _start_components(year, unit=unit, cadre_ids=cadre_ids, beside=beside)
            # While the ledger statement runs on the second connection, this one reads what the
            # grading and the flags need (the cadres of a full run are read already).
            reads = None
            if beside.available:
                reads = _YearReads(year, every_flag=not partial, cadres=None if partial else cadres)
            components = rows()
        report(1, STEPS)
        flagged = set(components) if partial else None
        result = grade_and_flag(year, components=components, flag_cadre_ids=flagged, reads=reads, progress=report)
        result["summaries_changed"] = len(result.pop("graded_changed"))
        # In the same transaction as the writes it describes.
        units = {row["unit_id"] for row in components.values()}
        audit_unit = unit.pk if unit is not None else (units.pop() if partial and len(units) == 1 else None)
        audit_result(year, result, cadre_ids=sorted(components) if partial else None, unit=audit_unit)
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def audit_result(year, result, *, cadre_ids=None, unit=None):
    """One audit event for what a recompute changed (nothing when it changed nothing): the engine
    writes its rows in bulk, so the log has the counts and, for a small refresh, the cadres. It is
    filed under ``unit`` (an id: the unit recomputed, or the one unit of the cadres refreshed)."""
    changed = ("summaries_changed", "flags_raised", "flags_withdrawn", "flags_changed")
    if not any(result.get(k) for k in changed):
        return
    changes = {k: result.get(k, 0) for k in ("cadres", *changed)}
    if cadre_ids is not None and len(cadre_ids) <= AUDITED_IDS:
        changes["cadre_ids"] = list(cadre_ids)
    audit_record(
        action=Action.COMPUTE,
        model="assessments.annualsummary",
        changes=changes,
        note=f"recompute {year} {'all' if cadre_ids is None else len(cadre_ids)}",
        unit=unit,
    )


AUDITED_IDS = 50  # a refresh of at most this many cadres names them in its audit event
