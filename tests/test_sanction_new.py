from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from records.models import Sanction, SanctionMeasure

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(cadre_or_pk):
    return reverse("records:sanction-new", args=[getattr(cadre_or_pk, "pk", cadre_or_pk)])


def _data(**overrides):
    data = {
        "measure": SanctionMeasure.objects.get(kind="组织处理", name="免职").pk,
        "decided_on": "2026-05-10",
        "document_no": "青组〔2026〕5号",
        "reason": "履职不力",
    }
    data.update(overrides)
    return data


def test_it_groups_the_measures_by_kind(world, as_en):
    text = as_en(world.clerk).get(_url(world.cadre_a)).text
    assert '<optgroup label="Administrative sanction">' in text
    assert '<optgroup label="Party disciplinary sanction">' in text
    assert ">严重警告</option>" in text


def test_it_records_a_sanction_with_its_impact_period_and_shows_it(world, as_en):
    client = as_en(world.clerk)
    response = client.post(_url(world.cadre_a), _data())
    assert response.status_code == 302
    assert response.url == reverse("records:cadre-detail", args=[world.cadre_a.pk]) + "#sanctions"
    sanction = Sanction.objects.get(cadre=world.cadre_a)
    assert sanction.promotion_barred_until == date(2028, 5, 9)
    assert sanction.post_barred_until == date(2027, 5, 9)
    assert sanction.entered_by == world.clerk
    text = client.get(response.url).text
    assert "2028-05-09" in text and "no post until 2027-05-09" in text and "in force" in text


def test_it_refuses_the_same_sanction_twice(world, as_en):
    client = as_en(world.clerk)
    client.post(_url(world.cadre_a), _data())
    response = client.post(_url(world.cadre_a), _data())
    assert response.status_code == 200
    assert "This sanction is already recorded." in response.context["form"].errors["document_no"]
    assert Sanction.objects.count() == 1


def test_it_refuses_a_decision_in_the_future(world, as_en):
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(decided_on="2026-12-01"))
    assert response.context["form"].errors["decided_on"]
    assert not Sanction.objects.exists()


def test_it_requires_a_measure(world, as_en):
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(measure=""))
    assert response.context["form"].errors["measure"]
    response = as_en(world.clerk).post(_url(world.cadre_a), _data(measure="9999"))
    assert response.context["form"].errors["measure"]
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, role):
    client = as_en(getattr(world, role))
    assert client.get(_url(world.cadre_a)).status_code == 403
    assert client.post(_url(world.cadre_a), _data()).status_code == 403
    assert not Sanction.objects.exists()


def test_it_answers_404_outside_scope_and_for_unknown_cadres(world, as_en):
    client = as_en(world.clerk)
    assert client.post(_url(world.cadre_b), _data()).status_code == 404
    assert client.get(_url(99999)).status_code == 404
    assert not Sanction.objects.exists()


def test_it_answers_405_to_other_methods(world, as_en):
    assert as_en(world.clerk).put(_url(world.cadre_a)).status_code == 405
