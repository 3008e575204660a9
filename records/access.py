from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .selectors import cadres_visible_to, can_edit_cadre, units_visible_to


def get_cadre_for_user(user, pk, *, write=False):
    """404 for a cadre outside the user's scope; 403 for a read-only role asking to change one."""
    cadre = get_object_or_404(cadres_visible_to(user).select_related("unit"), pk=pk)
    if write and not can_edit_cadre(user, cadre):
        raise PermissionDenied
    return cadre


def get_unit_for_user(user, pk):
    return get_object_or_404(units_visible_to(user), pk=pk)
