from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from records.models import MonthClose
from records.services.ledger import closing_unit, month_close, month_reopen
from tests.factories import make_entry

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
