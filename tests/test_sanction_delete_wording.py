"""A sanction entered by mistake is deleted (删除误录): not withdrawn (撤回) like a ledger entry or a
talk record, nor revoked (撤销), which is the formal annulment of a sanction decided."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_entry, make_sanction, make_talk


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def sanction(world):
    return make_sanction(world.cadre_a, by=world.clerk, document_no="青纪〔2026〕4号")


@pytest.fixture
def talk(world):
    return make_talk(world.cadre_a, by=world.clerk)


def _link(text, name, pk):
    """The words of the link to ``name`` for object ``pk`` on the page."""
    href = re.escape(reverse(f"records:{name}", args=[pk]))
    return re.search(rf'<a href="{href}">([^<]*)</a>', text).group(1)


def _cadre_page(client, world):
    return client.get(reverse("records:cadre-detail", args=[world.cadre_a.pk])).text


def test_the_cadre_page_offers_to_delete_a_sanction_entered_by_mistake_but_to_withdraw_a_talk(
    world, as_en, sanction, talk
):
    text = _cadre_page(as_en(world.clerk), world)
    assert _link(text, "sanction-withdraw", sanction.pk) == "Delete as entered by mistake"
    assert _link(text, "talk-withdraw", talk.pk) == "Withdraw"


def test_the_page_speaks_of_deleting_a_sanction_entered_by_mistake(world, as_en, sanction):
    text = as_en(world.clerk).get(reverse("records:sanction-withdraw", args=[sanction.pk])).text
    title = "Delete a sanction entered by mistake"
    assert f"<title>{title}" in text and f"<h1>{title}</h1>" in text
    assert "A sanction that was in fact decided must stay on record." in text
    assert 'data-confirm="Delete this sanction as entered by mistake?"' in text
    assert ">reason for deleting<" in text
    assert '<button type="submit" class="danger">Delete as entered by mistake</button>' in text
    assert "Withdraw" not in text and "Revoke" not in text


def test_it_reports_the_sanction_deleted(world, as_en, sanction):
    client = as_en(world.clerk)
    response = client.post(reverse("records:sanction-withdraw", args=[sanction.pk]), {"reason": "录入对象错误"})
    assert "The sanction entered by mistake was deleted." in client.get(response.url).text


def test_in_chinese_a_sanction_is_deleted_as_entered_by_mistake_and_a_ledger_entry_withdrawn(
    world, as_user, sanction, talk
):
    entry = make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 10))
    client = as_user(world.clerk)
    text = _cadre_page(client, world)
    assert _link(text, "sanction-withdraw", sanction.pk) == "删除误录"
    assert _link(text, "talk-withdraw", talk.pk) == "撤回"
    assert _link(text, "entry-withdraw", entry.pk) == "撤回"
    page = client.get(reverse("records:sanction-withdraw", args=[sanction.pk])).text
    assert "删除误录的处分处理" in page and "撤回" not in page and "撤销" not in page
