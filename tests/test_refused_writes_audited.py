"""A write aimed at a record outside the user's scope answers 404, revealing nothing, and is still an
attempt: the audit log records it as refused, as it does a 403. Once per request, and with nothing of
the record in it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory
from django.urls import reverse

from audit.middleware import AuditContextMiddleware
from audit.models import Action, AuditEvent
from audit.services import audit_record
from records.models import Cadre, Sanction
from tests.factories import UserFactory, grant, make_sanction
from tests.test_cadre_edit import _form


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def sanction_b(world):
    return make_sanction(
        world.cadre_b,
        by=world.county_clerk,
        measure=("诫勉", "诫勉"),
        decided_on=date(2026, 2, 1),
        document_no="青纪诫〔2026〕1号",
        reason="履职不力",
    )


def _denied():
    return AuditEvent.objects.filter(action=Action.DENIED)


def test_editing_a_cadre_outside_the_scope_is_audited_as_refused(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_b.pk])

    response = as_user(world.clerk).post(url, _form(world.cadre_b, name="篡改"))

    assert response.status_code == 404
    assert Cadre.objects.get(pk=world.cadre_b.pk).name == "赵强"
    [event] = _denied()
    assert (event.actor_id, event.actor_name, event.success) == (world.clerk.pk, "clerk_a", False)
    assert event.note == f"POST {url} (404)" and event.ip == "127.0.0.1" and event.at is not None
    # Nothing of the record the clerk may not see, and filed for county-wide auditors only.
    assert (event.model, event.object_id, event.object_repr, event.changes, event.unit_id) == ("", "", "", {}, None)
    assert "赵强" not in str(vars(event))


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_an_api_write_to_a_record_outside_the_scope_is_audited_as_refused(world, as_user, sanction_b, method):
    url = f"/api/v1/sanctions/{sanction_b.pk}/"

    response = getattr(as_user(world.clerk), method)(url, {"reason": "x"}, content_type="application/json")

    assert response.status_code == 404
    assert Sanction.objects.filter(pk=sanction_b.pk).exists()
    [event] = _denied()
    assert event.actor_name == "clerk_a" and not event.success
    assert event.note == f"{method.upper()} {url} (404)" and event.object_repr == ""


def test_a_forbidden_write_is_still_audited_once(world, as_user):
    url = reverse("records:cadre-edit", args=[world.cadre_a.pk])
    assert as_user(world.reviewer).post(url, _form(world.cadre_a)).status_code == 403
    assert [e.note for e in _denied()] == [f"POST {url} (403)"]


def test_reading_a_record_outside_the_scope_is_no_refused_write(world, as_user, sanction_b):
    client = as_user(world.clerk)
    assert client.get(reverse("records:cadre-edit", args=[world.cadre_b.pk])).status_code == 404
    assert client.get(f"/api/v1/sanctions/{sanction_b.pk}/").status_code == 404
    assert not _denied().exists()


def test_an_anonymous_write_is_not_audited_as_refused(world, client):
    response = client.post(reverse("records:cadre-edit", args=[world.cadre_b.pk]), _form(world.cadre_b))
    assert response.status_code == 302
    assert client.post("/no-such-page/").status_code == 404
    assert not _denied().exists()


def test_a_refusal_the_view_audited_itself_is_not_audited_twice(world, as_user):
    # The unlock of an account beyond a township records its own refusal, then answers 404.
    town_secadmin = grant(UserFactory(username="secadmin_a"), "secadmin", world.town_a)

    response = as_user(town_secadmin).post(reverse("accounts:lockout-unlock"), {"username": "committee"})

    assert response.status_code == 404
    [event] = _denied()
    assert event.model == "accounts.user" and "committee" in event.note


def _through_the_middleware(view, user):
    request = RequestFactory().post("/somewhere/")
    request.user = user
    return AuditContextMiddleware(view)(request)


def test_a_refusal_rolled_back_with_its_transaction_does_not_count_as_audited(world):
    def view(request):
        try:
            with transaction.atomic():
                audit_record(action=Action.DENIED, success=False, note="undone")
                raise PermissionDenied
        except PermissionDenied:
            return HttpResponseNotFound()

    _through_the_middleware(view, world.clerk)

    assert [e.note for e in _denied()] == ["POST /somewhere/ (404)"]


def test_a_refused_write_that_ends_well_is_left_to_the_view(world):
    # The review queues audit what they refuse and answer with the page: no second event here.
    def view(request):
        audit_record(action=Action.DENIED, success=False, note="refused in the queue")
        return HttpResponse()

    _through_the_middleware(view, world.clerk)

    assert [e.note for e in _denied()] == ["refused in the queue"]
