from django import forms
from django.utils.translation import gettext_lazy as _

from records.forms import DateInput

from .models import Action


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("actor"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("action"), choices=[("", _("All"))] + list(Action.choices), required=False)
    model = forms.CharField(label=_("object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_("object id"), required=False, max_length=64)
    success = forms.ChoiceField(
        label=_("result"),
        choices=[("", _("All")), ("1", _("Succeeded")), ("0", _("Failed"))],
        required=False,
    )
    since = forms.DateField(label=_("from"), required=False, widget=DateInput())
    until = forms.DateField(label=_("to"), required=False, widget=DateInput())
