from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from records.models import Sanction, SanctionMeasure, TalkRecord
from records.services.sanctions import sanction_create, talk_create

SANCTIONS = "/api/v1/sanctions/"
TALKS = "/api/v1/talks/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _measure(kind, name):
    return SanctionMeasure.objects.get(kind=kind, name=name)


def _sanction(cadre, **overrides):
    data = {
        "cadre": cadre.pk,
        "measure": _measure("政务处分", "记过").pk,
        "decided_on": "2026-03-15",
        "document_no": "青纪处〔2026〕4号",
        "reason": "违规发放津补贴",
    }
    data.update(overrides)
    return data


def _talk(cadre, **overrides):
    data = {
        "cadre": cadre.pk,
        "kind": "提醒谈话",
        "held_on": "2026-04-02",
        "talker": "县委组织部副部长张华",
        "summary": "就重点任务推进滞后进行提醒",
    }
    data.update(overrides)
    return data


@pytest.fixture
def sanctions(world):
    measure = _measure("诫勉", "诫勉")
    return {
        name: sanction_create(
            actor=actor,
            cadre=cadre,
            measure=measure,
            decided_on=date(2026, 2, 1),
            document_no=f"青纪诫〔2026〕{i}号",
            reason="履职不力",
        )  # fmt: skip
        for i, (name, actor, cadre) in enumerate(
            [("a", world.clerk, world.cadre_a), ("b", world.county_clerk, world.cadre_b)], 1
        )
    }


def test_a_clerk_records_a_sanction_with_its_impact_periods(world, as_user):
    response = as_user(world.clerk).post(SANCTIONS, _sanction(world.cadre_a))
    assert response.status_code == 201
    data = response.json()
    assert (data["kind"], data["measure_name"], data["promotion_barred_until"]) == ("政务处分", "记过", "2027-03-14")
    assert data["post_barred_until"] is None and data["entered_by"] == world.clerk.pk


def test_a_removal_bars_the_post_too(world, as_user):
    data = (
        as_user(world.clerk).post(SANCTIONS, _sanction(world.cadre_a, measure=_measure("组织处理", "免职").pk)).json()
    )
    assert (data["promotion_barred_until"], data["post_barred_until"]) == ("2028-03-14", "2027-03-14")


def test_the_same_sanction_cannot_be_recorded_twice(world, as_user):
    client = as_user(world.clerk)
    client.post(SANCTIONS, _sanction(world.cadre_a))
    response = client.post(SANCTIONS, _sanction(world.cadre_a))
    assert response.status_code == 400 and "document_no" in response.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"measure": 9999}, "measure"), ({"decided_on": ""}, "decided_on"), ({"reason": ""}, "reason")],
)
def test_an_invalid_sanction_answers_400_with_the_field(world, as_user, overrides, field):
    response = as_user(world.clerk).post(SANCTIONS, _sanction(world.cadre_a, **overrides))
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("who", ["reviewer", "committee"])
def test_only_clerks_record_sanctions(world, as_user, who):
    assert as_user(getattr(world, who)).post(SANCTIONS, _sanction(world.cadre_a)).status_code == 403
    assert not Sanction.objects.exists()


def test_a_sanction_for_a_cadre_outside_the_scope_answers_404(world, as_user):
    assert as_user(world.clerk).post(SANCTIONS, _sanction(world.cadre_b)).status_code == 404


def test_the_sanction_list_is_scoped_and_filtered(world, as_user, sanctions):
    assert [s["id"] for s in as_user(world.clerk).get(SANCTIONS).json()["results"]] == [sanctions["a"].pk]
    client = as_user(world.committee)
    assert client.get(SANCTIONS).json()["count"] == 2
    assert [s["cadre_name"] for s in client.get(SANCTIONS, {"cadre": world.cadre_b.pk}).json()["results"]] == ["赵强"]
    assert as_user(world.clerk).get(f"{SANCTIONS}{sanctions['b'].pk}/").status_code == 404
    assert as_user(world.reviewer).get(f"{SANCTIONS}{sanctions['a'].pk}/").status_code == 200


def test_sanctions_answer_405_to_a_whole_replacement(world, as_user, sanctions):
    # Corrected with PATCH and withdrawn with DELETE (test_api_sanction_corrections.py); never replaced.
    client = as_user(world.clerk)
    assert client.put(f"{SANCTIONS}{sanctions['a'].pk}/", {}, content_type="application/json").status_code == 405
    assert client.post(f"{SANCTIONS}{sanctions['a'].pk}/", {}).status_code == 405


def test_a_clerk_records_a_talk(world, as_user):
    response = as_user(world.clerk).post(TALKS, _talk(world.cadre_a_office, outcome="表示立即整改"))
    assert response.status_code == 201
    talk = TalkRecord.objects.get()
    assert (talk.cadre, talk.kind, talk.outcome, talk.entered_by) == (
        world.cadre_a_office,
        "提醒谈话",
        "表示立即整改",
        world.clerk,
    )


@pytest.mark.parametrize(("overrides", "field"), [({"kind": "闲聊"}, "kind"), ({"summary": ""}, "summary")])
def test_an_invalid_talk_answers_400_with_the_field(world, as_user, overrides, field):
    response = as_user(world.clerk).post(TALKS, _talk(world.cadre_a, **overrides))
    assert response.status_code == 400 and field in response.json()


def test_talks_are_scoped_and_written_by_clerks_only(world, as_user):
    talk_create(
        actor=world.county_clerk,
        cadre=world.cadre_b,
        kind="函询",
        held_on=date(2026, 5, 1),
        talker="县纪委",
        summary="函询",
    )
    mine = talk_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        kind="谈心谈话",
        held_on=date(2026, 5, 2),
        talker="党委书记",
        summary="谈心",
    )
    assert [t["id"] for t in as_user(world.clerk).get(TALKS).json()["results"]] == [mine.pk]
    assert as_user(world.committee).get(TALKS, {"kind": "函询"}).json()["count"] == 1
    assert as_user(world.committee).post(TALKS, _talk(world.cadre_a)).status_code == 403
    assert as_user(world.clerk).post(TALKS, _talk(world.cadre_b)).status_code == 404
    assert as_user(world.clerk).put(f"{TALKS}{mine.pk}/", {}, content_type="application/json").status_code == 405
