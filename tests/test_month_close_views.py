from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from records.models import LedgerEntry, MonthClose
from records.services.ledger import entry_return, month_close
from tests.factories import make_entry


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def close_url(unit, month="2026-03"):
    return reverse("records:month-close", args=[unit.pk, month])


def reopen_url(unit, month="2026-03"):
    return reverse("records:month-reopen", args=[unit.pk, month])


def _levels(response):
    return [m.level_tag for m in get_messages(response.wsgi_request)]


def _closed(unit, month=date(2026, 3, 1)):
    return MonthClose.objects.filter(unit=unit, month=month, closed=True).exists()


# --- close ---------------------------------------------------------------------------------------


def test_a_clerk_closes_a_month_and_entry_is_then_refused_there_and_below(world, as_user):
    response = as_user(world.clerk).post(close_url(world.town_a))
    assert response.status_code == 302
    assert response.url == reverse("records:completion") + "?year=2026"
    row = MonthClose.objects.get(unit=world.town_a, month=date(2026, 3, 1))
    assert row.closed and row.closed_by == world.clerk
    for cadre in (world.cadre_a, world.cadre_a_office):
        with pytest.raises(ValidationError):
            make_entry(cadre, by=world.clerk, occurred_on=date(2026, 3, 20))
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 4, 2))


def test_a_reviewer_may_close_too(world, as_user):
    assert as_user(world.reviewer).post(close_url(world.office_a)).status_code == 302
    assert _closed(world.office_a)


def test_a_future_month_is_not_closable(world, as_user):
    response = as_user(world.clerk).post(close_url(world.town_a, "2026-12"))
    assert response.status_code == 302
    assert _levels(response) == ["error"]
    assert not MonthClose.objects.exists()


def test_the_current_month_is_closable(world, as_user):
    as_user(world.clerk).post(close_url(world.town_a, "2026-11"))
    assert _closed(world.town_a, date(2026, 11, 1))


def test_closing_a_month_already_closed_above_is_an_error_message(world, as_user):
    month_close(actor=world.county_clerk, unit=world.county, month=date(2026, 3, 1))
    response = as_user(world.clerk).post(close_url(world.town_a))
    assert _levels(response) == ["error"]
    assert not _closed(world.town_a)


@pytest.mark.parametrize("role", ["committee", "sysadmin", "auditor", "outsider"])
def test_roles_that_may_not_close_get_403(world, as_user, role):
    assert as_user(getattr(world, role)).post(close_url(world.town_a)).status_code == 403
    assert not MonthClose.objects.exists()


def test_a_month_with_pending_entries_stays_open_so_a_returned_entry_can_still_be_fixed(world, as_user):
    entry = make_entry(world.cadre_a_office, by=world.clerk, occurred_on=date(2026, 3, 20))
    response = as_user(world.reviewer).post(close_url(world.town_a), follow=True)
    assert "东岭镇及其下级单位 2026-03 尚有 1 条待确认纪实，请先确认或退回后再关账。" in response.text
    assert not MonthClose.objects.exists()
    entry_return(actor=world.reviewer, entry=entry, reason="文号有误")
    as_user(world.clerk).post(reverse("records:entry-withdraw", args=[entry.pk]), follow=True)
    assert not LedgerEntry.objects.exists()
    assert _levels(as_user(world.reviewer).post(close_url(world.town_a))) == ["success"]
    assert _closed(world.town_a)


def test_a_unit_outside_scope_is_404(world, as_user):
    assert as_user(world.clerk).post(close_url(world.town_b)).status_code == 404
    assert not MonthClose.objects.exists()


def test_an_impossible_month_is_404(world, as_user):
    assert as_user(world.clerk).post(close_url(world.town_a, "2026-13")).status_code == 404


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_close_answers_405_to_other_methods(world, as_user, method):
    assert getattr(as_user(world.clerk), method)(close_url(world.town_a)).status_code == 405


# --- reopen --------------------------------------------------------------------------------------


def test_the_reopen_form_shows_who_closed_the_month(world, as_user):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 3, 1))
    response = as_user(world.reviewer).get(reopen_url(world.town_a))
    assert response.status_code == 200
    assert response.context["row"].closed_by == world.clerk
    assert str(world.clerk) in response.text
    assert 'name="reason"' in response.text


def test_a_reviewer_reopens_with_a_reason_recorded_in_the_audit_log(world, as_user):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 3, 1))
    response = as_user(world.reviewer).post(reopen_url(world.town_a), {"reason": "补录遗漏的防汛纪实"})
    assert response.status_code == 302
    row = MonthClose.objects.get(unit=world.town_a, month=date(2026, 3, 1))
    assert not row.closed
    assert (row.reopened_by, row.reopen_reason) == (world.reviewer, "补录遗漏的防汛纪实")
    event = AuditEvent.objects.filter(model="records.monthclose", object_id=str(row.pk), action="update").latest("id")
    assert event.actor_name == "reviewer_a"
    assert event.changes["reopen_reason"] == ["", "补录遗漏的防汛纪实"]
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 20))


def test_reopening_needs_a_reason(world, as_user):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 3, 1))
    response = as_user(world.reviewer).post(reopen_url(world.town_a), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert _closed(world.town_a)


def test_a_month_closed_above_is_reopened_there_not_here(world, as_user):
    month_close(actor=world.county_clerk, unit=world.county, month=date(2026, 3, 1))
    client = as_user(world.reviewer)
    page = client.get(reopen_url(world.town_a))
    assert page.status_code == 200
    assert "青山县" in page.text and 'name="reason"' not in page.text
    response = client.post(reopen_url(world.town_a), {"reason": "想补录"})
    assert response.status_code == 200
    assert _closed(world.county)


def test_a_clerk_may_not_reopen(world, as_user):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 3, 1))
    client = as_user(world.clerk)
    assert client.get(reopen_url(world.town_a)).status_code == 403
    assert client.post(reopen_url(world.town_a), {"reason": "想补录"}).status_code == 403
    assert _closed(world.town_a)


def test_reopen_outside_scope_is_404(world, as_user):
    month_close(actor=world.county_clerk, unit=world.town_b, month=date(2026, 3, 1))
    response = as_user(world.reviewer).post(reopen_url(world.town_b), {"reason": "想补录"})
    assert response.status_code == 404
    assert _closed(world.town_b)


@pytest.mark.parametrize("method", ["put", "delete"])
def test_reopen_answers_405_to_other_methods(world, as_user, method):
    assert getattr(as_user(world.reviewer), method)(reopen_url(world.town_a)).status_code == 405
