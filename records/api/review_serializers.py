"""Serializers of the quarterly review API. The output serializer reads; the input serializers only parse
and check types, the services decide everything else (and are the only writers)."""

from decimal import Decimal

from rest_framework import serializers

from assessments.models import QuarterGrade, QuarterlyReview, ReviewStatus
from core.api import IdField

SCORE = {"max_digits": 5, "decimal_places": 2, "min_value": Decimal("0"), "max_value": Decimal("100")}


def _user_name(user):
    return str(user) if user is not None else None


class ReviewSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    staff_no = serializers.CharField(source="cadre.staff_no", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    scheme_version = serializers.IntegerField(source="scheme.version", read_only=True)
    assessor_name = serializers.SerializerMethodField()
    approver_name = serializers.SerializerMethodField()

    class Meta:
        model = QuarterlyReview
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "staff_no",
            "unit",
            "unit_name",
            "year",
            "quarter",
            "scheme",
            "scheme_version",
            "status",
            "political",
            "responsibility",
            "problem_solving",
            "bottom_line",
            "results",
            "mass_score",
            "ledger_points",
            "score",
            "suggested_grade",
            "grade",
            "comment",
            "assessor",
            "assessor_name",
            "submitted_at",
            "approver",
            "approver_name",
            "decided_at",
            "return_reason",
            "reopen_reason",
        ]
        read_only_fields = fields

    def get_assessor_name(self, review):
        return _user_name(review.assessor)

    def get_approver_name(self, review):
        return _user_name(review.approver)


# --- Query parameters --------------------------------------------------------------------------


class ReviewFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)
    unit = IdField()
    status = serializers.ChoiceField(choices=ReviewStatus.choices, required=False)
    grade = serializers.ChoiceField(choices=QuarterGrade.choices, required=False)
    cadre = IdField()


# --- Input -------------------------------------------------------------------------------------


class ScoreSerializer(serializers.Serializer):
    """The five dimensions are required; the mass evaluation is left as recorded when absent, and the
    grade defaults to the suggested one."""

    political = serializers.DecimalField(**SCORE)
    responsibility = serializers.DecimalField(**SCORE)
    problem_solving = serializers.DecimalField(**SCORE)
    bottom_line = serializers.DecimalField(**SCORE)
    results = serializers.DecimalField(**SCORE)
    mass_score = serializers.DecimalField(required=False, allow_null=True, default=None, **SCORE)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.ChoiceField(choices=QuarterGrade.choices, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    # Left to the service to require, so the message is the same as on the pages.
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
