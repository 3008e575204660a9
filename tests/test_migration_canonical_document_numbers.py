"""records.0005: the stored document numbers (文号) rewritten in their canonical form, except where
that would score a recorded fact twice."""

import importlib
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.db import connection

from audit.models import AuditEvent
from records.models import LedgerEntry
from records.services.ledger import entry_return, entry_reverse
from tests.factories import confirmed_entry, make_entry

migration = importlib.import_module("records.migrations.0005_canonical_document_numbers")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _migrate():
    migration.forward(apps, SimpleNamespace(connection=connection))


def _typed(entry, document_no):
    """``entry`` as it was stored before the canonical form: the services now store that form."""
    LedgerEntry.objects.filter(pk=entry.pk).update(document_no=document_no)
    return entry


def _stored(entry):
    return LedgerEntry.objects.values_list("document_no", flat=True).get(pk=entry.pk)


def test_it_rewrites_document_numbers_in_their_canonical_form(world):
    plain = _typed(make_entry(world.cadre_a, by=world.clerk), "青政（２０２６） 2号")
    other_cadre = _typed(make_entry(world.cadre_b, by=world.county_clerk), "qz[2026]2号")
    canonical = make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕9号")
    no_document = make_entry(world.cadre_a, by=world.clerk, code="JN01", points="1", document_no="")

    _migrate()

    assert _stored(plain) == "青政〔2026〕2号"
    assert _stored(other_cadre) == "QZ〔2026〕2号"
    assert _stored(canonical) == "青政〔2026〕9号" and _stored(no_document) == ""


def test_it_leaves_a_row_whose_canonical_form_repeats_a_recorded_fact(world):
    recorded = make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕1号")
    twice = _typed(make_entry(world.cadre_a, by=world.clerk), "青政(2026)1号")
    first = _typed(make_entry(world.cadre_a, by=world.clerk), "青政[2026]3号")
    second = _typed(make_entry(world.cadre_a, by=world.clerk), "青政【2026】3号")

    _migrate()

    assert _stored(recorded) == "青政〔2026〕1号" and _stored(twice) == "青政(2026)1号"
    assert _stored(first) == "青政〔2026〕3号" and _stored(second) == "青政【2026】3号"


def test_rows_outside_the_same_fact_rule_are_rewritten_beside_the_fact(world):
    recorded = make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕1号")
    returned = make_entry(world.cadre_a, by=world.clerk)
    entry_return(actor=world.reviewer, entry=returned, reason="文号有误")
    _typed(returned, "青政(2026)1号")
    original = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    reversal = entry_reverse(actor=world.clerk, entry=original, reason="重复录入")
    _typed(original, "青政(2026)4号")
    _typed(reversal, "青政(2026)4号")

    _migrate()

    assert _stored(recorded) == _stored(returned) == "青政〔2026〕1号"
    assert _stored(original) == _stored(reversal) == "青政〔2026〕4号"


def test_it_leaves_a_number_whose_canonical_form_would_not_fit(world):
    long = _typed(make_entry(world.cadre_a, by=world.clerk), "青政" + "⑴" * 30)

    _migrate()

    assert _stored(long) == "青政" + "⑴" * 30


def test_each_rewrite_is_audited_and_a_second_run_changes_nothing(world):
    entry = _typed(make_entry(world.cadre_a, by=world.clerk), "青政(2026)2号")
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕1号")
    _typed(make_entry(world.cadre_a, by=world.clerk), "青政(2026)1号")  # left as it is: not audited
    before = AuditEvent.objects.count()

    _migrate()
    _migrate()

    events = AuditEvent.objects.filter(source=migration.SOURCE)
    assert AuditEvent.objects.count() == before + 1
    event = events.get()
    assert (event.action, event.model, event.object_id) == ("update", "records.ledgerentry", str(entry.pk))
    assert event.changes == {"document_no": ["青政(2026)2号", "青政〔2026〕2号"]}
    assert event.unit_id == world.town_a.pk


def test_sanction_numbers_are_rewritten_too_unless_that_repeats_a_recorded_sanction(world):
    from records.models import Sanction, SanctionMeasure
    from records.services.sanctions import sanction_create

    measure = SanctionMeasure.objects.get(kind="诫勉")

    def sanction(document_no, cadre=world.cadre_a):
        made = sanction_create(
            actor=world.clerk,
            cadre=cadre,
            measure=measure,
            decided_on=date(2026, 3, 1),
            document_no=f"占位{Sanction.objects.count()}",
            reason="r",
        )
        Sanction.objects.filter(pk=made.pk).update(document_no=document_no)  # as typed before
        return made

    recorded = sanction("青纪〔2026〕4号")
    twice = sanction("青纪（2026）4号")
    alone = sanction("青纪 [2026] 5号")

    _migrate()

    stored = dict(Sanction.objects.values_list("pk", "document_no"))
    assert stored[recorded.pk] == "青纪〔2026〕4号"
    assert stored[twice.pk] == "青纪（2026）4号"  # the same sanction twice: left for a person
    assert stored[alone.pk] == "青纪〔2026〕5号"
    event = AuditEvent.objects.get(model="records.sanction", object_id=str(alone.pk), source=migration.SOURCE)
    assert event.changes == {"document_no": ["青纪 [2026] 5号", "青纪〔2026〕5号"]}
    assert event.unit_id == world.cadre_a.unit_id
