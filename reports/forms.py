from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.forms import UnitChoiceField

from .builders import REPORTS
from .selectors import report_cadres, report_snapshots, report_units

QUARTERS = [("", "—"), *[(q, f"Q{q}") for q in (1, 2, 3, 4)]]
RAW_LISTS = [("cadres", _("Cadres")), ("entries", _("Ledger entries")), ("reviews", _("Quarterly reviews"))]


class SnapshotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        meeting = f" · {obj.meeting_date:%Y-%m-%d}" if obj.meeting_date else ""
        return f"#{obj.pk} {obj.year} {obj.title}（{obj.unit.name}{meeting}）"


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("report"), choices=[(k, r.title) for k, r in REPORTS.items()])
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("quarter"), choices=QUARTERS, coerce=int, empty_value=None, required=False,
        help_text=_("For the quarterly results only."),
    )  # fmt: skip
    unit = UnitChoiceField(
        queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All units in my scope")
    )
    staff_no = forms.CharField(
        label=_("staff number"), max_length=20, required=False, help_text=_("For the personal file only.")
    )
    snapshot = SnapshotChoiceField(
        queryset=None, label=_("snapshot"), required=False, empty_label=_("Live data"),
        help_text=_("What a committee met over: its numbers stay as they were frozen."),
    )  # fmt: skip
    background = forms.BooleanField(label=_("Build in the background even if small"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = report_units(user)
        self.fields["snapshot"].queryset = report_snapshots(user)
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean_staff_no(self):
        staff_no = self.cleaned_data["staff_no"].strip()
        if not staff_no:
            return None
        cadre = report_cadres(self.user).filter(staff_no=staff_no).select_related("unit").first()
        if cadre is None:
            raise forms.ValidationError(_("No cadre with this staff number in your scope."))
        return cadre

    def request_args(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "year": data["year"],
            "quarter": data["quarter"],
            "unit": data["unit"],
            "cadre": data["staff_no"],
            "snapshot": data["snapshot"],
        }


class RawExportForm(forms.Form):
    what = forms.ChoiceField(label=_("list"), choices=RAW_LISTS)
    unit = UnitChoiceField(
        queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All units in my scope")
    )
    year = forms.IntegerField(
        label=_("year"), min_value=2000, max_value=2100, required=False,
        help_text=_("Entries and reviews of this year only."),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = report_units(user)
