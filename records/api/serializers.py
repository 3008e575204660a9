from rest_framework import serializers

from ..models import Cadre, Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent", "order", "depth"]


class CadreSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Cadre
        fields = [
            "id",
            "staff_no",
            "name",
            "gender",
            "birth_date",
            "unit",
            "unit_name",
            "position",
            "leadership_level",
            "rank",
            "category",
            "status",
            "post_since",
        ]


class CadreDetailSerializer(CadreSerializer):
    id_number = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField()

    class Meta(CadreSerializer.Meta):
        fields = CadreSerializer.Meta.fields + [
            "ethnicity",
            "education",
            "political_status",
            "management_tier",
            "is_leader",
            "on_probation",
            "rank_since",
            "id_number",
            "mobile",
        ]

    def _sensitive(self, cadre, field):
        if self.context.get("show_sensitive"):
            return getattr(cadre, field)
        return getattr(cadre, f"masked_{field}")

    def get_id_number(self, cadre):
        return self._sensitive(cadre, "id_number")

    def get_mobile(self, cadre):
        return self._sensitive(cadre, "mobile")
