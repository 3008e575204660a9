"""A month closing while an entry into it is written, on PostgreSQL's real transactions: whichever
starts first finishes first, and the other decides on what it committed. (SQLite's IMMEDIATE
transactions serialise the two already.)"""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from records.models import EntryStatus, LedgerEntry, MonthClose
from records.services.ledger import month_close
from tests.factories import make_entry
from tests.test_ledger_import import ledger_row, run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
MARCH = date(2026, 3, 1)


def _meanwhile(call):
    """Start ``call`` in a thread of its own (its own connection); the thread and its outcome."""
    outcome = []

    def run():
        try:
            outcome.append(call())
        except ValidationError as exc:
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_month_does_not_close_while_an_entry_into_it_is_being_written(world):
    with transaction.atomic():
        entry = make_entry(world.cadre_a, by=world.clerk)
        thread, outcome = _meanwhile(lambda: month_close(actor=world.reviewer, unit=world.town_a, month=MARCH))
        thread.join(timeout=1)
        assert thread.is_alive()  # the close waits for the entry to be committed
    thread.join(timeout=30)

    # It then finds the entry pending, and refuses: closed, the month would leave it stuck.
    assert isinstance(outcome[0], ValidationError) and "待确认纪实" in str(outcome[0])
    assert not MonthClose.objects.filter(month=MARCH, closed=True).exists()
    assert LedgerEntry.objects.get(pk=entry.pk).status == EntryStatus.PENDING


def test_a_month_does_not_close_while_an_import_into_it_is_being_committed(world):
    with transaction.atomic():
        assert run(ledger_row(), user=world.clerk, commit=True).ok
        thread, outcome = _meanwhile(lambda: month_close(actor=world.reviewer, unit=world.town_a, month=MARCH))
        thread.join(timeout=1)
        assert thread.is_alive()
    thread.join(timeout=30)

    assert isinstance(outcome[0], ValidationError) and "待确认纪实" in str(outcome[0])
    assert LedgerEntry.objects.filter(cadre=world.cadre_a, status=EntryStatus.PENDING).count() == 1


def test_an_entry_written_while_its_month_closes_is_refused_once_the_close_is_committed(world):
    with transaction.atomic():
        month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
        thread, outcome = _meanwhile(lambda: make_entry(world.cadre_a, by=world.clerk))
        thread.join(timeout=1)
        assert thread.is_alive()  # the entry waits for the close to be committed
    thread.join(timeout=30)

    assert isinstance(outcome[0], ValidationError) and "已关账" in str(outcome[0])
    assert not LedgerEntry.objects.filter(cadre=world.cadre_a).exists()


def test_entries_into_one_month_do_not_wait_for_one_another(world):
    with transaction.atomic():
        make_entry(world.cadre_a, by=world.clerk)
        thread, outcome = _meanwhile(lambda: make_entry(world.cadre_a, by=world.clerk))
        thread.join(timeout=10)
        assert not thread.is_alive() and isinstance(outcome[0], LedgerEntry)
    assert LedgerEntry.objects.filter(cadre=world.cadre_a).count() == 2
