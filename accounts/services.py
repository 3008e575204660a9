from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.context import acting
from audit.models import Action
from audit.services import audit_record
from records.selectors import unit_in_scope

from .models import ADMIN_ROLES, Role, RoleAssignment
from .roles import has_role
from .selectors import may_unlock


def _check_grantor(actor, scope):
    if not unit_in_scope(actor, scope, roles={Role.SECADMIN}):
        raise PermissionDenied(_("Only a security administrator whose scope covers this unit may change roles."))


@transaction.atomic
def role_grant(*, actor, user, role: str, scope) -> RoleAssignment:
    """Grant ``role`` over ``scope`` to ``user``; the rules hold whatever page or command calls it."""
    _check_grantor(actor, scope)
    if user.pk == actor.pk:
        raise ValidationError(_("Nobody may grant roles to themselves."))
    if not user.is_active:
        raise ValidationError(_("This account is disabled."))
    # Lock the user's assignments so two grants at once cannot both pass the exclusivity check.
    held = set(RoleAssignment.objects.select_for_update().filter(user=user).values_list("role", flat=True))
    if role in ADMIN_ROLES and held & (ADMIN_ROLES - {role}):
        raise ValidationError(
            _("The system, security and audit administrator roles cannot be held by the same person.")
        )
    # Nor one of them with a role over the records: a system administrator would read cadres, an
    # auditor change them, a clerk grant roles (DOMAIN §10).
    if (role in ADMIN_ROLES and held - ADMIN_ROLES) or (role not in ADMIN_ROLES and held & ADMIN_ROLES):
        raise ValidationError(
            _("An administrator role cannot be held together with a clerk, reviewer or committee role.")
        )
    if RoleAssignment.objects.filter(user=user, role=role, scope=scope).exists():
        raise ValidationError(_("This user already holds this role for this unit."))
    assignment = RoleAssignment(user=user, role=role, scope=scope, granted_by=actor)
    assignment.full_clean()
    with acting(user=actor):
        assignment.save()
        _sync_staff_flag(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    _check_grantor(actor, assignment.scope)
    if assignment.user_id == actor.pk:
        raise ValidationError(_("Nobody may change their own roles."))
    user = assignment.user
    with acting(user=actor):
        assignment.delete()
        _sync_staff_flag(user)


def account_unlock(*, actor, username: str) -> int:
    """Forget the failed logins of ``username`` so it may log in at once; the number of attempt records
    removed, 0 when there was nothing to forget (then nothing is audited either: nothing changed).

    A username outside the actor's scope (``may_unlock``) is refused, locked or not, and the refusal
    audited outside the unlock's transaction.
    """
    if not has_role(actor, Role.SECADMIN):
        raise PermissionDenied(_("Only a security administrator may unlock accounts."))
    owner = get_user_model().objects.filter(username=username).first()
    if not may_unlock(actor, username):
        audit_record(
            action=Action.DENIED,
            instance=owner,
            model="accounts.user",
            user=actor,
            success=False,
            note=f"account unlock refused, outside the actor's scope: {username}"[:500],
        )
        raise PermissionDenied(_("This account is outside your scope."))
    with transaction.atomic():
        removed = axes_reset(username=username)
        if removed:
            # Unknown usernames lock too (someone guessing): the event then names no user row.
            audit_record(
                action=Action.UPDATE,
                instance=owner,
                model="accounts.user",
                user=actor,
                note=f"account unlocked: {username} ({removed} failed-login records reset)"[:500],
            )
    return removed


def _sync_staff_flag(user):
    # The Django admin is the system administrator's tool only.
    is_staff = RoleAssignment.objects.filter(user=user, role=Role.SYSADMIN).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    user._role_cache = None
