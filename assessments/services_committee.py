"""The committee's writes on the annual results: flag decisions, final grades, snapshots; and the
system administrator's per-unit 优秀 quotas.

The computed fields of summaries and flags belong to the scoring engine; these services write only
the committee's own fields (``save(update_fields=…)``), so a decision and a recompute never undo
each other. Every write is audited: the models are AuditedModel, the snapshot rows are copied under
an audited snapshot.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import has_role
from audit.context import acting
from records.models import Sanction
from records.selectors import subtree_ids, unit_in_scope

from .models import (
    AnnualGrade,
    AnnualSummary,
    CandidateFlag,
    CommitteeSnapshot,
    FlagDecision,
    FlagState,
    SnapshotFlag,
    SnapshotSummary,
    UnitExcellentQuota,
)
from .models.annual import FlagFields, SummaryFields
from .rules import GRADES
from .scoring.jobs import refresh_soon
from .selectors_scores import flags_visible_to, grade_note_labels, summaries_visible_to, unit_excellent_usage

COMMITTEE = {Role.COMMITTEE}
NOTE_MAX = 300
CARDS = ("yellow_card", "red_card")


def _require_committee(actor, visible):
    if not has_role(actor, Role.COMMITTEE):
        raise PermissionDenied(_("Only the committee decides this."))
    if not visible:
        raise PermissionDenied(_("This cadre is outside the units of your committee."))


def _note(note, field="note"):
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({field: _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX}})
    return note


# --- Flags ----------------------------------------------------------------------------------------


@transaction.atomic
def flag_decide(*, actor, flag, decision, note):
    """Accept or dismiss a raised flag, with a note (required to dismiss); deciding again changes it."""
    visible = flags_visible_to(actor, roles=COMMITTEE).filter(pk=flag.pk).exists()
    _require_committee(actor, visible)
    flag = CandidateFlag.objects.select_for_update().get(pk=flag.pk)
    if decision not in (FlagDecision.ACCEPTED, FlagDecision.DISMISSED):
        raise ValidationError({"decision": _("Accept or dismiss the flag.")})
    if flag.state != FlagState.RAISED:
        raise ValidationError(
            _("Only a raised flag is decided; this one is %(state)s.") % {"state": flag.get_state_display()}
        )
    note = _note(note)
    if decision == FlagDecision.DISMISSED and not note:
        raise ValidationError({"note": _("Say why the flag is dismissed.")})
    flag.decision, flag.decision_note = decision, note
    flag.decided_by, flag.decided_at = actor, timezone.now()
    with acting(user=actor):
        flag.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    if flag.kind in CARDS:
        # A dismissed card no longer blocks the cadre's promotion flag: refresh it.
        refresh_soon([flag.cadre_id], [flag.year])
    return flag


# --- Final grades ---------------------------------------------------------------------------------


@transaction.atomic
def summary_final_grade_set(*, actor, summary, grade, note):
    """The committee's annual grade. A grade other than the suggestion needs a note; a cadre on
    probation gets a comment and no grade; "" for anyone else withdraws the committee's grade.

    优秀 stays within the unit's quota (counting the committee's grades where decided, suggestions
    elsewhere) and is never given over a 较差 quarter or a sanction that bars it.
    """
    visible = summaries_visible_to(actor, roles=COMMITTEE).filter(pk=summary.pk).exists()
    _require_committee(actor, visible)
    # The unit's rows are locked together: two 优秀 decided at once must not both take the last place.
    rows = list(
        AnnualSummary.objects.select_for_update().filter(unit_id=summary.unit_id, year=summary.year).order_by("pk")
    )
    summary = next((r for r in rows if r.pk == summary.pk), None) or AnnualSummary.objects.get(pk=summary.pk)
    grade = grade or ""
    note = _note(note)
    if grade and grade not in AnnualGrade.values:
        raise ValidationError({"grade": _("Choose one of the annual grades.")})
    if summary.on_probation:
        if grade:
            raise ValidationError({"grade": _("A cadre on probation gets a comment, not a grade.")})
        if not note:
            raise ValidationError({"note": _("Write the committee's comment on the probation year.")})
    elif grade and grade != summary.suggested_grade and not note:
        raise ValidationError({"note": _("Say why the grade differs from the suggested one.")})
    # The year's grade becomes 优秀: given by the committee, or the suggestion back when the
    # committee's grade is withdrawn.
    before = summary.final_grade or summary.suggested_grade
    after = grade or ("" if summary.on_probation else summary.suggested_grade)
    if after == AnnualGrade.EXCELLENT and before != AnnualGrade.EXCELLENT:
        _excellent_check(summary, withdrawing=not grade)
    if not grade and not summary.on_probation:
        # Withdrawn: the suggestion counts again; the audit log keeps what was decided before.
        summary.final_grade, summary.final_note, summary.decided_by, summary.decided_at = "", "", None, None
    else:
        summary.final_grade, summary.final_note = grade, note
        summary.decided_by, summary.decided_at = actor, timezone.now()
    with acting(user=actor):
        summary.save(update_fields=["final_grade", "final_note", "decided_by", "decided_at"])
    # The committee's grade is the year's grade for the flags (红牌, 调整, 优先提拔): refresh them.
    refresh_soon([summary.cadre_id], [summary.year])
    return summary


def _excellent_bars(summary):
    """Why this cadre's year may not be 优秀 (DOMAIN §5), from the facts rather than the grading's
    notes (which name a bar only where it took 优秀 away from a 称职 score): a quarter graded 较差, a
    sanction decided in the year that bars 优秀 (as its measure did when it was decided)."""
    bars = []
    if GRADES[-1] in (summary.q1_grade, summary.q2_grade, summary.q3_grade, summary.q4_grade):
        bars.append("poor_quarter_bars_excellent")
    if Sanction.objects.filter(
        cadre_id=summary.cadre_id,
        blocks_excellent=True,
        decided_on__year=summary.year,
        decided_on__lte=timezone.localdate(),
    ).exists():
        bars.append("sanction_bars_excellent")
    return bars


def _excellent_check(summary, *, withdrawing):
    bars = _excellent_bars(summary)
    if bars:
        why = ", ".join(grade_note_labels(bars))
        if withdrawing:
            message = _("Withdrawing would give back the suggested 优秀, which is barred: %(why)s. Choose a grade.")
        else:
            message = _("优秀 is barred: %(why)s")
        raise ValidationError({"grade": message % {"why": why}})
    used, limit = unit_excellent_usage(summary)
    if used >= limit:
        if withdrawing:
            message = _(
                "Withdrawing would give back the suggested 优秀, but the unit's 优秀 quota is used "
                "(%(used)d of %(limit)d). Choose a grade, or lower another grade first."
            )
        else:
            message = _("The unit's 优秀 quota is used (%(used)d of %(limit)d); lower another grade first.")
        raise ValidationError({"grade": message % {"used": used, "limit": limit}})


# --- Unit quotas ----------------------------------------------------------------------------------


def _require_sysadmin(actor, unit):
    if not has_role(actor, Role.SYSADMIN):
        raise PermissionDenied(_("Only the system administrator sets 优秀 quotas."))
    if not unit_in_scope(actor, unit.pk, roles={Role.SYSADMIN}):
        raise PermissionDenied(_("This unit is outside your units."))


@transaction.atomic
def unit_quota_set(*, actor, unit, year, share, note):
    """A unit's own 优秀 share for a year (e.g. 0.25 for a unit rated excellent); it applies from the
    next computation of the year."""
    _require_sysadmin(actor, unit)
    try:
        share = Decimal(str(share))
    except (InvalidOperation, ValueError):
        raise ValidationError({"share": _("Give the share as a number between 0 and 1.")}) from None
    if not Decimal("0") <= share <= Decimal("1"):
        raise ValidationError({"share": _("Give the share as a number between 0 and 1.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    note = _note(note)[:200]
    with acting(user=actor):
        quota = UnitExcellentQuota.objects.select_for_update().filter(unit=unit, year=year).first()
        if quota is None:
            quota = UnitExcellentQuota(unit=unit, year=year)
        quota.share, quota.note = share, note
        quota.full_clean()
        quota.save()
    return quota


@transaction.atomic
def unit_quota_remove(*, actor, quota):
    """Back to the scheme's 优秀 share for the unit and year."""
    _require_sysadmin(actor, quota.unit)
    with acting(user=actor):
        quota.delete()


