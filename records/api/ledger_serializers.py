"""Serializers of the ledger API. Output serializers read; input serializers only parse and check
types, the services decide everything else (and are the only writers)."""

import re
from datetime import date

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import IdField

from ..models import (
    EntryStatus,
    FaultToleranceRuling,
    FTBasis,
    FTOutcome,
    FTStage,
    LedgerEntry,
    PointRule,
    RuleCategory,
    Sanction,
    SanctionMeasure,
    TalkKind,
    TalkRecord,
)

POINTS = {"max_digits": 6, "decimal_places": 1}


class MonthField(serializers.Field):
    """A month as ``YYYY-MM`` in and out; the first day of the month inside."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_internal_value(self, data):
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(data).strip())
        if not match or not 1 <= int(match[2]) <= 12:
            self.fail("invalid")
        return date(int(match[1]), int(match[2]), 1)

    def to_representation(self, value):
        return f"{value:%Y-%m}"


def _user_name(user):
    return str(user) if user is not None else None


# --- Output ------------------------------------------------------------------------------------


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointRule
        fields = [
            "id",
            "code",
            "version",
            "name",
            "category",
            "sign",
            "min_points",
            "max_points",
            "range_label",
            "monthly_cap",
            "annual_cap",
            "requires_document",
            "valid_from",
            "valid_to",
            "note",
        ]


class EntrySerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    staff_no = serializers.CharField(source="cadre.staff_no", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    month = MonthField(read_only=True)
    rule_version = serializers.IntegerField(source="rule.version", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    entered_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    reversed_by = serializers.SerializerMethodField()
    ruling = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "staff_no",
            "unit",
            "unit_name",
            "month",
            "rule",
            "rule_code",
            "rule_version",
            "rule_name",
            "category",
            "points",
            "effective_points",
            "facts",
            "document_no",
            "occurred_on",
            "status",
            "entered_by",
            "entered_by_name",
            "entered_at",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "return_reason",
            "reverses",
            "reversed_by",
            "corrects",
            "ruling",
        ]
        read_only_fields = fields

    def get_entered_by_name(self, entry):
        return _user_name(entry.entered_by)

    def get_decided_by_name(self, entry):
        return _user_name(entry.decided_by)

    def get_reversed_by(self, entry):
        # Reverse one-to-ones are select_related; a missing one raises an AttributeError subclass.
        reversal = getattr(entry, "reversal", None)
        return reversal.pk if reversal else None

    def get_ruling(self, entry):
        ruling = getattr(entry, "ruling", None)
        if ruling is None:
            return None
        return {"id": ruling.pk, "stage": ruling.stage, "outcome": ruling.outcome}


class RulingSerializer(serializers.ModelSerializer):
    cadre = serializers.IntegerField(source="entry.cadre_id", read_only=True)
    cadre_name = serializers.CharField(source="entry.cadre.name", read_only=True)
    rule_code = serializers.CharField(source="entry.rule_code", read_only=True)
    points = serializers.DecimalField(source="entry.points", read_only=True, **POINTS)
    effective_points = serializers.DecimalField(source="entry.effective_points", read_only=True, **POINTS)

    class Meta:
        model = FaultToleranceRuling
        fields = [
            "id",
            "entry",
            "cadre",
            "cadre_name",
            "rule_code",
            "points",
            "effective_points",
            "basis",
            "stage",
            "application",
            "applied_by",
            "applied_at",
            "verification",
            "verified_by",
            "verified_at",
            "outcome",
            "reduced_points",
            "determination",
            "determined_by",
            "determined_at",
            "filing_document_no",
            "filed_by",
            "filed_at",
        ]
        read_only_fields = fields


class SanctionSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    kind = serializers.CharField(source="measure.kind", read_only=True)
    measure_name = serializers.CharField(source="measure.name", read_only=True)

    class Meta:
        model = Sanction
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "measure",
            "kind",
            "measure_name",
            "decided_on",
            "document_no",
            "reason",
            "promotion_barred_until",
            "post_barred_until",
            "blocks_excellent",
            "entered_by",
            "entered_at",
        ]
        read_only_fields = fields


class TalkSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = TalkRecord
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "kind",
            "held_on",
            "talker",
            "summary",
            "outcome",
            "entered_by",
            "entered_at",
        ]
        read_only_fields = fields


# --- Query parameters --------------------------------------------------------------------------


class RuleFilterSerializer(serializers.Serializer):
    in_force_on = serializers.DateField(required=False)
    category = serializers.ChoiceField(choices=RuleCategory.choices, required=False)
    code = serializers.CharField(required=False, max_length=16)


class EntryFilterSerializer(serializers.Serializer):
    cadre = IdField()
    unit = IdField()
    month = MonthField(required=False)
    status = serializers.ChoiceField(choices=EntryStatus.choices, required=False)
    rule_code = serializers.CharField(required=False, max_length=16)


class CadreFilterSerializer(serializers.Serializer):
    cadre = IdField()


class RulingFilterSerializer(CadreFilterSerializer):
    entry = IdField()
    stage = serializers.ChoiceField(choices=FTStage.choices, required=False)


class TalkFilterSerializer(CadreFilterSerializer):
    kind = serializers.ChoiceField(choices=TalkKind.choices, required=False)


# --- Input -------------------------------------------------------------------------------------


class EntryInputSerializer(serializers.Serializer):
    """``rule`` is a rule code (the version in force on ``occurred_on`` is used) or a rule version's id."""

    cadre = IdField(required=True)
    rule = serializers.CharField(max_length=16)
    points = serializers.DecimalField(**POINTS)
    facts = serializers.CharField()
    document_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    occurred_on = serializers.DateField()


class EntryPatchSerializer(EntryInputSerializer):
    cadre = None  # an entry never changes cadre

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class ReasonSerializer(serializers.Serializer):
    # Left to the service to require, so the message is the same as on the pages.
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SanctionInputSerializer(serializers.Serializer):
    cadre = IdField(required=True)
    measure = serializers.PrimaryKeyRelatedField(queryset=SanctionMeasure.objects.all())
    decided_on = serializers.DateField()
    document_no = serializers.CharField(max_length=60)
    reason = serializers.CharField()


class TalkInputSerializer(serializers.Serializer):
    cadre = IdField(required=True)
    kind = serializers.ChoiceField(choices=TalkKind.choices)
    held_on = serializers.DateField()
    talker = serializers.CharField(max_length=60)
    summary = serializers.CharField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class _CorrectionSerializer(serializers.Serializer):
    """A correction: the fields that change (the others stay) and why."""

    # Left to the service to require, so the message is the same as on the pages.
    correction_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class SanctionPatchSerializer(_CorrectionSerializer, SanctionInputSerializer):
    cadre = None  # a record never changes cadre


class TalkPatchSerializer(_CorrectionSerializer, TalkInputSerializer):
    cadre = None


class RulingApplySerializer(serializers.Serializer):
    entry = IdField(required=True)
    basis = serializers.ChoiceField(choices=FTBasis.choices)
    application = serializers.CharField()


class RulingVerifySerializer(serializers.Serializer):
    verification = serializers.CharField(required=False, allow_blank=True, default="")


class RulingDetermineSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=FTOutcome.choices)
    determination = serializers.CharField(required=False, allow_blank=True, default="")
    reduced_points = serializers.DecimalField(required=False, allow_null=True, default=None, **POINTS)


class RulingFileSerializer(serializers.Serializer):
    filing_document_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
