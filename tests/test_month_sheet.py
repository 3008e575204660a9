from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import EntryStatus, LedgerEntry
from records.services.ledger import entry_return, month_close
from tests.factories import make_cadre, make_entry

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(unit_or_pk, month="2026-03"):
    return reverse("records:month-sheet", args=[getattr(unit_or_pk, "pk", unit_or_pk), month])


def _data(world, **overrides):
    data = {
        "cadre": world.cadre_a.pk,
        "rule": "JN04 重点项目攻坚任务",
        "points": "2",
        "facts": "完成产业园道路攻坚",
        "document_no": "青政〔2026〕31号",
        "occurred_on": "2026-03-15",
    }
    data.update(overrides)
    return data


def test_it_lists_the_units_cadres_with_their_entries_and_totals(world, as_en):
    make_entry(world.cadre_a, by=world.clerk, code="JN04", points="3")
    make_entry(world.cadre_a, by=world.clerk, code="SW01", points="-1")
    returned = make_entry(world.cadre_a, by=world.clerk, code="BZ04", points="2")
    entry_return(actor=world.reviewer, entry=returned, reason="文号有误")
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 4, 2))
    text = as_en(world.clerk).get(_url(world.town_a)).text
    assert "李明" in text and "王芳" not in text and "赵强" not in text
    assert "JN04 重点项目攻坚任务" in text and "SW01" in text and "文号有误" in text
    assert "+2.0</strong></td>" in text  # 3 − 1; the returned entry does not count; April is not shown


def test_each_entry_in_the_running_list_says_which_fact_it_is(world, as_en):
    # Two entries of one rule for one cadre are told apart by their facts and document numbers.
    make_entry(world.cadre_a, by=world.clerk, code="JN04", facts="完成产业园道路攻坚", document_no="青政〔2026〕31号")
    make_entry(world.cadre_a, by=world.clerk, code="JN04", facts="完成污水管网攻坚", document_no="青政〔2026〕32号")
    text = as_en(world.clerk).get(_url(world.town_a)).text
    assert "完成产业园道路攻坚 · 青政〔2026〕31号" in text
    assert "完成污水管网攻坚 · 青政〔2026〕32号" in text


def test_it_offers_one_form_with_only_the_units_cadres(world, as_en):
    response = as_en(world.clerk).get(_url(world.town_a))
    form = response.context["form"]
    assert list(form.fields["cadre"].queryset) == [world.cadre_a]
    assert "autofocus" in response.text and 'id="entry-form"' in response.text
    assert form["occurred_on"].value() == date(2026, 3, 1)


def test_it_records_an_entry_and_keeps_cadre_and_rule_for_the_next_row(world, as_en):
    client = as_en(world.clerk)
    response = client.post(_url(world.town_a), _data(world))
    assert response.status_code == 302
    assert response.url.startswith(_url(world.town_a) + "?")
    assert f"cadre={world.cadre_a.pk}" in response.url and "rule=JN04" in response.url
    entry = LedgerEntry.objects.get()
    assert entry.status == EntryStatus.PENDING and entry.month == date(2026, 3, 1)
    form = client.get(response.url).context["form"]
    assert form["cadre"].value() == world.cadre_a.pk
    assert form["rule"].value() == "JN04 重点项目攻坚任务"
    assert form["occurred_on"].value() == date(2026, 3, 15)
    assert not form["points"].value()


def test_after_a_saved_row_it_returns_to_the_top_of_the_sheet_with_the_cursor_in_the_cadre_field(world, as_en):
    # A page opened at a #fragment skips autofocus: the clerk would lose the cursor, and the
    # message saying the row was saved would be scrolled out of sight.
    client = as_en(world.clerk)
    response = client.post(_url(world.town_a), _data(world))
    assert "#" not in response.url
    page = client.get(response.url)
    form = page.context["form"]
    assert [name for name, f in form.fields.items() if f.widget.attrs.get("autofocus")] == ["cadre"]
    assert "recorded for 李明" in page.text
    assert f'href="?cadre={world.cadre_a.pk}"' in page.text and "#entry-form" not in page.text


