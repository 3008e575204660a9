from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import apply_service_errors

from ..access import get_cadre_for_user
from ..forms_ledger import SanctionForm, TalkForm
from ..services.sanctions import sanction_create, talk_create


@login_required
@require_http_methods(["GET", "POST"])
def sanction_new(request, pk):
    cadre = get_cadre_for_user(request.user, pk, write=True)
    form = SanctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sanction = sanction_create(actor=request.user, cadre=cadre, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Sanction recorded; promotion barred until %(day)s.")
                % {"day": sanction.promotion_barred_until.isoformat()},
            )
            return redirect(reverse("records:cadre-detail", args=[cadre.pk]) + "#sanctions")
    return render(request, "records/sanction_form.html", {"form": form, "cadre": cadre})


@login_required
@require_http_methods(["GET", "POST"])
def talk_new(request, pk):
    cadre = get_cadre_for_user(request.user, pk, write=True)
    form = TalkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            talk_create(actor=request.user, cadre=cadre, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Talk recorded."))
            return redirect(reverse("records:cadre-detail", args=[cadre.pk]) + "#talks")
    return render(request, "records/talk_form.html", {"form": form, "cadre": cadre})
