import pytest


def test_the_cadre_api_lists_only_the_scope(world, as_user):
    data = as_user(world.clerk).get("/api/v1/cadres/").json()
    assert {c["staff_no"] for c in data["results"]} == {"A0001", "A0002"}


def test_the_cadre_api_filters_like_the_page(world, as_user):
    data = as_user(world.committee).get("/api/v1/cadres/", {"q": "赵"}).json()
    assert [c["name"] for c in data["results"]] == ["赵强"]


def test_the_cadre_api_answers_404_outside_scope(world, as_user):
    assert as_user(world.clerk).get(f"/api/v1/cadres/{world.cadre_b.pk}/").status_code == 404


def test_the_cadre_api_masks_identifiers_for_read_only_roles(world, as_user):
    data = as_user(world.committee).get(f"/api/v1/cadres/{world.cadre_a.pk}/").json()
    assert data["id_number"] == world.cadre_a.masked_id_number
    assert data["mobile"] == "138****5678"


def test_the_cadre_api_shows_identifiers_to_the_clerk(world, as_user):
    data = as_user(world.clerk).get(f"/api/v1/cadres/{world.cadre_a.pk}/").json()
    assert data["id_number"] == world.cadre_a.id_number


def test_the_api_is_refused_without_a_record_role(world, as_user):
    assert as_user(world.sysadmin).get("/api/v1/cadres/").status_code == 403
    assert as_user(world.outsider).get("/api/v1/units/").status_code == 403


def test_the_api_needs_a_login(client, world):
    assert client.get("/api/v1/cadres/").status_code == 403


def test_the_read_only_api_answers_405_to_writes(world, as_user):
    assert as_user(world.clerk).post("/api/v1/cadres/", {}).status_code == 405


def test_the_unit_api_lists_the_scope(world, as_user):
    data = as_user(world.clerk).get("/api/v1/units/").json()
    assert {u["code"] for u in data["results"]} == {"TA", "TA1"}


def test_a_bad_cadre_filter_is_a_400_not_the_whole_roster(world, as_user):
    response = as_user(world.clerk).get("/api/v1/cadres/", {"q": "李", "status": "retired"})
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


@pytest.mark.parametrize("param", ["page_size", "size"])
@pytest.mark.parametrize("url", ["/api/v1/units/", "/api/v1/cadres/", "/api/v1/rules/"])
def test_every_list_takes_a_page_size(world, as_user, url, param):
    data = as_user(world.committee).get(url, {param: 2}).json()
    assert len(data["results"]) == 2 and data["count"] > 2
    assert f"{param}=2" in data["next"]


def test_the_page_size_is_capped(world, as_user, monkeypatch):
    from core.api import ListPagination

    assert ListPagination.max_page_size == 200
    monkeypatch.setattr(ListPagination, "max_page_size", 3)
    client = as_user(world.committee)
    for url in ("/api/v1/units/", "/api/v1/entries/", "/api/v1/flags/"):
        assert client.get(url, {"page_size": 1000}).status_code == 200
    data = client.get("/api/v1/units/", {"page_size": 1000}).json()
    assert data["count"] == 4 and len(data["results"]) == 3
