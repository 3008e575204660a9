from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from records.models import TalkRecord

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(cadre_or_pk):
    return reverse("records:talk-new", args=[getattr(cadre_or_pk, "pk", cadre_or_pk)])


def _data(**overrides):
    data = {
        "kind": "谈心谈话",
        "held_on": "2026-11-02",
        "talker": "镇党委书记 陈刚",
        "summary": "了解思想动态和工作困难",
        "outcome": "表示将加强学习",
    }
    data.update(overrides)
    return data


def test_it_defaults_the_date_to_today(world, as_en):
    text = as_en(world.clerk).get(_url(world.cadre_a)).text
    assert 'value="2026-11-21"' in text and ">Reminder talk</option>" in text


def test_it_records_a_talk_and_shows_it_on_the_cadre_page(world, as_en):
    client = as_en(world.clerk)
    response = client.post(_url(world.cadre_a), _data())
    assert response.status_code == 302
    assert response.url == reverse("records:cadre-detail", args=[world.cadre_a.pk]) + "#talks"
    talk = TalkRecord.objects.get(cadre=world.cadre_a)
    assert talk.held_on == date(2026, 11, 2) and talk.entered_by == world.clerk
    text = client.get(response.url).text
    assert "镇党委书记 陈刚" in text and "了解思想动态和工作困难" in text


def test_it_requires_the_essentials_and_refuses_future_dates(world, as_en):
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(summary="", held_on="2026-12-01", kind="闲聊"))
    errors = response.context["form"].errors
    assert {"summary", "held_on", "kind"} <= set(errors)
    assert not TalkRecord.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(world.cadre_a)).status_code == 403
    assert client.post(_url(world.cadre_a), _data()).status_code == 403
    assert not TalkRecord.objects.exists()


def test_it_answers_404_outside_scope_and_for_unknown_cadres(world, as_en):
    client = as_en(world.clerk)
    assert client.post(_url(world.cadre_b), _data()).status_code == 404
    assert client.get(_url(99999)).status_code == 404
    assert not TalkRecord.objects.exists()


def test_it_answers_405_to_other_methods(world, as_en):
    assert as_en(world.clerk).delete(_url(world.cadre_a)).status_code == 405
