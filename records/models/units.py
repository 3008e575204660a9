from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import AuditedModel


class UnitKind(models.TextChoices):
    PARTY = "党委", _("Party committee")
    GOVERNMENT = "政府部门", _("Government department")
    TOWNSHIP = "乡镇街道", _("Township or subdistrict")
    INSTITUTION = "事业单位", _("Public institution")
    STATE_ENTERPRISE = "国有企业", _("State-owned enterprise")
    VILLAGE = "村社区", _("Village or community")


class Unit(AuditedModel):
    code = models.CharField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("unit name"), max_length=100)
    kind = models.CharField(_("unit kind"), max_length=8, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("display order"), default=0)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["depth", "order", "code"]

    def __str__(self):
        return self.name

    def audit_unit_id(self):
        return self.pk


class UnitClosure(models.Model):
    """Every (ancestor, descendant) pair of the unit tree, a unit being its own ancestor at depth 0.

    "This unit and everything below it" is then one indexed equality lookup on any database, which
    every scope check relies on. Maintained only by the unit services.
    """

    ancestor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="descendant_links")
    descendant = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ancestor_links")
    distance = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="unique_unit_closure"),
        ]
        indexes = [models.Index(fields=["descendant", "ancestor"], name="unitclosure_desc_idx")]

    def __str__(self):
        return f"{self.ancestor_id} → {self.descendant_id} ({self.distance})"
