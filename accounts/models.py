from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import AuditedModel


def _hidden(value):
    return "******"


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # Whoever runs createsuperuser on the server typed this password for the account's owner.
        if password is not None:
            extra_fields.setdefault("must_change_password", True)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AuditedModel, AbstractUser):
    # Logins are audited as login events; a hash is never copied into the log.
    AUDIT_IGNORED_FIELDS = frozenset({"last_login"})
    AUDIT_MASKED_FIELDS = {"password": _hidden}

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # The cadre record of this person, when the user is also a cadre: nobody assesses or approves
    # their own review.
    cadre = models.OneToOneField(
        "records.Cadre",
        verbose_name=_("own cadre record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user_account",
    )
    # MLPS: a password set by someone else (the system administrator) is an initial one that its owner
    # replaces at the next login; the portal allows nothing else until then.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def audit_unit_id(self):
        # Accounts are county-level business, also for a user who is a cadre of some unit.
        return None


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    REVIEWER = "reviewer", _("Reviewer")
    COMMITTEE = "committee", _("Committee")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")


# MLPS 2.0 level 3: the three administrators are separate people.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# Roles that read personnel records of the cadres in their scope.
RECORD_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.COMMITTEE})


class RoleAssignment(AuditedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    scope = models.ForeignKey(
        "records.Unit",
        verbose_name=_("scope unit"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "scope"], name="unique_role_per_scope"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope}"
