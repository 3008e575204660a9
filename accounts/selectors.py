from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import Max, OuterRef, Subquery, Sum
from django.utils import timezone

from records.selectors import scope_covers_county, subtree_ids

from .models import Role, RoleAssignment
from .roles import has_role, scope_ids


def accounts_within_scope(actor, role):
    """The accounts ``actor`` manages as ``role``: those holding no role over a unit outside the actor's
    subtree for ``role``.

    Managing an account (setting its password, unlocking it) hands over what that account may read: an
    administrator of one township would otherwise act through a county account. An account holding no
    role reaches nothing, so it is within every such administrator's scope.
    """
    scopes = scope_ids(actor, {role})
    if not scopes:
        return get_user_model().objects.none()
    beyond = RoleAssignment.objects.exclude(scope_id__in=subtree_ids(scopes)).values("user_id")
    return get_user_model().objects.exclude(pk__in=beyond)


def may_unlock(actor, username):
    """Whether the security administrator ``actor`` may see and lift a lock on ``username``.

    A username nobody has belongs to no unit: only a security administrator of the whole county sees
    it, as only a county-wide auditor sees the events filed under no unit.
    """
    if not has_role(actor, Role.SECADMIN):
        return False
    if scope_covers_county(actor, {Role.SECADMIN}):
        return True
    return accounts_within_scope(actor, Role.SECADMIN).filter(username=username).exists()


def locked_out_accounts():
    """The usernames axes refuses now: rows of {username, full_name, failures, last_attempt, ip_address},
    the latest lockout first.

    The same count axes' database handler makes for the ``username`` lockout parameter: the failures of
    every attempt row for that username still inside the cool-off. A username + address lock is a part
    of it, so never a lock this misses. ``full_name`` is empty when nobody has that username.
    """
    since = timezone.now() - get_cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    last = recent.filter(username=OuterRef("username")).order_by("-attempt_time", "-id")
    owner = get_user_model().objects.filter(username=OuterRef("username"))
    return (
        recent.filter(username__isnull=False)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=axes_settings.AXES_FAILURE_LIMIT)
        .annotate(
            ip_address=Subquery(last.values("ip_address")[:1]),
            full_name=Subquery(owner.values("full_name")[:1]),
        )
        .order_by("-last_attempt", "username")
    )


def locked_out_accounts_visible_to(user):
    """The rows of ``locked_out_accounts`` for the usernames ``user`` may unlock (``may_unlock``)."""
    locks = locked_out_accounts()
    if not has_role(user, Role.SECADMIN):
        return locks.none()
    if scope_covers_county(user, {Role.SECADMIN}):
        return locks
    return locks.filter(username__in=accounts_within_scope(user, Role.SECADMIN).values("username"))
