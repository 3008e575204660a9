"""The API's own error texts: a missing record and an unreadable body answer in Chinese, keep their
status and the {"detail": …} shape, and do not name the model behind the URL."""

import pytest
from django.urls import reverse

from assessments.models import CandidateFlag, FlagDecision
from tests.factories_scores import make_flag

NOT_FOUND = {"detail": "未找到该记录。"}


@pytest.fixture
def flag(world):
    return make_flag(world.cadre_a)


@pytest.mark.parametrize("url", ["/api/v1/flags/999999/", "/api/v1/annual-summaries/999999/", "/api/v1/cadres/999999/"])
def test_a_missing_record_is_a_404_in_chinese(world, as_user, url):
    response = as_user(world.committee).get(url)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_deciding_a_missing_flag_is_the_same_404(world, as_user):
    response = as_user(world.committee).post(
        "/api/v1/flags/999999/decide/", {"decision": "accepted"}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_a_record_outside_the_scope_reads_like_a_missing_one(world, as_user):
    response = as_user(world.clerk).get(f"/api/v1/cadres/{world.cadre_b.pk}/")
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_malformed_json_is_a_400_in_chinese(world, as_user, flag):
    response = as_user(world.committee).post(
        f"/api/v1/flags/{flag.pk}/decide/", '{decision: "accepted"', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON。"}
    assert CandidateFlag.objects.get(pk=flag.pk).decision == FlagDecision.PENDING


def test_an_unreadable_form_body_is_a_400_in_chinese(world, as_user, flag):
    response = as_user(world.committee).post(
        f"/api/v1/flags/{flag.pk}/decide/", b"decision=accepted", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "无法解析请求内容。"}


def test_english_users_get_the_english_text(world, as_user):
    client = as_user(world.committee)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.get("/api/v1/cadres/999999/").json() == {"detail": "No such record was found."}
