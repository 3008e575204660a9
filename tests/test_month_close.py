from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from records.models import MonthClose
from records.services.ledger import closing_unit, entry_confirm, entry_return, month_close, month_reopen
from tests.factories import confirmed_entry, make_entry

MARCH = date(2026, 3, 1)


def test_closing_a_township_closes_its_offices_too(world):
    month_close(actor=world.clerk, unit=world.town_a, month=MARCH)
    assert closing_unit(world.office_a.pk, MARCH) == world.town_a
    assert closing_unit(world.town_b.pk, MARCH) is None
    assert closing_unit(world.town_a.pk, date(2026, 4, 1)) is None


def test_a_month_cannot_be_closed_twice(world):
    month_close(actor=world.clerk, unit=world.town_a, month=MARCH)
    with pytest.raises(ValidationError):
        month_close(actor=world.reviewer, unit=world.office_a, month=MARCH)


def test_reopening_needs_a_reason_and_a_reviewer(world):
    month_close(actor=world.clerk, unit=world.town_a, month=MARCH)
    with pytest.raises(PermissionDenied):
        month_reopen(actor=world.clerk, unit=world.town_a, month=MARCH, reason="补录")
    with pytest.raises(ValidationError):
        month_reopen(actor=world.reviewer, unit=world.town_a, month=MARCH, reason="")
    row = month_reopen(actor=world.reviewer, unit=world.town_a, month=MARCH, reason="补录3月防汛加分")
    assert (row.closed, row.reopened_by, row.reopen_reason) == (False, world.reviewer, "补录3月防汛加分")
    event = AuditEvent.objects.filter(model="records.monthclose", action="update").latest("id")
    assert event.changes["reopen_reason"] == ["", "补录3月防汛加分"] and event.actor_name == "reviewer_a"
    assert make_entry(world.cadre_a, by=world.clerk)


def test_a_month_closed_above_is_reopened_above(world):
    month_close(actor=world.county_clerk, unit=world.county, month=MARCH)
    with pytest.raises(ValidationError, match="青山县"):
        month_reopen(actor=world.reviewer, unit=world.town_a, month=MARCH, reason="x")


def test_closing_again_after_reopening_reuses_the_row(world):
    month_close(actor=world.clerk, unit=world.town_a, month=MARCH)
    month_reopen(actor=world.reviewer, unit=world.town_a, month=MARCH, reason="补录")
    month_close(actor=world.clerk, unit=world.town_a, month=MARCH)
    assert MonthClose.objects.get(unit=world.town_a, month=MARCH).closed


@pytest.mark.parametrize("who", ["committee", "sysadmin", "outsider"])
def test_read_only_roles_cannot_close(world, who):
    with pytest.raises(PermissionDenied):
        month_close(actor=getattr(world, who), unit=world.town_a, month=MARCH)


def test_a_clerk_cannot_close_a_unit_outside_scope(world):
    with pytest.raises(PermissionDenied):
        month_close(actor=world.clerk, unit=world.town_b, month=MARCH)


def test_it_refuses_a_month_with_pending_entries_here_or_below_and_gives_their_count(world):
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 5))
    make_entry(world.cadre_a_office, by=world.clerk, occurred_on=date(2026, 3, 6))
    with pytest.raises(ValidationError, match="东岭镇及其下级单位 2026-03 尚有 2 条待确认纪实"):
        month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    with pytest.raises(ValidationError, match="东岭镇党政办及其下级单位 2026-03 尚有 1 条"):
        month_close(actor=world.reviewer, unit=world.office_a, month=MARCH)
    assert not MonthClose.objects.exists()


def test_pending_entries_of_other_units_and_months_do_not_hold_a_close(world):
    make_entry(world.cadre_b, by=world.county_clerk, occurred_on=date(2026, 3, 5))
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 4, 5))
    assert month_close(actor=world.reviewer, unit=world.town_a, month=MARCH).closed


def test_a_month_closes_once_its_entries_are_confirmed_or_returned(world):
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, occurred_on=date(2026, 3, 5))
    pending = make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 6), code="SW01", points="-1")
    returned = make_entry(world.cadre_a_office, by=world.clerk, occurred_on=date(2026, 3, 7))
    entry_return(actor=world.reviewer, entry=returned, reason="文号有误")
    with pytest.raises(ValidationError):
        month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    entry_confirm(actor=world.reviewer, entry=pending)
    assert month_close(actor=world.reviewer, unit=world.town_a, month=MARCH).closed
