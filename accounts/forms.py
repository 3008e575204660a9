from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
