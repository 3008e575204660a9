"""Reads of the audit log, always through the auditor's unit scope."""

from django.db.models import OuterRef, Subquery

from accounts.models import Role
from accounts.roles import scope_ids
from records.models import Unit
from records.selectors import subtree_ids

from .models import AuditEvent


def covers_whole_tree(unit_ids):
    """Whether ``unit_ids`` include every root unit: the county level."""
    return not Unit.objects.filter(parent__isnull=True).exclude(pk__in=unit_ids).exists()


def events_visible_to(user):
    """The events of the units in the user's auditor scope.

    Events filed under no unit (logins, accounts, role grants, county-wide actions) and those of a unit
    deleted since are county-level: only an auditor of the whole tree sees them.
    """
    scopes = scope_ids(user, {Role.AUDITOR})
    if not scopes:
        return AuditEvent.objects.none()
    if covers_whole_tree(scopes):
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(unit_id__in=subtree_ids(scopes))


def with_unit_names(events):
    """``events`` with ``unit_name``, read in the same query (None when the unit is gone)."""
    return events.annotate(unit_name=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("name")[:1]))
