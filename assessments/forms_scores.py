"""Forms of the annual summary, flag, snapshot and quota pages. They check shapes; the services
decide who may do what."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Role
from records.forms import DateInput, SortField, UnitChoiceField
from records.forms_review import FilterForm
from records.models import CadreCategory
from records.selectors import units_visible_to

from .models import AnnualGrade, FlagDecision, FlagKind, FlagState
from .selectors_scores import PENDING, SCORE_ROLES, SUMMARY_SORTS

YEAR = {"min_value": 2000, "max_value": 2100}


def _all(choices):
    return [("", _("All")), *choices]


def _units(user, roles):
    return units_visible_to(user, roles=roles).order_by("depth", "order", "code")


def last_year():
    """The year a committee usually meets over: the one before today's."""
    return timezone.localdate().year - 1


class SummaryFilterForm(FilterForm):
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"))
    year = forms.IntegerField(label=_("year"), **YEAR)
    category = forms.ChoiceField(label=_("cadre category"), choices=_all(CadreCategory.choices), required=False)
    grade = forms.ChoiceField(label=_("grade"), choices=_all(AnnualGrade.choices), required=False)
    q = forms.CharField(label=_("Name or staff number"), max_length=30, required=False)
    sort = SortField(SUMMARY_SORTS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, SCORE_ROLES)


class RecomputeForm(forms.Form):
    unit = UnitChoiceField(queryset=None, label=_("unit"))
    year = forms.IntegerField(label=_("year"), **YEAR)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, {Role.COMMITTEE})


class FinalGradeForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("final grade"),
        required=False,
        help_text=_("Leave empty for a cadre on probation (a comment only), or to withdraw the committee's grade."),
    )
    note = forms.CharField(
        label=_("committee note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the grade differs from the suggestion, and for a cadre on probation."),
    )

    def __init__(self, *args, summary, **kwargs):
        initial = {"grade": summary.final_grade or summary.suggested_grade, "note": summary.final_note}
        super().__init__(*args, initial=initial, **kwargs)
        empty = _("No grade (comment only)") if summary.on_probation else _("Not decided")
        self.fields["grade"].choices = [("", empty), *AnnualGrade.choices]


class FlagFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("kind"), choices=_all(FlagKind.choices), required=False)
    state = forms.ChoiceField(label=_("state"), choices=_all(FlagState.choices), required=False)
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=_all(
            [(PENDING, FlagDecision.PENDING.label), (FlagDecision.ACCEPTED, FlagDecision.ACCEPTED.label)]
            + [(FlagDecision.DISMISSED, FlagDecision.DISMISSED.label)]
        ),
        required=False,
    )
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All"))
    year = forms.IntegerField(label=_("year"), required=False, **YEAR)
    q = forms.CharField(label=_("Name or staff number"), max_length=30, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, SCORE_ROLES)


class FlagDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            (FlagDecision.ACCEPTED, FlagDecision.ACCEPTED.label),
            (FlagDecision.DISMISSED, FlagDecision.DISMISSED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("decision note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to dismiss a flag."),
    )


class SnapshotForm(forms.Form):
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"))
    year = forms.IntegerField(label=_("year"), **YEAR)
    title = forms.CharField(label=_("title"), max_length=100)
    meeting_date = forms.DateField(label=_("meeting date"), required=False, widget=DateInput())
    note = forms.CharField(label=_("note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, {Role.COMMITTEE})
        self.fields["year"].initial = last_year()


class SnapshotFilterForm(FilterForm):
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All"))
    year = forms.IntegerField(label=_("year"), required=False, **YEAR)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, SCORE_ROLES)


class QuotaForm(forms.Form):
    unit = UnitChoiceField(queryset=None, label=_("unit"))
    year = forms.IntegerField(label=_("year"), **YEAR)
    percent = forms.DecimalField(
        label=_("优秀 share (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=4,
        decimal_places=1,
        help_text=_("E.g. 25 for a unit rated excellent; the scheme's share applies to units without one."),
    )
    note = forms.CharField(label=pgettext_lazy("excellent quota", "basis"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, {Role.SYSADMIN})
        self.fields["year"].initial = last_year()

    @property
    def share(self):
        return self.cleaned_data["percent"] / Decimal("100")


class QuotaFilterForm(FilterForm):
    year = forms.IntegerField(label=_("year"), required=False, **YEAR)
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, {Role.SYSADMIN})