def test_add_for_this_cadre_puts_the_cursor_in_the_rule_field(world, as_en):
    form = as_en(world.clerk).get(_url(world.town_a) + f"?cadre={world.cadre_a.pk}").context["form"]
    assert form.fields["rule"].widget.attrs.get("autofocus")
    assert not form.fields["cadre"].widget.attrs.get("autofocus")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"points": "7"}, "points"),
        ({"document_no": ""}, "document_no"),
        ({"rule": "XX99"}, "rule"),
        ({"occurred_on": "2026-04-01", "points": "9"}, "points"),
    ],
)
def test_a_refused_row_puts_the_cursor_on_the_first_field_in_error(world, as_en, overrides, field):
    form = as_en(world.clerk).post(_url(world.town_a), _data(world, **overrides)).context["form"]
    focused = [name for name, f in form.fields.items() if f.widget.attrs.get("autofocus")]
    assert focused == [field]


def test_it_shows_service_errors_on_the_sheet(world, as_en):
    response = as_en(world.clerk).post(_url(world.town_a), _data(world, points="7"))
    assert response.status_code == 200
    assert "Rule JN04 allows +1.0 ~ +3.0 points." in response.context["form"].errors["points"]
    assert "李明" in response.text
    assert not LedgerEntry.objects.exists()


def test_it_keeps_entries_in_the_sheets_month(world, as_en):
    response = as_en(world.clerk).post(_url(world.town_a), _data(world, occurred_on="2026-04-01"))
    assert "The date must fall within 2026-03." in response.context["form"].errors["occurred_on"]
    assert not LedgerEntry.objects.exists()


def test_it_refuses_the_same_fact_under_another_spelling_of_its_document_number(world, as_user):
    make_entry(world.cadre_a, by=world.county_clerk, document_no="青政〔2026〕31号")
    response = as_user(world.clerk).post(_url(world.town_a), _data(world, document_no="青政 （2026） 31号"))
    assert response.status_code == 200
    errors = response.context["form"].errors["document_no"]
    assert errors == ["该事项（同一干部、积分项目 JN04、文号 青政〔2026〕31号）已录入。"]
    assert LedgerEntry.objects.count() == 1


def test_it_stores_the_document_number_in_its_canonical_form(world, as_en):
    response = as_en(world.clerk).post(_url(world.town_a), _data(world, document_no="青政［２０２６］３１号"))
    assert response.status_code == 302
    assert LedgerEntry.objects.get().document_no == "青政〔2026〕31号"


def test_it_refuses_a_cadre_of_another_unit(world, as_en):
    response = as_en(world.clerk).post(_url(world.town_a), _data(world, cadre=world.cadre_a_office.pk))
    assert response.context["form"].errors["cadre"]
    assert not LedgerEntry.objects.exists()


def test_a_closed_month_shows_a_notice_and_no_form(world, as_en):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 3, 1))
    client = as_en(world.clerk)
    response = client.get(_url(world.town_a))
    assert response.context["form"] is None
    assert "This month is closed." in response.text and 'id="entry-form"' not in response.text
    response = client.post(_url(world.town_a), _data(world), follow=True)
    assert "2026-03 is closed" in response.text
    assert not LedgerEntry.objects.exists()


def test_a_month_closed_above_names_the_closing_unit(world, as_en):
    month_close(actor=world.county_clerk, unit=world.county, month=date(2026, 3, 1))
    text = as_en(world.clerk).get(_url(world.office_a)).text
    assert "It was closed for 青山县 as a whole" in text


def test_it_navigates_between_months(world, as_en):
    text = as_en(world.clerk).get(_url(world.town_a, "2026-01")).text
    assert _url(world.town_a, "2025-12") in text and _url(world.town_a, "2026-02") in text


def test_read_only_roles_see_the_sheet_without_the_form(world, as_en):
    make_entry(world.cadre_a, by=world.clerk)
    for user in (world.reviewer, world.committee):
        response = as_en(user).get(_url(world.town_a))
        assert response.status_code == 200 and response.context["form"] is None
        assert "李明" in response.text


@pytest.mark.parametrize("role", ["reviewer", "committee"])
def test_it_answers_403_to_read_only_roles_posting(world, as_en, role):
    assert as_en(getattr(world, role)).post(_url(world.town_a), _data(world)).status_code == 403
    assert not LedgerEntry.objects.exists()


