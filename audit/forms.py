from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from records.forms import DateInput, UnitChoiceField
from records.selectors import units_visible_to

from .models import Action


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("actor"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("action"), choices=[("", _("All"))] + list(Action.choices), required=False)
    model = forms.CharField(label=_("object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("object id"), required=False, max_length=64)
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All"))
    success = forms.ChoiceField(
        label=_("result"),
        choices=[("", _("All")), ("1", _("Succeeded")), ("0", _("Failed"))],
        required=False,
    )
    since = forms.DateField(label=_("from"), required=False, widget=DateInput())
    until = forms.DateField(label=_("to"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user, roles={Role.AUDITOR}).order_by("depth", "order", "code")
