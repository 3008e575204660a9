"""The audit log is scoped like everything else: each event is filed under a unit, and an auditor sees
the events of the units in their scope; events of no unit (logins, accounts, role grants) only an
auditor of the whole county sees."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.context import acting
from audit.models import Action, AuditEvent
from audit.services import audit_record
from records.models import Cadre
from records.services import cadre_update
from records.services.sanctions import talk_create
from tests.factories import UserFactory, grant, make_cadre, make_entry

LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")


@pytest.fixture
def town_auditor(world):
    return grant(UserFactory(username="auditor_a"), "auditor", world.town_a)


def _cadre_update_event(cadre):
    return AuditEvent.objects.filter(model="records.cadre", action="update", object_id=str(cadre.pk)).latest("id")


def _listed(client, **params):
    return list(client.get(LIST, {"size": 100, **params}).context["page"])


def _exported(client, **params):
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_an_edit_of_a_cadre_is_filed_under_the_cadres_unit(world):
    cadre_update(cadre=Cadre.objects.get(pk=world.cadre_a_office.pk), position="副主任")
    assert _cadre_update_event(world.cadre_a_office).unit_id == world.office_a.pk


def test_events_of_a_cadres_records_are_filed_under_the_cadres_unit(world):
    entry = make_entry(world.cadre_b, by=world.county_clerk)
    talk = talk_create(
        actor=world.clerk, cadre=world.cadre_a, kind="谈心谈话", held_on=date(2026, 5, 2), talker="书记", summary="谈心"
    )
    assert AuditEvent.objects.get(model="records.ledgerentry", object_id=str(entry.pk)).unit_id == world.town_b.pk
    assert AuditEvent.objects.get(model="records.talkrecord", object_id=str(talk.pk)).unit_id == world.town_a.pk


def test_a_unit_is_filed_under_itself(world):
    event = AuditEvent.objects.get(model="records.unit", action="create", object_id=str(world.town_b.pk))
    assert event.unit_id == world.town_b.pk


def test_accounts_logins_and_role_grants_belong_to_no_unit(world, client):
    client.force_login(world.clerk)
    world.clerk.cadre = world.cadre_a
    world.clerk.save()
    assert AuditEvent.objects.filter(action=Action.LOGIN).latest("id").unit_id is None
    assert AuditEvent.objects.filter(model="accounts.user", action="update").latest("id").unit_id is None
    assert AuditEvent.objects.filter(model="accounts.roleassignment").latest("id").unit_id is None


def test_an_explicit_unit_wins_over_the_instances(world):
    event = audit_record(action=Action.EXPORT, instance=world.cadre_a, unit=world.county)
    assert event.unit_id == world.county.pk


def test_a_township_auditor_sees_the_events_of_their_township_only(world, as_user, town_auditor):
    cadre_update(cadre=Cadre.objects.get(pk=world.cadre_b.pk), position="副镇长")
    cadre_update(cadre=Cadre.objects.get(pk=world.cadre_a_office.pk), position="副主任")
    events = _listed(as_user(town_auditor))
    units = {e.unit_id for e in events}
    assert units == {world.town_a.pk, world.office_a.pk}
    assert world.cadre_a_office.pk in {int(e.object_id) for e in events if e.model == "records.cadre"}
    assert not [e for e in events if e.action == Action.LOGIN]


def test_the_county_auditor_sees_every_event_logins_included(world, as_user, town_auditor):
    as_user(town_auditor)
    events = _listed(as_user(world.auditor))
    assert {world.county.pk, world.town_a.pk, world.office_a.pk, world.town_b.pk, None} <= {e.unit_id for e in events}
    assert len(events) == AuditEvent.objects.count()


def test_the_page_names_each_events_unit(world, as_user, town_auditor):
    cadre_update(cadre=Cadre.objects.get(pk=world.cadre_a_office.pk), position="副主任")
    response = as_user(town_auditor).get(LIST, {"model": "records.cadre", "action": "update"})
    assert "<td>东岭镇党政办</td>" in response.text


def test_the_unit_filter_takes_a_subtree_and_only_units_in_scope(world, as_user, town_auditor):
    client = as_user(world.auditor)
    events = _listed(client, unit=world.town_a.pk)
    assert {e.unit_id for e in events} == {world.town_a.pk, world.office_a.pk}
    response = as_user(town_auditor).get(LIST, {"unit": world.town_b.pk})
    assert "unit" in response.context["form"].errors
    assert {e.unit_id for e in response.context["page"]} <= {world.town_a.pk, world.office_a.pk}


def test_the_export_follows_the_auditors_scope_and_names_the_unit(world, as_user, town_auditor):
    cadre_update(cadre=Cadre.objects.get(pk=world.cadre_b.pk), position="副镇长")
    rows = _exported(as_user(town_auditor))
    assert rows and {row["unit"] for row in rows} == {"东岭镇", "东岭镇党政办"}
    assert {row["unit_id"] for row in rows} == {str(world.town_a.pk), str(world.office_a.pk)}
    assert not [row for row in rows if row["action"] == Action.LOGIN]
    everything = _exported(as_user(world.auditor))
    assert "西河镇" in {row["unit"] for row in everything} and "" in {row["unit"] for row in everything}


def test_an_export_out_of_scope_exports_nothing(world, as_user, town_auditor):
    response = as_user(town_auditor).get(EXPORT, {"unit": world.town_b.pk})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_an_auditors_export_is_filed_under_their_scope(world, as_user, town_auditor):
    _exported(as_user(town_auditor))
    assert AuditEvent.objects.get(action=Action.EXPORT).unit_id == world.town_a.pk


def test_a_raw_export_is_filed_under_the_exporters_scope_or_chosen_unit(world, as_user):
    client = as_user(world.reviewer)
    client.get(reverse("reports:raw-export"), {"what": "cadres"})
    client.get(reverse("reports:raw-export"), {"what": "cadres", "unit": world.office_a.pk})
    exports = AuditEvent.objects.filter(action=Action.EXPORT).order_by("id")
    assert [e.unit_id for e in exports] == [world.town_a.pk, world.office_a.pk]


@pytest.mark.parametrize("who", ["county", "township"])
def test_the_page_costs_the_same_queries_for_more_events(world, as_user, town_auditor, who):
    client = as_user(world.auditor if who == "county" else town_auditor)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"model": "records."})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.text.count("<td>东岭镇党政办</td>")

    one, named = queries()
    with acting(user=world.clerk):
        for i in range(6):
            make_cadre(world.office_a if i % 2 else world.town_a, name=f"甲{i}")
    more, named_more = queries()
    assert more == one and named_more == named + 6  # a cadre and its posting per cadre in the office
