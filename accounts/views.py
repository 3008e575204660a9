from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.models import Action
from audit.services import audit_record
from core.access import role_required
from core.paging import paginate
from records.selectors import subtree_ids

from .forms import LoginForm, RoleFilterForm, RoleGrantForm, UnlockForm
from .models import Role, RoleAssignment
from .roles import scope_ids
from .selectors import locked_out_accounts_visible_to
from .services import account_unlock, role_grant, role_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every signed-in user changes their own password here; the admin's page is for staff only.

    The change itself lands in the audit log as an update of the user (the hash masked); a refused
    attempt is logged too, since a wrong old password may be someone at an unattended session.
    """

    template_name = "accounts/password_change.html"
    http_method_names = ["get", "head", "post"]
    success_url = reverse_lazy("accounts:password-change-done")

    def form_invalid(self, form):
        codes = sorted({e.code or "invalid" for errors in form.errors.as_data().values() for e in errors})
        audit_record(
            action=Action.UPDATE,
            instance=self.request.user,
            success=False,
            note=f"password change refused: {', '.join(codes)}"[:500],
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        # Saved with the new password by the form: one audited update of the user.
        form.user.must_change_password = False
        return super().form_valid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    http_method_names = ["get", "head"]


def _assignments_in_scope(actor):
    return RoleAssignment.objects.filter(scope_id__in=subtree_ids(scope_ids(actor, {Role.SECADMIN})))


@role_required(Role.SECADMIN)
@require_http_methods(["GET", "POST"])
def role_index(request):
    form = RoleGrantForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            role_grant(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:role-list")
    filters = RoleFilterForm(request.GET or None)
    qs = (
        _assignments_in_scope(request.user)
        .select_related("user", "scope", "granted_by")
        .order_by("user__username", "role")
    )
    if filters.is_valid():
        if filters.cleaned_data["q"]:
            qs = qs.filter(user__username__contains=filters.cleaned_data["q"])
        if filters.cleaned_data["role"]:
            qs = qs.filter(role=filters.cleaned_data["role"])
    return render(
        request,
        "accounts/role_list.html",
        {"form": form, "filters": filters, "page": paginate(request, qs)},
    )


@role_required(Role.SECADMIN)
@require_http_methods(["GET", "POST"])
def role_revoke_view(request, pk):
    assignment = get_object_or_404(_assignments_in_scope(request.user).select_related("user", "scope"), pk=pk)
    if request.method == "POST":
        try:
            role_revoke(actor=request.user, assignment=assignment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Role revoked."))
        return redirect("accounts:role-list")
    return render(request, "accounts/role_revoke_confirm.html", {"assignment": assignment})


@role_required(Role.SECADMIN)
@require_http_methods(["GET"])
def lockout_list(request):
    locks = locked_out_accounts_visible_to(request.user)
    return render(request, "accounts/lockout_list.html", {"page": paginate(request, locks)})


@role_required(Role.SECADMIN)
@require_http_methods(["POST"])
def lockout_unlock(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an account to unlock."))
        return redirect("accounts:lockout-list")
    try:
        removed = account_unlock(actor=request.user, username=form.cleaned_data["username"])
    except PermissionDenied:
        # An account outside the scope is one the list does not show: answered as a missing one.
        # The service has audited the refusal.
        raise Http404 from None
    if removed:
        messages.success(request, _("Account %(username)s unlocked.") % form.cleaned_data)
    else:
        messages.info(request, _("Account %(username)s was not locked (any more).") % form.cleaned_data)
    return redirect("accounts:lockout-list")
