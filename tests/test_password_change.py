"""Every signed-in user changes their own password on the portal's page, not the admin's."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.conftest import PASSWORD

CHANGE = reverse("accounts:password-change")
DONE = reverse("accounts:password-change-done")
NEW_PASSWORD = "Blue-Lantern-2031"


def _change(client, old=PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": new if again is None else again}
    )


@pytest.mark.parametrize("role", ["clerk", "auditor", "outsider"])
def test_it_shows_a_chinese_form_to_every_signed_in_user(world, as_user, role):
    response = as_user(getattr(world, role)).get(CHANGE)
    assert response.status_code == 200
    assert "修改密码" in response.text and "旧密码" in response.text and "新密码确认" in response.text


def test_the_header_links_to_it(world, as_user):
    assert f'href="{CHANGE}"' in as_user(world.clerk).get(reverse("core:home")).text


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["clerk", "auditor"])
def test_it_changes_the_password_keeps_the_session_and_is_audited(world, as_user, role):
    user = getattr(world, role)
    client = as_user(user)
    before = AuditEvent.objects.count()
    response = _change(client)
    assert response.status_code == 302 and response["Location"] == DONE
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    done = client.get(DONE)
    assert done.status_code == 200 and "密码已修改" in done.text  # still logged in
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.action, event.model, event.object_id) == ("update", "accounts.user", str(user.pk))
    assert event.actor_name == user.username and event.success
    assert event.changes == {"password": ["******", "******"]}


def test_a_wrong_old_password_is_refused_in_chinese_and_audited(world, as_user):
    client = as_user(world.clerk)
    before = AuditEvent.objects.count()
    response = _change(client, old="Not-The-Password-1")
    assert response.status_code == 200
    assert "你的旧密码不正确" in " ".join(response.context["form"].errors["old_password"])
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(PASSWORD)
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert (event.action, event.model, event.object_id) == ("update", "accounts.user", str(world.clerk.pk))
    assert event.success is False and "password_incorrect" in event.note


@pytest.mark.parametrize("weak", ["short1A!", "abcdefghijklmn", "12345678901234"])
def test_a_weak_password_is_refused_by_the_projects_validators(world, as_user, weak):
    response = _change(as_user(world.clerk), new=weak)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(PASSWORD)


def test_two_different_new_passwords_are_refused(world, as_user):
    response = _change(as_user(world.clerk), again="Blue-Lantern-2032")
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_it_answers_405_to_other_methods(world, as_user, method):
    assert getattr(as_user(world.clerk), method)(CHANGE).status_code == 405
