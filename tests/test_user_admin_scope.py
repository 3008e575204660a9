"""A system administrator of one township manages the accounts of that township, not those whose
roles reach beyond it: setting their password would hand over what that account may read."""

import pytest

from tests.factories import UserFactory, grant

NEW_PASSWORD = "Xq7#mLp2$vR9wT"


def _set_password(client, user):
    return client.post(
        f"/admin/accounts/user/{user.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


@pytest.mark.parametrize("name", ["committee", "county_clerk"])
def test_a_township_system_admin_cannot_set_the_password_of_a_county_account(world, as_user, town_sysadmin, name):
    target = getattr(world, name)
    client = as_user(town_sysadmin)

    assert client.get(f"/admin/accounts/user/{target.pk}/password/").status_code == 403
    assert _set_password(client, target).status_code == 403
    target.refresh_from_db()
    assert not target.check_password(NEW_PASSWORD)


def test_a_township_system_admin_cannot_disable_an_account_of_another_township(world, as_user, town_sysadmin):
    clerk_b = grant(UserFactory(username="clerk_b"), "clerk", world.town_b)

    response = as_user(town_sysadmin).post(
        f"/admin/accounts/user/{clerk_b.pk}/change/",
        {"username": "clerk_b", "full_name": "x", "email": "", "is_active": ""},
    )

    assert response.status_code == 403
    clerk_b.refresh_from_db()
    assert clerk_b.is_active


def test_a_township_system_admin_manages_the_accounts_of_their_township(world, as_user, town_sysadmin):
    assert _set_password(as_user(town_sysadmin), world.clerk).status_code == 302
    world.clerk.refresh_from_db()
    assert world.clerk.check_password(NEW_PASSWORD)


def test_the_county_system_admin_manages_county_accounts(world, as_user):
    assert _set_password(as_user(world.sysadmin), world.committee).status_code == 302
