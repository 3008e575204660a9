"""Forms of the clerk's ledger pages: entries, reversal and correction, sanctions, talks, and their
correction and withdrawal."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import DateInput, UnitChoiceField, list_filters
from .models import PointRule, SanctionMeasure, TalkKind
from .models.ledger import POINTS
from .selectors import units_visible_to
from .selectors.clashes import CLASH_ROLES
from .services.ledger import month_end

MATCHES_SHOWN = 5  # codes named when part of a name fits several rules


def rule_label(rule):
    return f"{rule.code} {rule.name}"


class EntryForm(forms.Form):
    """One ledger entry. The rule is typed as its code (or "CODE 名称" from the datalist) and
    resolved to the version in force on the date of occurrence, as the service expects."""

    rule = forms.CharField(
        label=_("rule"),
        max_length=120,
        help_text=_("Type the code or part of the name."),
        widget=forms.TextInput(attrs={"list": "rule-options", "autocomplete": "off", "data-rule-input": ""}),
    )
    points = forms.DecimalField(
        label=_("points"), **POINTS, widget=forms.NumberInput(attrs={"step": "0.1", "data-points-input": ""})
    )
    facts = forms.CharField(label=_("facts"), widget=forms.Textarea(attrs={"rows": 3}))
    document_no = forms.CharField(
        label=_("document number (文号)"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"data-doc-input": ""}),
    )
    occurred_on = forms.DateField(label=_("date of occurrence"), widget=DateInput(attrs={"data-date-input": ""}))

    # Where the cursor starts on a fresh form; after a refusal it starts on the first field in error.
    first_field = "rule"

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = list(PointRule.objects.order_by("code", "version"))
        self._focus(self.first_field)
        self.fields["occurred_on"].initial = timezone.localdate()
        if entry is not None:
            self.initial.update(
                rule=rule_label(entry.rule),
                points=entry.points,
                facts=entry.facts,
                document_no=entry.document_no,
                occurred_on=entry.occurred_on,
            )

    def _focus(self, name):
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        self.fields[name].widget.attrs["autofocus"] = True

    def add_error(self, field, error):
        super().add_error(field, error)
        # Field errors, the rule's and the service's arrive in that order, not the form's: focus
        # the first field of the form that is wrong, so the clerk types the fix straight away.
        wrong = [name for name in self.fields if name in self.errors]
        if wrong:
            self._focus(wrong[0])

    def rule_options(self):
        """The datalist: rules in force today, one per code."""
        today = timezone.localdate()
        return [r for r in self.rules if r.valid_on(today)]

    def rule_data(self):
        """Every version, so the page can show the range of the version in force on the chosen date."""
        return [
            {
                "code": r.code,
                "version": r.version,
                "name": r.name,
                "range": r.range_label,
                "min": str(r.min_points),
                "max": str(r.max_points),
                "doc": r.requires_document,
                "from": r.valid_from.isoformat(),
                "to": r.valid_to.isoformat() if r.valid_to else None,
            }
            for r in self.rules
        ]

    def _resolve_rule(self, text, day):
        text = " ".join(text.split())
        code = text.split(" ", 1)[0].upper()
        versions = [r for r in self.rules if r.code == code] or [r for r in self.rules if r.name == text]
        if not versions:
            versions = self._by_part_of_name(text, day)
            if versions is None:
                return None
        if not versions:
            self.add_error("rule", _("No rule has the code or name “%(text)s”.") % {"text": text})
            return None
        in_force = [r for r in versions if r.valid_on(day)]
        if not in_force:
            self.add_error(
                "rule",
                _("Rule %(code)s is not in force on %(day)s.") % {"code": versions[0].code, "day": day.isoformat()},
            )
            return None
        return in_force[-1]

    def _by_part_of_name(self, text, day):
        """The versions of the one rule in force on ``day`` whose name contains ``text``; [] when
        none does, None (with the error added) when several do."""
        part = text.casefold()
        codes = sorted({r.code for r in self.rules if r.valid_on(day) and part in r.name.casefold()})
        if len(codes) > 1:
            shown = "、".join(codes[:MATCHES_SHOWN]) + ("…" if len(codes) > MATCHES_SHOWN else "")
            self.add_error("rule", _("Several rules match (%(codes)s); choose one.") % {"codes": shown})
            return None
        return [r for r in self.rules if codes and r.code == codes[0]]

    def clean(self):
        data = super().clean()
        text, day = data.get("rule"), data.get("occurred_on")
        if text and day:
            rule = self._resolve_rule(text, day)
            if rule is not None:
                data["rule"] = rule
        data["document_no"] = (data.get("document_no") or "").strip()
        return data

    def entry_values(self):
        """The cleaned values in the service's keywords."""
        keys = ("rule", "points", "facts", "document_no", "occurred_on")
        return {k: self.cleaned_data[k] for k in keys}


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.staff_no} {obj.name}"


