from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import CadreStatus
from records.services.ledger import entry_return, month_close, month_reopen
from tests.factories import UserFactory, confirmed_entry, grant, make_cadre, make_entry, make_unit

URL = reverse("records:completion")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _grid(response):
    return {row["unit"].name: row for row in response.context["grid"]}


def _cell(response, unit_name, month):
    return _grid(response)[unit_name]["cells"][month - 1]


def test_it_lists_the_units_in_scope_in_tree_order_with_their_depth(world, as_user):
    response = as_user(world.committee).get(URL, {"year": 2026})
    rows = [(row["unit"].name, row["unit"].level) for row in response.context["grid"]]
    assert rows == [("青山县", 0), ("东岭镇", 1), ("东岭镇党政办", 2), ("西河镇", 1)]
    assert "level-2" in response.text


def test_a_township_user_sees_only_their_subtree(world, as_user):
    response = as_user(world.reviewer).get(URL, {"year": 2026})
    assert list(_grid(response)) == ["东岭镇", "东岭镇党政办"]


def test_it_counts_cadres_with_entries_entries_and_pending_per_month(world, as_user):
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 10))
    confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, occurred_on=date(2026, 3, 12))
    returned = make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 14))
    entry_return(actor=world.reviewer, entry=returned, reason="重复")
    make_entry(world.cadre_a_office, by=world.clerk, occurred_on=date(2026, 4, 1))
    response = as_user(world.reviewer).get(URL, {"year": 2026})
    march = _cell(response, "东岭镇", 3)
    assert (march.cadres, march.entries, march.pending) == (1, 2, 1)
    assert _grid(response)["东岭镇"]["unit"].active == 1
    april = _cell(response, "东岭镇党政办", 4)
    assert (april.cadres, april.entries, april.pending) == (1, 1, 1)
    assert _cell(response, "东岭镇", 4).entries == 0


def test_seconded_cadres_are_counted_apart_from_those_in_post(world, as_user):
    seconded = make_cadre(world.town_a, name="孙挂职", status=CadreStatus.SECONDED)
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 10))
    make_entry(seconded, by=world.clerk, occurred_on=date(2026, 3, 11))
    response = as_user(world.reviewer).get(URL, {"year": 2026})
    town = _grid(response)["东岭镇"]
    assert (town["unit"].active, town["unit"].seconded, town["cells"][2].cadres) == (1, 1, 2)
    assert ">2/1+1</div>" in response.text
    assert _grid(response)["东岭镇党政办"]["unit"].seconded == 0
    assert ">0/1</div>" in response.text  # no seconded cadre, no "+"


def test_a_unit_closed_through_an_ancestor_counts_as_closed(world, as_user):
    month_close(actor=world.county_clerk, unit=world.county, month=date(2026, 3, 1))
    response = as_user(world.reviewer).get(URL, {"year": 2026})
    for name in ("东岭镇", "东岭镇党政办"):
        cell = _cell(response, name, 3)
        assert cell.closed and not cell.closed_here
        assert cell.closed_by_row.unit == world.county
        assert not cell.can_close and not cell.can_reopen
    assert not _cell(response, "东岭镇", 4).closed
    assert "青山县" in response.text


def test_a_unit_closed_itself_shows_who_closed_it_and_may_be_reopened_by_a_reviewer(world, as_user):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 5, 1))
    reviewer_view = as_user(world.reviewer).get(URL, {"year": 2026})
    cell = _cell(reviewer_view, "东岭镇", 5)
    assert cell.closed_here and cell.can_reopen
    assert cell.row.closed_by == world.clerk
    assert _cell(reviewer_view, "东岭镇党政办", 5).closed
    assert reverse("records:month-reopen", args=[world.town_a.pk, "2026-05"]) in reviewer_view.text


def test_a_reopened_month_shows_the_reason_and_can_be_closed_again(world, as_user):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 5, 1))
    month_reopen(actor=world.reviewer, unit=world.town_a, month=date(2026, 5, 1), reason="补录遗漏纪实")
    response = as_user(world.clerk).get(URL, {"year": 2026})
    cell = _cell(response, "东岭镇", 5)
    assert not cell.closed and cell.can_close
    assert "补录遗漏纪实" in response.text


def test_future_months_are_not_closable(world, as_user):
    response = as_user(world.clerk).get(URL, {"year": 2026})
    assert _cell(response, "东岭镇", 11).can_close
    december = _cell(response, "东岭镇", 12)
    assert december.future and not december.can_close
    assert reverse("records:month-close", args=[world.town_a.pk, "2026-12"]) not in response.text


def test_only_clerks_and_reviewers_get_close_buttons(world, as_user):
    assert _cell(as_user(world.clerk).get(URL, {"year": 2026}), "东岭镇", 3).can_close
    committee = as_user(world.committee).get(URL, {"year": 2026})
    assert not any(c.can_close or c.can_reopen for row in committee.context["grid"] for c in row["cells"])


def test_a_clerk_may_close_but_not_reopen(world, as_user):
    month_close(actor=world.clerk, unit=world.town_a, month=date(2026, 3, 1))
    cell = _cell(as_user(world.clerk).get(URL, {"year": 2026}), "东岭镇", 3)
    assert cell.closed_here and not cell.can_reopen


def test_the_year_defaults_to_this_year_and_ignores_nonsense(world, as_user):
    client = as_user(world.reviewer)
    assert client.get(URL).context["year"] == 2026
    assert client.get(URL, {"year": "abc"}).context["year"] == 2026
    assert client.get(URL, {"year": "1900"}).context["year"] == 2026
    assert client.get(URL, {"year": "2025"}).context["year"] == 2025


def test_its_query_count_does_not_grow_with_the_number_of_units(world, as_user):
    county_reviewer = grant(UserFactory(username="reviewer_county"), "reviewer", world.county)
    client = as_user(county_reviewer)
    month_close(actor=county_reviewer, unit=world.town_b, month=date(2026, 2, 1))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"year": 2026}).status_code == 200
        return len(ctx.captured_queries)

    client.get(URL)
    before = count()
    for i in range(8):
        unit = make_unit(f"新单位{i}", parent=world.town_b)
        month_close(actor=county_reviewer, unit=unit, month=date(2026, 3, 1))
    assert count() == before


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor", "outsider"])
def test_roles_without_records_get_403(world, as_user, role):
    assert as_user(getattr(world, role)).get(URL).status_code == 403


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_are_405(world, as_user, method):
    assert getattr(as_user(world.reviewer), method)(URL).status_code == 405


def test_it_holds_the_close_button_while_entries_are_pending_here_or_below(world, as_user):
    make_entry(world.cadre_a_office, by=world.clerk, occurred_on=date(2026, 3, 10))
    make_entry(world.cadre_a_office, by=world.clerk, occurred_on=date(2026, 3, 11))
    make_entry(world.cadre_a, by=world.clerk, occurred_on=date(2026, 3, 12))
    response = as_user(world.reviewer).get(URL, {"year": 2026})
    assert _cell(response, "东岭镇", 3).subtree_pending == 3
    assert _cell(response, "东岭镇党政办", 3).subtree_pending == 2
    assert _cell(response, "东岭镇", 4).subtree_pending == 0
    assert "本级及下级尚有 3 条待确认，确认或退回后方可关账。" in response.text
    assert "本级及下级尚有 2 条待确认，确认或退回后方可关账。" in response.text
    close = reverse("records:month-close", args=[world.town_a.pk, "2026-03"])
    form = response.text.split(f'action="{close}"')[1].split("</form>")[0]
    assert "disabled" in form
