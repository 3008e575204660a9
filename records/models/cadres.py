from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditedModel
from core.masking import mask_id_number, mask_mobile, validate_id_number, validate_mobile


class Gender(models.TextChoices):
    MALE = "男", _("Male")
    FEMALE = "女", _("Female")


class Education(models.TextChoices):
    POSTGRADUATE = "研究生", _("Postgraduate")
    BACHELOR = "大学本科", _("Bachelor's degree")
    COLLEGE = "大学专科", _("College diploma")
    SECONDARY = "中专", _("Secondary vocational")
    HIGH_SCHOOL = "高中及以下", _("High school or below")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "中共党员", _("CPC member")
    PROBATIONARY = "中共预备党员", _("CPC probationary member")
    LEAGUE = "共青团员", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "民主党派", _("Democratic party member")
    MASSES = "群众", _("No party affiliation")


class LeadershipLevel(models.TextChoices):
    DIVISION_HEAD = "正处", _("Division head")
    DIVISION_DEPUTY = "副处", _("Deputy division head")
    SECTION_HEAD = "正科", _("Section head")
    SECTION_DEPUTY = "副科", _("Deputy section head")
    UNIT_HEAD = "股级", _("Unit head")
    NONE = "无", _("None")


class Rank(models.TextChoices):
    """The civil-service rank ladder (综合管理类), highest first."""

    INSPECTOR_1 = "一级巡视员", _("Level-1 Inspector")
    INSPECTOR_2 = "二级巡视员", _("Level-2 Inspector")
    RESEARCHER_1 = "一级调研员", _("Level-1 Researcher")
    RESEARCHER_2 = "二级调研员", _("Level-2 Researcher")
    RESEARCHER_3 = "三级调研员", _("Level-3 Researcher")
    RESEARCHER_4 = "四级调研员", _("Level-4 Researcher")
    PRINCIPAL_1 = "一级主任科员", _("Level-1 Principal Staff Member")
    PRINCIPAL_2 = "二级主任科员", _("Level-2 Principal Staff Member")
    PRINCIPAL_3 = "三级主任科员", _("Level-3 Principal Staff Member")
    PRINCIPAL_4 = "四级主任科员", _("Level-4 Principal Staff Member")
    STAFF_1 = "一级科员", _("Level-1 Staff Member")
    STAFF_2 = "二级科员", _("Level-2 Staff Member")

    @classmethod
    def ordinal(cls, value):
        """0 for the highest rank; larger is lower."""
        return cls.values.index(value)


class CadreCategory(models.TextChoices):
    CIVIL_SERVANT = "公务员", _("Civil servant")
    REFERENCE_CIVIL_SERVANT = "参公人员", _("Managed as civil servant")
    INSTITUTION_STAFF = "事业人员", _("Public institution staff")
    ENTERPRISE_STAFF = "国企人员", _("State enterprise staff")
    VILLAGE_CADRE = "村社区干部", _("Village or community cadre")


class ManagementTier(models.TextChoices):
    CITY = "市管", _("City-managed")
    COUNTY = "县管", _("County-managed")
    DEPARTMENT = "部门管理", _("Department-managed")
    TOWNSHIP = "乡镇管理", _("Township-managed")


class CadreStatus(models.TextChoices):
    ACTIVE = "在职", _("Active")
    SECONDED = "挂职", _("Seconded")
    RETIRED = "退休", _("Retired")
    LEFT = "调离", _("Left")


class Cadre(AuditedModel):
    staff_no = models.CharField(_("staff number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=30)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    education = models.CharField(_("education"), max_length=10, choices=Education.choices, default=Education.BACHELOR)
    political_status = models.CharField(
        _("political status"),
        max_length=10,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.PARTY_MEMBER,
    )
    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres")
    position = models.CharField(_("position"), max_length=60)
    leadership_level = models.CharField(
        _("leadership level"),
        max_length=4,
        choices=LeadershipLevel.choices,
        default=LeadershipLevel.NONE,
    )
    rank = models.CharField(_("rank"), max_length=10, choices=Rank.choices)
    category = models.CharField(_("cadre category"), max_length=10, choices=CadreCategory.choices)
    management_tier = models.CharField(
        _("management tier"),
        max_length=8,
        choices=ManagementTier.choices,
        default=ManagementTier.DEPARTMENT,
    )
    is_leader = models.BooleanField(_("leading cadre"), default=False)
    on_probation = models.BooleanField(_("on probation"), default=False)
    status = models.CharField(_("status"), max_length=4, choices=CadreStatus.choices, default=CadreStatus.ACTIVE)
    post_since = models.DateField(_("in current post since"))
    rank_since = models.DateField(_("in current rank since"))
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, validators=[validate_id_number])
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["staff_no"]
        indexes = [
            models.Index(fields=["unit", "status"], name="cadre_unit_status_idx"),
            models.Index(fields=["name"], name="cadre_name_idx"),
        ]

    AUDIT_MASKED_FIELDS = {"id_number": mask_id_number, "mobile": mask_mobile}

    def __str__(self):
        return f"{self.name}（{self.staff_no}）"

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def masked_mobile(self):
        return mask_mobile(self.mobile)

    def years_in_post(self, on=None):
        return _years_between(self.post_since, on or timezone.localdate())

    def years_in_rank(self, on=None):
        return _years_between(self.rank_since, on or timezone.localdate())


def _years_between(start, end):
    if start is None or end < start:
        return 0
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


class Posting(AuditedModel):
    """One stretch of a cadre's career in one unit and post; the open posting has no end date."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey("records.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="postings")
    position = models.CharField(_("position"), max_length=60)
    leadership_level = models.CharField(
        _("leadership level"),
        max_length=4,
        choices=LeadershipLevel.choices,
        default=LeadershipLevel.NONE,
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["cadre", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["cadre"], condition=Q(end__isnull=True), name="one_open_posting_per_cadre"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="posting_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "start"], name="posting_cadre_start_idx")]

    def __str__(self):
        return f"{self.cadre.name} · {self.unit} · {self.position}"

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
