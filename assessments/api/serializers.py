"""Serializers of the annual summary and flag API. Output serializers read; the input ones only parse
and check types, the services decide the rest."""

from rest_framework import serializers

from core.api import IdField
from records.models import CadreCategory

from ..flag_text import TEXT
from ..models import AnnualGrade, AnnualSummary, CandidateFlag, FlagDecision, FlagKind, FlagState
from ..models.annual import SummaryFields
from ..selectors_scores import PENDING, grade_note_labels


def _user_name(user):
    return str(user) if user is not None else None


class SummarySerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    staff_no = serializers.CharField(source="cadre.staff_no", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    grade = serializers.CharField(read_only=True)
    grade_notes_text = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = AnnualSummary
        fields = [
            "id",
            *[f.name for f in SummaryFields._meta.local_fields],
            "cadre_name",
            "staff_no",
            "unit_name",
            "grade",
            "grade_notes_text",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "computed_at",
        ]
        read_only_fields = fields

    def get_grade_notes_text(self, summary):
        return grade_note_labels(summary.grade_notes or [])

    def get_decided_by_name(self, summary):
        return _user_name(summary.decided_by)


class FlagSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    staff_no = serializers.CharField(source="cadre.staff_no", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind_text = serializers.SerializerMethodField()
    sentence = serializers.CharField(read_only=True)
    decided_by_name = serializers.SerializerMethodField()
    # A flag is reference for the committee, never a decision; said in every answer.
    reference_only = serializers.SerializerMethodField()

    class Meta:
        model = CandidateFlag
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "staff_no",
            "unit",
            "unit_name",
            "year",
            "kind",
            "kind_text",
            "state",
            "sentence",
            "data",
            "decision",
            "decision_note",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "raised_at",
            "changed_at",
            "reference_only",
        ]
        read_only_fields = fields

    def get_kind_text(self, flag):
        return TEXT["kind"].get(flag.kind, flag.kind)

    def get_decided_by_name(self, flag):
        return _user_name(flag.decided_by)

    def get_reference_only(self, flag):
        return True


# --- Query parameters --------------------------------------------------------------------------


class SummaryFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    unit = IdField()
    grade = serializers.ChoiceField(choices=AnnualGrade.choices, required=False)
    category = serializers.ChoiceField(choices=CadreCategory.choices, required=False)
    cadre = IdField()


class FlagFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    unit = IdField()
    kind = serializers.ChoiceField(choices=FlagKind.choices, required=False)
    state = serializers.ChoiceField(choices=FlagState.choices, required=False)
    decision = serializers.ChoiceField(
        choices=[PENDING, FlagDecision.ACCEPTED.value, FlagDecision.DISMISSED.value], required=False
    )
    cadre = IdField()


# --- Input -------------------------------------------------------------------------------------


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[FlagDecision.ACCEPTED.value, FlagDecision.DISMISSED.value])
    # Left to the service to require (for a dismissal), so the message is the same as on the pages.
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
