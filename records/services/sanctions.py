from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.context import acting

from ..document_numbers import canonical_document_no
from ..models import Sanction, TalkRecord, impact_end
from ..signals import sanctions_changed
from .ledger import require_role

EARLIEST = date(2000, 1, 1)  # the years the portal keeps (as its year fields)


def _check_day(day, field):
    """A sanction's or a talk's date: a day that has come, in the years the portal keeps. A wrong
    date is not harmless: a sanction's impact period runs from it."""
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if day < EARLIEST:
        raise ValidationError({field: _("Give a date from %(day)s on.") % {"day": EARLIEST.isoformat()}})


def _required(text, field, message):
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _set_decision(sanction, *, measure, decided_on, document_no, reason):
    """Put a decision on ``sanction`` with the impact periods and the 优秀 bar its measure gives
    (DOMAIN §7), checked as a whole; nothing is saved."""
    _check_day(decided_on, "decided_on")
    sanction.measure = measure
    sanction.decided_on = decided_on
    sanction.document_no = canonical_document_no(document_no)
    sanction.reason = reason
    sanction.promotion_barred_until = impact_end(decided_on, measure.promotion_bar_months)
    sanction.post_barred_until = impact_end(decided_on, measure.post_bar_months) if measure.post_bar_months else None
    sanction.blocks_excellent = measure.blocks_excellent
    try:
        sanction.full_clean()
    except ValidationError as exc:
        if "__all__" in getattr(exc, "error_dict", {}):
            raise ValidationError({"document_no": _("This sanction is already recorded.")}) from exc
        raise


def _touched_years(sanction):
    """The years whose grades or flags read ``sanction``: from its decision to the end of its
    promotion bar (a 优秀 bar in the first, an active impact period in each), none to come."""
    last = min(sanction.promotion_barred_until.year, timezone.localdate().year)
    return set(range(sanction.decided_on.year, last + 1))


def _lock_sanction(sanction):
    return Sanction.objects.select_for_update().select_related("cadre", "measure").get(pk=sanction.pk)


@transaction.atomic
def sanction_create(*, actor, cadre, measure, decided_on, document_no, reason):
    """Record a sanction with its impact periods computed from the measure (DOMAIN §7)."""
    require_role(actor, cadre.unit_id, {Role.CLERK})
    sanction = Sanction(cadre=cadre, entered_by=actor)
    _set_decision(sanction, measure=measure, decided_on=decided_on, document_no=document_no, reason=reason)
    with acting(user=actor):
        sanction.save()
    # Its impact period blocks flags, and it may bar 优秀: the cadre's numbers follow promptly.
    sanctions_changed.send(Sanction, cadre_ids=[sanction.cadre_id], years=sorted(_touched_years(sanction)))
    return sanction


@transaction.atomic
def sanction_correct(*, actor, sanction, measure, decided_on, document_no, reason, correction_reason):
    """Correct a sanction entered wrongly: its impact periods follow the corrected measure and date,
    the audit event keeps the values before and after with ``correction_reason``, and the cadre's
    numbers are refreshed for the years it touched before and touches now."""
    sanction = _lock_sanction(sanction)
    require_role(actor, sanction.cadre.unit_id, {Role.CLERK})
    correction_reason = _required(correction_reason, "correction_reason", _("Say why the sanction is corrected."))
    before = _touched_years(sanction)
    old = sanction.audit_values()
    _set_decision(sanction, measure=measure, decided_on=decided_on, document_no=document_no, reason=reason)
    if sanction.audit_values() == old:
        raise ValidationError(_("The correction changes nothing."))
    with acting(user=actor, note=correction_reason):
        sanction.save()
    sanctions_changed.send(Sanction, cadre_ids=[sanction.cadre_id], years=sorted(before | _touched_years(sanction)))
    return sanction


@transaction.atomic
def sanction_withdraw(*, actor, sanction, reason):
    """Delete a sanction entered by mistake; its values and ``reason`` stay in the audit log."""
    sanction = _lock_sanction(sanction)
    require_role(actor, sanction.cadre.unit_id, {Role.CLERK})
    reason = _required(reason, "reason", _("Say why the sanction is deleted as entered by mistake."))
    years = _touched_years(sanction)
    with acting(user=actor, note=reason):
        sanction.delete()
    sanctions_changed.send(Sanction, cadre_ids=[sanction.cadre_id], years=sorted(years))


def _set_talk(talk, *, kind, held_on, talker, summary, outcome):
    _check_day(held_on, "held_on")
    talk.kind, talk.held_on, talk.talker, talk.summary, talk.outcome = kind, held_on, talker, summary, outcome
    talk.full_clean()


def _lock_talk(talk):
    return TalkRecord.objects.select_for_update().select_related("cadre").get(pk=talk.pk)


@transaction.atomic
def talk_create(*, actor, cadre, kind, held_on, talker, summary, outcome=""):
    require_role(actor, cadre.unit_id, {Role.CLERK})
    talk = TalkRecord(cadre=cadre, entered_by=actor)
    _set_talk(talk, kind=kind, held_on=held_on, talker=talker, summary=summary, outcome=outcome)
    with acting(user=actor):
        talk.save()
    return talk


@transaction.atomic
def talk_correct(*, actor, talk, kind, held_on, talker, summary, outcome, correction_reason):
    """Correct a talk record; the audit event keeps the values before and after with the reason."""
    talk = _lock_talk(talk)
    require_role(actor, talk.cadre.unit_id, {Role.CLERK})
    correction_reason = _required(correction_reason, "correction_reason", _("Say why the talk record is corrected."))
    old = talk.audit_values()
    _set_talk(talk, kind=kind, held_on=held_on, talker=talker, summary=summary, outcome=outcome)
    if talk.audit_values() == old:
        raise ValidationError(_("The correction changes nothing."))
    with acting(user=actor, note=correction_reason):
        talk.save()
    return talk


@transaction.atomic
def talk_withdraw(*, actor, talk, reason):
    """Delete a talk record entered by mistake; its values and ``reason`` stay in the audit log."""
    talk = _lock_talk(talk)
    require_role(actor, talk.cadre.unit_id, {Role.CLERK})
    reason = _required(reason, "reason", _("Say why the talk record is withdrawn."))
    with acting(user=actor, note=reason):
        talk.delete()
