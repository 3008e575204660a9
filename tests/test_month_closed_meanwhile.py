"""A month closed while a clerk types an entry: the entry is refused, nothing is saved, and what
the clerk typed is kept on the page (month sheet, cadre page, correction, reversal) or named in the
API's 400, so that it can be copied or entered again once the month is reopened."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from records.models import EntryStatus, LedgerEntry
from records.services.ledger import entry_return, month_close, month_reopen
from tests.factories import confirmed_entry, make_entry

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MARCH = date(2026, 3, 1)

TYPED = {
    "rule": "JN04 重点项目攻坚任务",
    "points": "2",
    "facts": "完成产业园道路攻坚",
    "document_no": "青政〔2026〕31号",
    "occurred_on": "2026-03-15",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _sheet(unit, month="2026-03"):
    return reverse("records:month-sheet", args=[unit.pk, month])


def _row(world):
    return {"cadre": world.cadre_a.pk, **TYPED}


def _kept(form, typed):
    return {name: form[name].value() for name in typed}


# --- the month sheet ---------------------------------------------------------------------------------


def test_a_row_posted_after_the_month_closed_keeps_everything_the_clerk_typed(world, as_en):
    client = as_en(world.clerk)
    assert client.get(_sheet(world.town_a)).context["form"] is not None  # the clerk starts typing
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)

    response = client.post(_sheet(world.town_a), _row(world))

    assert response.status_code == 200
    assert not LedgerEntry.objects.exists()
    form = response.context["form"]
    assert _kept(form, _row(world)) == {**_row(world), "cadre": str(world.cadre_a.pk)}
    assert 'value="完成产业园道路攻坚"' in response.text and 'value="青政〔2026〕31号"' in response.text
    assert form.non_field_errors() == [
        "2026-03 is closed; no new entries.",
        f"It was closed for 东岭镇 by {world.reviewer} at 2026-11-21 10:00, while this row was being typed. "
        "Nothing was saved: the row is kept below, to copy, or to add again once a reviewer has reopened the month.",
    ]
    assert 'role="alert"' in response.text


def test_a_month_closed_above_names_the_unit_it_was_closed_for(world, as_en):
    month_close(actor=world.county_clerk, unit=world.county, month=MARCH)
    response = as_en(world.clerk).post(_sheet(world.town_a), _row(world))
    assert response.status_code == 200 and not LedgerEntry.objects.exists()
    assert f"It was closed for 青山县 by {world.county_clerk} at 2026-11-21 10:00" in response.text
    assert response.context["form"]["facts"].value() == "完成产业园道路攻坚"


def test_the_kept_row_is_added_once_the_month_is_reopened(world, as_en):
    client = as_en(world.clerk)
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    assert client.post(_sheet(world.town_a), _row(world)).status_code == 200
    month_reopen(actor=world.reviewer, unit=world.town_a, month=MARCH, reason="补录漏报纪实")

    response = client.post(_sheet(world.town_a), _row(world))

    assert response.status_code == 302
    assert LedgerEntry.objects.get().facts == "完成产业园道路攻坚"


def test_the_kept_row_offers_no_other_way_into_the_closed_month(world, as_en):
    returned = make_entry(world.cadre_a, by=world.clerk)
    entry_return(actor=world.reviewer, entry=returned, reason="文号有误")
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    response = as_en(world.clerk).post(_sheet(world.town_a), _row(world))
    assert 'id="entry-form"' in response.text
    assert reverse("records:entry-edit", args=[returned.pk]) not in response.text
    assert 'class="add-row"' not in response.text


def test_a_read_only_role_still_cannot_post_to_a_closed_month(world, as_en):
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    assert as_en(world.reviewer).post(_sheet(world.town_a), _row(world)).status_code == 403


def test_a_closed_month_still_offers_no_form_to_open(world, as_en):
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    assert as_en(world.clerk).get(_sheet(world.town_a)).context["form"] is None


# --- the other forms that enter into a month ---------------------------------------------------------


def test_the_cadre_pages_entry_form_keeps_a_row_refused_for_a_closed_month(world, as_en):
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    response = as_en(world.clerk).post(reverse("records:entry-new", args=[world.cadre_a.pk]), TYPED)
    assert response.status_code == 200 and not LedgerEntry.objects.exists()
    form = response.context["form"]
    assert _kept(form, TYPED) == TYPED
    assert "2026-03 is closed for 东岭镇" in form.errors["occurred_on"][0]


def test_an_edit_moved_into_a_closed_month_keeps_what_was_typed(world, as_en):
    entry = make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 4, 2))
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    response = as_en(world.clerk).post(reverse("records:entry-edit", args=[entry.pk]), TYPED)
    assert response.status_code == 200
    assert _kept(response.context["form"], TYPED) == TYPED
    entry.refresh_from_db()
    assert entry.month == date(2026, 4, 1) and entry.facts != TYPED["facts"]


def test_a_correction_refused_for_a_closed_month_keeps_what_was_typed(world, as_en):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, points="3")
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    typed = {"reason": "分值录入错误", **TYPED, "points": "1"}
    response = as_en(world.clerk).post(reverse("records:entry-correct", args=[entry.pk]), typed)
    assert response.status_code == 200
    assert _kept(response.context["form"], typed) == typed
    assert "2026-03 is closed for 东岭镇" in response.context["form"].non_field_errors()[0]
    assert list(LedgerEntry.objects.values_list("pk", flat=True)) == [entry.pk]


def test_a_reversal_refused_for_a_closed_month_keeps_its_reason(world, as_en):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    response = as_en(world.clerk).post(reverse("records:entry-reverse", args=[entry.pk]), {"reason": "重复录入"})
    assert response.status_code == 200
    assert response.context["form"]["reason"].value() == "重复录入"
    assert LedgerEntry.objects.get().status == EntryStatus.CONFIRMED


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_answers_a_clear_400_for_an_entry_in_a_closed_month(world, as_en):
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    data = {**TYPED, "rule": "JN04", "cadre": world.cadre_a.pk}
    response = as_en(world.clerk).post("/api/v1/entries/", data)
    assert response.status_code == 400
    assert response.json() == {
        "occurred_on": ["2026-03 is closed for 东岭镇; reopening needs a reason and a reviewer."]
    }
    assert not LedgerEntry.objects.exists()


def test_the_api_answers_a_clear_400_for_a_reversal_in_a_closed_month(world, as_en):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    month_close(actor=world.reviewer, unit=world.town_a, month=MARCH)
    response = as_en(world.clerk).post(f"/api/v1/entries/{entry.pk}/reverse/", {"reason": "重复录入"})
    assert response.status_code == 400
    assert "2026-03 is closed for 东岭镇" in response.json()["non_field_errors"][0]
    assert LedgerEntry.objects.count() == 1
