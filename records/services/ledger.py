"""Writes to the points ledger: entries, confirmation, reversal, month close, fault tolerance."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from accounts.roles import scope_ids
from audit.context import acting
from audit.models import Action, AuditEvent
from audit.services import build_event

from ..document_numbers import canonical_document_no
from ..models import (
    EntryStatus,
    FaultToleranceRuling,
    FTOutcome,
    FTStage,
    LedgerEntry,
    MonthClose,
    PointRule,
    UnitClosure,
    effective_points,
)
from ..selectors import subtree_ids, unit_in_scope
from ..selectors.ledger import fact_standing
from ..signals import points_changed


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def require_role(actor, unit, roles, message=None):
    if not unit_in_scope(actor, unit, roles=set(roles)):
        raise PermissionDenied(message or _("Your role does not allow this for this unit."))


def closing_unit(unit_id, month):
    """The unit whose close locks ``unit_id``'s month (itself or an ancestor), or None if open."""
    ancestors = UnitClosure.objects.filter(descendant_id=unit_id).values("ancestor_id")
    close = MonthClose.objects.filter(closed=True, month=month, unit_id__in=ancestors).select_related("unit").first()
    return close.unit if close else None


# The advisory-lock class of a ledger month (PostgreSQL's two-key form: this, then year * 100 + month).
MONTH_LOCK = 0x5C0E


def lock_months(months, *, exclusive=False):
    """Serialise closing a month with the writes into it, until the transaction ends.

    A write takes the month's lock shared before it checks that the month is open; a close takes it
    exclusively before it checks the month's pending entries. Otherwise, on PostgreSQL, each would
    decide on what the other has not committed yet: a pending entry would land in a month closed
    meanwhile, where nobody could confirm, fix or withdraw it. Writes do not wait for one another.
    SQLite's transactions (IMMEDIATE) are serialised already."""
    if connection.vendor != "postgresql":
        return
    lock = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        for month in sorted(set(months)):  # always in the same order: no deadlock between writers
            cursor.execute(f"SELECT {lock}(%s, %s)", [MONTH_LOCK, month.year * 100 + month.month])


def _check_month_open(unit_id, month, field="occurred_on"):
    lock_months([month])
    closer = closing_unit(unit_id, month)
    if closer is not None:
        raise ValidationError(
            {
                field: _("%(month)s is closed for %(unit)s; reopening needs a reason and a reviewer.")
                % {"month": month.strftime("%Y-%m"), "unit": closer.name}
            }
        )


def validate_points(rule: PointRule, points: Decimal):
    """Errors of ``points`` against ``rule``: wrong sign or outside the allowed range."""
    if points == 0:
        return _("Points cannot be zero.")
    if (points > 0) != (rule.sign > 0):
        if rule.sign > 0:
            return _("Rule %(code)s adds points: enter a positive number.") % {"code": rule.code}
        return _("Rule %(code)s deducts points: enter a negative number.") % {"code": rule.code}
    if not rule.min_points <= points <= rule.max_points:
        return _("Rule %(code)s allows %(range)s points.") % {"code": rule.code, "range": rule.range_label}
    return None


def _validate_fact(*, cadre, rule, points, document_no, occurred_on, month, exclude_pk=None):
    errors = {}
    today = timezone.localdate()
    if occurred_on > today:
        errors["occurred_on"] = _("The date cannot be in the future.")
    elif not month <= occurred_on <= month_end(month):
        errors["occurred_on"] = _("The date must fall within %(month)s.") % {"month": month.strftime("%Y-%m")}
    if not rule.valid_on(occurred_on):
        current = (
            PointRule.objects.filter(code=rule.code, valid_from__lte=occurred_on)
            .exclude(valid_to__lt=occurred_on)
            .first()
        )
        errors["rule"] = _("Rule %(code)s version %(version)d is not in force on %(day)s.") % {
            "code": rule.code,
            "version": rule.version,
            "day": occurred_on.isoformat(),
        } + (_(" Use version %(v)d.") % {"v": current.version} if current else "")
    problem = validate_points(rule, points)
    if problem:
        errors["points"] = problem
    if rule.requires_document and not document_no:
        errors["document_no"] = _("Rule %(code)s needs the document number (文号).") % {"code": rule.code}
    try:
        # NFKC can lengthen a number that fitted as typed (⑴ → (1)).
        LedgerEntry._meta.get_field("document_no").run_validators(document_no)
    except ValidationError as exc:
        errors["document_no"] = exc.messages
    reentry = None
    if document_no and "document_no" not in errors:
        fact = (cadre.pk, rule.code, document_no)
        recorded, reentries, stuck = fact_standing([fact], exclude_pk=exclude_pk)
        words = {"code": rule.code, "doc": document_no}
        if fact in recorded:
            errors["document_no"] = _("This fact (cadre, rule %(code)s, document %(doc)s) is already recorded.") % words
        elif fact in stuck:
            errors["document_no"] = (
                _(
                    "This fact (cadre, rule %(code)s, document %(doc)s) was reversed and corrected already; "
                    "correct the latest entry of it instead."
                )
                % words
            )
        reentry = reentries.get(fact)
    if errors:
        raise ValidationError(errors)
    return reentry


