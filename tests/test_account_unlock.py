"""The security administrator sees the accounts locked after failed logins and unlocks them."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import locked_out_accounts, locked_out_accounts_visible_to
from audit.models import Action, AuditEvent
from tests.conftest import PASSWORD
from tests.factories import UserFactory, grant

LOGIN = reverse("accounts:login")
LIST = reverse("accounts:lockout-list")
UNLOCK = reverse("accounts:lockout-unlock")


def _login(username, password, ip="10.0.0.7"):
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(username, times=5, ip="10.0.0.7"):
    for _ in range(times):
        _login(username, "wrong-password", ip=ip)


def _locked():
    return {row["username"] for row in locked_out_accounts()}


@pytest.fixture
def town_secadmin(world):
    return grant(UserFactory(username="secadmin_a"), "secadmin", world.town_a)


@pytest.fixture
def clerk_b(world):
    return grant(UserFactory(username="clerk_b"), "clerk", world.town_b)


def test_it_lists_a_locked_account_with_name_failures_time_and_address(world, as_user):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        _fail("clerk_a", times=3, ip="10.0.0.7")
        _fail("clerk_a", times=2, ip="10.0.0.8")
        response = as_user(world.secadmin).get(LIST)
    assert response.status_code == 200
    [row] = response.context["page"]
    assert row["username"] == "clerk_a" and row["full_name"] == world.clerk.full_name
    assert row["failures"] == 5 and row["last_attempt"] == start and row["ip_address"] == "10.0.0.8"
    assert world.clerk.full_name in response.text and "10.0.0.8" in response.text


def test_it_lists_a_username_nobody_has_without_a_name(world, as_user):
    _fail("no_such_user")
    [row] = as_user(world.secadmin).get(LIST).context["page"]
    assert row["username"] == "no_such_user" and row["full_name"] is None


def test_fewer_failures_than_the_limit_are_not_a_lock(world, as_user):
    _fail("clerk_a", times=4)
    response = as_user(world.secadmin).get(LIST)
    assert list(response.context["page"]) == []
    assert "clerk_a" not in response.text


def test_a_lock_past_its_cool_off_is_not_listed(world, as_user):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail("clerk_a")
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert list(as_user(world.secadmin).get(LIST).context["page"]) == []


def test_the_unlock_button_asks_for_confirmation(world, as_user):
    _fail("clerk_a")
    text = as_user(world.secadmin).get(LIST).text
    assert f'action="{UNLOCK}" data-confirm="' in text
    assert 'name="username" value="clerk_a"' in text


def test_unlocking_lets_the_user_log_in_again_at_once(world, as_user):
    _fail("clerk_a")
    assert _login("clerk_a", PASSWORD).status_code == 429
    response = as_user(world.secadmin).post(UNLOCK, {"username": "clerk_a"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert list(locked_out_accounts()) == []
    assert _login("clerk_a", PASSWORD).status_code == 302


def test_the_unlock_is_audited(world, as_user):
    _fail("clerk_a")
    client = as_user(world.secadmin)
    before = AuditEvent.objects.count()
    client.post(UNLOCK, {"username": "clerk_a"})
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.action, event.model, event.object_id) == ("update", "accounts.user", str(world.clerk.pk))
    assert event.actor_name == "secadmin" and event.success and event.unit_id is None
    assert "clerk_a" in event.note


def test_unlocking_a_username_nobody_has_is_audited_without_an_object(world, as_user):
    _fail("no_such_user")
    as_user(world.secadmin).post(UNLOCK, {"username": "no_such_user"})
    event = AuditEvent.objects.get(note__contains="unlocked")
    assert (event.action, event.model, event.object_id) == ("update", "accounts.user", "")
    assert "no_such_user" in event.note


def test_unlocking_an_account_that_is_not_locked_changes_nothing(world, as_user):
    client = as_user(world.secadmin)
    before = AuditEvent.objects.count()
    response = client.post(UNLOCK, {"username": "clerk_a"}, follow=True)
    assert response.status_code == 200 and len(response.context["messages"]) == 1
    assert AuditEvent.objects.count() == before


def test_an_unlock_without_a_username_is_refused(world, as_user):
    _fail("clerk_a")
    response = as_user(world.secadmin).post(UNLOCK, {}, follow=True)
    assert response.status_code == 200
    assert [row["username"] for row in locked_out_accounts()] == ["clerk_a"]


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "clerk", "committee", "outsider"])
def test_only_the_security_admin_sees_or_unlocks(world, as_user, role):
    _fail("reviewer_a")
    client = as_user(getattr(world, role))
    assert client.get(LIST).status_code == 403
    assert client.post(UNLOCK, {"username": "reviewer_a"}).status_code == 403
    assert [row["username"] for row in locked_out_accounts()] == ["reviewer_a"]
    assert not AuditEvent.objects.filter(note__contains="unlocked").exists()


def test_an_anonymous_visitor_is_sent_to_the_login(client, db):
    for response in (client.get(LIST), client.post(UNLOCK, {"username": "x"})):
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_other_methods_get_405(world, as_user):
    client = as_user(world.secadmin)
    assert client.post(LIST).status_code == 405
    assert client.get(UNLOCK).status_code == 405


def test_the_security_admin_finds_it_in_the_header_and_on_the_home_page(world, as_user):
    text = as_user(world.secadmin).get(reverse("core:home")).text
    assert text.count(f'href="{LIST}"') == 2
    assert f'href="{LIST}"' not in as_user(world.sysadmin).get(reverse("core:home")).text


def test_the_list_is_read_in_one_query_however_many_are_locked(world, django_assert_num_queries):
    for name in ("clerk_a", "reviewer_a", "nobody"):
        _fail(name)
    with django_assert_num_queries(1):
        assert {row["username"] for row in locked_out_accounts()} == {"clerk_a", "reviewer_a", "nobody"}


def test_the_list_is_paginated(world, as_user):
    for n in range(21):
        _fail(f"guess{n:02d}")
    page = as_user(world.secadmin).get(LIST).context["page"]
    assert page.paginator.count == 21 and len(page) == 20


def test_a_township_security_admin_sees_only_the_locks_of_accounts_within_their_township(
    world, as_user, town_secadmin, clerk_b
):
    # clerk_ab is a clerk of both townships: one role beyond the township puts the account beyond it.
    grant(grant(UserFactory(username="clerk_ab"), "clerk", world.town_a), "clerk", world.town_b)
    for name in ("clerk_a", "reviewer_a", "outsider", "committee", "clerk_b", "clerk_ab", "no_such_user"):
        _fail(name)

    response = as_user(town_secadmin).get(LIST)

    assert {row["username"] for row in response.context["page"]} == {"clerk_a", "reviewer_a", "outsider"}
    for name in ("committee", "clerk_b", "clerk_ab", "no_such_user"):
        assert name not in response.text


def test_the_county_security_admin_sees_every_lock(world, as_user, clerk_b):
    for name in ("clerk_a", "committee", "clerk_b", "no_such_user"):
        _fail(name)
    page = as_user(world.secadmin).get(LIST).context["page"]
    assert {row["username"] for row in page} == {"clerk_a", "committee", "clerk_b", "no_such_user"}


def test_a_township_security_admin_unlocks_an_account_of_their_township(world, as_user, town_secadmin):
    _fail("clerk_a")
    response = as_user(town_secadmin).post(UNLOCK, {"username": "clerk_a"})
    assert response.status_code == 302 and _locked() == set()
    assert AuditEvent.objects.get(note__contains="unlocked").actor_name == "secadmin_a"


@pytest.mark.parametrize("name", ["committee", "clerk_b", "no_such_user"])
def test_a_township_security_admin_cannot_unlock_beyond_their_township_and_the_refusal_is_audited(
    world, as_user, town_secadmin, clerk_b, name
):
    _fail(name)

    response = as_user(town_secadmin).post(UNLOCK, {"username": name})

    assert response.status_code == 404
    assert _locked() == {name}
    assert not AuditEvent.objects.filter(note__contains="unlocked").exists()
    [event] = AuditEvent.objects.filter(action=Action.DENIED)
    assert (event.actor_name, event.success, event.model, event.unit_id) == ("secadmin_a", False, "accounts.user", None)
    assert name in event.note


def test_an_account_beyond_the_township_is_refused_even_when_it_is_not_locked(world, as_user, town_secadmin):
    # Else "not locked" against 404 would tell which of the county's accounts are locked.
    assert as_user(town_secadmin).post(UNLOCK, {"username": "committee"}).status_code == 404
    assert AuditEvent.objects.filter(action=Action.DENIED, actor_name="secadmin_a").count() == 1


def test_a_township_list_is_read_in_constant_queries_however_many_are_locked(
    world, town_secadmin, clerk_b, django_assert_num_queries
):
    for name in ("clerk_a", "reviewer_a", "clerk_b", "committee", "nobody"):
        _fail(name)
    # The secadmin's roles, whether they cover the county, then the locks themselves.
    with django_assert_num_queries(3):
        assert {row["username"] for row in locked_out_accounts_visible_to(town_secadmin)} == {"clerk_a", "reviewer_a"}
