import io
from collections import Counter
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F

from accounts.models import User
from audit.models import Action, AuditEvent
from records.demo_data import CLOSED_MONTHS
from records.management.commands.seed_demo import REFERENCE_DATE
from records.models import (
    EntryStatus,
    FaultToleranceRuling,
    FTStage,
    LedgerEntry,
    MonthClose,
    Sanction,
    TalkRecord,
    Unit,
    UnitClosure,
    UnitKind,
    effective_points,
    impact_end,
)
from records.services.ledger import entry_create
from tests.factories import rule

pytestmark = pytest.mark.django_db

CADRES = 80
END = datetime.combine(REFERENCE_DATE, time(23, 59, 59), tzinfo=ZoneInfo("Asia/Shanghai"))


def seed(*, cadres=CADRES, seed=7):
    out = io.StringIO()
    call_command("seed_demo", cadres=cadres, seed=seed, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


SNAPSHOT = (
    "cadre__staff_no", "month", "rule_code", "points", "effective_points", "facts", "document_no", "occurred_on",
    "status", "entered_at", "decided_at", "reverses__document_no",
)  # fmt: skip


def ledger_snapshot():
    return list(LedgerEntry.objects.order_by(*SNAPSHOT, "id").values_list(*SNAPSHOT))


class Rollback(Exception):
    pass


def test_it_records_every_month_of_the_year_with_eight_to_twelve_entries_a_month(seeded):
    months = set(LedgerEntry.objects.values_list("month", flat=True))
    assert months == {date(REFERENCE_DATE.year, m, 1) for m in range(1, 13)}
    originals = LedgerEntry.objects.filter(reverses__isnull=True, corrects__isnull=True)
    # Eight to twelve, plus now and then a deduction or a sanction's entry.
    per_month = Counter(originals.values("cadre", "month").annotate(n=Count("id")).values_list("n", flat=True))
    assert min(per_month) >= 8 and max(per_month) <= 14
    assert sum(n for size, n in per_month.items() if size <= 12) > 0.9 * sum(per_month.values())


def test_every_entry_keeps_its_rules_range_and_sign(seeded):
    for e in LedgerEntry.objects.select_related("rule", "reverses"):
        assert (e.rule_code, e.category) == (e.rule.code, e.rule.category)
        assert e.month == e.occurred_on.replace(day=1) and e.rule.valid_on(e.occurred_on)
        if e.reverses:
            assert e.points == -e.reverses.points and e.month == e.reverses.month
        else:
            assert e.rule.min_points <= e.points <= e.rule.max_points
            assert (e.points > 0) == (e.rule.sign > 0)


def test_whoever_entered_an_entry_never_decided_it(seeded):
    statuses = Counter(LedgerEntry.objects.values_list("status", flat=True))
    assert statuses[EntryStatus.CONFIRMED] > 0.9 * sum(statuses.values())
    assert statuses[EntryStatus.PENDING] and statuses[EntryStatus.RETURNED]
    decided = LedgerEntry.objects.exclude(status=EntryStatus.PENDING)
    assert not decided.filter(decided_by=F("entered_by")).exists()
    assert not decided.filter(decided_by__isnull=True).exists()
    assert not decided.filter(decided_at__lte=F("entered_at")).exists()
    assert not LedgerEntry.objects.filter(status=EntryStatus.RETURNED, return_reason="").exists()
    assert not LedgerEntry.objects.filter(status=EntryStatus.PENDING, decided_by__isnull=False).exists()


def test_pending_entries_are_only_in_the_last_two_months(seeded):
    pending = set(LedgerEntry.objects.filter(status=EntryStatus.PENDING).values_list("month__month", flat=True))
    assert pending and pending <= {11, 12}


def test_no_fact_is_scored_twice(seeded):
    counted = (
        LedgerEntry.objects.filter(reverses__isnull=True, reversal__isnull=True)
        .exclude(status=EntryStatus.RETURNED)
        .exclude(document_no="")
    )
    assert not counted.values("cadre", "rule_code", "document_no").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_reversals_and_corrections_point_at_confirmed_entries(seeded):
    reversals = LedgerEntry.objects.filter(reverses__isnull=False).select_related("reverses")
    assert reversals.exists()
    for r in reversals:
        assert r.reverses.status == EntryStatus.CONFIRMED and r.facts.startswith("冲销")
    for c in LedgerEntry.objects.filter(corrects__isnull=False).select_related("corrects"):
        assert hasattr(c.corrects, "reversal") and c.points != c.corrects.points


def test_effective_points_follow_the_determined_rulings(seeded):
    rulings = list(FaultToleranceRuling.objects.select_related("entry"))
    assert rulings
    for r in rulings:
        e = r.entry
        assert e.status == EntryStatus.CONFIRMED and e.points < 0
        assert (
            r.verified_by_id in (None, r.determined_by_id or r.verified_by_id) and r.verified_by_id != r.applied_by_id
        )
        if r.stage in (FTStage.DETERMINED, FTStage.FILED):
            assert e.effective_points == effective_points(e.points, r.outcome, r.reduced_points)
            if r.reduced_points is not None:
                assert e.points < r.reduced_points < 0
        else:
            assert e.effective_points == e.points
    ruled = [r.entry_id for r in rulings]
    assert (
        not LedgerEntry.objects.filter(reverses__isnull=True)
        .exclude(id__in=ruled)
        .exclude(effective_points=F("points"))
        .exists()
    )


def test_every_township_closes_january_to_october_after_its_last_decision(seeded):
    townships = Unit.objects.filter(kind=UnitKind.TOWNSHIP, depth=1)
    closes = MonthClose.objects.filter(closed=True)
    assert closes.count() == townships.count() * len(CLOSED_MONTHS)
    assert {c.month.month for c in closes} == set(CLOSED_MONTHS)
    for close in closes.filter(month__month__in=(1, 10)):
        below = UnitClosure.objects.filter(ancestor=close.unit).values("descendant")
        entries = LedgerEntry.objects.filter(unit__in=below, month=close.month)
        assert not entries.filter(status=EntryStatus.PENDING).exists()
        assert not entries.filter(decided_at__gt=close.closed_at).exists()
        assert close.closed_by.username in {"demo_clerk", "demo_clerk_county"}


def test_sanctions_carry_their_impact_period_and_their_ledger_entry(seeded):
    sanctions = list(Sanction.objects.select_related("measure"))
    assert len(sanctions) >= 2
    for s in sanctions:
        assert s.promotion_barred_until == impact_end(s.decided_on, s.measure.promotion_bar_months)
        entry = LedgerEntry.objects.get(cadre=s.cadre, document_no=s.document_no)
        assert entry.occurred_on == s.decided_on and entry.rule_code in {"WZ01", "JL01"}
    assert TalkRecord.objects.exists()


def test_every_date_is_on_or_before_the_reference_date(seeded):
    assert not LedgerEntry.objects.filter(occurred_on__gt=REFERENCE_DATE).exists()
    assert not LedgerEntry.objects.filter(entered_at__gt=END).exists()
    assert not LedgerEntry.objects.filter(decided_at__gt=END).exists()
    assert not LedgerEntry.objects.filter(entered_at__date__lt=F("occurred_on")).exists()
    assert not TalkRecord.objects.filter(held_on__gt=REFERENCE_DATE).exists()
    assert not Sanction.objects.filter(decided_on__gt=REFERENCE_DATE).exists()
    for field in ("applied_at", "verified_at", "determined_at", "filed_at"):
        assert not FaultToleranceRuling.objects.filter(**{f"{field}__gt": END}).exists()


def test_it_writes_the_same_ledger_for_the_same_seed():
    with pytest.raises(Rollback), transaction.atomic():
        seed(cadres=30, seed=4)
        first = ledger_snapshot()
        raise Rollback
    assert not LedgerEntry.objects.exists()
    seed(cadres=30, seed=4)
    assert ledger_snapshot() == first
    assert first


def test_it_prints_and_audits_the_ledger_numbers(seeded):
    entries = LedgerEntry.objects.count()
    confirmed = LedgerEntry.objects.filter(status=EntryStatus.CONFIRMED).count()
    for number in (entries, confirmed, FaultToleranceRuling.objects.count(), TalkRecord.objects.count()):
        assert str(number) in seeded
    note = AuditEvent.objects.get(action=Action.SEED).note
    assert f"纪实 {entries} 条" in note and f"已确认 {confirmed}" in note


def test_a_second_run_adds_no_ledger_rows(seeded):
    before = [m.objects.count() for m in (LedgerEntry, FaultToleranceRuling, Sanction, TalkRecord, MonthClose)]
    seed(seed=99)
    assert [m.objects.count() for m in (LedgerEntry, FaultToleranceRuling, Sanction, TalkRecord, MonthClose)] == before


def test_new_entries_after_the_seed_get_fresh_ids(seeded):
    """The seeder draws ids itself; the table's sequence must have moved past them."""
    clerk = User.objects.get(username="demo_clerk")
    cadre = LedgerEntry.objects.filter(entered_by=clerk).first().cadre
    entry = entry_create(
        actor=clerk, cadre=cadre, rule=rule("JN04"), points=2, facts="新增", document_no="新1号",
        occurred_on=date(2026, 11, 2),
    )  # fmt: skip
    assert entry.pk > LedgerEntry.objects.exclude(pk=entry.pk).order_by("-pk").first().pk
