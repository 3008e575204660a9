"""PATCH (correct) and DELETE (withdraw) of sanctions and talk records through the API."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.models import Action, AuditEvent
from records.models import Sanction, SanctionMeasure, TalkRecord
from tests.factories import make_sanction, make_talk

SANCTIONS = "/api/v1/sanctions/"
TALKS = "/api/v1/talks/"
JSON = "application/json"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _measure(kind, name):
    return SanctionMeasure.objects.get(kind=kind, name=name)


def _sanction(actor, cadre, document_no="青纪诫〔2026〕1号"):
    return make_sanction(
        cadre,
        by=actor,
        measure=("诫勉", "诫勉"),
        decided_on=date(2026, 2, 1),
        document_no=document_no,
        reason="履职不力",
    )


def _talk(actor, cadre):
    return make_talk(cadre, by=actor, kind="谈心谈话", held_on=date(2026, 5, 2), talker="党委书记", summary="谈心")


@pytest.fixture
def sanction(world):
    return _sanction(world.clerk, world.cadre_a)


@pytest.fixture
def talk(world):
    return _talk(world.clerk, world.cadre_a)


# --- sanctions -----------------------------------------------------------------------------------


def test_a_patch_corrects_the_measure_and_answers_the_new_impact_periods(world, as_user, sanction):
    response = as_user(world.clerk).patch(
        f"{SANCTIONS}{sanction.pk}/",
        {"measure": _measure("党纪处分", "严重警告").pk, "correction_reason": "处分种类录错"},
        content_type=JSON,
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["kind"], data["measure_name"], data["decided_on"]) == ("党纪处分", "严重警告", "2026-02-01")
    assert (data["promotion_barred_until"], data["blocks_excellent"]) == ("2027-07-31", True)
    event = AuditEvent.objects.get(action=Action.UPDATE, model="records.sanction")
    assert event.note == "处分种类录错" and event.changes["promotion_barred_until"] == ["2026-07-31", "2027-07-31"]


def test_a_patch_without_a_correction_reason_answers_400_on_that_field(world, as_user, sanction):
    response = as_user(world.clerk).patch(f"{SANCTIONS}{sanction.pk}/", {"decided_on": "2026-02-02"}, content_type=JSON)
    assert response.status_code == 400 and "correction_reason" in response.json()
    sanction.refresh_from_db()
    assert sanction.decided_on == date(2026, 2, 1)


def test_a_patch_to_a_date_to_come_answers_400_on_that_field(world, as_user, sanction):
    response = as_user(world.clerk).patch(
        f"{SANCTIONS}{sanction.pk}/", {"decided_on": "2027-01-01", "correction_reason": "x"}, content_type=JSON
    )
    assert response.status_code == 400 and "decided_on" in response.json()
    sanction.refresh_from_db()
    assert sanction.decided_on == date(2026, 2, 1)


def test_a_patch_into_a_sanction_already_recorded_answers_400_on_the_document(world, as_user, sanction):
    other = _sanction(world.clerk, world.cadre_a, document_no="青纪诫〔2026〕2号")
    response = as_user(world.clerk).patch(
        f"{SANCTIONS}{other.pk}/", {"document_no": "青纪诫[2026]1号", "correction_reason": "x"}, content_type=JSON
    )
    assert response.status_code == 400 and "document_no" in response.json()


def test_a_patch_never_moves_a_sanction_to_another_cadre(world, as_user, sanction):
    response = as_user(world.clerk).patch(
        f"{SANCTIONS}{sanction.pk}/",
        {"cadre": world.cadre_a_office.pk, "reason": "履职不力，贻误工作", "correction_reason": "补充事由"},
        content_type=JSON,
    )
    assert response.status_code == 200
    sanction.refresh_from_db()
    assert sanction.cadre == world.cadre_a and sanction.reason == "履职不力，贻误工作"


def test_a_delete_withdraws_the_sanction_with_the_reason_in_the_body(world, as_user, sanction):
    response = as_user(world.clerk).delete(f"{SANCTIONS}{sanction.pk}/", {"reason": "重复录入"}, content_type=JSON)
    assert response.status_code == 204
    assert not Sanction.objects.exists()
    assert AuditEvent.objects.get(action=Action.DELETE, model="records.sanction").note == "重复录入"


def test_a_delete_takes_the_reason_from_the_query_string(world, as_user, sanction):
    response = as_user(world.clerk).delete(f"{SANCTIONS}{sanction.pk}/?reason=重复录入")
    assert response.status_code == 204
    assert AuditEvent.objects.get(action=Action.DELETE, model="records.sanction").note == "重复录入"


def test_a_delete_without_a_reason_answers_400(world, as_user, sanction):
    response = as_user(world.clerk).delete(f"{SANCTIONS}{sanction.pk}/")
    assert response.status_code == 400 and "reason" in response.json()
    assert Sanction.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "committee"])
def test_read_only_roles_get_403(world, as_user, sanction, talk, who):
    client = as_user(getattr(world, who))
    patch = {"decided_on": "2026-02-02", "correction_reason": "x"}
    assert client.patch(f"{SANCTIONS}{sanction.pk}/", patch, content_type=JSON).status_code == 403
    assert client.delete(f"{SANCTIONS}{sanction.pk}/?reason=x").status_code == 403
    assert (
        client.patch(f"{TALKS}{talk.pk}/", {"kind": "函询", "correction_reason": "x"}, content_type=JSON).status_code
        == 403
    )
    assert client.delete(f"{TALKS}{talk.pk}/?reason=x").status_code == 403
    assert Sanction.objects.get().decided_on == date(2026, 2, 1) and TalkRecord.objects.get().kind == "谈心谈话"


def test_records_outside_the_scope_answer_404(world, as_user):
    sanction = _sanction(world.county_clerk, world.cadre_b)
    talk = _talk(world.county_clerk, world.cadre_b)
    client = as_user(world.clerk)
    patch = {"reason": "x", "correction_reason": "x"}
    assert client.patch(f"{SANCTIONS}{sanction.pk}/", patch, content_type=JSON).status_code == 404
    assert client.delete(f"{SANCTIONS}{sanction.pk}/?reason=x").status_code == 404
    assert (
        client.patch(f"{TALKS}{talk.pk}/", {"summary": "x", "correction_reason": "x"}, content_type=JSON).status_code
        == 404
    )
    assert client.delete(f"{TALKS}{talk.pk}/?reason=x").status_code == 404
    assert Sanction.objects.exists() and TalkRecord.objects.exists()


# --- talks ---------------------------------------------------------------------------------------


def test_a_patch_corrects_a_talk(world, as_user, talk):
    response = as_user(world.clerk).patch(
        f"{TALKS}{talk.pk}/",
        {"kind": "提醒谈话", "outcome": "表示整改", "correction_reason": "类型录错"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert (response.json()["kind"], response.json()["outcome"], response.json()["summary"]) == (
        "提醒谈话",
        "表示整改",
        "谈心",
    )
    assert AuditEvent.objects.get(action=Action.UPDATE, model="records.talkrecord").note == "类型录错"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"kind": "提醒谈话"}, "correction_reason"),
        ({"kind": "闲聊", "correction_reason": "x"}, "kind"),
        ({"held_on": "1999-05-02", "correction_reason": "x"}, "held_on"),
    ],
)
def test_an_invalid_talk_correction_answers_400_with_the_field(world, as_user, talk, patch, field):
    response = as_user(world.clerk).patch(f"{TALKS}{talk.pk}/", patch, content_type=JSON)
    assert response.status_code == 400 and field in response.json()
    assert TalkRecord.objects.get().kind == "谈心谈话"


def test_a_delete_withdraws_a_talk(world, as_user, talk):
    client = as_user(world.clerk)
    assert client.delete(f"{TALKS}{talk.pk}/", {"reason": ""}, content_type=JSON).status_code == 400
    assert client.delete(f"{TALKS}{talk.pk}/", {"reason": "录入对象错误"}, content_type=JSON).status_code == 204
    assert not TalkRecord.objects.exists()
    assert AuditEvent.objects.get(action=Action.DELETE, model="records.talkrecord").note == "录入对象错误"
