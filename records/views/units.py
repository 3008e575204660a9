from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.models import RECORD_ROLES, Role
from accounts.roles import has_role

from ..selectors import unit_tree


@login_required
@require_http_methods(["GET"])
def unit_index(request):
    if not has_role(request.user, *RECORD_ROLES, Role.SYSADMIN):
        raise PermissionDenied
    return render(
        request,
        "records/unit_tree.html",
        {"units": unit_tree(request.user), "can_list_cadres": has_role(request.user, *RECORD_ROLES)},
    )