@transaction.atomic
def entry_create(*, actor, cadre, rule, points, facts, document_no="", occurred_on, month=None, corrects=None):
    """Record one evidenced fact as a pending entry; a reviewer confirms it later."""
    require_role(actor, cadre.unit_id, {Role.CLERK}, _("Only a clerk whose scope covers the cadre may enter points."))
    month = month_start(month or occurred_on)
    document_no = canonical_document_no(document_no)
    reentry = _validate_fact(
        cadre=cadre, rule=rule, points=points, document_no=document_no, occurred_on=occurred_on, month=month
    )
    _check_month_open(cadre.unit_id, month)
    if corrects is None and reentry is not None:
        # A reversed fact entered again: the new entry is its correction (see fact_standing).
        corrects = LedgerEntry.objects.get(pk=reentry)
    entry = LedgerEntry(
        cadre=cadre,
        unit_id=cadre.unit_id,
        month=month,
        rule=rule,
        rule_code=rule.code,
        category=rule.category,
        points=points,
        effective_points=points,
        facts=facts,
        document_no=document_no,
        occurred_on=occurred_on,
        entered_by=actor,
        corrects=corrects,
    )
    with acting(user=actor):
        entry.save()
    return entry


def _lock(entry):
    return LedgerEntry.objects.select_for_update().select_related("cadre", "rule").get(pk=entry.pk)


@transaction.atomic
def entry_update(*, actor, entry, rule, points, facts, document_no, occurred_on):
    """Edit a pending or returned entry; it goes (back) to the reviewer as pending."""
    entry = _lock(entry)
    require_role(actor, entry.cadre.unit_id, {Role.CLERK})
    if entry.status == EntryStatus.CONFIRMED:
        raise ValidationError(_("A confirmed entry cannot be changed: reverse it and enter a correction."))
    if entry.is_reversal:
        raise ValidationError(_("A reversal cannot be edited; withdraw it instead."))
    month = month_start(occurred_on)
    document_no = canonical_document_no(document_no)
    reentry = _validate_fact(
        cadre=entry.cadre,
        rule=rule,
        points=points,
        document_no=document_no,
        occurred_on=occurred_on,
        month=month,
        exclude_pk=entry.pk,
    )
    _check_month_open(entry.unit_id, month)
    if entry.corrects_id is None and reentry is not None:
        entry.corrects_id = reentry  # now a reversed fact entered again (see fact_standing)
    entry.rule, entry.rule_code, entry.category = rule, rule.code, rule.category
    entry.points = entry.effective_points = points
    entry.facts, entry.document_no, entry.occurred_on, entry.month = facts, document_no, occurred_on, month
    entry.status, entry.return_reason, entry.decided_by, entry.decided_at = EntryStatus.PENDING, "", None, None
    with acting(user=actor):
        entry.save()
    return entry


@transaction.atomic
def entry_withdraw(*, actor, entry):
    """Delete a pending or returned entry (the deletion, with its values, stays in the audit log).

    A reversal entered with a correction takes the correction with it: without its reversal the
    correction would count beside the entry it replaces (it cannot be confirmed before its reversal,
    so it is never confirmed here). Returns the entries withdrawn."""
    entry = _lock(entry)
    require_role(actor, entry.cadre.unit_id, {Role.CLERK})
    if entry.status == EntryStatus.CONFIRMED:
        raise ValidationError(_("A confirmed entry is never deleted: reverse it instead."))
    _check_month_open(entry.unit_id, entry.month, field=None)
    withdrawn = [entry]
    if entry.reverses_id is not None:
        withdrawn += list(
            LedgerEntry.objects.select_for_update()
            .filter(corrects_id=entry.reverses_id)
            .exclude(status=EntryStatus.CONFIRMED)
        )
    with acting(user=actor):
        for each in withdrawn:
            each.delete()
    return withdrawn


