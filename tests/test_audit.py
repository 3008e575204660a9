import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.context import acting
from audit.models import AuditEvent
from records.models import Cadre
from records.services import cadre_update
from tests.factories import make_cadre


def test_every_create_is_recorded_with_its_values(world):
    with acting(user=world.clerk, source="test"):
        cadre = make_cadre(world.town_a, name="孙丽")
    event = AuditEvent.objects.get(model="records.cadre", action="create", object_id=str(cadre.pk))
    assert event.actor_name == "clerk_a" and event.source == "test"
    assert event.changes["name"] == [None, "孙丽"]


def test_an_update_records_only_changed_fields_with_before_and_after(world):
    cadre_update(cadre=Cadre.objects.get(pk=world.cadre_a.pk), position="党委委员")
    event = AuditEvent.objects.filter(model="records.cadre", action="update").latest("id")
    assert set(event.changes) == {"position", "updated_at"}
    assert event.changes["position"] == ["科员", "党委委员"]


def test_saving_without_changes_records_nothing(world):
    before = AuditEvent.objects.count()
    cadre = Cadre.objects.get(pk=world.cadre_a.pk)
    cadre.save(update_fields=["name"])
    assert AuditEvent.objects.count() == before


def test_a_delete_is_recorded_with_the_values_it_had(world):
    posting = world.cadre_b.postings.get()
    posting.delete()
    event = AuditEvent.objects.get(model="records.posting", action="delete")
    assert event.changes["position"] == ["科员", None]


def test_identifiers_are_masked_inside_the_log(world):
    event = AuditEvent.objects.get(model="records.cadre", action="create", object_id=str(world.cadre_a.pk))
    assert event.changes["id_number"][1] == world.cadre_a.masked_id_number
    assert world.cadre_a.id_number not in str(event.changes)
    assert "13812345678" not in str(event.changes)


def test_a_write_that_rolls_back_leaves_no_event(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_cadre(world.town_a, name="回滚")
        raise RuntimeError
    assert AuditEvent.objects.count() == before


def test_the_application_refuses_to_change_or_delete_events(world):
    event = AuditEvent.objects.first()
    event.note = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(note="x")


@pytest.mark.postgres
@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET note = 'x'", "DELETE FROM audit_auditevent"])
def test_postgresql_itself_refuses_update_and_delete(world, statement):
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(note="x").exists()


def test_the_auditor_lists_and_filters_events(world, as_user):
    client = as_user(world.auditor)
    response = client.get(reverse("audit:event-list"), {"model": "records.cadre", "action": "create"})
    assert response.status_code == 200
    events = list(response.context["page"])
    assert events and all(e.model == "records.cadre" and e.action == "create" for e in events)


def test_the_auditor_filters_failures(world, as_user, client):
    client.post(reverse("accounts:login"), {"username": "clerk_a", "password": "nope-nope-nope"})
    response = as_user(world.auditor).get(reverse("audit:event-list"), {"success": "0"})
    assert [e.action for e in response.context["page"]] == ["login_failed"]


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "clerk", "committee", "outsider"])
def test_the_audit_log_is_for_the_auditor_only(world, as_user, role):
    assert as_user(getattr(world, role)).get(reverse("audit:event-list")).status_code == 403


def test_the_audit_page_answers_405_to_post(world, as_user):
    assert as_user(world.auditor).post(reverse("audit:event-list")).status_code == 405


def test_the_auditor_exports_the_filtered_log_and_the_export_is_audited(world, as_user):
    response = as_user(world.auditor).get(reverse("audit:event-export"), {"model": "records.cadre"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("at,actor_name,action")
    assert len(lines) == 1 + 3  # the three cadres of the world
    assert all("records.cadre" in line for line in lines[1:])
    assert world.cadre_a.id_number not in body
    export = AuditEvent.objects.get(action="export")
    assert export.actor_name == "auditor" and export.note.startswith("3 rows")


def test_the_export_is_for_the_auditor_only(world, as_user):
    assert as_user(world.sysadmin).get(reverse("audit:event-export")).status_code == 403


def test_the_export_never_lets_a_cell_become_a_formula(world, as_user):
    make_cadre(world.town_a, name="=HYPERLINK(1)")
    body = b"".join(as_user(world.auditor).get(reverse("audit:event-export")).streaming_content).decode("utf-8-sig")
    assert ",'=HYPERLINK(1)" in body or "'=HYPERLINK(1)" in body
    assert ",=HYPERLINK" not in body


@pytest.mark.parametrize("bad", [{"success": "true"}, {"since": "garbage"}, {"action": "nonsense"}])
def test_the_export_refuses_a_filter_it_cannot_read_and_exports_nothing(world, as_user, bad):
    client = as_user(world.auditor)
    response = client.get(reverse("audit:event-export"), bad)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit:event-list") + "?")
    assert not AuditEvent.objects.filter(action="export").exists()
    page = client.get(response["Location"])
    assert "未导出任何内容" in page.text
    assert page.context["form"].errors


def test_the_export_without_filters_still_exports_the_whole_log(world, as_user):
    response = as_user(world.auditor).get(reverse("audit:event-export"))
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="export").note.startswith(f"{AuditEvent.objects.count() - 1} rows")
