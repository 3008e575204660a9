"""Forms of the reviewer and administrator pages: review queue, month close, fault tolerance, rule book."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .forms import DateInput, UnitChoiceField, list_filters
from .models import ADD_CATEGORIES, FTBasis, FTOutcome, FTStage, PointRule, RuleCategory
from .models.ledger import POINTS
from .selectors import units_visible_to


def parse_month(value):
    """``YYYY-MM`` → the first day of that month, or None."""
    try:
        year, month = (int(part) for part in str(value).split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def _blank(choices):
    return [("", _("All"))] + list(choices)


class MonthInput(forms.TextInput):
    input_type = "month"

    def format_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, date) else super().format_value(value)


class MonthField(forms.CharField):
    widget = MonthInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None or not 2000 <= month.year <= 2100:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return month


class FilterForm(forms.Form):
    def filters(self):
        return list_filters(self)


def rule_code_choices():
    """Every code of the rule book with its latest name, for filters (one query)."""
    latest = {}
    for code, name in PointRule.objects.order_by("code", "version").values_list("code", "name"):
        latest[code] = name
    return [(code, f"{code} {name}") for code, name in latest.items()]


class ReviewFilterForm(FilterForm):
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All"))
    month = MonthField(label=_("month"), required=False)
    rule_code = forms.ChoiceField(label=_("rule"), required=False)
    category = forms.ChoiceField(label=_("category"), choices=_blank(RuleCategory.choices), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user, roles={Role.REVIEWER}).order_by("depth", "order", "code")
        self.fields["rule_code"].choices = _blank(rule_code_choices())


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning entries: the clerk sees it."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class CompletionFilterForm(FilterForm):
    """The year of the 纪实完成情况 page: from 2000 up to next year."""

    year = forms.IntegerField(label=_("year"), required=False, min_value=2000)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        # The upper bound moves with the date, so it cannot be given in the declaration.
        last = today.year + 1
        year = self.fields["year"]
        year.max_value = last
        year.validators.append(MaxValueValidator(last))
        year.widget.attrs["max"] = last


# --- Fault tolerance -----------------------------------------------------------------------------


class RulingApplyForm(forms.Form):
    basis = forms.ChoiceField(label=_("basis (三个区分开来)"), choices=FTBasis.choices, widget=forms.RadioSelect)
    application = forms.CharField(
        label=_("application"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happened, why it was a mistake of the tolerated kind, and the evidence."),
    )


class RulingVerifyForm(forms.Form):
    verification = forms.CharField(label=_("verification findings"), widget=forms.Textarea(attrs={"rows": 4}))


class RulingDetermineForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=FTOutcome.choices, widget=forms.RadioSelect)
    reduced_points = forms.DecimalField(
        label=_("reduced to"),
        required=False,
        help_text=_("Only for a reduced deduction: the points it counts for, between the original and 0."),
        **POINTS,
    )
    determination = forms.CharField(label=_("determination"), widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == FTOutcome.REDUCED and data.get("reduced_points") is None:
            self.add_error("reduced_points", _("Give the value the deduction is reduced to."))
        return data


class RulingFileForm(forms.Form):
    filing_document_no = forms.CharField(label=_("filing document number"), max_length=60)


# Which form acts on a ruling at each stage; a filed ruling is complete.
STAGE_FORMS = {
    FTStage.APPLIED: ("verify", RulingVerifyForm),
    FTStage.VERIFIED: ("determine", RulingDetermineForm),
    FTStage.DETERMINED: ("file", RulingFileForm),
}


class RulingFilterForm(FilterForm):
    stage = forms.ChoiceField(label=_("stage"), choices=_blank(FTStage.choices), required=False)
    outcome = forms.ChoiceField(label=_("outcome"), choices=_blank(FTOutcome.choices), required=False)


# --- Rule book -----------------------------------------------------------------------------------


class RuleFilterForm(FilterForm):
    q = forms.CharField(label=_("Code or name"), required=False, max_length=30)
    category = forms.ChoiceField(label=_("category"), choices=_blank(RuleCategory.choices), required=False)


CAP = {"required": False, "min_value": Decimal("0.1"), **POINTS}


class RuleForm(forms.Form):
    """The fields of one rule version; ``code`` only when creating a rule."""

    code = forms.RegexField(
        label=_("rule code"),
        regex=r"^[A-Za-z0-9]{1,16}$",
        max_length=16,
        help_text=_("Letters and digits, e.g. JN07."),
        error_messages={"invalid": _("Use letters and digits only.")},
    )
    name = forms.CharField(label=_("rule name"), max_length=100)
    category = forms.ChoiceField(label=_("category"), choices=RuleCategory.choices)
    min_points = forms.DecimalField(
        label=_("minimum points"), help_text=_("Deductions are negative, e.g. −5 to −1."), **POINTS
    )
    max_points = forms.DecimalField(
        label=_("maximum points"), help_text=_("Equal to the minimum for a fixed value."), **POINTS
    )
    monthly_cap = forms.DecimalField(label=_("monthly cap"), help_text=_("Absolute value; empty for none."), **CAP)
    annual_cap = forms.DecimalField(label=_("annual cap"), help_text=_("Absolute value; empty for none."), **CAP)
    requires_document = forms.BooleanField(label=_("document number required"), required=False, initial=True)
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, revising=None, **kwargs):
        super().__init__(*args, **kwargs)
        if revising is not None:
            del self.fields["code"]
            self.fields["valid_from"].help_text = _("The current version ends the day before.")
            for field in self.fields:
                if field != "valid_from":
                    self.fields[field].initial = getattr(revising, field)

    def clean_code(self):
        return self.cleaned_data["code"].upper()

    def clean(self):
        data = super().clean()
        low, high, category = data.get("min_points"), data.get("max_points"), data.get("category")
        if low is None or high is None or not category:
            return data
        if low > high:
            self.add_error("max_points", _("The maximum cannot be below the minimum."))
        elif category in ADD_CATEGORIES and (low < 0 or high <= 0):
            self.add_error(
                "min_points", _("%(category)s adds points: the range must be positive.") % {"category": category}
            )
        elif category not in ADD_CATEGORIES and (high > 0 or low >= 0):
            self.add_error(
                "max_points", _("%(category)s deducts points: the range must be negative.") % {"category": category}
            )
        return data

    def rule_fields(self):
        return {k: v for k, v in self.cleaned_data.items() if k not in ("code", "valid_from")}
