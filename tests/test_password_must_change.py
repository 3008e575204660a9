"""A password someone else set is an initial one: its owner replaces it before using the portal."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.middleware import API_REFUSAL
from accounts.models import User
from audit.models import AuditEvent
from records.management.commands.seed_demo import DEMO_USERS
from tests.conftest import PASSWORD
from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
CHANGE = reverse("accounts:password-change")
DONE = reverse("accounts:password-change-done")
HOME = reverse("core:home")
API = reverse("api:cadre-list")
SET_BY_ADMIN = "Xq7#mLp2$vR9wT-initial"
OWN = "Blue-Lantern-2031"
NOTICE = "Your password was set by an administrator. Choose your own password now; the portal opens once it is changed."


def _admin_sets_password(client, user, password=SET_BY_ADMIN):
    return client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]), {"password1": password, "password2": password}
    )


def _change_own(client, old, new=OWN):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def _flagged(user):
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user


def _notice():
    with translation.override("zh-hans"):
        return gettext(NOTICE)


def test_a_password_the_system_admin_resets_must_be_changed(world, as_user):
    response = _admin_sets_password(as_user(world.sysadmin), world.clerk)
    assert response.status_code == 302
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(SET_BY_ADMIN) and world.clerk.must_change_password
    event = AuditEvent.objects.filter(model="accounts.user", object_id=str(world.clerk.pk)).latest("id")
    assert event.actor_name == "sysadmin" and event.changes["must_change_password"] == [False, True]


def test_a_user_the_system_admin_adds_must_change_the_password(world, as_user):
    response = as_user(world.sysadmin).post(
        reverse("admin:accounts_user_add"),
        {"username": "newcomer", "full_name": "新人", "password1": SET_BY_ADMIN, "password2": SET_BY_ADMIN},
    )
    assert response.status_code == 302
    assert User.objects.get(username="newcomer").must_change_password


def test_the_system_admin_setting_their_own_password_in_the_admin_is_not_forced_again(world, as_user):
    assert _admin_sets_password(as_user(world.sysadmin), world.sysadmin).status_code == 302
    world.sysadmin.refresh_from_db()
    assert world.sysadmin.check_password(SET_BY_ADMIN) and not world.sysadmin.must_change_password


def test_createsuperuser_sets_an_initial_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", SET_BY_ADMIN)
    call_command("createsuperuser", interactive=False, username="root", email="", stdout=io.StringIO())
    assert User.objects.get(username="root").must_change_password


def test_after_logging_in_every_page_leads_to_the_password_page_with_a_notice(world, as_user):
    _admin_sets_password(as_user(world.sysadmin), world.clerk)
    client = Client()
    response = client.post(LOGIN, {"username": "clerk_a", "password": SET_BY_ADMIN})
    assert response.status_code == 302 and response["Location"] == HOME
    for page in (HOME, reverse("records:cadre-list"), reverse("admin:index")):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == CHANGE
    page = client.get(HOME, follow=True)
    assert page.redirect_chain == [(CHANGE, 302)]
    assert _notice() in page.text


def test_the_api_refuses_with_403_and_a_message(world, as_user):
    client = as_user(_flagged(world.clerk))
    response = client.get(API)
    assert response.status_code == 403
    with translation.override("zh-hans"):
        assert response.json() == {"detail": str(API_REFUSAL)}
    assert client.post(API, {}).status_code == 403


def test_the_password_page_logout_static_files_and_healthz_stay_open(world, as_user):
    client = as_user(_flagged(world.clerk))
    assert client.get(CHANGE).status_code == 200
    # WhiteNoise answers for collected files first; whatever reaches Django is not turned away either.
    assert client.get("/static/css/portal.css").status_code in (200, 404)
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": CHANGE})["Location"] == CHANGE
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_after_the_change_the_user_browses_normally(world, as_user):
    client = as_user(_flagged(world.clerk))
    before = AuditEvent.objects.count()
    response = _change_own(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == DONE
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(OWN) and not world.clerk.must_change_password
    [event] = AuditEvent.objects.order_by("id")[before:]
    assert event.changes == {"password": ["******", "******"], "must_change_password": [True, False]}
    assert client.get(DONE).status_code == 200
    assert client.get(HOME).status_code == 200
    assert client.get(API).status_code == 200
    assert _notice() not in client.get(CHANGE).text


def test_a_refused_change_keeps_the_user_on_the_password_page(world, as_user):
    client = as_user(_flagged(world.clerk))
    assert _change_own(client, "Not-The-Password-1").status_code == 200
    world.clerk.refresh_from_db()
    assert world.clerk.must_change_password
    assert client.get(HOME)["Location"] == CHANGE


def test_the_users_own_change_never_sets_the_flag(world, as_user):
    client = as_user(world.clerk)
    assert _change_own(client, PASSWORD).status_code == 302
    world.clerk.refresh_from_db()
    assert not world.clerk.must_change_password
    assert client.get(HOME).status_code == 200


def test_users_made_by_factories_have_no_flag(db):
    assert not UserFactory().must_change_password


def test_the_admin_shows_the_flag_without_letting_it_be_unticked(world, as_user):
    _flagged(world.clerk)
    client = as_user(world.sysadmin)
    url = reverse("admin:accounts_user_change", args=[world.clerk.pk])
    assert 'name="must_change_password"' not in client.get(url).text
    client.post(url, {"username": "clerk_a", "full_name": "x", "email": "", "is_active": "on"})
    world.clerk.refresh_from_db()
    assert world.clerk.must_change_password


@pytest.mark.django_db
def test_the_demo_users_log_in_without_having_to_change_their_password():
    call_command("seed_demo", cadres=20, seed=7, stdout=io.StringIO())
    for username, *_rest in DEMO_USERS:
        assert not User.objects.get(username=username).must_change_password
    clerk = next(u for u in DEMO_USERS if u[2] == "clerk")
    client = Client()
    assert client.post(LOGIN, {"username": clerk[0], "password": clerk[4]})["Location"] == HOME
    assert client.get(HOME).status_code == 200
