"""Forms of the quarterly review pages. They check shapes; the services decide who may do what."""

import copy
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import RECORD_ROLES, Role
from records.forms import UnitChoiceField
from records.forms_review import FilterForm
from records.models import UnitKind
from records.selectors import units_visible_to

from .models import DEFAULT_FLAG_THRESHOLDS, QuarterlyReview, ReviewStatus, ScoringScheme
from .rules import DIMENSIONS, GRADES, allowed_grades
from .services import SCHEME_FIELDS

QUARTERS = [(q, f"Q{q}") for q in (1, 2, 3, 4)]
YEAR = {"min_value": 2000, "max_value": 2100}


def current_quarter(day=None):
    day = day or timezone.localdate()
    return day.year, (day.month - 1) // 3 + 1


def _all(choices):
    return [("", _("All")), *choices]


def _units(user, roles):
    return units_visible_to(user, roles=roles).order_by("depth", "order", "code")


# --- Cycle and filters ---------------------------------------------------------------------------


class CycleOpenForm(forms.Form):
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"))
    year = forms.IntegerField(label=_("year"), **YEAR)
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=QUARTERS, coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, {Role.REVIEWER})
        year, quarter = current_quarter()
        self.fields["year"].initial = year
        self.fields["quarter"].initial = quarter


class QueueFilterForm(FilterForm):
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All"))
    year = forms.IntegerField(label=_("year"), required=False, **YEAR)
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=_all(QUARTERS), coerce=int, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, {Role.REVIEWER})


class AssessorFilterForm(QueueFilterForm):
    status = forms.ChoiceField(
        label=_("status"),
        choices=_all([(s, ReviewStatus(s).label) for s in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)]),
        required=False,
    )


class ApprovalFilterForm(QueueFilterForm):
    grade = forms.ChoiceField(label=_("grade"), choices=_all([(g, g) for g in GRADES]), required=False)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning reviews: the assessor sees it."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the review is reopened"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class SchemeYearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), required=False, **YEAR)


class OverviewForm(forms.Form):
    unit = UnitChoiceField(queryset=None, label=_("unit"))
    year = forms.IntegerField(label=_("year"), **YEAR)
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=QUARTERS, coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user, RECORD_ROLES)


# --- Scoring -------------------------------------------------------------------------------------


class GradeSelect(forms.Select):
    """Grades above the suggestion are shown but disabled; review_score.js re-enables them live."""

    allowed = GRADES

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and value not in self.allowed:
            option["attrs"]["disabled"] = True
        return option


SCORE_FIELD = {"min_value": Decimal("0"), "max_value": Decimal("100"), "max_digits": 5, "decimal_places": 2}


