from django.urls import reverse

from records.models import Rank
from tests.factories import make_cadre

URL = reverse("records:cadre-list")


def test_it_lists_only_cadres_in_the_users_scope(world, as_user):
    response = as_user(world.clerk).get(URL)
    assert "李明" in response.text
    assert "王芳" in response.text
    assert "赵强" not in response.text


def test_a_county_user_sees_every_township(world, as_user):
    response = as_user(world.committee).get(URL)
    assert "李明" in response.text and "赵强" in response.text


def _names(response):
    return [c.name for c in response.context["page"]]


def test_search_by_name_or_staff_number_stays_in_scope(world, as_user):
    client = as_user(world.clerk)
    assert _names(client.get(URL, {"q": "赵强"})) == []
    assert _names(client.get(URL, {"q": "B0001"})) == []
    assert _names(client.get(URL, {"q": "A0002"})) == ["王芳"]
    assert _names(client.get(URL, {"q": "李"})) == ["李明"]


def test_a_unit_filter_outside_scope_is_ignored_not_obeyed(world, as_user):
    response = as_user(world.clerk).get(URL, {"unit": world.town_b.pk})
    assert "赵强" not in response.text


def test_the_unit_filter_includes_subunits(world, as_user):
    response = as_user(world.committee).get(URL, {"unit": world.town_a.pk})
    assert "王芳" in response.text and "李明" in response.text and "赵强" not in response.text


def test_it_filters_by_rank_and_status(world, as_user):
    make_cadre(world.town_a, name="周伟", rank=Rank.PRINCIPAL_4, status="退休")
    client = as_user(world.clerk)
    assert "周伟" in client.get(URL, {"rank": Rank.PRINCIPAL_4}).text
    assert "李明" not in client.get(URL, {"rank": Rank.PRINCIPAL_4}).text
    assert "周伟" in client.get(URL, {"status": "退休"}).text


def test_it_sorts_by_name_descending(world, as_user):
    text = as_user(world.county_clerk).get(URL, {"sort": "-staff_no"}).text
    assert text.index("B0001") < text.index("A0001")


def test_it_paginates(world, as_user):
    for i in range(25):
        make_cadre(world.town_a, name=f"新人{i:02d}")
    response = as_user(world.clerk).get(URL)
    assert response.context["page"].paginator.count == 27
    assert len(response.context["page"].object_list) == 20
    assert len(as_user(world.clerk).get(URL, {"page": 2}).context["page"].object_list) == 7


def test_its_query_count_does_not_grow_with_page_size(world, as_user, django_assert_num_queries):
    for i in range(60):
        make_cadre(world.town_a, name=f"新人{i:02d}")
    client = as_user(world.clerk)
    client.get(URL)  # warm the session

    def count(size):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"size": size}).status_code == 200
        return len(ctx.captured_queries)

    assert count(20) == count(50) == count(100)


def test_a_user_without_a_role_is_refused(world, as_user):
    assert as_user(world.outsider).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_answers_405_to_post(world, as_user):
    assert as_user(world.clerk).post(URL).status_code == 405


def test_a_reviewer_exports_the_roster_in_scope_from_the_list(world, as_user):
    client = as_user(world.reviewer)
    page = client.get("/cadres/").content.decode()
    assert "/reports/raw/?what=cadres" in page

    response = client.get("/reports/raw/?what=cadres")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "/reports/raw/" not in as_user(world.clerk).get("/cadres/").content.decode()


def test_a_filter_it_cannot_apply_says_so_beside_the_field(world, as_user):
    response = as_user(world.clerk).get(URL, {"q": "李", "unit": world.town_b.pk})
    assert 'class="error"' in response.text


def test_an_unknown_sort_key_keeps_the_other_filters_and_says_so(world, as_user):
    response = as_user(world.committee).get(URL, {"unit": world.town_b.pk, "sort": "bogus"})
    assert _names(response) == ["赵强"]
    assert response.context["form"].errors["sort"]
    assert 'class="error" role="alert"' in response.text
