from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminPasswordSetForm, AdminUserAddForm
from .models import Role, RoleAssignment, User
from .roles import has_role
from .selectors import accounts_within_scope


def _is_sysadmin(request):
    return request.user.is_active and has_role(request.user, Role.SYSADMIN)


# The admin belongs to system administrators alone, whatever Django's own staff/superuser flags say.
admin.site.has_permission = _is_sysadmin
admin.site.site_header = _("Cadre Portal administration")
admin.site.site_title = _("Cadre Portal administration")


class SysadminModelAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _is_sysadmin(request)

    def has_view_permission(self, request, obj=None):
        return _is_sysadmin(request)

    def has_add_permission(self, request):
        return _is_sysadmin(request)

    def has_change_permission(self, request, obj=None):
        return _is_sysadmin(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(SysadminModelAdmin, BaseUserAdmin):
    add_form = AdminUserAddForm
    change_password_form = AdminPasswordSetForm
    list_display = ["username", "full_name", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "full_name"]
    # Roles are granted by the security administrator on their own page, never here.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "email"]}),
        (_("Status"), {"fields": ["is_active", "must_change_password", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]})]
    # Set and cleared by the password forms alone: nobody waives a required change with a tick box.
    readonly_fields = ["must_change_password", "last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        # The security and audit administrators' accounts are out of the system administrator's
        # reach (their password, their status): the three administrators stay separate (DOMAIN §10).
        # Read from the assignments, not has_role: a disabled account holds no role there, and
        # enabling it again is exactly what must stay out of reach.
        if (
            obj is not None
            and obj.pk != request.user.pk
            and RoleAssignment.objects.filter(user=obj, role__in=[Role.SECADMIN, Role.AUDITOR]).exists()
        ):
            return False
        # Nor are the accounts holding a role beyond a township system administrator's own scope.
        if (
            obj is not None
            and obj.pk != request.user.pk
            and not accounts_within_scope(request.user, Role.SYSADMIN).filter(pk=obj.pk).exists()
        ):
            return False
        return super().has_change_permission(request, obj)
