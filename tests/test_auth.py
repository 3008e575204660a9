from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_the_login_page_speaks_chinese(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "登录" in response.text


def test_a_good_login_lands_on_home_and_is_audited(client, world):
    response = _login(client, "clerk_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    event = AuditEvent.objects.get(action="login")
    assert event.actor_name == "clerk_a" and event.ip == "10.0.0.1" and event.success


def test_a_failed_login_is_audited_as_a_failure(client, world):
    response = _login(client, "clerk_a", "wrong-password")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="login_failed")
    assert event.note == "clerk_a" and event.success is False


def test_five_failures_lock_the_account_for_fifteen_minutes(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, "clerk_a", "wrong-password")
        locked = _login(client, "clerk_a", PASSWORD)
        assert locked.status_code == 429
        assert "锁定" in locked.text
        assert "_auth_user_id" not in client.session
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert _login(client, "clerk_a", PASSWORD).status_code == 302


def test_the_lock_holds_from_another_address(client, world):
    for _ in range(5):
        _login(client, "clerk_a", "wrong-password", ip="10.0.0.1")
    assert _login(client, "clerk_a", PASSWORD, ip="10.9.9.9").status_code == 429


def test_the_lock_does_not_spill_onto_other_users(client, world):
    for _ in range(5):
        _login(client, "clerk_a", "wrong-password")
    assert _login(client, "reviewer_a", PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, world):
    for _ in range(4):
        _login(client, "clerk_a", "wrong-password")
    assert _login(client, "clerk_a", PASSWORD).status_code == 302


def test_an_idle_session_ends_after_fifteen_minutes(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, "clerk_a", PASSWORD)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    # Activity slides the window: 14 + 14 minutes is still alive.
    with time_machine.travel(start + timedelta(minutes=28), tick=False):
        assert client.get(reverse("core:home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=44), tick=False):
        response = client.get(reverse("core:home"))
        assert response.status_code == 302 and LOGIN in response["Location"]


def test_logout_clears_the_session_and_is_audited(client, world):
    _login(client, "clerk_a", PASSWORD)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor_name="clerk_a").exists()


def test_logout_by_get_is_refused(client, world):
    _login(client, "clerk_a", PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405


@pytest.mark.parametrize("password", ["Short-1a", "alllowercaseletters", "abcdefghij12", "123456789012"])
def test_weak_passwords_are_refused(password, db):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_mixed_password_is_accepted(db):
    validate_password("Qingshan-County-2026")


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
