from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, AuthenticationForm
from django.utils.translation import gettext_lazy as _

from audit import context as audit_context
from records.forms import UnitChoiceField
from records.selectors import units_visible_to

from .models import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. After 5 failures the account is locked for 15 minutes."),
        "inactive": _("This account is disabled."),
    }


class RoleGrantForm(forms.Form):
    user = forms.ModelChoiceField(queryset=None, label=_("user"))
    role = forms.ChoiceField(choices=Role.choices, label=_("role"))
    scope = UnitChoiceField(queryset=None, label=_("scope unit"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).exclude(pk=actor.pk).order_by("username")
        )
        self.fields["scope"].queryset = units_visible_to(actor, roles={Role.SECADMIN}).order_by(
            "depth", "order", "code"
        )


class RoleFilterForm(forms.Form):
    q = forms.CharField(label=_("Username"), required=False, max_length=150)
    role = forms.ChoiceField(choices=[("", _("All"))] + list(Role.choices), label=_("role"), required=False)


class UnlockForm(forms.Form):
    # axes' AccessAttempt.username: what was typed at the login, a user's name or not.
    username = forms.CharField(max_length=255, strip=False)


class AdminUserAddForm(AdminUserCreationForm):
    def save(self, commit=True):
        # The system administrator chose this password: an initial one, replaced at the first login.
        self.instance.must_change_password = self.cleaned_data["set_usable_password"]
        return super().save(commit=commit)


class AdminPasswordSetForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        # Set for someone else it is an initial password again; set for oneself it is not. The admin
        # hands its password form no request: who acts is read from the audit context.
        actor = audit_context.current().user
        self.user.must_change_password = bool(
            self.cleaned_data["set_usable_password"] and getattr(actor, "pk", None) != self.user.pk
        )
        return super().save(commit=commit)
