from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.context import acting

from ..document_numbers import canonical_document_no
from ..models import Sanction, TalkRecord, impact_end
from .ledger import require_role

EARLIEST = date(2000, 1, 1)  # the years the portal keeps (as its year fields)


def _check_day(day, field):
    """A sanction's or a talk's date: a day that has come, in the years the portal keeps. A wrong
    date is not harmless: a sanction's impact period runs from it."""
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if day < EARLIEST:
        raise ValidationError({field: _("Give a date from %(day)s on.") % {"day": EARLIEST.isoformat()}})


@transaction.atomic
def sanction_create(*, actor, cadre, measure, decided_on, document_no, reason):
    """Record a sanction with its impact periods computed from the measure (DOMAIN §7)."""
    require_role(actor, cadre.unit_id, {Role.CLERK})
    _check_day(decided_on, "decided_on")
    sanction = Sanction(
        cadre=cadre,
        measure=measure,
        decided_on=decided_on,
        document_no=canonical_document_no(document_no),
        reason=reason,
        promotion_barred_until=impact_end(decided_on, measure.promotion_bar_months),
        post_barred_until=impact_end(decided_on, measure.post_bar_months) if measure.post_bar_months else None,
        blocks_excellent=measure.blocks_excellent,
        entered_by=actor,
    )
    try:
        sanction.full_clean()
    except ValidationError as exc:
        if "__all__" in getattr(exc, "error_dict", {}):
            raise ValidationError({"document_no": _("This sanction is already recorded.")}) from exc
        raise
    with acting(user=actor):
        sanction.save()
    return sanction


@transaction.atomic
def talk_create(*, actor, cadre, kind, held_on, talker, summary, outcome=""):
    require_role(actor, cadre.unit_id, {Role.CLERK})
    _check_day(held_on, "held_on")
    talk = TalkRecord(
        cadre=cadre, kind=kind, held_on=held_on, talker=talker, summary=summary, outcome=outcome, entered_by=actor
    )
    talk.full_clean()
    with acting(user=actor):
        talk.save()
    return talk