def _decision_problem(actor, entry, reviewable_units):
    if entry.status != EntryStatus.PENDING:
        return _("Only pending entries can be confirmed or returned.")
    if entry.entered_by_id == actor.pk:
        return _("You entered this entry, so someone else must confirm it.")
    if entry.cadre.unit_id not in reviewable_units:
        return _("This entry is outside the units you review.")
    return None


def _unreversed_corrections(deciding):
    """Corrections whose original is not reversed by a confirmed reversal or one confirmed with them:
    confirmed alone, they would count beside the original they replace."""
    corrected = {e.corrects_id for e in deciding if e.corrects_id}
    if not corrected:
        return {}
    reversed_ids = set(
        LedgerEntry.objects.filter(reverses_id__in=corrected)
        .filter(Q(status=EntryStatus.CONFIRMED) | Q(pk__in=[e.pk for e in deciding]))
        .values_list("reverses_id", flat=True)
    )
    problem = _("Confirm the reversal of the entry this one corrects first, or together with it.")
    return {e.pk: problem for e in deciding if e.corrects_id and e.corrects_id not in reversed_ids}


def _decide(*, actor, entries, status, reason=""):
    """Confirm or return ``entries`` in one set-based write; answers (done, {entry id: problem})."""
    locked = list(
        LedgerEntry.objects.select_for_update().select_related("cadre").filter(pk__in=[e.pk for e in entries])
    )
    reviewable = set(subtree_ids(scope_ids(actor, {Role.REVIEWER})).values_list("descendant_id", flat=True))
    problems = {e.pk: p for e in locked if (p := _decision_problem(actor, e, reviewable))}
    # A decision the actor may not take (their own entry, a unit they do not review) is a refused
    # write, audited as the API's 403 for the same entry is; a stale status is not.
    refused = [
        e
        for e in locked
        if e.pk in problems
        and e.status == EntryStatus.PENDING
        and (e.entered_by_id == actor.pk or e.cadre.unit_id not in reviewable)
    ]
    if refused:
        with acting(user=actor):
            AuditEvent.objects.bulk_create(
                build_event(action=Action.DENIED, instance=e, success=False, note=f"{status}: {problems[e.pk]}")
                for e in refused
            )
    if status == EntryStatus.CONFIRMED:
        problems |= _unreversed_corrections([e for e in locked if e.pk not in problems])
    ok = [e for e in locked if e.pk not in problems]
    if not ok:
        return 0, problems
    now = timezone.now()
    LedgerEntry.objects.filter(pk__in=[e.pk for e in ok]).update(
        status=status, decided_by=actor, decided_at=now, return_reason=reason
    )
    with acting(user=actor):
        changes = {"status": [EntryStatus.PENDING, status], "decided_by_id": [None, actor.pk]}
        if reason:
            changes["return_reason"] = ["", reason]
        AuditEvent.objects.bulk_create(
            [build_event(action=Action.UPDATE, instance=e, changes=changes) for e in ok], batch_size=1000
        )
    if status == EntryStatus.CONFIRMED:
        points_changed.send(LedgerEntry, cadre_ids=[e.cadre_id for e in ok], years=[e.month.year for e in ok])
    return len(ok), problems


@transaction.atomic
def entries_confirm(*, actor, entries):
    return _decide(actor=actor, entries=entries, status=EntryStatus.CONFIRMED)


