from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import apply_service_errors

from ..access import get_cadre_for_user, get_sanction_for_user, get_talk_for_user
from ..forms_ledger import SanctionCorrectForm, SanctionForm, TalkCorrectForm, TalkForm, WithdrawForm
from ..services.sanctions import (
    sanction_correct,
    sanction_create,
    sanction_withdraw,
    talk_correct,
    talk_create,
    talk_withdraw,
)


def _section_url(cadre, anchor):
    return reverse("records:cadre-detail", args=[cadre.pk]) + f"#{anchor}"


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
            return redirect(_section_url(cadre, "sanctions"))
    return render(request, "records/sanction_form.html", {"form": form, "cadre": cadre})


@login_required
@require_http_methods(["GET", "POST"])
def sanction_correct_view(request, pk):
    sanction = get_sanction_for_user(request.user, pk, write=True)
    cadre = sanction.cadre
    form = SanctionCorrectForm(request.POST or None, sanction=sanction)
    if request.method == "POST" and form.is_valid():
        try:
            corrected = sanction_correct(actor=request.user, sanction=sanction, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Sanction corrected; promotion barred until %(day)s.")
                % {"day": corrected.promotion_barred_until.isoformat()},
            )
            return redirect(_section_url(cadre, f"sanction-{sanction.pk}"))
    return render(request, "records/sanction_correct.html", {"form": form, "cadre": cadre, "sanction": sanction})


@login_required
@require_http_methods(["GET", "POST"])
def sanction_withdraw_view(request, pk):
    sanction = get_sanction_for_user(request.user, pk, write=True)
    cadre = sanction.cadre
    form = WithdrawForm(request.POST or None)
    # Not 撤回 (withdraw) as for a ledger entry or a talk record, nor 撤销 (the formal revocation of
    # a sanction decided, which this is not): a record entered by mistake is deleted.
    form.fields["reason"].label = _("reason for deleting")
    if request.method == "POST" and form.is_valid():
        try:
            sanction_withdraw(actor=request.user, sanction=sanction, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The sanction entered by mistake was deleted."))
            return redirect(_section_url(cadre, "sanctions"))
    return render(request, "records/sanction_withdraw.html", {"form": form, "cadre": cadre, "sanction": sanction})


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
            return redirect(_section_url(cadre, "talks"))
    return render(request, "records/talk_form.html", {"form": form, "cadre": cadre})


@login_required
@require_http_methods(["GET", "POST"])
def talk_correct_view(request, pk):
    talk = get_talk_for_user(request.user, pk, write=True)
    cadre = talk.cadre
    form = TalkCorrectForm(request.POST or None, talk=talk)
    if request.method == "POST" and form.is_valid():
        try:
            talk_correct(actor=request.user, talk=talk, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Talk record corrected."))
            return redirect(_section_url(cadre, f"talk-{talk.pk}"))
    return render(request, "records/talk_correct.html", {"form": form, "cadre": cadre, "talk": talk})


@login_required
@require_http_methods(["GET", "POST"])
def talk_withdraw_view(request, pk):
    talk = get_talk_for_user(request.user, pk, write=True)
    cadre = talk.cadre
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            talk_withdraw(actor=request.user, talk=talk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Talk record withdrawn."))
            return redirect(_section_url(cadre, "talks"))
    return render(request, "records/talk_withdraw.html", {"form": form, "cadre": cadre, "talk": talk})
