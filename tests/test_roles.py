import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import RoleAssignment
from accounts.services import role_grant, role_revoke
from audit.models import AuditEvent
from tests.factories import UserFactory, grant


def test_the_security_admin_grants_a_role(world):
    user = UserFactory()
    assignment = role_grant(actor=world.secadmin, user=user, role="reviewer", scope=world.town_b)
    assert assignment.granted_by == world.secadmin
    event = AuditEvent.objects.get(model="accounts.roleassignment", action="create", object_id=str(assignment.pk))
    assert event.actor_name == "secadmin"
    assert event.changes["role"] == [None, "reviewer"]


@pytest.mark.parametrize("actor", ["sysadmin", "auditor", "clerk", "committee", "outsider"])
def test_only_the_security_admin_grants_roles(world, actor):
    with pytest.raises(PermissionDenied):
        role_grant(actor=getattr(world, actor), user=UserFactory(), role="clerk", scope=world.town_a)


def test_a_security_admin_grants_only_inside_their_scope(world):
    town_secadmin = grant(UserFactory(), "secadmin", world.town_a)
    with pytest.raises(PermissionDenied):
        role_grant(actor=town_secadmin, user=UserFactory(), role="clerk", scope=world.town_b)


@pytest.mark.parametrize(
    ("held", "wanted"),
    [("sysadmin", "auditor"), ("sysadmin", "secadmin"), ("auditor", "secadmin"), ("secadmin", "sysadmin")],
)
def test_the_three_admin_roles_are_mutually_exclusive(world, held, wanted):
    user = grant(UserFactory(), held, world.county)
    with pytest.raises(ValidationError):
        role_grant(actor=world.secadmin, user=user, role=wanted, scope=world.county)


@pytest.mark.parametrize(
    ("held", "wanted"),
    [("sysadmin", "committee"), ("auditor", "clerk"), ("secadmin", "reviewer"), ("clerk", "secadmin"),
     ("committee", "sysadmin"), ("reviewer", "auditor")],
)  # fmt: skip
def test_an_admin_role_is_never_held_with_a_role_over_the_records(world, held, wanted):
    user = grant(UserFactory(), held, world.county)
    with pytest.raises(ValidationError) as exc:
        role_grant(actor=world.secadmin, user=user, role=wanted, scope=world.town_a)
    assert "exclusiv" not in str(exc.value)  # the message names the rule, in words
    assert not RoleAssignment.objects.filter(user=user, role=wanted).exists()


def test_the_system_admin_cannot_reach_the_security_or_audit_administrators_accounts(world, as_user):
    client = as_user(world.sysadmin)
    for admin_user in (world.auditor, world.secadmin):
        assert client.get(f"/admin/accounts/user/{admin_user.pk}/password/").status_code == 403
        response = client.post(
            f"/admin/accounts/user/{admin_user.pk}/password/",
            {"password1": "Xq7#mLp2$vR9wT", "password2": "Xq7#mLp2$vR9wT"},
        )
        assert response.status_code == 403
        admin_user.refresh_from_db()
        assert not admin_user.check_password("Xq7#mLp2$vR9wT")
        response = client.post(
            f"/admin/accounts/user/{admin_user.pk}/change/",
            {"username": admin_user.username, "full_name": "x", "email": "", "is_active": ""},
        )
        assert response.status_code == 403
        admin_user.refresh_from_db()
        assert admin_user.is_active
    # Other accounts stay the system administrator's to manage.
    assert client.get(f"/admin/accounts/user/{world.clerk.pk}/password/").status_code == 200


def test_an_admin_role_may_be_held_over_two_scopes(world):
    user = grant(UserFactory(), "sysadmin", world.town_a)
    role_grant(actor=world.secadmin, user=user, role="sysadmin", scope=world.town_b)
    assert RoleAssignment.objects.filter(user=user, role="sysadmin").count() == 2


def test_nobody_grants_roles_to_themselves(world):
    with pytest.raises(ValidationError):
        role_grant(actor=world.secadmin, user=world.secadmin, role="clerk", scope=world.county)


def test_granting_sysadmin_opens_the_admin_and_revoking_closes_it(world):
    user = UserFactory()
    assignment = role_grant(actor=world.secadmin, user=user, role="sysadmin", scope=world.county)
    user.refresh_from_db()
    assert user.is_staff
    role_revoke(actor=world.secadmin, assignment=assignment)
    user.refresh_from_db()
    assert not user.is_staff
    assert AuditEvent.objects.filter(model="accounts.roleassignment", action="delete").exists()


def test_the_roles_page_grants_through_the_service(world, as_user):
    user = UserFactory()
    response = as_user(world.secadmin).post(
        reverse("accounts:role-list"), {"user": user.pk, "role": "committee", "scope": world.county.pk}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=user, role="committee").exists()


def test_the_roles_page_shows_the_exclusivity_error(world, as_user):
    response = as_user(world.secadmin).post(
        reverse("accounts:role-list"), {"user": world.auditor.pk, "role": "sysadmin", "scope": world.county.pk}
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=world.auditor, role="sysadmin").exists()


def test_revoking_asks_for_confirmation_first(world, as_user):
    assignment = RoleAssignment.objects.get(user=world.clerk)
    client = as_user(world.secadmin)
    url = reverse("accounts:role-revoke", args=[assignment.pk])
    assert client.get(url).status_code == 200
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert client.post(url).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "clerk", "committee"])
def test_the_roles_page_is_refused_to_other_roles(world, as_user, role):
    assert as_user(getattr(world, role)).get(reverse("accounts:role-list")).status_code == 403


def test_revoking_an_assignment_outside_scope_answers_404(world, as_user):
    town_secadmin = grant(UserFactory(), "secadmin", world.town_a)
    other = RoleAssignment.objects.get(user=world.committee)
    assert as_user(town_secadmin).post(reverse("accounts:role-revoke", args=[other.pk])).status_code == 404


def test_the_roles_page_answers_405_to_delete(world, as_user):
    assert as_user(world.secadmin).delete(reverse("accounts:role-list")).status_code == 405
