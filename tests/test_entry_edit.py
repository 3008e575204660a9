from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from records.models import EntryStatus
from records.services.ledger import entry_return, entry_reverse
from tests.factories import confirmed_entry, make_entry

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(entry_or_pk):
    return reverse("records:entry-edit", args=[getattr(entry_or_pk, "pk", entry_or_pk)])


def _data(**overrides):
    data = {
        "rule": "JN04",
        "points": "3",
        "facts": "完成产业园道路攻坚（补充材料）",
        "document_no": "青政〔2026〕90号",
        "occurred_on": "2026-03-12",
    }
    data.update(overrides)
    return data


def test_it_shows_the_entry_prefilled(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕7号")
    text = as_en(world.clerk).get(_url(entry)).text
    assert 'value="JN04 重点项目攻坚任务"' in text
    assert 'value="青政〔2026〕7号"' in text and 'value="2026-03-10"' in text
    assert "2026-03 so far" in text


def test_it_saves_changes_and_returns_to_the_cadre_page(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    response = as_en(world.clerk).post(_url(entry), _data())
    assert response.status_code == 302
    assert response.url == reverse("records:cadre-detail", args=[world.cadre_a.pk]) + "#ledger"
    entry.refresh_from_db()
    assert entry.points == Decimal("3") and entry.document_no == "青政〔2026〕90号"
    assert entry.occurred_on == date(2026, 3, 12) and entry.status == EntryStatus.PENDING


def test_it_stores_the_document_number_in_its_canonical_form(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    response = as_en(world.clerk).post(_url(entry), _data(document_no="青政（２０２６）90 号"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.document_no == "青政〔2026〕90号"


def test_it_refuses_another_spelling_of_a_recorded_fact(world, as_en):
    make_entry(world.cadre_a, by=world.clerk, document_no="青政〔2026〕90号")
    entry = make_entry(world.cadre_a, by=world.clerk)
    response = as_en(world.clerk).post(_url(entry), _data(document_no="青政[2026]90号"))
    assert response.status_code == 200
    assert "is already recorded" in response.context["form"].errors["document_no"][0]
    entry.refresh_from_db()
    assert entry.document_no != "青政〔2026〕90号"


def test_it_shows_a_returned_entrys_reason_and_resubmits_it(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    entry_return(actor=world.reviewer, entry=entry, reason="文号与通报文件不符，请核对")
    client = as_en(world.clerk)
    text = client.get(_url(entry)).text
    assert "Returned by" in text and "文号与通报文件不符，请核对" in text
    client.post(_url(entry), _data())
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING and entry.return_reason == ""


def test_it_shows_service_errors_on_their_fields(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    response = as_en(world.clerk).post(_url(entry), _data(points="-1"))
    assert response.status_code == 200
    assert "Rule JN04 adds points: enter a positive number." in response.context["form"].errors["points"]
    entry.refresh_from_db()
    assert entry.points == Decimal("2")


def test_it_never_edits_a_confirmed_entry(world, as_en):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    client = as_en(world.clerk)
    assert client.get(_url(entry)).status_code == 302
    response = client.post(_url(entry), _data(), follow=True)
    assert "A confirmed entry cannot be changed: reverse it and enter a correction." in response.text
    entry.refresh_from_db()
    assert entry.points == Decimal("2") and entry.status == EntryStatus.CONFIRMED


def test_it_never_edits_a_reversal(world, as_en):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    reversal = entry_reverse(actor=world.clerk, entry=entry, reason="重复录入")
    response = as_en(world.clerk).post(_url(reversal), _data(points="1"))
    assert response.status_code == 302
    reversal.refresh_from_db()
    assert reversal.points == Decimal("-2")


def test_a_returned_reversal_is_sent_to_be_withdrawn_not_reversed(world, as_en):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    reversal = entry_reverse(actor=world.clerk, entry=entry, reason="重复录入")
    entry_return(actor=world.reviewer, entry=reversal, reason="不应冲销")
    response = as_en(world.clerk).get(_url(reversal), follow=True)
    assert response.redirect_chain[-1][0] == reverse("records:entry-withdraw", args=[reversal.pk])
    assert "A reversal cannot be edited; withdraw it instead." in response.text
    assert "reverse it instead" not in response.text


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles(world, as_en, role):
    entry = make_entry(world.cadre_a, by=world.clerk)
    client = as_en(getattr(world, role))
    assert client.get(_url(entry)).status_code == 403
    assert client.post(_url(entry), _data()).status_code == 403
    entry.refresh_from_db()
    assert entry.points == Decimal("2")


def test_it_answers_404_for_an_entry_outside_scope(world, as_en):
    entry = make_entry(world.cadre_b, by=world.county_clerk)
    assert as_en(world.clerk).get(_url(entry)).status_code == 404


def test_it_answers_404_for_an_unknown_entry(world, as_en):
    assert as_en(world.clerk).get(_url(99999)).status_code == 404


def test_it_answers_405_to_other_methods(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk)
    assert as_en(world.clerk).put(_url(entry)).status_code == 405
