"""What a user may do and where: the one source every view, API, export and import asks."""

from .models import ADMIN_ROLES, RECORD_ROLES, Role, RoleAssignment


def assignments_of(user):
    """The user's (role, scope unit id) pairs, read once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = tuple(RoleAssignment.objects.filter(user=user).values_list("role", "scope_id"))
        user._role_cache = cached
    return cached


def roles_of(user):
    return {role for role, _scope in assignments_of(user)}


def has_role(user, *roles):
    return bool(roles_of(user) & set(roles))


def scope_ids(user, roles):
    return [scope for role, scope in assignments_of(user) if role in roles]


def sole_scope_id(user, roles):
    """The one unit where ``user`` holds ``roles``, else None (none or several): the unit an audit
    event is filed under when the action covers the user's whole scope (an import, an export)."""
    scopes = set(scope_ids(user, roles))
    return scopes.pop() if len(scopes) == 1 else None


def can_read_records(user):
    return has_role(user, *RECORD_ROLES)


__all__ = [
    "ADMIN_ROLES",
    "RECORD_ROLES",
    "Role",
    "assignments_of",
    "can_read_records",
    "has_role",
    "roles_of",
    "scope_ids",
    "sole_scope_id",
]
