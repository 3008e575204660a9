from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditedModel(models.Model):
    """A domain model whose every create, update and delete lands in the audit log.

    The values a row was loaded with are kept so that an update records only the fields that
    changed, with their before and after values.
    """

    # attname -> function turning a stored value into what the audit log may keep.
    AUDIT_MASKED_FIELDS: dict = {}
    AUDIT_IGNORED_FIELDS: frozenset = frozenset()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def audit_values(self):
        return {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname not in self.AUDIT_IGNORED_FIELDS
        }

    def audit_unit_id(self):
        """The unit whose auditors see the events about this row; None files them at county level.

        A row naming its unit answers that one, else its cadre's or its ledger entry's unit, read through
        the relation the event's ``object_repr`` loads anyway. Rows of the rule book and the like have none.
        """
        names = {field.name for field in self._meta.concrete_fields}
        if "unit" in names:
            return self.unit_id
        for owner in ("cadre", "entry"):
            if owner in names and getattr(self, f"{owner}_id") is not None:
                return getattr(self, owner).unit_id
        return None


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class Action(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    IMPORT = "import", _("Import")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    DENIED = "denied", _("Denied")
    EXPORT = "export", _("Export")
    SEED = "seed", _("Demo data")
    COMPUTE = "compute", _("Recompute")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # No foreign key: deleting a user must neither cascade into nor rewrite the log.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    # Nor here: deleting a unit must not touch the log. Auditors see the events of units in their scope.
    unit_id = models.BigIntegerField(_("unit id"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, db_index=True)
    model = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)
    success = models.BooleanField(_("success"), default=True)
    note = models.TextField(_("note"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.model}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
