from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.models import AuditedModel


class SanctionKind(models.TextChoices):
    GOVERNMENT = "政务处分", _("Administrative sanction")
    PARTY = "党纪处分", _("Party disciplinary sanction")
    ADMONITION = "诫勉", _("Admonition")
    ORGANIZATIONAL = "组织处理", _("Organizational measure")


class SanctionMeasure(AuditedModel):
    """A measure and its impact periods (影响期). Defaults from DOMAIN §7; editable settings."""

    kind = models.CharField(_("kind"), max_length=8, choices=SanctionKind.choices)
    name = models.CharField(_("measure"), max_length=20)
    promotion_bar_months = models.PositiveSmallIntegerField(_("months barred from promotion"))
    post_bar_months = models.PositiveSmallIntegerField(_("months barred from any post"), default=0)
    blocks_excellent = models.BooleanField(_("bars an excellent grade that year"), default=False)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("sanction measure")
        verbose_name_plural = _("sanction measures")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="unique_sanction_measure")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name}"


class Sanction(AuditedModel):
    cadre = models.ForeignKey(
        "records.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="sanctions"
    )
    measure = models.ForeignKey(SanctionMeasure, verbose_name=_("measure"), on_delete=models.PROTECT)
    decided_on = models.DateField(_("decided on"))
    document_no = models.CharField(_("document number"), max_length=60)
    reason = models.TextField(_("reason"))
    # Computed from the measure at the time of decision, so later edits to the settings do not
    # silently move a decided impact period.
    promotion_barred_until = models.DateField(_("promotion barred until"))
    post_barred_until = models.DateField(_("post barred until"), null=True, blank=True)
    # Likewise taken from the measure when decided: changing the setting does not regrade past years.
    blocks_excellent = models.BooleanField(_("bars an excellent grade that year"), default=False, db_default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "document_no", "measure"], name="unique_sanction_per_document")
        ]

    def __str__(self):
        return f"{self.cadre.name} {self.measure.name} {self.decided_on}"

    def is_active_on(self, day):
        return day <= self.promotion_barred_until


def impact_end(decided_on, months):
    """The last day of an impact period of ``months`` starting on ``decided_on``."""
    if not months:
        return decided_on
    return decided_on + relativedelta(months=months) - relativedelta(days=1)


class TalkKind(models.TextChoices):
    HEART_TO_HEART = "谈心谈话", _("Heart-to-heart talk")
    REMINDER = "提醒谈话", _("Reminder talk")
    INQUIRY = "函询", _("Written inquiry")


class TalkRecord(AuditedModel):
    cadre = models.ForeignKey("records.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="talks")
    kind = models.CharField(_("kind"), max_length=8, choices=TalkKind.choices)
    held_on = models.DateField(_("date"))
    talker = models.CharField(_("held by"), max_length=60)
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("talk record")
        verbose_name_plural = _("talk records")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.cadre.name} {self.kind} {self.held_on}"