def test_it_answers_403_to_users_without_a_record_role(world, as_en):
    assert as_en(world.outsider).get(_url(world.town_a)).status_code == 403
    assert as_en(world.auditor).get(_url(world.town_a)).status_code == 403


def test_it_answers_404_for_a_unit_outside_scope(world, as_en):
    client = as_en(world.clerk)
    assert client.get(_url(world.town_b)).status_code == 404
    assert client.post(_url(world.town_b), _data(world, cadre=world.cadre_b.pk)).status_code == 404
    assert client.get(_url(world.county)).status_code == 404


def test_a_county_clerk_sees_every_unit_below(world, as_en):
    assert as_en(world.county_clerk).get(_url(world.town_b)).status_code == 200


@pytest.mark.parametrize("month", ["2026-13", "26-03", "march"])
def test_it_answers_404_for_a_bad_month_or_unknown_unit(world, as_en, month):
    client = as_en(world.clerk)
    assert client.get(_url(world.town_a, month)).status_code == 404
    assert client.get(_url(99999)).status_code == 404


def test_it_answers_405_to_other_methods(world, as_en):
    assert as_en(world.clerk).put(_url(world.town_a)).status_code == 405


def test_the_current_month_link_redirects_to_this_month(world, as_en):
    client = as_en(world.reviewer)
    current = reverse("records:month-sheet-current", args=[world.town_a.pk])
    assert client.get(current).url == _url(world.town_a, "2026-11")
    assert client.get(current + "?month=2026-03").url == _url(world.town_a, "2026-03")
    assert client.get(reverse("records:month-sheet-current", args=[world.town_b.pk])).status_code == 404
    assert client.post(current).status_code == 405


def test_its_query_count_does_not_grow_with_cadres_and_entries(world, as_en):
    client = as_en(world.clerk)
    make_entry(world.cadre_a, by=world.clerk)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(world.town_a))
    for i in range(4):
        cadre = make_cadre(world.town_a, name=f"新干部{i}")
        make_entry(cadre, by=world.clerk)
        make_entry(cadre, by=world.clerk, code="SW01", points="-1")
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(world.town_a))
    assert "新干部3" in response.text
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_the_calendars_first_and_last_months_show_without_a_link_past_them(world, as_en, role):
    client = as_en(getattr(world, role))
    last = client.get(_url(world.town_a, "9999-12"))
    assert last.status_code == 200
    assert 'rel="next"' not in last.text and _url(world.town_a, "9999-11") in last.text
    first = client.get(_url(world.town_a, "0001-01"))
    assert first.status_code == 200
    assert 'rel="prev"' not in first.text and _url(world.town_a, "0001-02") in first.text


@pytest.mark.parametrize("month", ["0000-01", "10000-01", "9999-00"])
def test_it_answers_404_for_a_month_outside_the_calendar(world, as_en, month):
    assert as_en(world.clerk).get(_url(world.town_a, month)).status_code == 404


def test_it_says_its_month_totals_are_before_caps_as_the_entry_page_does(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, code="JN04", points="3")
    text = as_user(world.clerk).get(_url(world.town_a)).text
    assert "本月合计（封顶前）" in text
    assert "本月合计含待确认和已确认纪实，未按上限封顶" in text


def test_a_next_row_cadre_that_is_no_number_is_ignored(world, as_en):
    response = as_en(world.clerk).get(_url(world.town_a) + "?cadre=²")
    assert response.status_code == 200
    assert response.context["form"]["cadre"].value() is None


def test_a_month_to_come_offers_no_form_and_takes_no_entry(world, as_en):
    client = as_en(world.clerk)
    page = client.get(_url(world.town_a, "2026-12"))
    assert page.context["form"] is None
    assert "This month has not begun" in page.text
    response = client.post(_url(world.town_a, "2026-12"), _data(world, occurred_on="2026-12-01"))
    assert response.status_code == 200
    assert not LedgerEntry.objects.exists()
    assert client.get(_url(world.town_a, "2026-11")).context["form"] is not None
