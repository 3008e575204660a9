"""Correcting a talk record: the service and its page."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from audit.models import Action, AuditEvent
from records.models import TalkRecord
from records.services.sanctions import talk_correct
from tests.factories import make_talk

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _talk(actor, cadre):
    return make_talk(
        cadre, by=actor, kind="谈心谈话", held_on=date(2026, 4, 2), talker="党委书记", summary="就重点任务推进谈心"
    )


@pytest.fixture
def talk(world):
    return _talk(world.clerk, world.cadre_a)


def _correct(world, talk, **overrides):
    values = {
        "actor": world.clerk,
        "talk": talk,
        "kind": "提醒谈话",
        "held_on": date(2026, 4, 3),
        "talker": "党委书记",
        "summary": "就重点任务推进滞后进行提醒",
        "outcome": "表示立即整改",
        "correction_reason": "谈话类型录错",
    }
    values.update(overrides)
    return talk_correct(**values)


def _unchanged(talk):
    fresh = TalkRecord.objects.get(pk=talk.pk)
    return (fresh.kind, fresh.held_on, fresh.summary) == (talk.kind, talk.held_on, talk.summary) and (
        not AuditEvent.objects.filter(action=Action.UPDATE, model="records.talkrecord").exists()
    )


# --- the service -------------------------------------------------------------------------------


def test_a_clerk_corrects_the_talk_and_the_audit_keeps_before_after_and_reason(world, talk):
    _correct(world, talk)

    talk.refresh_from_db()
    assert (talk.kind, talk.held_on, talk.outcome) == ("提醒谈话", date(2026, 4, 3), "表示立即整改")
    event = AuditEvent.objects.get(action=Action.UPDATE, model="records.talkrecord", object_id=str(talk.pk))
    assert event.note == "谈话类型录错" and event.actor_id == world.clerk.pk
    assert event.changes["kind"] == ["谈心谈话", "提醒谈话"]
    assert event.changes["held_on"] == ["2026-04-02", "2026-04-03"]


@pytest.mark.parametrize(("day", "words"), [(date(2026, 12, 1), "future"), (date(1999, 1, 1), "from 2000-01-01")])
def test_a_wrong_date_is_refused_in_words_and_nothing_changes(world, talk, day, words):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _correct(world, talk, held_on=day)
    assert words in str(exc.value.message_dict["held_on"])
    assert _unchanged(talk)


def test_the_reason_for_the_correction_is_required(world, talk):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _correct(world, talk, correction_reason=" ")
    assert exc.value.message_dict["correction_reason"] == ["Say why the talk record is corrected."]
    assert _unchanged(talk)


def test_an_unknown_kind_is_refused(world, talk):
    with pytest.raises(ValidationError) as exc:
        _correct(world, talk, kind="闲聊")
    assert "kind" in exc.value.message_dict
    assert _unchanged(talk)


def test_only_a_clerk_whose_scope_covers_the_cadre_corrects(world, talk):
    with pytest.raises(PermissionDenied):
        _correct(world, talk, actor=world.reviewer)
    other = _talk(world.county_clerk, world.cadre_b)
    with pytest.raises(PermissionDenied):
        _correct(world, other)
    assert _unchanged(talk) and _unchanged(other)


# --- the page ----------------------------------------------------------------------------------


def _url(talk_or_pk):
    return reverse("records:talk-correct", args=[getattr(talk_or_pk, "pk", talk_or_pk)])


def _data(**overrides):
    data = {
        "correction_reason": "谈话类型录错",
        "kind": "提醒谈话",
        "held_on": "2026-04-02",
        "talker": "党委书记",
        "summary": "就重点任务推进滞后进行提醒",
        "outcome": "",
    }
    data.update(overrides)
    return data


def test_the_cadre_page_links_each_talk_to_its_correction_for_clerks_only(world, as_en, talk):
    page = reverse("records:cadre-detail", args=[world.cadre_a.pk])
    assert _url(talk) in as_en(world.clerk).get(page).text
    assert _url(talk) not in as_en(world.reviewer).get(page).text


def test_it_prefills_the_recorded_values(world, as_en, talk):
    response = as_en(world.clerk).get(_url(talk))
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["kind"].value(), form["held_on"].value()) == ("谈心谈话", date(2026, 4, 2))
    assert "就重点任务推进谈心" in response.text and "data-confirm=" in response.text


def test_it_corrects_the_talk(world, as_en, talk):
    client = as_en(world.clerk)
    response = client.post(_url(talk), _data())
    assert response.status_code == 302
    assert response.url == reverse("records:cadre-detail", args=[world.cadre_a.pk]) + f"#talk-{talk.pk}"
    talk.refresh_from_db()
    assert talk.kind == "提醒谈话"
    assert "Talk record corrected." in client.get(response.url).text


def test_it_refuses_a_date_before_2000_on_its_field(world, as_en, talk):
    response = as_en(world.clerk).post(_url(talk), _data(held_on="1999-04-02"))
    assert "Give a date from 2000-01-01 on." in response.context["form"].errors["held_on"]
    assert _unchanged(talk)


def test_it_requires_the_reason_for_the_correction(world, as_en, talk):
    response = as_en(world.clerk).post(_url(talk), _data(correction_reason=""))
    assert response.context["form"].errors["correction_reason"]
    assert _unchanged(talk)


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, talk, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(talk)).status_code == 403
    assert client.post(_url(talk), _data()).status_code == 403
    assert _unchanged(talk)


def test_it_answers_404_outside_scope_and_for_unknown_talks(world, as_en):
    other = _talk(world.county_clerk, world.cadre_b)
    client = as_en(world.clerk)
    assert client.post(_url(other), _data()).status_code == 404
    assert client.get(_url(99999)).status_code == 404
    assert _unchanged(other)


def test_it_answers_405_to_other_methods(world, as_en, talk):
    assert as_en(world.clerk).put(_url(talk)).status_code == 405
