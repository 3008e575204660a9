"""The set-based ledger totals agree with the pure cap rules the pages use, cadre by cadre."""

import random
from decimal import Decimal

import pytest

from assessments.scoring.ledger_sql import ledger_totals
from records.models import ADD_CATEGORIES, CategoryCap, EntryStatus, LedgerEntry, PointRule
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
    totals = capped_totals(items, *cap_tables(year))
    by_category, months = {}, [ZERO] * 12
    for month, cats in totals.items():
        for category, points in cats.items():
            by_category[category] = by_category.get(category, ZERO) + points
            if category not in ADD_CATEGORIES:
                months[month - 1] += points
    added = sum((v for c, v in by_category.items() if c in ADD_CATEGORIES), ZERO)
    deducted = sum((v for c, v in by_category.items() if c not in ADD_CATEGORIES), ZERO)
    return added, deducted, {c: v for c, v in by_category.items() if v}, months


# The statement is written for the caps configured, so the random ledgers run under cap books with
# each kind of cap present and absent: ({rule code: (monthly, annual)}, {category: (monthly, annual)}).
# None keeps the default rule book.
CAP_BOOKS = {
    "the default rule book": None,
    "no caps": ({}, {}),
    "rule caps only": ({"BZ04": (None, "6"), "BZ05": ("2", None), "JN01": ("5", None), "ZD01": ("4", None)}, {}),
    "category caps only": ({}, {"创先争优": (None, "20"), "急难险重": ("6", "20"), "重点工作": ("4", None)}),
    "annual caps only": (
        {"BZ04": (None, "6"), "SW01": (None, "4")},
        {"表彰奖励": (None, "8"), "通报批评": (None, "6")},
    ),
    "monthly caps only": (
        {"JN01": ("5", None), "TB02": ("4", None)},
        {"急难险重": ("6", None), "群众投诉": ("2", None)},
    ),
    "both caps on rules and categories, deductions too": (
        {
            "JN01": ("5", "8"),
            "BZ04": (None, "6"),
            "BZ05": ("2", None),
            "CX01": (None, "5"),
            "ZD01": ("4", None),
            "SW01": ("2", "4"),
            "TB02": (None, "6"),
        },
        {
            "创先争优": ("4", None),
            "表彰奖励": (None, "12"),
            "急难险重": ("6", "15"),
            "工作失误失责": ("3", "5"),
            "约谈函询": ("2", "3"),
        },
    ),
}


def _use_caps(book):
    if book is None:
        return
    rule_caps, category_caps = book
    PointRule.objects.update(monthly_cap=None, annual_cap=None)
    for code, (monthly, annual) in rule_caps.items():
        PointRule.objects.filter(code=code).update(monthly_cap=_points(monthly), annual_cap=_points(annual))
    CategoryCap.objects.all().delete()
    CategoryCap.objects.bulk_create(
        CategoryCap(category=c, monthly_cap=_points(monthly), annual_cap=_points(annual))
        for c, (monthly, annual) in category_caps.items()
    )


def _points(value):
    return None if value is None else Decimal(value)


def _random_ledger(rng, rules):
    """Busy early months, so that monthly and annual caps bite; waived and reduced deductions, and
    reversals that net out within a month or land in a later one."""
    rows = []
    for _ in range(rng.randint(0, 90)):
        rule = rng.choice(rules)
        points = Decimal(rng.randint(int(rule.min_points * 2), int(rule.max_points * 2))) / 2
        effective = points
        if points < 0 and rng.random() < 0.2:
            effective = rng.choice([ZERO, (points / 2).quantize(Decimal("0.1"))])  # waived or reduced
        rows.append((rng.choice([1, 1, 2, 2, 3, rng.randint(1, 12)]), rule.code, points, effective))
        if rng.random() < 0.1:  # a reversal, in the same month or a later one
            rows.append((rng.choice([rows[-1][0], rng.randint(rows[-1][0], 12)]), rule.code, -points, -effective))
    return rows


@pytest.mark.parametrize("book", list(CAP_BOOKS))
def test_it_caps_like_the_pure_rules_for_random_ledgers(world, book):
    _use_caps(CAP_BOOKS[book])
    rng = random.Random(f"20251231 {book}")
    rules = list(PointRule.objects.filter(valid_to__isnull=True))
    capped = [r for r in rules if r.monthly_cap or r.annual_cap]
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(10)]
    for i, cadre in enumerate(cadres):
        # Half the cadres draw mostly from the capped rules, so that their caps bite often.
        entries(cadre, _random_ledger(rng, rules + capped * 3 if i % 2 else rules), by=world.clerk)
    # Pending entries and other years never count, nor does a cadre with nothing else.
    some = list(LedgerEntry.objects.filter(cadre__in=cadres).order_by("pk").values_list("pk", flat=True)[::7])
    LedgerEntry.objects.filter(pk__in=some).update(status=EntryStatus.PENDING)
    entries(cadres[0], [(3, "JN04", 3)], by=world.clerk, year=2024)
    idle = make_cadre(world.town_a, name="干部闲")
    entries(idle, [(3, "JN04", 3)], by=world.clerk, status=EntryStatus.PENDING)

    sql = ledger_totals(2025)
    assert idle.pk not in sql
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


def test_its_parts_by_id_remainder_together_give_the_whole(world):
    cadres = [world.cadre_a, world.cadre_b, world.cadre_a_office]
    for i, cadre in enumerate(cadres):
        entries(cadre, [(1, "JN04", 2 + i), (5, "SW01", -3)], by=world.clerk)

    parts = [ledger_totals(2025, part=(k, 2)) for k in range(2)]

    assert {cadre_id % 2 for cadre_id in parts[0]} <= {0} and {cadre_id % 2 for cadre_id in parts[1]} <= {1}
    assert {**parts[0], **parts[1]} == ledger_totals(2025)
    assert len(ledger_totals(2025)) == 3


def test_category_caps_from_a_later_year_leave_the_years_before_as_they_were(world):
    """重点工作 is capped at 4 a month by default; new caps from 2026 on (3 a month) cap 2026 only, in
    the statement, on the cadre's page and in the quarter's points alike."""
    from assessments.selectors import quarter_ledger_points
    from records.selectors.ledger import cadre_year

    CategoryCap.objects.create(category="重点工作", from_year=2026, monthly_cap=Decimal("3"), annual_cap=Decimal("15"))
    rows = [(1, "ZD01", 1)] * 6  # 6 points in January
    entries(world.cadre_a, rows, by=world.clerk, year=2025)
    entries(world.cadre_a, rows, by=world.clerk, year=2026)

    assert ledger_totals(2025)[world.cadre_a.pk]["by_category"] == {"重点工作": Decimal("4")}
    assert ledger_totals(2026)[world.cadre_a.pk]["by_category"] == {"重点工作": Decimal("3")}
    assert cadre_year(world.cadre_a, 2025)["net"] == Decimal("4")
    assert cadre_year(world.cadre_a, 2026)["net"] == Decimal("3")
    assert quarter_ledger_points([world.cadre_a.pk], 2026, 1)[world.cadre_a.pk] == Decimal("3")
