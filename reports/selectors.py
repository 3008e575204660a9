"""What a report may include: the request, its scope of units, and the rows it reads.

Every report reads through ``ReportRequest.unit_ids`` (a subquery of unit ids): the chosen unit's
subtree, inside the user's committee or reviewer scope. Summaries and flags come either from the
live tables or from one committee snapshot, through the same code.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import scope_ids
from assessments.models import AnnualSummary, CandidateFlag, CommitteeSnapshot, SnapshotFlag, SnapshotSummary
from records.models import Cadre, Unit, UnitClosure
from records.selectors import subtree_ids, unit_in_scope

REPORT_ROLES = frozenset({Role.COMMITTEE, Role.REVIEWER})
KINDS = (
    "annual-summary",
    "promotion-candidates",
    "adjustment-candidates",
    "quarterly-results",
    "cadre-file",
    "completion",
)
SNAPSHOT_KINDS = frozenset({"annual-summary", "promotion-candidates", "adjustment-candidates", "cadre-file"})


@dataclass
class ReportRequest:
    kind: str
    year: int
    unit_ids: object  # a queryset of unit ids (one column), used as a subquery
    scope_label: str
    quarter: int | None = None
    unit: Unit | None = None
    cadre: Cadre | None = None
    snapshot: CommitteeSnapshot | None = None

    def params(self):
        """JSON-ready: what a background job rebuilds the request from."""
        return {
            "kind": self.kind,
            "year": self.year,
            "quarter": self.quarter,
            "unit_id": self.unit.pk if self.unit else None,
            "cadre_id": self.cadre.pk if self.cadre else None,
            "snapshot_id": self.snapshot.pk if self.snapshot else None,
        }

    @property
    def source_label(self):
        s = self.snapshot
        if s is None:
            return "数据来源：实时数据"
        meeting = f"，会议日期 {s.meeting_date:%Y-%m-%d}" if s.meeting_date else ""
        frozen = timezone.localtime(s.created_at)
        return f"数据来源：委员会快照 #{s.pk}《{s.title}》（{frozen:%Y-%m-%d %H:%M} 冻结{meeting}）"


def report_units(user):
    """The units a user may report on, in tree order of depth."""
    scopes = scope_ids(user, REPORT_ROLES)
    if not scopes:
        return Unit.objects.none()
    return Unit.objects.filter(id__in=subtree_ids(scopes)).order_by("depth", "order", "code")


def report_snapshots(user):
    """Snapshots whose subtree meets the user's scope: taken at or below it, or above it."""
    scopes = scope_ids(user, REPORT_ROLES)
    if not scopes:
        return CommitteeSnapshot.objects.none()
    above = UnitClosure.objects.filter(descendant_id__in=scopes).values("ancestor_id")
    return (
        CommitteeSnapshot.objects.filter(Q(unit_id__in=subtree_ids(scopes)) | Q(unit_id__in=above))
        .select_related("unit")
        .order_by("-created_at")
    )


def report_cadres(user):
    scopes = scope_ids(user, REPORT_ROLES)
    if not scopes:
        return Cadre.objects.none()
    return Cadre.objects.filter(unit_id__in=subtree_ids(scopes))


def build_request(*, kind, year=None, quarter=None, unit=None, cadre=None, snapshot=None, user=None):
    """The checked request; ``user`` None (the command) means every unit, or ``unit``'s subtree."""
    errors = {}
    if kind not in KINDS:
        errors["kind"] = _("Unknown report.")
    if snapshot is not None:
        if kind not in SNAPSHOT_KINDS:
            errors["snapshot"] = _("This report is not kept in snapshots.")
        year = snapshot.year
    if year is None:
        errors["year"] = _("Choose a year.")
    if kind == "quarterly-results" and quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("Choose a quarter.")
    if kind == "cadre-file" and cadre is None:
        errors["cadre"] = _("Choose a cadre.")
    if user is not None:
        if unit is not None and not unit_in_scope(user, unit, roles=REPORT_ROLES):
            errors["unit"] = _("This unit is outside your scope.")
        if cadre is not None and not report_cadres(user).filter(pk=cadre.pk).exists():
            errors["cadre"] = _("This cadre is outside your scope.")
        if snapshot is not None and not report_snapshots(user).filter(pk=snapshot.pk).exists():
            errors["snapshot"] = _("This snapshot is outside your scope.")
    if errors:
        raise ValidationError(errors)
    unit_ids, label = _scope(user, unit)
    return ReportRequest(
        kind=kind,
        year=year,
        quarter=quarter if kind == "quarterly-results" else None,
        unit=unit,
        cadre=cadre,
        snapshot=snapshot,
        unit_ids=unit_ids,
        scope_label=label,
    )


def request_from_params(params, *, user=None):
    """The request a background job was queued with, checked again against the user's scope today."""

    def get(model, key):
        pk = params.get(key)
        return model.objects.filter(pk=pk).first() if pk else None

    return build_request(
        kind=params["kind"],
        year=params.get("year"),
        quarter=params.get("quarter"),
        unit=get(Unit, "unit_id"),
        cadre=get(Cadre, "cadre_id"),
        snapshot=get(CommitteeSnapshot, "snapshot_id"),
        user=user,
    )


def _scope(user, unit):
    if unit is not None:
        return subtree_ids([unit.pk]), f"{unit.name}（含下级单位）"
    if user is None:
        return Unit.objects.values("id"), "全部单位"
    scopes = scope_ids(user, REPORT_ROLES)
    names = "、".join(Unit.objects.filter(id__in=scopes).order_by("depth", "code").values_list("name", flat=True))
    return subtree_ids(scopes), f"{names}（含下级单位）"


def summary_source(req):
    """The year's summaries in scope, live or as the snapshot froze them."""
    if req.snapshot is not None:
        rows = SnapshotSummary.objects.filter(snapshot=req.snapshot)
    else:
        rows = AnnualSummary.objects.filter(year=req.year)
    return rows.filter(unit_id__in=req.unit_ids)


def flag_source(req):
    if req.snapshot is not None:
        rows = SnapshotFlag.objects.filter(snapshot=req.snapshot)
    else:
        rows = CandidateFlag.objects.filter(year=req.year)
    return rows.filter(unit_id__in=req.unit_ids)


def ordered_units(unit_ids):
    """The given units in tree order (parents before children, siblings by order and code)."""
    wanted = set(unit_ids)
    if not wanted:
        return []
    all_units = {u.id: u for u in Unit.objects.only("id", "parent_id", "order", "code", "name", "depth")}

    def path(u):
        keys = []
        while u is not None:
            keys.append((u.order, u.code))
            u = all_units.get(u.parent_id)
        return keys[::-1]

    return sorted((all_units[i] for i in wanted if i in all_units), key=path)
