"""Pure rules of the points ledger: caps. Plain data in, plain data out; no database."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Caps:
    monthly: Decimal | None = None
    annual: Decimal | None = None


@dataclass(frozen=True)
class Item:
    """One confirmed entry's effective points (after fault tolerance) in month 1–12 of a year."""

    month: int
    rule: object
    category: str
    points: Decimal


class _Allowance:
    """How much of a cap is still free this year, in the direction of the points."""

    def __init__(self, cap):
        self.cap = cap
        self.used = ZERO

    def take(self, value):
        if self.cap is None or value == 0:
            return value
        room = max(ZERO, self.cap - self.used)
        allowed = min(abs(value), room)
        self.used += allowed
        return allowed if value > 0 else -allowed


def _clip(value, cap):
    if cap is None:
        return value
    return max(-cap, min(cap, value))


def capped_totals(
    items: Iterable[Item], rule_caps: dict[object, Caps], category_caps: dict[str, Caps]
) -> dict[int, dict[str, Decimal]]:
    """Per month, per category, the points that count once every cap has been applied.

    Month by month: a rule's net points are clipped to its monthly cap, then to what is left of its
    annual cap; the category's sum of those is clipped the same way by the category caps. Earlier
    months use an annual cap up first. Entries beyond a cap stay in the ledger; they just add nothing.
    """
    by_month = defaultdict(lambda: defaultdict(lambda: ZERO))
    for item in items:
        by_month[item.month][(item.category, item.rule)] += item.points
    rule_annual = {}
    category_annual = {}
    result = {}
    for month in sorted(by_month):
        per_category = defaultdict(lambda: ZERO)
        for (category, rule), net in by_month[month].items():
            caps = rule_caps.get(rule, Caps())
            allowance = rule_annual.setdefault(rule, _Allowance(caps.annual))
            per_category[category] += allowance.take(_clip(net, caps.monthly))
        result[month] = {}
        for category, net in per_category.items():
            caps = category_caps.get(category, Caps())
            allowance = category_annual.setdefault(category, _Allowance(caps.annual))
            result[month][category] = allowance.take(_clip(net, caps.monthly))
    return result


def month_net(totals: dict[int, dict[str, Decimal]], month: int) -> Decimal:
    return sum(totals.get(month, {}).values(), ZERO)
