from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.admin import SysadminModelAdmin

from .models import Unit
from .selectors import units_visible_to
from .services import unit_create, unit_update


@admin.register(Unit)
class UnitAdmin(SysadminModelAdmin):
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
        data = {f: form.cleaned_data[f] for f in ["code", "name", "kind", "parent", "order"]}
        try:
            if change:
                unit_update(unit=obj, **data)
            else:
                saved = unit_create(**data)
                obj.pk = saved.pk
        except ValidationError as exc:
            form.add_error(None, exc)
            raise

    def has_delete_permission(self, request, obj=None):
        # Units carry history (postings, ledgers); they are closed by moving, never deleted.
        return False
