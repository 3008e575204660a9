"""The address in the audit log and the lockout: a client cannot choose it with X-Forwarded-For."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from audit.models import AuditEvent
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


def _login(client, password, **meta):
    return client.post(LOGIN, {"username": "clerk_a", "password": password}, **meta)


def test_without_a_proxy_it_records_the_sockets_address_whatever_the_header_says(client, world):
    _login(client, PASSWORD, REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert AuditEvent.objects.get(action="login").ip == "10.0.0.7"


def test_behind_one_proxy_it_records_the_address_the_proxy_appended(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "1.2.3.4"; the proxy (10.0.0.2) appended the address it was called from.
    _login(client, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")

    assert AuditEvent.objects.get(action="login").ip == "203.0.113.9"


def test_behind_a_proxy_a_missing_header_falls_back_to_the_socket(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _login(client, PASSWORD, REMOTE_ADDR="10.0.0.2")

    assert AuditEvent.objects.get(action="login").ip == "10.0.0.2"


@pytest.mark.parametrize("forwarded", ["not-an-address", "999.1.1.1", "1.2.3.4, <script>"])
def test_a_header_that_is_no_address_is_not_recorded_as_one(client, world, settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    _login(client, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert AuditEvent.objects.get(action="login").ip == "10.0.0.2"


def test_the_lockout_counts_failures_by_the_same_address(client, world):
    _login(client, "wrong-password", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.7"]
