from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from audit.models import AuditedModel


class RuleCategory(models.TextChoices):
    EXCELLENCE = "创先争优", _("Excellence and firsts")
    COMMENDATION = "表彰奖励", _("Commendations")
    URGENT = "急难险重", _("Urgent, difficult and dangerous tasks")
    KEY_TASK = "重点工作", _("Key tasks")
    MISTAKE = "工作失误失责", _("Mistakes and failures of duty")
    COMPLAINT = "群众投诉", _("Verified public complaints")
    CRITICISM = "通报批评", _("Circulated criticism")
    TALK = "约谈函询", _("Admonitory talks and written inquiries")
    ACCOUNTABILITY = "问责", _("Accountability")
    DISCIPLINE = "纪律处分", _("Disciplinary sanctions")


ADD_CATEGORIES = frozenset(
    {RuleCategory.EXCELLENCE, RuleCategory.COMMENDATION, RuleCategory.URGENT, RuleCategory.KEY_TASK}
)


def category_sign(category):
    return 1 if category in ADD_CATEGORIES else -1


POINTS = {"max_digits": 6, "decimal_places": 1}


class PointRule(AuditedModel):
    """One version of one line of the rule book. A revision is a new row from a date on, so an
    entry keeps the version that was in force on the day it happened."""

    code = models.CharField(_("rule code"), max_length=16)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("rule name"), max_length=100)
    category = models.CharField(_("category"), max_length=8, choices=RuleCategory.choices)
    sign = models.SmallIntegerField(_("sign"), choices=[(1, _("add")), (-1, _("deduct"))], editable=False)
    min_points = models.DecimalField(_("minimum points"), **POINTS)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    monthly_cap = models.DecimalField(_("monthly cap"), null=True, blank=True, **POINTS)
    annual_cap = models.DecimalField(_("annual cap"), null=True, blank=True, **POINTS)
    requires_document = models.BooleanField(_("document number required"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_rule_version"),
            models.CheckConstraint(condition=Q(max_points__gte=F("min_points")), name="rule_range_ordered"),
            models.CheckConstraint(
                condition=(Q(sign=1) & Q(min_points__gte=0)) | (Q(sign=-1) & Q(max_points__lte=0)),
                name="rule_range_matches_sign",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="rule_validity_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(monthly_cap__isnull=True) | Q(monthly_cap__gt=0))
                & (Q(annual_cap__isnull=True) | Q(annual_cap__gt=0)),
                name="rule_caps_positive",
            ),
        ]
        indexes = [models.Index(fields=["code", "valid_from"], name="rule_code_from_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.sign = category_sign(self.category)
        super().save(*args, **kwargs)

    @property
    def is_fixed(self):
        return self.min_points == self.max_points

    def valid_on(self, day):
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def range_label(self):
        if self.is_fixed:
            return f"{self.min_points:+}"
        return f"{self.min_points:+} ~ {self.max_points:+}"


class CategoryCap(AuditedModel):
    """Caps on a whole category's points per cadre (defaults from the rule book; editable), in
    versions: a row holds from its year until the category's next row. A year is capped by the
    version in force for it, so new caps from a year on leave the years before as they were."""

    category = models.CharField(_("category"), max_length=8, choices=RuleCategory.choices)
    from_year = models.PositiveSmallIntegerField(
        _("from year"),
        default=2000,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The first year these caps hold. To change caps from a year on, add a row for that year."),
    )
    monthly_cap = models.DecimalField(_("monthly cap"), null=True, blank=True, **POINTS)
    annual_cap = models.DecimalField(_("annual cap"), null=True, blank=True, **POINTS)

    class Meta:
        verbose_name = _("category cap")
        verbose_name_plural = _("category caps")
        ordering = ["category", "from_year"]
        constraints = [
            models.UniqueConstraint(fields=["category", "from_year"], name="one_category_cap_per_year"),
        ]

    def __str__(self):
        return f"{self.category} ({self.from_year}–)"


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    RETURNED = "returned", _("Returned")


class LedgerEntry(AuditedModel):
    cadre = models.ForeignKey(
        "records.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="ledger_entries"
    )
    # The unit the cadre belonged to when the fact was recorded; month close works on it.
    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    rule = models.ForeignKey(PointRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="entries")
    rule_code = models.CharField(_("rule code"), max_length=16, editable=False)
    category = models.CharField(_("category"), max_length=8, choices=RuleCategory.choices, editable=False)
    points = models.DecimalField(_("points"), **POINTS)
    # Points after fault tolerance (容错): equal to points unless a determined ruling says otherwise.
    effective_points = models.DecimalField(_("effective points"), editable=False, **POINTS)
    facts = models.TextField(_("facts"))
    document_no = models.CharField(_("document number"), max_length=60, blank=True)
    occurred_on = models.DateField(_("date of occurrence"))
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-month", "-occurred_on", "-id"]
        constraints = [
            # The same fact (cadre + rule + document number) is scored once, whoever enters it.
            models.UniqueConstraint(
                fields=["cadre", "rule_code", "document_no"],
                condition=Q(document_no__gt="")
                & Q(reverses__isnull=True)
                & Q(corrects__isnull=True)
                & ~Q(status="returned"),
                name="ledger_same_fact_once",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="ledger_month_is_first_day"),
        ]
        indexes = [
            models.Index(fields=["cadre", "month"], name="ledger_cadre_month_idx"),
            models.Index(fields=["unit", "month", "status"], name="ledger_unit_month_idx"),
            models.Index(fields=["status", "month"], name="ledger_status_month_idx"),
        ]

    def __str__(self):
        return f"{self.cadre.name} {self.month:%Y-%m} {self.rule_code} {self.points:+}"

    @property
    def is_reversal(self):
        return self.reverses_id is not None


class MonthClose(AuditedModel):
    """A unit's month: closed locks new entries for the unit and every unit below it."""

    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    closed = models.BooleanField(_("closed"), default=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.CharField(_("reason for reopening"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("month close")
        verbose_name_plural = _("month closes")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="unique_month_close"),
            models.CheckConstraint(condition=Q(month__day=1), name="close_month_is_first_day"),
        ]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m}"


class FTBasis(models.TextChoices):
    """The "three distinctions" (三个区分开来)."""

    TRIAL = "trial", _("Mistakes in trying new things, not knowing violations")
    EXPLORATION = "exploration", _("Unforbidden exploration, not defying a ban")
    DEVELOPMENT = "development", _("Honest mistakes for development, not for self-interest")


class FTStage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    VERIFIED = "verified", _("Verified")
    DETERMINED = "determined", _("Determined")
    FILED = "filed", _("Filed")


class FTOutcome(models.TextChoices):
    WAIVED = "waived", _("Waived (免责)")
    REDUCED = "reduced", _("Reduced (减轻)")
    REJECTED = "rejected", _("Not tolerated (不予容错)")


class FaultToleranceRuling(AuditedModel):
    """容错纠错 on one deduction: application → verification → determination → filing."""

    entry = models.OneToOneField(
        LedgerEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="ruling"
    )
    basis = models.CharField(_("basis"), max_length=12, choices=FTBasis.choices)
    stage = models.CharField(_("stage"), max_length=10, choices=FTStage.choices, default=FTStage.APPLIED)
    application = models.TextField(_("application"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    verification = models.TextField(_("verification findings"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=FTOutcome.choices, blank=True)
    reduced_points = models.DecimalField(_("reduced to"), null=True, blank=True, **POINTS)
    determination = models.TextField(_("determination"), blank=True)
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    determined_at = models.DateTimeField(null=True, blank=True)
    filing_document_no = models.CharField(_("filing document number"), max_length=60, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fault-tolerance ruling")
        verbose_name_plural = _("fault-tolerance rulings")

    def __str__(self):
        return f"{self.entry} · {self.get_stage_display()}"


def effective_points(points: Decimal, outcome: str, reduced_points: Decimal | None) -> Decimal:
    """What a deduction counts for once a ruling is determined."""
    if outcome == FTOutcome.WAIVED:
        return Decimal("0")
    if outcome == FTOutcome.REDUCED:
        return reduced_points
    return points


def attachment_path(instance, filename):
    # Random names: the original name is kept in the row, never trusted as a path.
    import uuid

    return f"attachments/{instance.entry.month:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class EntryAttachment(AuditedModel):
    """Evidence for a ledger entry (a notice, a certificate): PDF, image or Office file."""

    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(_("type"), max_length=8)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
