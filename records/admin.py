from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.admin import SysadminModelAdmin

from .models import CategoryCap, PointRule, SanctionMeasure, Unit, UnitClosure
from .selectors import scope_covers_county, units_visible_to
from .services import unit_create, unit_update


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "order"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        unit = self.instance
        if parent is None:
            # Scopes are subtrees of existing units, so a new top-level unit would be seen by nobody.
            # An existing top-level unit (the county itself) keeps its empty parent.
            stored_parent = Unit.objects.filter(pk=unit.pk).values_list("parent_id", flat=True).first()
            if unit.pk is None or stored_parent is not None:
                raise ValidationError(
                    _("Choose a parent unit: a new top-level unit would be outside every user's scope.")
                )
        elif unit.pk is not None and UnitClosure.objects.filter(ancestor=unit, descendant=parent).exists():
            raise ValidationError(_("A unit cannot be moved under itself or its own subunit."))
        return parent


@admin.register(Unit)
class UnitAdmin(SysadminModelAdmin):
    form = UnitAdminForm
    list_display = ["code", "name", "kind", "parent", "order", "depth"]
    list_filter = ["kind", "depth"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "kind", "parent", "order"]
    ordering = ["depth", "order", "code"]

    def get_queryset(self, request):
        return units_visible_to(request.user, roles={"sysadmin"})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = units_visible_to(request.user, roles={"sysadmin"})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The closure table must follow every create and move, so saves go through the services.
        # The form has already refused a move under the unit itself or its subunits (clean_parent).
        data = {f: form.cleaned_data[f] for f in ["code", "name", "kind", "parent", "order"]}
        if change:
            unit_update(unit=obj, **data)
        else:
            saved = unit_create(**data)
            obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        # Units carry history (postings, ledgers); they are closed by moving, never deleted.
        return False


class CategoryCapForm(forms.ModelForm):
    class Meta:
        model = CategoryCap
        fields = ["category", "from_year", "monthly_cap", "annual_cap"]

    def _positive(self, field):
        value = self.cleaned_data.get(field)
        if value is not None and value <= 0:
            raise ValidationError(_("A cap is a positive number of points; leave it empty for none."))
        return value

    def clean_monthly_cap(self):
        return self._positive("monthly_cap")

    def clean_annual_cap(self):
        return self._positive("annual_cap")


class CountySettingAdmin(SysadminModelAdmin):
    """Settings that hold for every township: a system administrator of one township reads them only."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and scope_covers_county(request.user, {"sysadmin"})

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and scope_covers_county(request.user, {"sysadmin"})


@admin.register(CategoryCap)
class CategoryCapAdmin(CountySettingAdmin):
    form = CategoryCapForm
    list_display = ["category", "from_year", "monthly_cap", "annual_cap"]
    fields = ["category", "from_year", "monthly_cap", "annual_cap"]
    ordering = ["category", "from_year"]


@admin.register(SanctionMeasure)
class SanctionMeasureAdmin(CountySettingAdmin):
    list_display = ["kind", "name", "promotion_bar_months", "post_bar_months", "blocks_excellent", "order"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["kind", "name", "promotion_bar_months", "post_bar_months", "blocks_excellent", "order"]
    ordering = ["order", "id"]


@admin.register(PointRule)
class PointRuleAdmin(SysadminModelAdmin):
    """Read-only: a rule changes by a new version from a date, on the rule book page (records:rule-list)."""

    list_display = ["code", "version", "name", "category", "range_label", "valid_from", "valid_to"]
    list_filter = ["category"]
    search_fields = ["code", "name"]
    ordering = ["code", "-version"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