@transaction.atomic
def entries_return(*, actor, entries, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is returned, so the clerk can correct it.")})
    return _decide(actor=actor, entries=entries, status=EntryStatus.RETURNED, reason=reason)


def entry_confirm(*, actor, entry):
    done, problems = entries_confirm(actor=actor, entries=[entry])
    if not done:
        raise ValidationError(problems.get(entry.pk) or _("This entry cannot be confirmed."))


def entry_return(*, actor, entry, reason):
    done, problems = entries_return(actor=actor, entries=[entry], reason=reason)
    if not done:
        raise ValidationError(problems.get(entry.pk) or _("This entry cannot be returned."))


def _check_reversible(actor, entry):
    require_role(actor, entry.cadre.unit_id, {Role.CLERK})
    if entry.status != EntryStatus.CONFIRMED:
        raise ValidationError(_("Only a confirmed entry is reversed; a pending one can simply be edited."))
    if entry.is_reversal:
        raise ValidationError(_("A reversal cannot itself be reversed."))
    reversal_status = LedgerEntry.objects.filter(reverses=entry).values_list("status", flat=True).first()
    if reversal_status == EntryStatus.RETURNED:
        raise ValidationError(_("The reversal of this entry was returned; withdraw that reversal first."))
    if reversal_status is not None:
        raise ValidationError(_("This entry has already been reversed."))
    _check_month_open(entry.unit_id, entry.month, field=None)


@transaction.atomic
def entry_reverse(*, actor, entry, reason):
    """Cancel a confirmed entry with an equal and opposite one in the same month, both kept."""
    entry = _lock(entry)
    _check_reversible(actor, entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    reversal = LedgerEntry(
        cadre=entry.cadre,
        unit_id=entry.unit_id,
        month=entry.month,
        rule=entry.rule,
        rule_code=entry.rule_code,
        category=entry.category,
        points=-entry.points,
        effective_points=-entry.effective_points,
        facts=_("Reversal: %(reason)s") % {"reason": reason},
        document_no=entry.document_no,
        occurred_on=entry.occurred_on,
        entered_by=actor,
        reverses=entry,
    )
    with acting(user=actor):
        reversal.save()
    return reversal


@transaction.atomic
def entry_correct(*, actor, entry, reason, rule, points, facts, document_no, occurred_on):
    """A correction: the reversal of ``entry`` plus a new entry linked to it, both pending."""
    waiting = LedgerEntry.objects.filter(corrects=entry).first()
    if waiting is not None:
        # Left from a correction whose reversal went before this rule (withdrawing a reversal now
        # takes its correction along): one entry has one correction.
        raise ValidationError(
            _("This entry already has a correction (entry %(id)s); withdraw it before correcting again.")
            % {"id": waiting.pk}
        )
    reversal = entry_reverse(actor=actor, entry=entry, reason=reason)
    if month_start(occurred_on) != entry.month:
        raise ValidationError({"occurred_on": _("A correction stays in the month of the entry it corrects.")})
    correction = entry_create(
        actor=actor,
        cadre=entry.cadre,
        rule=rule,
        points=points,
        facts=facts,
        document_no=document_no,
        occurred_on=occurred_on,
        corrects=entry,
    )
    return reversal, correction


# --- Month close ---------------------------------------------------------------------------------


@transaction.atomic
def month_close(*, actor, unit, month):
    month = month_start(month)
    require_role(actor, unit.pk, {Role.CLERK, Role.REVIEWER})
    lock_months([month], exclusive=True)  # entries being written into the month are committed first
    closer = closing_unit(unit.pk, month)
    if closer is not None:
        raise ValidationError(
            _("%(month)s is already closed for %(unit)s.") % {"month": f"{month:%Y-%m}", "unit": closer.name}
        )
    # Pending entries would be stuck: returned after the close, the clerk could neither fix nor withdraw them.
    pending = LedgerEntry.objects.filter(
        unit_id__in=subtree_ids([unit.pk]), month=month, status=EntryStatus.PENDING
    ).count()
    if pending:
        raise ValidationError(
            ngettext(
                "%(month)s still has %(n)d pending entry for %(unit)s and the units below it; "
                "confirm or return it before closing the month.",
                "%(month)s still has %(n)d pending entries for %(unit)s and the units below it; "
                "confirm or return them before closing the month.",
                pending,
            )
            % {"month": f"{month:%Y-%m}", "n": pending, "unit": unit.name}
        )
    row = MonthClose.objects.select_for_update().filter(unit=unit, month=month).first() or MonthClose(
        unit=unit, month=month
    )
    row.closed, row.closed_by, row.closed_at = True, actor, timezone.now()
    with acting(user=actor):
        row.save()
    return row


@transaction.atomic
def month_reopen(*, actor, unit, month, reason):
    month = month_start(month)
    require_role(actor, unit.pk, {Role.REVIEWER}, _("Only a reviewer whose scope covers the unit may reopen a month."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reopening a closed month needs a reason.")})
    row = MonthClose.objects.select_for_update().filter(unit=unit, month=month, closed=True).first()
    if row is None:
        closer = closing_unit(unit.pk, month)
        if closer is None:
            raise ValidationError(_("This month is not closed."))
        raise ValidationError(
            _("The month was closed for %(unit)s as a whole; reopen it there.") % {"unit": closer.name}
        )
    row.closed, row.reopened_by, row.reopened_at, row.reopen_reason = False, actor, timezone.now(), reason
    with acting(user=actor):
        row.save()
    return row


# --- Fault tolerance (容错纠错) -----------------------------------------------------------------


@transaction.atomic
def ruling_apply(*, actor, entry, basis, application):
    entry = _lock(entry)
    require_role(actor, entry.cadre.unit_id, {Role.CLERK})
    if entry.rule.sign > 0 or entry.is_reversal:
        raise ValidationError(_("Fault tolerance applies to deductions only."))
    if entry.status != EntryStatus.CONFIRMED:
        raise ValidationError(_("Fault tolerance applies to confirmed deductions."))
    reversal_status = LedgerEntry.objects.filter(reverses=entry).values_list("status", flat=True).first()
    if reversal_status == EntryStatus.RETURNED:
        raise ValidationError(_("The reversal of this entry was returned; withdraw that reversal first."))
    if reversal_status is not None:
        raise ValidationError(_("This entry has been reversed."))
    if FaultToleranceRuling.objects.filter(entry=entry).exists():
        raise ValidationError(_("This deduction already has a fault-tolerance ruling."))
    ruling = FaultToleranceRuling(entry=entry, basis=basis, application=application, applied_by=actor)
    ruling.full_clean()
    with acting(user=actor):
        ruling.save()
    return ruling


def _lock_ruling(ruling, stage):
    ruling = FaultToleranceRuling.objects.select_for_update().select_related("entry__cadre").get(pk=ruling.pk)
    if ruling.stage != stage:
        raise ValidationError(_("This ruling is at the stage “%(stage)s”.") % {"stage": ruling.get_stage_display()})
    return ruling


def _check_reviewer(actor, ruling):
    require_role(actor, ruling.entry.cadre.unit_id, {Role.REVIEWER})
    if actor.pk == ruling.applied_by_id:
        raise ValidationError(_("Whoever applied cannot verify or determine the same ruling."))


@transaction.atomic
def ruling_verify(*, actor, ruling, findings):
    ruling = _lock_ruling(ruling, FTStage.APPLIED)
    _check_reviewer(actor, ruling)
    if not (findings or "").strip():
        raise ValidationError({"verification": _("Write down what the verification found.")})
    ruling.stage, ruling.verification, ruling.verified_by, ruling.verified_at = (
        FTStage.VERIFIED,
        findings,
        actor,
        timezone.now(),
    )
    with acting(user=actor):
        ruling.save()
    return ruling


@transaction.atomic
def ruling_determine(*, actor, ruling, outcome, determination, reduced_points=None):
    """Decide the outcome; from now on the entry counts for its effective points."""
    ruling = _lock_ruling(ruling, FTStage.VERIFIED)
    _check_reviewer(actor, ruling)
    entry = LedgerEntry.objects.select_for_update().get(pk=ruling.entry_id)
    if outcome == FTOutcome.REDUCED:
        if reduced_points is None or not entry.points < reduced_points < 0:
            raise ValidationError(
                {"reduced_points": _("A reduced deduction lies between %(points)s and 0.") % {"points": entry.points}}
            )
    else:
        reduced_points = None
    ruling.stage, ruling.outcome, ruling.reduced_points = FTStage.DETERMINED, outcome, reduced_points
    ruling.determination, ruling.determined_by, ruling.determined_at = determination, actor, timezone.now()
    entry.effective_points = effective_points(entry.points, outcome, reduced_points)
    with acting(user=actor):
        ruling.save()
        entry.save(update_fields=["effective_points"])
    if entry.status == EntryStatus.CONFIRMED:
        points_changed.send(LedgerEntry, cadre_ids=[entry.cadre_id], years=[entry.month.year])
    return ruling


@transaction.atomic
def ruling_file(*, actor, ruling, document_no):
    ruling = _lock_ruling(ruling, FTStage.DETERMINED)
    require_role(actor, ruling.entry.cadre.unit_id, {Role.CLERK, Role.REVIEWER})
    if not (document_no or "").strip():
        raise ValidationError({"filing_document_no": _("Filing needs the document number of the report.")})
    ruling.stage, ruling.filing_document_no, ruling.filed_by, ruling.filed_at = (
        FTStage.FILED,
        canonical_document_no(document_no),
        actor,
        timezone.now(),
    )
    with acting(user=actor):
        ruling.save()
    return ruling
