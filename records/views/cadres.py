from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import RECORD_ROLES, Role
from assessments.selectors_page import cadre_quarter_history
from assessments.selectors_scores import scores_context
from core.access import role_required
from core.forms import apply_service_errors
from core.paging import paginate

from ..access import get_cadre_for_user
from ..forms import CadreFilterForm, CadreForm, TransferForm
from ..selectors import cadre_list, cadre_postings, can_edit_cadre, can_see_sensitive
from ..services import cadre_create, cadre_transfer, cadre_update
from .entries import ledger_context


@role_required(*RECORD_ROLES)
@require_http_methods(["GET"])
def cadre_index(request):
    form = CadreFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    page = paginate(request, cadre_list(request.user, **filters))
    return render(
        request,
        "records/cadre_list.html",
        {"form": form, "page": page, "sort": filters.get("sort", "staff_no")},
    )


@login_required
@require_http_methods(["GET"])
def cadre_detail(request, pk):
    cadre = get_cadre_for_user(request.user, pk)
    return render(
        request,
        "records/cadre_detail.html",
        {
            "cadre": cadre,
            "postings": cadre_postings(cadre),
            "can_edit": can_edit_cadre(request.user, cadre),
            "show_sensitive": can_see_sensitive(request.user, cadre),
            **ledger_context(request, cadre),
            "quarter_reviews": cadre_quarter_history(cadre),
            **scores_context(request.user, cadre),
        },
    )


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def cadre_new(request):
    form = CadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cadre = cadre_create(**form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Cadre %(name)s registered.") % {"name": cadre.name})
            return redirect("records:cadre-detail", pk=cadre.pk)
    return render(request, "records/cadre_form.html", {"form": form, "title": _("Register a cadre")})


@login_required
@require_http_methods(["GET", "POST"])
def cadre_edit(request, pk):
    cadre = get_cadre_for_user(request.user, pk, write=True)
    form = CadreForm(request.POST or None, instance=cadre, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
        try:
            cadre_update(cadre=cadre, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("records:cadre-detail", pk=cadre.pk)
    return render(
        request,
        "records/cadre_form.html",
        {"form": form, "cadre": cadre, "title": _("Edit %(name)s") % {"name": cadre.name}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cadre_transfer_view(request, pk):
    cadre = get_cadre_for_user(request.user, pk, write=True)
    form = TransferForm(request.POST or None, user=request.user, cadre=cadre)
    if request.method == "POST" and form.is_valid():
        if not can_edit_cadre(request.user, cadre):
            raise PermissionDenied
        try:
            cadre_transfer(cadre=cadre, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Transfer recorded."))
            return redirect("records:cadre-detail", pk=cadre.pk)
    return render(request, "records/cadre_transfer.html", {"form": form, "cadre": cadre})
