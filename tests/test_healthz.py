from unittest import mock

from django.test import override_settings


def test_it_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] is True


def test_it_answers_503_when_the_database_is_down(client, db):
    with mock.patch("core.views._database_ok", return_value=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_it_answers_503_when_a_configured_broker_is_unreachable(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] is False


def test_it_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


def test_it_answers_405_to_post(client, db):
    assert client.post("/healthz").status_code == 405
