"""Running the recompute: the committee's button and the command start a job; entry confirmations
and review approvals queue a small refresh of the cadres they touch."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import has_role, scope_ids
from audit.models import Action
from audit.services import audit_record
from core.jobs import job_start
from core.models import Job, JobStatus
from records.models import Unit
from records.selectors import unit_in_scope

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
    return recompute_queue(actor=actor, year=year, unit=unit)


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
