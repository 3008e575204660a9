from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from records.models import EntryStatus, LedgerEntry
from records.services.ledger import entry_return, entry_reverse, month_close
from tests.factories import UserFactory, confirmed_entry, grant, make_entry

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def entry(world):
    return confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="3")


def _url(entry_or_pk):
    return reverse("records:entry-reverse", args=[getattr(entry_or_pk, "pk", entry_or_pk)])


def test_it_asks_for_a_reason_on_a_confirmation_page(world, as_en, entry):
    text = as_en(world.clerk).get(_url(entry)).text
    assert "data-confirm=" in text and 'name="reason"' in text and entry.document_no in text


def test_it_records_a_pending_reversal_and_shows_it_on_the_cadre_page(world, as_en, entry):
    client = as_en(world.clerk)
    response = client.post(_url(entry), {"reason": "重复录入"})
    assert response.status_code == 302
    reversal = LedgerEntry.objects.get(reverses=entry)
    assert reversal.points == Decimal("-3") and reversal.status == EntryStatus.PENDING
    text = client.get(response.url).text
    assert f'href="#entry-{entry.pk}">Reversal</a>' in text
    assert f'Reversed: <a href="#entry-{reversal.pk}">' in text


def test_it_requires_a_reason(world, as_en, entry):
    response = as_en(world.clerk).post(_url(entry), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert not LedgerEntry.objects.filter(reverses=entry).exists()


def test_it_shows_a_closed_month_as_an_error(world, as_en, entry):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 3, 1))
    response = as_en(world.clerk).post(_url(entry), {"reason": "重复录入"})
    assert response.status_code == 200
    assert "2026-03 is closed for 东岭镇" in response.text
    assert not LedgerEntry.objects.filter(reverses=entry).exists()


def test_it_refuses_a_pending_entry(world, as_en):
    pending = make_entry(world.cadre_a, by=world.clerk)
    response = as_en(world.clerk).post(_url(pending), {"reason": "重复录入"}, follow=True)
    assert "can be reversed" in response.text
    assert not LedgerEntry.objects.filter(reverses=pending).exists()


def test_it_refuses_to_reverse_twice(world, as_en, entry):
    entry_reverse(actor=world.clerk, entry=entry, reason="重复录入")
    as_en(world.clerk).post(_url(entry), {"reason": "再次冲销"})
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() == 1


def test_a_returned_reversal_must_be_withdrawn_before_reversing_again(world, as_en, entry):
    reversal = entry_reverse(actor=world.clerk, entry=entry, reason="重复录入")
    entry_return(actor=world.reviewer, entry=reversal, reason="不应冲销")
    client = as_en(world.clerk)
    response = client.get(_url(entry))
    assert response.status_code == 302 and response.url == reverse("records:entry-withdraw", args=[reversal.pk])
    text = client.get(response.url).text
    assert "The reversal of this entry was returned; withdraw that reversal first." in text
    assert "不应冲销" in text and "Withdrawing this reversal leaves the entry it reverses confirmed" in text
    with pytest.raises(ValidationError, match="withdraw that reversal first"):
        entry_reverse(actor=world.clerk, entry=entry, reason="再次冲销")
    client.post(response.url)
    assert client.post(_url(entry), {"reason": "再次冲销"}).status_code == 302
    assert LedgerEntry.objects.get(reverses=entry).status == EntryStatus.PENDING


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, entry, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(entry)).status_code == 403
    assert client.post(_url(entry), {"reason": "重复录入"}).status_code == 403
    assert not LedgerEntry.objects.filter(reverses=entry).exists()


def test_it_answers_404_for_an_entry_outside_scope(world, as_en):
    county_reviewer = grant(UserFactory(), "reviewer", world.county)
    other = confirmed_entry(world.cadre_b, by=world.county_clerk, reviewer=county_reviewer)
    assert as_en(world.clerk).post(_url(other), {"reason": "x"}).status_code == 404


def test_it_answers_404_for_an_unknown_entry(world, as_en):
    assert as_en(world.clerk).get(_url(99999)).status_code == 404


def test_it_answers_405_to_other_methods(world, as_en, entry):
    assert as_en(world.clerk).put(_url(entry)).status_code == 405