class SheetEntryForm(EntryForm):
    """The month sheet's one-line form: the same entry plus the cadre, chosen among the unit's."""

    field_order = ["cadre", "rule", "points", "facts", "document_no", "occurred_on"]
    first_field = "cadre"

    cadre = CadreChoiceField(queryset=None, label=_("cadre"))

    def __init__(self, *args, cadres, month, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
        if not self.is_bound and "cadre" in self.initial and "rule" not in self.initial:
            self._focus("rule")  # "Add for this cadre": the cadre is chosen, the rule comes next
        # One line, so Enter submits from every field.
        self.fields["facts"].widget = forms.TextInput()
        self.fields["rule"].help_text = ""
        today = timezone.localdate()
        self.fields["occurred_on"].initial = today if month <= today <= month_end(month) else month


class ClashFilterForm(forms.Form):
    unit = UnitChoiceField(queryset=None, label=_("Unit (with subunits)"), required=False, empty_label=_("All"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user, roles=CLASH_ROLES).order_by("depth", "order", "code")

    def filters(self):
        return list_filters(self)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("reason for reversal"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectForm(EntryForm):
    field_order = ["reason", "rule", "points", "facts", "document_no", "occurred_on"]
    first_field = "reason"

    reason = forms.CharField(label=_("reason for correction"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return day


class SanctionForm(forms.Form):
    measure = forms.TypedChoiceField(label=_("measure"), coerce=int)
    decided_on = forms.DateField(label=_("decided on"), widget=DateInput())
    document_no = forms.CharField(label=_("document number (文号)"), max_length=60)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = {m.pk: m for m in SanctionMeasure.objects.order_by("order", "id")}
        groups = {}
        for m in self.measures.values():
            groups.setdefault(m.get_kind_display(), []).append((m.pk, m.name))
        self.fields["measure"].choices = [("", "---------")] + list(groups.items())

    def clean_measure(self):
        return self.measures[self.cleaned_data["measure"]]

    def clean_decided_on(self):
        return _not_in_future(self.cleaned_data.get("decided_on"))


class TalkForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=TalkKind.choices)
    held_on = forms.DateField(label=_("date"), widget=DateInput())
    talker = forms.CharField(label=_("held by"), max_length=60)
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.CharField(label=_("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()

    def clean_held_on(self):
        return _not_in_future(self.cleaned_data.get("held_on"))


def _correction_reason():
    return forms.CharField(
        label=_("reason for correction"), max_length=300, widget=forms.Textarea(attrs={"rows": 2, "autofocus": True})
    )


class SanctionCorrectForm(SanctionForm):
    """A sanction's decision, prefilled, with why it is corrected."""

    field_order = ["correction_reason", "measure", "decided_on", "document_no", "reason"]

    correction_reason = _correction_reason()

    def __init__(self, *args, sanction, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(
            measure=sanction.measure_id,
            decided_on=sanction.decided_on,
            document_no=sanction.document_no,
            reason=sanction.reason,
        )


class TalkCorrectForm(TalkForm):
    field_order = ["correction_reason", "kind", "held_on", "talker", "summary", "outcome"]

    correction_reason = _correction_reason()

    def __init__(self, *args, talk, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(
            kind=talk.kind, held_on=talk.held_on, talker=talk.talker, summary=talk.summary, outcome=talk.outcome
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for withdrawal"), max_length=300, widget=forms.Textarea(attrs={"rows": 3, "autofocus": True})
    )
