"""Ids in the API's query parameters: a number too large (or too small) for any record is a 400 in
Chinese, checked before the query (the database driver would otherwise fail: a 500)."""

import pytest

from tests.factories import make_entry

BIG = "99999999999999999999"
INVALID_ID = ["请填写有效的记录编号。"]

FILTERS = [
    ("/api/v1/annual-summaries/", "unit"),
    ("/api/v1/annual-summaries/", "cadre"),
    ("/api/v1/flags/", "unit"),
    ("/api/v1/flags/", "cadre"),
    ("/api/v1/entries/", "unit"),
    ("/api/v1/entries/", "cadre"),
    ("/api/v1/quarterly-reviews/", "unit"),
    ("/api/v1/quarterly-reviews/", "cadre"),
    ("/api/v1/sanctions/", "cadre"),
    ("/api/v1/talks/", "cadre"),
    ("/api/v1/rulings/", "cadre"),
    ("/api/v1/rulings/", "entry"),
]


@pytest.mark.parametrize(("url", "name"), FILTERS)
@pytest.mark.parametrize("value", [BIG, "-" + BIG, "0"])
def test_an_id_no_record_can_have_is_a_400_in_chinese(world, as_user, url, name, value):
    response = as_user(world.committee).get(url, {name: value})
    assert response.status_code == 400
    assert response.json() == {name: INVALID_ID}


def test_the_largest_id_the_database_holds_is_a_valid_filter(world, as_user):
    response = as_user(world.committee).get("/api/v1/entries/", {"cadre": 2**63 - 1})
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_real_id_still_filters(world, as_user):
    entry = make_entry(world.cadre_a, by=world.clerk)
    make_entry(world.cadre_a_office, by=world.clerk)
    response = as_user(world.reviewer).get("/api/v1/entries/", {"cadre": world.cadre_a.pk})
    assert [e["id"] for e in response.json()["results"]] == [entry.pk]


def test_text_in_an_id_keeps_its_own_message(world, as_user):
    response = as_user(world.committee).get("/api/v1/annual-summaries/", {"unit": "abc"})
    assert response.status_code == 400 and response.json() == {"unit": ["请填写合法的整数值。"]}


@pytest.mark.parametrize("url", ["/api/v1/annual-summaries/", "/api/v1/entries/", "/api/v1/quarterly-reviews/"])
def test_a_huge_page_number_is_a_404_not_a_500(world, as_user, url):
    response = as_user(world.committee).get(url, {"page": BIG})
    assert response.status_code == 404 and response.json() == {"detail": "无效页面。"}


@pytest.mark.parametrize("url", ["/api/v1/annual-summaries/", "/api/v1/flags/", "/api/v1/quarterly-reviews/"])
def test_a_huge_year_is_a_400(world, as_user, url):
    assert as_user(world.committee).get(url, {"year": BIG}).status_code == 400


def test_a_huge_id_in_a_new_entry_is_a_400_not_a_500(world, as_user):
    response = as_user(world.clerk).post(
        "/api/v1/entries/",
        {"cadre": BIG, "rule": "JN04", "points": "2", "facts": "完成重点项目攻坚", "occurred_on": "2026-01-05"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json() == {"cadre": INVALID_ID}
