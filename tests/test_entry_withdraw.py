from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from records.models import LedgerEntry
from records.services.ledger import entry_return, month_close
from tests.factories import confirmed_entry, make_entry

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(entry_or_pk):
    return reverse("records:entry-withdraw", args=[getattr(entry_or_pk, "pk", entry_or_pk)])


def test_it_asks_for_confirmation_first(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    response = as_en(world.clerk).get(_url(entry))
    assert response.status_code == 200
    assert "data-confirm=" in response.text and entry.document_no in response.text
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_it_withdraws_a_pending_entry(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    response = as_en(world.clerk).post(_url(entry))
    assert response.status_code == 302
    assert response.url.startswith(reverse("records:cadre-detail", args=[world.cadre_a.pk]))
    assert not LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_it_withdraws_a_returned_entry(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    entry_return(actor=world.reviewer, entry=entry, reason="事由不清")
    as_en(world.clerk).post(_url(entry))
    assert not LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_it_never_deletes_a_confirmed_entry(world, as_en):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    client = as_en(world.clerk)
    assert client.get(_url(entry)).status_code == 302
    response = client.post(_url(entry), follow=True)
    assert "A confirmed entry is never deleted" in response.text
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_it_reports_a_closed_month(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    entry_return(actor=world.reviewer, entry=entry, reason="事由不清")
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 3, 1))
    response = as_en(world.clerk).post(_url(entry), follow=True)
    assert "2026-03 is closed" in response.text
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, role):
    entry = make_entry(world.cadre_a, by=world.clerk)
    assert as_en(getattr(world, role)).post(_url(entry)).status_code == 403
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_it_answers_404_for_an_entry_outside_scope(world, as_en):
    entry = make_entry(world.cadre_b, by=world.county_clerk)
    assert as_en(world.clerk).post(_url(entry)).status_code == 404
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_it_answers_404_for_an_unknown_entry(world, as_en):
    assert as_en(world.clerk).get(_url(99999)).status_code == 404


def test_it_answers_405_to_other_methods(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    assert as_en(world.clerk).delete(_url(entry)).status_code == 405
