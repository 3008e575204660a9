"""Withdrawing a talk record entered by mistake: the service and its page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import Action, AuditEvent
from records.models import TalkRecord
from records.services.sanctions import talk_withdraw
from tests.factories import make_talk

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _talk(actor, cadre):
    return make_talk(cadre, by=actor)


@pytest.fixture
def talk(world):
    return _talk(world.clerk, world.cadre_a)


def test_withdrawing_deletes_the_talk_and_audits_its_values_with_the_reason(world, talk):
    talk_withdraw(actor=world.clerk, talk=talk, reason="录入对象错误")

    assert not TalkRecord.objects.filter(pk=talk.pk).exists()
    event = AuditEvent.objects.get(action=Action.DELETE, model="records.talkrecord", object_id=str(talk.pk))
    assert event.note == "录入对象错误" and event.actor_id == world.clerk.pk
    assert event.changes["summary"] == ["函询核实", None] and event.changes["kind"] == ["函询", None]


def test_the_reason_is_required(world, talk):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        talk_withdraw(actor=world.clerk, talk=talk, reason="")
    assert exc.value.message_dict["reason"] == ["Say why the talk record is withdrawn."]
    assert TalkRecord.objects.filter(pk=talk.pk).exists()


def test_only_a_clerk_whose_scope_covers_the_cadre_withdraws(world, talk):
    with pytest.raises(PermissionDenied):
        talk_withdraw(actor=world.committee, talk=talk, reason="x")
    other = _talk(world.county_clerk, world.cadre_b)
    with pytest.raises(PermissionDenied):
        talk_withdraw(actor=world.clerk, talk=other, reason="x")
    assert TalkRecord.objects.count() == 2


def _url(talk_or_pk):
    return reverse("records:talk-withdraw", args=[getattr(talk_or_pk, "pk", talk_or_pk)])


def test_the_cadre_page_links_each_talk_to_its_withdrawal_for_clerks_only(world, as_en, talk):
    page = reverse("records:cadre-detail", args=[world.cadre_a.pk])
    assert _url(talk) in as_en(world.clerk).get(page).text
    assert _url(talk) not in as_en(world.committee).get(page).text


def test_it_asks_for_confirmation_and_a_reason_first(world, as_en, talk):
    response = as_en(world.clerk).get(_url(talk))
    assert response.status_code == 200
    assert "data-confirm=" in response.text and "函询核实" in response.text and 'name="reason"' in response.text


def test_it_withdraws_the_talk(world, as_en, talk):
    client = as_en(world.clerk)
    response = client.post(_url(talk), {"reason": "录入对象错误"})
    assert response.status_code == 302
    assert response.url == reverse("records:cadre-detail", args=[world.cadre_a.pk]) + "#talks"
    assert not TalkRecord.objects.filter(pk=talk.pk).exists()
    assert "Talk record withdrawn." in client.get(response.url).text


def test_it_requires_a_reason(world, as_en, talk):
    response = as_en(world.clerk).post(_url(talk), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert TalkRecord.objects.filter(pk=talk.pk).exists()


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, talk, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(talk)).status_code == 403
    assert client.post(_url(talk), {"reason": "x"}).status_code == 403
    assert TalkRecord.objects.filter(pk=talk.pk).exists()


def test_it_answers_404_outside_scope_and_for_unknown_talks(world, as_en):
    other = _talk(world.county_clerk, world.cadre_b)
    client = as_en(world.clerk)
    assert client.post(_url(other), {"reason": "x"}).status_code == 404
    assert client.get(_url(99999)).status_code == 404
    assert TalkRecord.objects.filter(pk=other.pk).exists()


def test_it_answers_405_to_other_methods(world, as_en, talk):
    assert as_en(world.clerk).delete(_url(talk)).status_code == 405
