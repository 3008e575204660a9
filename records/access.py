from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .selectors import cadres_visible_to, can_edit_cadre, units_visible_to
from .selectors.ledger import entries_visible_to, sanctions_visible_to, talks_visible_to


def get_cadre_for_user(user, pk, *, write=False):
    """404 for a cadre outside the user's scope; 403 for a read-only role asking to change one."""
    cadre = get_object_or_404(cadres_visible_to(user).select_related("unit"), pk=pk)
    if write and not can_edit_cadre(user, cadre):
        raise PermissionDenied
    return cadre


def get_unit_for_user(user, pk):
    return get_object_or_404(units_visible_to(user), pk=pk)


def get_entry_for_user(user, pk, *, write=False):
    """404 for an entry of a cadre outside the user's scope; 403 for a read-only role changing one."""
    entry = get_object_or_404(
        entries_visible_to(user).select_related("cadre", "cadre__unit", "rule", "entered_by", "decided_by"), pk=pk
    )
    if write and not can_edit_cadre(user, entry.cadre):
        raise PermissionDenied
    return entry


def get_sanction_for_user(user, pk, *, write=False):
    """404 for a sanction of a cadre outside the user's scope; 403 for a read-only role changing one."""
    sanction = get_object_or_404(sanctions_visible_to(user).select_related("cadre", "cadre__unit", "measure"), pk=pk)
    if write and not can_edit_cadre(user, sanction.cadre):
        raise PermissionDenied
    return sanction


def get_talk_for_user(user, pk, *, write=False):
    """404 for a talk record of a cadre outside the user's scope; 403 for a read-only role changing one."""
    talk = get_object_or_404(talks_visible_to(user).select_related("cadre", "cadre__unit"), pk=pk)
    if write and not can_edit_cadre(user, talk.cadre):
        raise PermissionDenied
    return talk
