from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.models import AuditedModel
from records.models import UnitKind

from ..rules import QuarterWeights, Thresholds

SCORE = {"max_digits": 5, "decimal_places": 2}
WEIGHT = {"max_digits": 5, "decimal_places": 3}
RATIO = {"max_digits": 4, "decimal_places": 3}
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

# Defaults of DOMAIN §6, used by the scoring issue's flags; every one is a setting of the scheme.
DEFAULT_FLAG_THRESHOLDS = {
    "promotion_top_share": "0.10",
    "promotion_min_good_quarters": 3,
    "rank_promotion_top_share": "0.20",
    "talk_month_net_deduction": "-5",
    "yellow_quarter_deduction": "-10",
    "red_sanction_deduction": "-15",
    "rotation_unit_years": 10,
    "rotation_office_years": 5,
}


class CadreGroup(models.TextChoices):
    ALL = "all", _("All cadres")
    LEADERS = "leaders", _("Leading cadres")
    STAFF = "staff", _("General staff")


class ScoringScheme(AuditedModel):
    """Weights, thresholds and quotas for one year and one tier (分层分类).

    A scheme that reviews already use is never overwritten: a change makes a new version and the
    reviews keep the version they were scored with.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=60)
    cadre_group = models.CharField(_("cadre group"), max_length=8, choices=CadreGroup.choices, default=CadreGroup.ALL)
    unit_kind = models.CharField(_("unit kind"), max_length=8, choices=UnitKind.choices, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    w_political = models.DecimalField(_("weight: political steadiness"), default=Decimal("1"), **WEIGHT)
    w_responsibility = models.DecimalField(_("weight: responsibility"), default=Decimal("1"), **WEIGHT)
    w_problem_solving = models.DecimalField(_("weight: problem-solving"), default=Decimal("1"), **WEIGHT)
    w_bottom_line = models.DecimalField(_("weight: bottom-line awareness"), default=Decimal("1"), **WEIGHT)
    w_results = models.DecimalField(_("weight: results"), default=Decimal("1"), **WEIGHT)
    quarter_dimension_part = models.DecimalField(
        _("quarter: share of the dimensions"), default=Decimal("0.8"), **WEIGHT
    )
    quarter_mass_part = models.DecimalField(
        _("quarter: share of the mass evaluation"), default=Decimal("0.2"), **WEIGHT
    )
    quarter_ledger_factor = models.DecimalField(_("quarter: score per ledger point"), default=Decimal("1"), **WEIGHT)
    good_min = models.DecimalField(_("好 from"), default=Decimal("90"), **SCORE)
    fairly_good_min = models.DecimalField(_("较好 from"), default=Decimal("80"), **SCORE)
    average_min = models.DecimalField(_("一般 from"), default=Decimal("70"), **SCORE)
    good_quota = models.DecimalField(_("好 quota (share of a unit's cadres)"), default=Decimal("0.40"), **RATIO)
    annual_review_part = models.DecimalField(
        _("annual: share of the quarterly average"), default=Decimal("0.4"), **WEIGHT
    )
    annual_ledger_part = models.DecimalField(_("annual: share of the ledger"), default=Decimal("0.4"), **WEIGHT)
    annual_mass_part = models.DecimalField(_("annual: share of the mass evaluation"), default=Decimal("0.2"), **WEIGHT)
    excellent_quota = models.DecimalField(_("优秀 quota (share of a unit's cadres)"), default=Decimal("0.20"), **RATIO)
    flag_thresholds = models.JSONField(_("flag thresholds"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["-year", "cadre_group", "unit_kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "cadre_group", "unit_kind", "version"], name="unique_scheme_version"
            ),
            models.UniqueConstraint(
                fields=["year", "cadre_group", "unit_kind"],
                condition=Q(is_current=True),
                name="one_current_scheme_per_tier",
            ),
            models.CheckConstraint(
                condition=Q(good_min__gte=models.F("fairly_good_min"))
                & Q(fairly_good_min__gte=models.F("average_min")),
                name="scheme_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(good_quota__gte=0)
                & Q(good_quota__lte=1)
                & Q(excellent_quota__gte=0)
                & Q(excellent_quota__lte=1),
                name="scheme_quotas_are_shares",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name} v{self.version}"

    @property
    def quarter_weights(self):
        return QuarterWeights(
            dimensions=(
                self.w_political,
                self.w_responsibility,
                self.w_problem_solving,
                self.w_bottom_line,
                self.w_results,
            ),
            dimension_part=self.quarter_dimension_part,
            mass_part=self.quarter_mass_part,
            ledger_factor=self.quarter_ledger_factor,
        )

    @property
    def thresholds(self):
        return Thresholds(good=self.good_min, fairly_good=self.fairly_good_min, average=self.average_min)

    def flag_setting(self, key):
        return self.flag_thresholds.get(key, DEFAULT_FLAG_THRESHOLDS[key])


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class QuarterGrade(models.TextChoices):
    GOOD = "好", _("Good")
    FAIRLY_GOOD = "较好", _("Fairly good")
    AVERAGE = "一般", _("Average")
    POOR = "较差", _("Poor")


def _score_field(label):
    return models.DecimalField(label, null=True, blank=True, validators=PERCENT, **SCORE)


class QuarterlyReview(AuditedModel):
    cadre = models.ForeignKey(
        "records.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="quarterly_reviews"
    )
    # The unit whose 好 quota the review counts against: the cadre's unit when the cycle opened.
    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    scheme = models.ForeignKey(
        ScoringScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="reviews"
    )
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    political = _score_field(_("political steadiness"))
    responsibility = _score_field(_("responsibility"))
    problem_solving = _score_field(_("problem-solving"))
    bottom_line = _score_field(_("bottom-line awareness"))
    results = _score_field(_("results"))
    mass_score = _score_field(_("mass evaluation"))
    ledger_points = models.DecimalField(_("ledger points"), default=Decimal("0"), max_digits=7, decimal_places=1)
    score = models.DecimalField(_("quarter score"), null=True, blank=True, max_digits=6, decimal_places=2)
    suggested_grade = models.CharField(_("suggested grade"), max_length=2, choices=QuarterGrade.choices, blank=True)
    grade = models.CharField(_("grade"), max_length=2, choices=QuarterGrade.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for return"), max_length=300, blank=True)
    # Its own context: the month close's field shares the English words but not the Chinese ones.
    reopen_reason = models.CharField(
        pgettext_lazy("quarterly review", "reason for reopening"), max_length=300, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        ordering = ["-year", "-quarter", "unit", "cadre"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year", "quarter"], name="one_review_per_cadre_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="review_quarter_1_to_4"),
        ]
        indexes = [
            models.Index(fields=["unit", "year", "quarter", "status"], name="review_unit_quarter_idx"),
            models.Index(fields=["status", "year", "quarter"], name="review_status_idx"),
        ]

    def __str__(self):
        return f"{self.cadre.name} {self.year}Q{self.quarter}"

    @property
    def dimension_scores(self):
        return (self.political, self.responsibility, self.problem_solving, self.bottom_line, self.results)
