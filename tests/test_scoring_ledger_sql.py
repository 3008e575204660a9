"""The set-based ledger totals agree with the pure cap rules the pages use, cadre by cadre."""

import random
from decimal import Decimal

from assessments.scoring.ledger_sql import ledger_totals
from records.models import ADD_CATEGORIES, EntryStatus, LedgerEntry, PointRule
from records.points import Item, capped_totals
from records.selectors.ledger import cap_tables
from tests.factories import make_cadre
from tests.scoring_data import entries

ZERO = Decimal("0")


def _python_totals(cadre, year=2025):
    items = [
        Item(e.month.month, e.rule_id, e.category, e.effective_points)
        for e in LedgerEntry.objects.filter(cadre=cadre, month__year=year, status=EntryStatus.CONFIRMED)
    ]
    totals = capped_totals(items, *cap_tables())
    by_category, months = {}, [ZERO] * 12
    for month, cats in totals.items():
        for category, points in cats.items():
            by_category[category] = by_category.get(category, ZERO) + points
            if category not in ADD_CATEGORIES:
                months[month - 1] += points
    added = sum((v for c, v in by_category.items() if c in ADD_CATEGORIES), ZERO)
    deducted = sum((v for c, v in by_category.items() if c not in ADD_CATEGORIES), ZERO)
    return added, deducted, {c: v for c, v in by_category.items() if v}, months


def test_it_caps_like_the_pure_rules_for_random_ledgers(world):
    rng = random.Random(20251231)
    rules = list(PointRule.objects.filter(valid_to__isnull=True))
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(8)]
    for cadre in cadres:
        rows = []
        for _ in range(rng.randint(0, 70)):
            rule = rng.choice(rules)
            points = Decimal(rng.randint(int(rule.min_points * 2), int(rule.max_points * 2))) / 2
            effective = points
            if points < 0 and rng.random() < 0.2:
                effective = rng.choice([ZERO, (points / 2).quantize(Decimal("0.1"))])  # waived or reduced
            rows.append((rng.randint(1, 12), rule.code, points, effective))
            if rng.random() < 0.1:  # a reversal, sometimes in a later month
                rows.append((rng.randint(rows[-1][0], 12), rule.code, -points, -effective))
        entries(cadre, rows, by=world.clerk)
    # Pending entries and other years never count.
    entries(cadres[0], [(3, "JN04", 3)], by=world.clerk, status=EntryStatus.PENDING)
    entries(cadres[0], [(3, "JN04", 3)], by=world.clerk, year=2024)

    sql = ledger_totals(2025)
    for cadre in cadres:
        added, deducted, by_category, months = _python_totals(cadre)
        got = sql.get(cadre.pk)
        if got is None:
            assert added == deducted == ZERO
            continue
        assert (got["added"], got["deducted"], got["net"]) == (added, deducted, added + deducted)
        assert got["by_category"] == by_category
        assert got["months"] == months


def test_an_annual_rule_cap_carries_over_from_earlier_months(world):
    # BZ04 (县级表彰): annual cap 6. 2 + 2 in January, 2 in March, 2 more in June add nothing.
    entries(world.cadre_a, [(1, "BZ04", 2), (1, "BZ04", 2), (3, "BZ04", 2), (6, "BZ04", 2)], by=world.clerk)

    totals = ledger_totals(2025)[world.cadre_a.pk]

    assert totals["added"] == Decimal("6")
    assert totals["by_category"] == {"表彰奖励": Decimal("6")}


def test_a_waived_deduction_counts_nothing_and_a_reduced_one_its_reduced_value(world):
    entries(world.cadre_a, [(2, "SW01", -3, 0), (2, "TB02", -4, "-1.5")], by=world.clerk)

    totals = ledger_totals(2025)[world.cadre_a.pk]

    assert totals["deducted"] == Decimal("-1.5")
    assert totals["months"][1] == Decimal("-1.5")


def test_it_filters_by_cadre_ids_and_by_id_range(world):
    entries(world.cadre_a, [(1, "JN04", 2)], by=world.clerk)
    entries(world.cadre_b, [(1, "JN04", 3)], by=world.clerk)

    assert set(ledger_totals(2025, cadre_ids=[world.cadre_b.pk])) == {world.cadre_b.pk}
    assert set(ledger_totals(2025, cadre_id_range=(world.cadre_a.pk, world.cadre_a.pk))) == {world.cadre_a.pk}
    assert ledger_totals(2025, cadre_ids=[]) == {}
