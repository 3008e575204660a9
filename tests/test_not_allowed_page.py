from django.urls import reverse

from records.models import MonthClose


def _close_url(world):
    return reverse("records:month-close", args=[world.town_a.pk, "2026-03"])


def test_it_answers_a_get_on_a_button_address_with_a_page(world, as_user):
    response = as_user(world.clerk).get(_close_url(world))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "405.html" in [t.name for t in response.templates]
    assert reverse("core:home") in response.text
    assert not MonthClose.objects.exists()


def test_it_is_where_the_login_sends_a_button_pressed_after_the_session_ended(world, client):
    world.clerk.set_password("Dongling#Roster25")
    world.clerk.save()
    client.post(_close_url(world))
    response = client.post(
        reverse("accounts:login"),
        {"username": world.clerk.username, "password": "Dongling#Roster25", "next": _close_url(world)},
        follow=True,
    )
    assert response.status_code == 405
    assert "405.html" in [t.name for t in response.templates]


def test_other_methods_keep_the_empty_answer(world, as_user):
    response = as_user(world.clerk).put(_close_url(world))
    assert response.status_code == 405 and response.content == b""


def test_the_api_keeps_its_own_405(world, as_user):
    response = as_user(world.clerk).post("/api/v1/cadres/", {})
    assert response.status_code == 405
    assert "detail" in response.json()
