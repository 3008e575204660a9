"""Running the recompute: the committee's button and the command start a job; entry confirmations
and review approvals queue a small refresh of the cadres they touch."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import has_role, scope_ids
from audit.models import Action
from audit.services import audit_record
from core.jobs import job_start
from core.models import Job, JobStatus
from records.models import EntryStatus, LedgerEntry, Unit
from records.selectors import subtree_ids, unit_in_scope

from ..models import AnnualSummary, QuarterlyReview, ReviewStatus

JOB_KIND = "recompute_scores"


def recompute_start(*, actor, year, unit=None):
    """Queue a recompute of ``year`` (for ``unit``'s subtree, or every cadre) as a job with progress.

    A recompute of the same year already queued or running is returned instead of a second one.
    Without a unit the actor's scope must cover every top-level unit.
    """
    if not has_role(actor, Role.COMMITTEE):
        raise PermissionDenied(_("Only the committee recomputes scores."))
    if unit is not None and not unit_in_scope(actor, unit, roles={Role.COMMITTEE}):
        raise PermissionDenied(_("This unit is outside your scope."))
    if unit is None:
        roots = set(Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True))
        if not roots <= set(scope_ids(actor, {Role.COMMITTEE})):
            raise PermissionDenied(_("Recomputing every unit needs a scope over the whole county."))
    refusal = recompute_refusal(year, unit)
    if refusal:
        raise ValidationError(refusal)
    return recompute_queue(actor=actor, year=year, unit=unit)


def recompute_refusal(year, unit=None):
    """Why a recompute of ``year`` (``unit``'s subtree, or every unit) has nothing to work on, in
    words; None when it may run. A year not begun yet, or one with no approved quarterly review, no
    confirmed ledger entry and no summary, would only leave empty summaries behind (and flags such
    as 交流轮岗 worked out as of a year-end that has not come)."""
    if year > timezone.localdate().year:
        return _("%(year)d has not begun yet: there is nothing to compute.") % {"year": year}
    units = None if unit is None else subtree_ids([unit.pk])
    summaries = AnnualSummary.objects.filter(year=year)
    reviews = QuarterlyReview.objects.filter(year=year, status=ReviewStatus.APPROVED)
    entries = LedgerEntry.objects.filter(
        status=EntryStatus.CONFIRMED, month__gte=date(year, 1, 1), month__lte=date(year, 12, 1)
    )
    if units is not None:
        summaries = summaries.filter(unit_id__in=units)
        reviews = reviews.filter(cadre__unit_id__in=units)
        entries = entries.filter(cadre__unit_id__in=units)
    if summaries.exists() or reviews.exists() or entries.exists():
        return None
    return _(
        "Nothing to compute for %(year)d in %(unit)s yet: no approved quarterly review, no confirmed ledger "
        "entry and no annual summary."
    ) % {"year": year, "unit": unit.name if unit else _("any unit")}


def recompute_queue(*, actor, year, unit=None):
    """Queue the job without the committee's checks: for the command line (``actor`` None) and
    ``recompute_start``."""
    from ..tasks import recompute_scores

    with transaction.atomic():
        running = (
            Job.objects.select_for_update()
            .filter(kind=JOB_KIND, status__in=[JobStatus.QUEUED, JobStatus.RUNNING], params__year=year)
            .first()
        )
        if running is not None:
            return running
        params = {"year": year, "unit_id": unit.pk if unit else None}
        audit_record(
            action=Action.COMPUTE,
            user=actor,
            model="assessments.annualsummary",
            note=f"recompute {year} {unit.code if unit else 'all'}",
            unit=unit,
        )
        return job_start(actor=actor, kind=JOB_KIND, params=params, task=recompute_scores)


def refresh_soon(cadre_ids, years):
    """After the surrounding transaction commits, refresh these cadres' numbers for these years."""
    ids = sorted(set(cadre_ids))
    if not ids:
        return
    from ..tasks import refresh_cadre_scores

    for year in sorted(set(years)):
        transaction.on_commit(lambda year=year: refresh_cadre_scores.delay(ids, year))
