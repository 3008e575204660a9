from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import RECORD_ROLES, Role

from .models import Cadre, CadreCategory, CadreStatus, LeadershipLevel, Rank
from .selectors import CADRE_SORTS, units_visible_to
from .services import CADRE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'　' * obj.depth}{obj.name}（{obj.code}）"


class CadreForm(forms.ModelForm):
    unit = UnitChoiceField(queryset=None, label=_("unit"))

    class Meta:
        model = Cadre
        fields = CADRE_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "post_since": DateInput(),
            "rank_since": DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user, roles={Role.CLERK}).order_by("depth", "order", "code")
        if self.instance.pk:
            # Moving a cadre is a transfer, which keeps the posting history.
            self.fields["unit"].disabled = True

    def clean_id_number(self):
        return (self.cleaned_data.get("id_number") or "").strip().upper()


class TransferForm(forms.Form):
    unit = UnitChoiceField(queryset=None, label=_("new unit"))
    position = forms.CharField(label=_("new position"), max_length=60)
    leadership_level = forms.ChoiceField(label=_("leadership level"), choices=LeadershipLevel.choices)
    on = forms.DateField(label=_("effective from"), widget=DateInput())
    note = forms.CharField(label=_("note (e.g. appointment document number)"), max_length=200, required=False)

    def __init__(self, *args, user, cadre, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadre = cadre
        self.fields["unit"].queryset = units_visible_to(user, roles={Role.CLERK}).order_by("depth", "order", "code")
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("unit") == self.cadre.unit and data.get("position") == self.cadre.position:
            raise forms.ValidationError(_("The new unit and position are the same as the current ones."))
        return data


def _blank(choices):
    return [("", _("All"))] + list(choices)


class SortField(forms.ChoiceField):
    """A list's sort key, carried in a hidden input by the column links."""

    default_error_messages = {"invalid_choice": _("Unknown sort order “%(value)s”: the default order is shown.")}

    def __init__(self, keys, **kwargs):
        super().__init__(choices=[(k, k) for k in keys], required=False, widget=forms.HiddenInput, **kwargs)


def list_filters(form):
    """The filters of a valid list form, else none. An unknown sort key (an old or hand-made link) only
    drops the order: the list keeps its other filters instead of showing everything, or nothing."""
    if not form.is_bound or (not form.is_valid() and set(form.errors) - {"sort"}):
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}


class CadreFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or staff number"), required=False, max_length=30)
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All"))
    category = forms.ChoiceField(label=_("cadre category"), choices=_blank(CadreCategory.choices), required=False)
    rank = forms.ChoiceField(label=_("rank"), choices=_blank(Rank.choices), required=False)
    leadership_level = forms.ChoiceField(
        label=_("leadership level"), choices=_blank(LeadershipLevel.choices), required=False
    )
    status = forms.ChoiceField(label=_("status"), choices=_blank(CadreStatus.choices), required=False)
    sort = SortField(CADRE_SORTS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user, roles=RECORD_ROLES).order_by("depth", "order", "code")

    def filters(self):
        return list_filters(self)
