"""The flag lists: per kind, filtered, each flag in one Chinese sentence with the facts behind it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import FlagState
from tests.factories import make_cadre
from tests.factories_scores import impact_blocker, make_flag, promotion_data

URL = reverse("assessments:flag-list")


@pytest.fixture
def flags(world):
    return {
        "promotion": make_flag(world.cadre_a),
        "talk": make_flag(world.cadre_a_office, kind="talk_reminder"),
        "blocked": make_flag(
            world.cadre_a_office, data=promotion_data(blockers=[impact_blocker()]), state=FlagState.BLOCKED
        ),
        "withdrawn": make_flag(
            world.cadre_a, kind="commendation", state=FlagState.WITHDRAWN, decision="accepted", decision_note="已表彰"
        ),
        "b": make_flag(world.cadre_b),
    }


def test_it_says_each_flag_in_chinese_with_links_to_its_facts(world, as_user, flags):
    response = as_user(world.committee).get(URL, {"kind": "talk_reminder"})
    assert response.status_code == 200
    [flag] = response.context["page"]
    assert flag.text == "3 月净扣分 -6 分（提示线 -5 分）"
    cadre_page = reverse("records:cadre-detail", args=[world.cadre_a_office.pk])
    assert [href for _label, href in flag.links] == [
        f"{cadre_page}?year=2025#entry-101",
        f"{cadre_page}?year=2025#entry-102",
    ]
    assert f"{cadre_page}?year=2025#entry-101" in response.text


def test_a_blocked_flag_says_why_it_was_not_raised(world, as_user, flags):
    response = as_user(world.committee).get(URL, {"state": "blocked"})
    [flag] = response.context["page"]
    assert flag.text == "未提示优先提拔：政务处分记过影响期至 2026-03-31"
    assert "未提示优先提拔：政务处分记过影响期至 2026-03-31" in response.text
    assert any(href.endswith("#sanctions") for _label, href in flag.links)


def test_withdrawn_flags_are_greyed_and_keep_their_decision(world, as_user, flags):
    response = as_user(world.committee).get(URL, {"kind": "commendation"})
    [flag] = response.context["page"]
    assert flag.is_withdrawn
    assert 'class="flag-withdrawn muted"' in response.text and "已表彰" in response.text


def test_it_filters_by_state_decision_unit_and_year(world, as_user, flags):
    client = as_user(world.committee)

    def ids(**params):
        return {f.pk for f in client.get(URL, params).context["page"]}

    assert ids(decision="accepted") == {flags["withdrawn"].pk}
    assert ids(decision="pending", kind="promotion") == {flags["promotion"].pk, flags["blocked"].pk, flags["b"].pk}
    assert ids(unit=world.office_a.pk) == {flags["talk"].pk, flags["blocked"].pk}
    assert ids(year=2024) == set()
    assert ids(q="赵") == {flags["b"].pk}


def test_the_tabs_count_what_the_list_under_them_shows(world, as_user, flags):
    client = as_user(world.committee)

    def tabs_and_rows(**params):
        response = client.get(URL, params)
        tabs = {t["kind"]: t["count"] for t in response.context["tabs"]}
        rows = {t: client.get(URL, {**params, "kind": t}).context["page"].paginator.count for t in tabs}
        return tabs, rows

    # The withdrawn 评先评优 and the blocked 优先提拔 are listed, so they are counted.
    tabs, rows = tabs_and_rows(year=2025)
    assert tabs == rows
    assert (tabs[""], tabs["promotion"], tabs["commendation"]) == (5, 3, 1)
    # The other filters apply to the counts as to the list.
    tabs, rows = tabs_and_rows(state="raised", q="李")
    assert tabs == rows
    assert (tabs[""], tabs["promotion"], tabs["commendation"]) == (1, 1, 0)


def test_the_list_follows_the_order_of_the_tabs(world, as_user, flags):
    make_flag(world.cadre_a, kind="adjustment")
    make_flag(world.cadre_a, kind="yellow_card")
    response = as_user(world.committee).get(URL)
    tab_order = [t["kind"] for t in response.context["tabs"][1:]]
    kinds = [f.kind for f in response.context["page"]]
    assert kinds == sorted(kinds, key=tab_order.index)
    assert kinds == ["promotion"] * 3 + ["commendation", "talk_reminder", "yellow_card", "adjustment"]
    # Within a kind: raised before blocked (and withdrawn), then by unit.
    states = [f.state for f in response.context["page"] if f.kind == "promotion"]
    assert states == ["raised", "raised", "blocked"]


def test_a_township_reviewer_sees_only_the_townships_flags(world, as_user, flags):
    page = as_user(world.reviewer).get(URL).context["page"]
    assert flags["b"] not in list(page) and len(page) == 4


def test_the_list_costs_the_same_queries_for_more_flags(world, as_user, flags):
    client = as_user(world.committee)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(20):
        make_flag(make_cadre(world.town_a, name=f"干部{i}"), kind="talk_reminder")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["page"]) == 25
    assert len(many) == len(few)


def test_other_roles_are_refused(world, as_user):
    for user in (world.clerk, world.sysadmin, world.outsider):
        assert as_user(user).get(URL).status_code == 403


def test_it_answers_only_get(world, as_user):
    assert as_user(world.committee).post(URL).status_code == 405
