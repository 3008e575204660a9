"""The annual summary (年汇总), its flags (人选提示) and the committee's snapshots of both.

Summaries and flags are computed (``assessments.scoring``) and rewritten in bulk; only the
committee's own fields (final grade, flag decisions) are written one by one, through services that
audit them, and a recompute never touches those.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.models import AuditedModel

from .reviews import RATIO, QuarterGrade

LEDGER = {"max_digits": 8, "decimal_places": 1}
SCORE = {"max_digits": 6, "decimal_places": 2}


class AnnualGrade(models.TextChoices):
    EXCELLENT = "优秀", _("Excellent")
    COMPETENT = "称职", _("Competent")
    BASIC = "基本称职", _("Basically competent")
    INCOMPETENT = "不称职", _("Incompetent")


class UnitExcellentQuota(AuditedModel):
    """A unit's own 优秀 share for a year (e.g. 25% for a unit rated excellent), over the scheme's."""

    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    share = models.DecimalField(
        _("优秀 share"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        **RATIO,
    )
    # "basis" alone is the fault-tolerance ruling's (容错依据); a quota's is the plain 依据.
    note = models.CharField(pgettext_lazy("excellent quota", "basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit 优秀 quota")
        verbose_name_plural = _("unit 优秀 quotas")
        ordering = ["-year", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_excellent_quota_per_unit_year"),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=1), name="excellent_quota_is_share"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year} {self.share}"


class SummaryFields(models.Model):
    """Everything a committee reads about one cadre's year; shared by the live row and its snapshots."""

    cadre = models.ForeignKey("records.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("cadre category"), max_length=10)
    scheme = models.ForeignKey(
        "assessments.ScoringScheme",
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    on_probation = models.BooleanField(_("on probation"), default=False)
    ledger_add = models.DecimalField(_("points added"), default=Decimal("0"), **LEDGER)
    ledger_deduct = models.DecimalField(_("points deducted"), default=Decimal("0"), **LEDGER)
    ledger_net = models.DecimalField(_("ledger total"), default=Decimal("0"), **LEDGER)
    # {category: "points"} after caps and fault tolerance; month_deductions: 12 strings, January first.
    ledger_by_category = models.JSONField(_("ledger by category"), default=dict, blank=True)
    month_deductions = models.JSONField(_("net deductions by month"), default=list, blank=True)
    q1_grade = models.CharField(_("Q1 grade"), max_length=2, choices=QuarterGrade.choices, blank=True)
    q2_grade = models.CharField(_("Q2 grade"), max_length=2, choices=QuarterGrade.choices, blank=True)
    q3_grade = models.CharField(_("Q3 grade"), max_length=2, choices=QuarterGrade.choices, blank=True)
    q4_grade = models.CharField(_("Q4 grade"), max_length=2, choices=QuarterGrade.choices, blank=True)
    q1_score = models.DecimalField(_("Q1 score"), null=True, blank=True, **SCORE)
    q2_score = models.DecimalField(_("Q2 score"), null=True, blank=True, **SCORE)
    q3_score = models.DecimalField(_("Q3 score"), null=True, blank=True, **SCORE)
    q4_score = models.DecimalField(_("Q4 score"), null=True, blank=True, **SCORE)
    review_ids = models.JSONField(_("approved reviews"), default=list, blank=True)  # 4 ids or nulls
    quarter_average = models.DecimalField(_("quarterly average"), null=True, blank=True, **SCORE)
    mass_average = models.DecimalField(_("mass evaluation"), null=True, blank=True, **SCORE)
    ledger_normalised = models.DecimalField(_("ledger (normalised)"), null=True, blank=True, **SCORE)
    score = models.DecimalField(_("annual score"), null=True, blank=True, **SCORE)
    unit_rank = models.PositiveIntegerField(_("rank in unit"), null=True, blank=True)
    # The sizes count the cadres ranked (a score, not on probation): each is shown as "rank / size".
    unit_size = models.PositiveIntegerField(_("cadres in unit"), default=0)
    category_rank = models.PositiveIntegerField(_("rank in category"), null=True, blank=True)
    category_size = models.PositiveIntegerField(_("cadres in category"), default=0)
    category_percentile = models.DecimalField(
        _("share of the category ranked above"), null=True, blank=True, max_digits=5, decimal_places=4
    )
    excellent_share = models.DecimalField(_("优秀 quota applied"), default=Decimal("0.2"), **RATIO)
    suggested_grade = models.CharField(_("suggested grade"), max_length=4, choices=AnnualGrade.choices, blank=True)
    grade_notes = models.JSONField(_("grading notes"), default=list, blank=True)
    final_grade = models.CharField(_("final grade"), max_length=4, choices=AnnualGrade.choices, blank=True)
    final_note = models.CharField(_("committee note"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def quarter_grades(self):
        return (self.q1_grade, self.q2_grade, self.q3_grade, self.q4_grade)

    @property
    def quarter_scores(self):
        return (self.q1_score, self.q2_score, self.q3_score, self.q4_score)

    @property
    def grade(self):
        return self.final_grade or self.suggested_grade


# The fields a recompute writes (everything but the committee's own).
COMPUTED_SUMMARY_FIELDS = [
    f.name for f in SummaryFields._meta.local_fields if f.name not in ("cadre", "year", "final_grade", "final_note")
]


class AnnualSummary(SummaryFields, AuditedModel):
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("annual summary")
        verbose_name_plural = _("annual summaries")
        ordering = ["-year", "unit", "unit_rank"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="one_summary_per_cadre_year")]
        indexes = [
            models.Index(fields=["year", "unit", "unit_rank"], name="summary_unit_rank_idx"),
            models.Index(fields=["year", "category", "category_rank"], name="summary_category_rank_idx"),
        ]

    def __str__(self):
        return f"{self.cadre_id} {self.year}"


class FlagKind(models.TextChoices):
    PROMOTION = "promotion", _("Priority promotion")
    RANK_PROMOTION = "rank_promotion", _("Rank promotion")
    COMMENDATION = "commendation", _("Commendation")
    TALK_REMINDER = "talk_reminder", _("Talk reminder")
    YELLOW_CARD = "yellow_card", _("Yellow card")
    RED_CARD = "red_card", _("Red card")
    ADJUSTMENT = "adjustment", _("Adjustment")
    ROTATION_DUE = "rotation_due", _("Rotation due")


class FlagState(models.TextChoices):
    RAISED = "raised", _("Raised")
    BLOCKED = "blocked", _("Not raised (blocked)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FlagDecision(models.TextChoices):
    PENDING = "", _("Not decided")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class FlagFields(models.Model):
    cadre = models.ForeignKey("records.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=FlagKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=FlagState.choices)
    # assessments.flags.Flag.as_data(): the reasons (rule, threshold, actual, refs) and the blockers.
    data = models.JSONField(_("reasons"), default=dict)
    decision = models.CharField(
        _("decision"), max_length=10, choices=FlagDecision.choices, default=FlagDecision.PENDING, blank=True
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def flag(self):
        from ..flags import Flag

        return Flag.from_data(self.data)

    @property
    def sentence(self):
        from ..flag_text import sentence

        return sentence(self.flag)


class CandidateFlag(FlagFields, AuditedModel):
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    raised_at = models.DateTimeField(_("first computed at"))
    changed_at = models.DateTimeField(_("last changed at"))

    class Meta:
        verbose_name = _("candidate flag")
        verbose_name_plural = _("candidate flags")
        ordering = ["-year", "kind", "unit", "cadre"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year", "kind"], name="one_flag_per_cadre_year_kind")]
        indexes = [models.Index(fields=["year", "kind", "state"], name="flag_year_kind_state_idx")]

    def __str__(self):
        return f"{self.cadre_id} {self.year} {self.kind}"


class CommitteeSnapshot(AuditedModel):
    """The summaries and flags of a year as a committee met over them (a unit's subtree)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=100)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    summaries = models.PositiveIntegerField(_("summaries"), default=0)
    flags = models.PositiveIntegerField(_("flags"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("frozen by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee snapshot")
        verbose_name_plural = _("committee snapshots")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.year} {self.title}"


class SnapshotSummary(SummaryFields):
    snapshot = models.ForeignKey(CommitteeSnapshot, on_delete=models.CASCADE, related_name="summary_rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "cadre"], name="one_snapshot_summary_per_cadre")]
        indexes = [models.Index(fields=["snapshot", "unit", "unit_rank"], name="snapshot_unit_rank_idx")]

    def __str__(self):
        return f"{self.snapshot_id}: {self.cadre_id} {self.year}"


class SnapshotFlag(FlagFields):
    snapshot = models.ForeignKey(CommitteeSnapshot, on_delete=models.CASCADE, related_name="flag_rows")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "cadre", "kind"], name="one_snapshot_flag_per_cadre_kind")
        ]
        indexes = [models.Index(fields=["snapshot", "kind"], name="snapshot_flag_kind_idx")]

    def __str__(self):
        return f"{self.snapshot_id}: {self.cadre_id} {self.year} {self.kind}"