# --- Snapshots ------------------------------------------------------------------------------------

SNAPSHOT_SUMMARY_FIELDS = [f.name for f in SummaryFields._meta.local_fields]
SNAPSHOT_FLAG_FIELDS = [f.name for f in FlagFields._meta.local_fields]


def _copy_into(target, source, fields, snapshot_id):
    """INSERT INTO target (snapshot_id, fields) SELECT snapshot_id, fields FROM source: one statement,
    the database copies the rows. Answers how many it copied."""
    using = router.db_for_write(target)
    select_sql, params = source.order_by().values_list(*fields).query.get_compiler(using=using).as_sql()
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(target._meta.get_field(name).column) for name in ["snapshot", *fields])
    sql = f"INSERT INTO {quote(target._meta.db_table)} ({columns}) SELECT %s, src.* FROM ({select_sql}) src"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [snapshot_id, *params])
        return cursor.rowcount


@transaction.atomic
def snapshot_freeze(*, actor, year, unit, title, meeting_date=None, note=""):
    """Keep the year's summaries and flags of ``unit``'s subtree as the committee meets over them."""
    if not has_role(actor, Role.COMMITTEE):
        raise PermissionDenied(_("Only the committee freezes a snapshot."))
    if not unit_in_scope(actor, unit.pk, roles=COMMITTEE):
        raise PermissionDenied(_("This unit is outside the units of your committee."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the snapshot a title, e.g. the meeting it is for.")})
    below = subtree_ids([unit.pk])
    summaries = AnnualSummary.objects.filter(year=year, unit_id__in=below)
    flags = CandidateFlag.objects.filter(year=year, unit_id__in=below)
    with acting(user=actor):
        snapshot = CommitteeSnapshot(
            year=year, unit=unit, title=title[:100], meeting_date=meeting_date, note=_note(note), created_by=actor
        )
        snapshot.full_clean()
        snapshot.save()
        snapshot.summaries = _copy_into(SnapshotSummary, summaries, SNAPSHOT_SUMMARY_FIELDS, snapshot.pk)
        snapshot.flags = _copy_into(SnapshotFlag, flags, SNAPSHOT_FLAG_FIELDS, snapshot.pk)
        if not snapshot.summaries and not snapshot.flags:
            raise ValidationError(_("There are no annual summaries of %(year)d in this unit yet.") % {"year": year})
        snapshot.save(update_fields=["summaries", "flags"])
    return snapshot
