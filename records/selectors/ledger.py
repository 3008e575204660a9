"""Reads of the points ledger, always through the user's unit scope."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.models import RECORD_ROLES, Role
from accounts.roles import scope_ids

from ..models import (
    CadreStatus,
    CategoryCap,
    EntryStatus,
    FaultToleranceRuling,
    LedgerEntry,
    MonthClose,
    PointRule,
    RuleCategory,
    Sanction,
    TalkRecord,
    UnitClosure,
)
from ..points import Caps, Item, capped_totals
from .roster import subtree_ids

ENTRY_RELATED = ("cadre", "cadre__unit", "rule", "entered_by", "decided_by", "reverses", "ruling")


def _of_cadres_visible_to(model, user, roles):
    """Rows of ``model`` about the cadres the user may see (by the cadre's current unit)."""
    scopes = scope_ids(user, roles)
    if not scopes:
        return model.objects.none()
    return model.objects.filter(cadre__unit_id__in=subtree_ids(scopes))


def entries_visible_to(user, *, roles=RECORD_ROLES):
    return _of_cadres_visible_to(LedgerEntry, user, roles)


def sanctions_visible_to(user, *, roles=RECORD_ROLES):
    return _of_cadres_visible_to(Sanction, user, roles)


def talks_visible_to(user, *, roles=RECORD_ROLES):
    return _of_cadres_visible_to(TalkRecord, user, roles)


def rulings_visible_to(user):
    """Rulings on the entries the user may see: scoped through the entry's cadre."""
    return FaultToleranceRuling.objects.filter(entry__in=entries_visible_to(user))


def review_queue(user):
    """Pending entries the user may decide: in their reviewer scope, not entered by themselves."""
    return (
        entries_visible_to(user, roles={Role.REVIEWER})
        .filter(status=EntryStatus.PENDING)
        .exclude(entered_by=user)
        .select_related("cadre", "cadre__unit", "rule", "entered_by", "reverses")
        .order_by("month", "cadre__unit__name", "cadre__staff_no", "id")
    )


def rules_in_force(day):
    return PointRule.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def cap_tables(year):
    """({rule id: Caps}, {category: Caps}) for ``year``: each rule version's own caps (an entry names
    its version) and each category's caps in force for the year (its latest row from that year or
    before)."""
    rule_caps = {
        r.id: Caps(r.monthly_cap, r.annual_cap)
        for r in PointRule.objects.filter(Q(monthly_cap__isnull=False) | Q(annual_cap__isnull=False))
    }
    category_caps = {
        c.category: Caps(c.monthly_cap, c.annual_cap)
        for c in CategoryCap.objects.filter(from_year__lte=year).order_by("category", "from_year")
    }
    return rule_caps, category_caps


def cadre_year(cadre, year):
    """A cadre's entries of a year and the capped effective totals per month and category."""
    entries = list(
        LedgerEntry.objects.filter(cadre=cadre, month__year=year)
        .select_related("rule", "entered_by", "decided_by", "reverses", "ruling")
        .prefetch_related("attachments")
        .order_by("month", "occurred_on", "id")
    )
    items = [
        Item(e.month.month, e.rule_id, e.category, e.effective_points)
        for e in entries
        if e.status == EntryStatus.CONFIRMED
    ]
    rule_caps, category_caps = cap_tables(year)
    totals = capped_totals(items, rule_caps, category_caps)
    months = {m: sum(cats.values(), Decimal("0")) for m, cats in totals.items()}
    raw = sum((i.points for i in items), Decimal("0"))
    return {
        "entries": entries,
        "totals": totals,
        "categories": _categories(entries, totals, rule_caps, category_caps),
        "months": months,
        "net": sum(months.values(), Decimal("0")),
        "raw": raw,
        "pending": sum(1 for e in entries if e.status == EntryStatus.PENDING),
    }


def _categories(entries, totals, rule_caps, category_caps):
    """Per category of the year's confirmed entries: the points before and after caps, and the
    caps that cut them (the category's and those of the rules used), so that the page can say
    why the counted total is smaller than the confirmed one."""
    rows = {}
    for e in entries:
        if e.status != EntryStatus.CONFIRMED:
            continue
        row = rows.setdefault(e.category, {"category": e.category, "raw": Decimal("0"), "rule_caps": {}})
        row["raw"] += e.effective_points
        if e.rule_id in rule_caps:
            row["rule_caps"][e.rule_code] = rule_caps[e.rule_id]
    for category, row in rows.items():
        row["counted"] = sum((cats.get(category, Decimal("0")) for cats in totals.values()), Decimal("0"))
        row["caps"] = category_caps.get(category, Caps())
        row["rule_caps"] = sorted(row["rule_caps"].items())
    return [rows[c] for c in RuleCategory.values if c in rows]


def month_sheet(unit, month):
    """Every active cadre of a unit (not below it) with their entries of one month."""
    cadres = list(unit.cadres.filter(status__in=[CadreStatus.ACTIVE, CadreStatus.SECONDED]).order_by("staff_no"))
    entries = defaultdict(list)
    for e in (
        LedgerEntry.objects.filter(cadre__in=cadres, month=month)
        .select_related("rule", "entered_by", "reverses")
        .order_by("occurred_on", "id")
    ):
        entries[e.cadre_id].append(e)
    rows = []
    for c in cadres:
        mine = entries.get(c.id, [])
        counted = [e.effective_points for e in mine if e.status != EntryStatus.RETURNED]
        rows.append({"cadre": c, "entries": mine, "total": sum(counted, Decimal("0"))})
    return rows


def month_close_of(unit_id, month):
    """The close that locks ``unit_id``'s month (its own or an ancestor's) with who closed it and
    when, or None while the month is open: ``services.ledger.closing_unit`` with its row."""
    ancestors = UnitClosure.objects.filter(descendant_id=unit_id).values("ancestor_id")
    return (
        MonthClose.objects.filter(closed=True, month=month, unit_id__in=ancestors)
        .select_related("unit", "closed_by")
        .order_by("pk")
        .first()
    )


def sanctions_of(cadre):
    return cadre.sanctions.select_related("measure").order_by("-decided_on")


def talks_of(cadre):
    return cadre.talks.order_by("-held_on")


def month_running_total(cadre, month):
    """The running total of a cadre's month while entering: pending and confirmed, before caps."""
    row = (
        LedgerEntry.objects.filter(cadre=cadre, month=month)
        .exclude(status=EntryStatus.RETURNED)
        .aggregate(total=Sum("effective_points"), count=Count("id"))
    )
    return {"month": month, "total": row["total"] or Decimal("0"), "count": row["count"]}


def fact_standing(pairs, *, exclude_pk=None):
    """Where each fact (cadre id, rule code, 文号) of ``pairs`` stands in the ledger, for entering
    it: (recorded, reentry, stuck).

    - ``recorded``: the facts that count already: an entry of it (not a reversal, not returned)
      that no reversal cancels (a returned reversal cancels nothing). Entering one again is refused.
    - ``reentry``: fact → the id of the entry a new entry of a reversed fact corrects. A reversal
      and a new entry is how a recorded fact is corrected (DOMAIN); recorded as a correction of the
      latest reversed entry, the new one is the fact again, and the database's "same fact once"
      rule (which leaves corrections aside) holds.
    - ``stuck``: reversed facts whose entries' corrections are all taken (a returned correction
      keeps its place): entered again, they would be the same fact twice.

    ``exclude_pk``: an entry being edited, which does not stand in its own way.
    """
    wanted = {(cadre_id, doc) for cadre_id, _code, doc in pairs}
    if not wanted:
        return set(), {}, set()
    rows = (
        LedgerEntry.objects.filter(
            cadre_id__in={c for c, _d in wanted}, document_no__in={d for _c, d in wanted}, reverses__isnull=True
        )
        .exclude(status=EntryStatus.RETURNED)
        .exclude(pk=exclude_pk)
        .values_list("id", "cadre_id", "rule_code", "document_no", "corrects_id", "reversal__status", "correction__id")
    )
    recorded, reversed_free, plain = set(), {}, set()
    for pk, cadre_id, code, doc, corrects_id, reversal_status, correction_id in rows.order_by("id"):
        fact = (cadre_id, code, doc)
        if corrects_id is None:
            plain.add(fact)
        if reversal_status is None or reversal_status == EntryStatus.RETURNED:
            recorded.add(fact)
        elif correction_id is None:
            reversed_free[fact] = pk  # the latest one wins (ordered by id)
    reentry = {f: pk for f, pk in reversed_free.items() if f not in recorded and f in plain}
    stuck = {f for f in plain if f not in recorded and f not in reentry}
    return recorded, reentry, stuck
