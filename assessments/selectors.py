"""Reads of quarterly reviews, always through the user's unit scope."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import RECORD_ROLES
from accounts.roles import scope_ids
from records.models import EntryStatus, LedgerEntry
from records.points import Item, capped_totals
from records.selectors import subtree_ids
from records.selectors.ledger import cap_tables

from .models import QuarterlyReview, ReviewStatus
from .rules import quota_limit

QUARTER_MONTHS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}


def reviews_visible_to(user, *, roles=RECORD_ROLES):
    scopes = scope_ids(user, roles)
    if not scopes:
        return QuarterlyReview.objects.none()
    return QuarterlyReview.objects.filter(cadre__unit_id__in=subtree_ids(scopes))


def quarter_ledger_points(cadre_ids, year, quarter):
    """Each cadre's confirmed effective points of a quarter, after fault tolerance and caps.

    The caps run over the whole year up to the quarter (an annual cap used in spring leaves less
    for autumn), so the year's entries are read in one query and capped per cadre in memory.
    """
    rule_caps, category_caps = cap_tables(year)
    items = defaultdict(list)
    rows = LedgerEntry.objects.filter(
        cadre_id__in=cadre_ids,
        # A plain date range, so the (cadre, month) index serves it on every database.
        month__gte=date(year, 1, 1),
        month__lte=date(year, QUARTER_MONTHS[quarter][-1], 1),
        status=EntryStatus.CONFIRMED,
    ).values_list("cadre_id", "month", "rule_id", "category", "effective_points")
    for cadre_id, month, rule_id, category, points in rows.iterator(chunk_size=5000):
        items[cadre_id].append(Item(month.month, rule_id, category, points))
    result = {}
    for cadre_id in cadre_ids:
        totals = capped_totals(items.get(cadre_id, ()), rule_caps, category_caps)
        result[cadre_id] = sum(
            (sum(totals.get(m, {}).values(), Decimal("0")) for m in QUARTER_MONTHS[quarter]), Decimal("0")
        )
    return result


def good_quota_usage(unit_id, year, quarter, ratio):
    """(好 used by submitted or approved reviews, the unit's limit, cadres under review)."""
    counts = QuarterlyReview.objects.filter(unit_id=unit_id, year=year, quarter=quarter).aggregate(
        cadres=Count("id"),
        used=Count("id", filter=Q(grade="好", status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])),
        approved=Count("id", filter=Q(grade="好", status=ReviewStatus.APPROVED)),
    )
    return {
        "used": counts["used"],
        "approved": counts["approved"],
        "limit": quota_limit(counts["cadres"], ratio),
        "cadres": counts["cadres"],
    }