class ScoreForm(forms.Form):
    political = forms.DecimalField(required=False, **SCORE_FIELD)
    responsibility = forms.DecimalField(required=False, **SCORE_FIELD)
    problem_solving = forms.DecimalField(required=False, **SCORE_FIELD)
    bottom_line = forms.DecimalField(required=False, **SCORE_FIELD)
    results = forms.DecimalField(required=False, **SCORE_FIELD)
    mass_score = forms.DecimalField(
        required=False,
        help_text=_("Optional; an imported evaluation shows here. Without one, the dimensions count in full."),
        **SCORE_FIELD,
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    grade = forms.ChoiceField(
        required=False,
        choices=[("", _("As suggested")), *[(g, g) for g in GRADES]],
        widget=GradeSelect,
        help_text=_("The suggested grade or a lower one, e.g. when the unit's 好 quota is used."),
    )

    def __init__(self, *args, review, **kwargs):
        initial = {name: getattr(review, name) for name in (*DIMENSIONS, "mass_score", "comment")}
        # Only a grade lowered by hand is kept as a choice; otherwise it follows the scores.
        initial["grade"] = review.grade if review.grade != review.suggested_grade else ""
        super().__init__(*args, initial=initial, **kwargs)
        for name in (*DIMENSIONS, "mass_score", "comment", "grade"):
            self.fields[name].label = QuarterlyReview._meta.get_field(name).verbose_name
        for name in DIMENSIONS:
            self.fields[name].widget.attrs["data-dimension"] = name
        self.fields["mass_score"].widget.attrs["data-mass"] = ""
        self.fields["grade"].widget.attrs["data-grade"] = ""
        if review.suggested_grade:
            self.fields["grade"].widget.allowed = allowed_grades(review.suggested_grade)

    def score_args(self):
        data = self.cleaned_data
        return {
            **{name: data[name] for name in DIMENSIONS},
            "comment": data["comment"],
            "mass_score": data["mass_score"],
            "grade": data["grade"] or None,
        }


# --- Schemes -------------------------------------------------------------------------------------

MODEL_FIELDS = [f for f in SCHEME_FIELDS if f != "flag_thresholds"]
SHARE = {"min_value": Decimal("0"), "max_value": Decimal("1"), "max_digits": 4, "decimal_places": 3}
DEDUCTION = {"max_value": Decimal("0"), "max_digits": 6, "decimal_places": 1}
FLAG_FIELDS = {
    "promotion_top_share": forms.DecimalField(label=_("promotion: top share of the annual ranking"), **SHARE),
    "promotion_min_good_quarters": forms.IntegerField(
        label=_("promotion: quarters graded 好 at least"), min_value=0, max_value=4
    ),
    "rank_promotion_top_share": forms.DecimalField(label=_("rank promotion: top share of the ranking"), **SHARE),
    "talk_month_net_deduction": forms.DecimalField(label=_("talk: a month's net deduction reaching"), **DEDUCTION),
    "yellow_quarter_deduction": forms.DecimalField(
        label=_("yellow warning: a quarter's net deduction reaching"), **DEDUCTION
    ),
    "red_sanction_deduction": forms.DecimalField(
        label=_("red warning: deductions with a sanction reaching"), **DEDUCTION
    ),
    "rotation_unit_years": forms.IntegerField(label=_("rotation: years in one unit"), min_value=1, max_value=40),
    "rotation_office_years": forms.IntegerField(label=_("rotation: years in one office"), min_value=1, max_value=40),
}


class SchemeForm(forms.Form):
    """A scheme's weights, thresholds, quotas and flag thresholds; ``creating`` adds year and tier."""

    def __init__(self, *args, scheme=None, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        names = (["year", "cadre_group", "unit_kind"] if creating else []) + MODEL_FIELDS
        self.fields.update(fields_for_model(ScoringScheme, fields=names))
        self.fields.update({name: copy.deepcopy(field) for name, field in FLAG_FIELDS.items()})
        for name in MODEL_FIELDS:
            if name.startswith(("w_", "quarter_", "annual_")):
                self.fields[name].validators.append(MinValueValidator(Decimal("0")))
                self.fields[name].widget.attrs["min"] = "0"
        for name in ("good_quota", "excellent_quota"):
            self.fields[name].widget.attrs.update({"min": "0", "max": "1"})
        self.fields["name"].label = _("scheme name")
        if creating:
            self.fields["year"].initial = timezone.localdate().year
            self.fields["unit_kind"].choices = [("", _("All kinds")), *UnitKind.choices]
        for name in FLAG_FIELDS:
            self.fields[name].initial = (
                scheme.flag_setting(name) if scheme is not None else DEFAULT_FLAG_THRESHOLDS[name]
            )
        if scheme is not None:
            for name in MODEL_FIELDS:
                self.fields[name].initial = getattr(scheme, name)

    def clean(self):
        data = super().clean()
        good, fairly, average = data.get("good_min"), data.get("fairly_good_min"), data.get("average_min")
        if None not in (good, fairly, average) and not good >= fairly >= average:
            self.add_error("fairly_good_min", _("The thresholds must run 好 ≥ 较好 ≥ 一般."))
        for name in ("good_quota", "excellent_quota"):
            value = data.get(name)
            if value is not None and not Decimal("0") <= value <= Decimal("1"):
                self.add_error(name, _("A quota is a share between 0 and 1, e.g. 0.40."))
        weights = [data.get(f"w_{d}") for d in DIMENSIONS]
        if None not in weights and sum(weights) <= 0:
            self.add_error("w_political", _("At least one dimension needs a weight above 0."))
        if "year" in self.fields and not self.errors:
            taken = ScoringScheme.objects.filter(
                year=data["year"], cadre_group=data["cadre_group"], unit_kind=data.get("unit_kind", ""), is_current=True
            )
            if taken.exists():
                raise forms.ValidationError(_("This year and tier already have a scheme; edit that one instead."))
        return data

    def scheme_values(self):
        """The model fields with flag_thresholds as a JSON-ready dict (decimals as strings)."""
        data = self.cleaned_data
        values = {name: data[name] for name in MODEL_FIELDS}
        values["flag_thresholds"] = {
            name: str(data[name]) if isinstance(data[name], Decimal) else data[name] for name in FLAG_FIELDS
        }
        return values
