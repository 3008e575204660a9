from .models import RECORD_ROLES, Role
from .roles import roles_of


def roles(request):
    held = roles_of(getattr(request, "user", None))
    return {
        "user_roles": held,
        "can_read_records": bool(held & RECORD_ROLES),
        "is_clerk": Role.CLERK in held,
        "is_reviewer": Role.REVIEWER in held,
        "is_sysadmin": Role.SYSADMIN in held,
        "is_secadmin": Role.SECADMIN in held,
        "is_auditor": Role.AUDITOR in held,
    }
