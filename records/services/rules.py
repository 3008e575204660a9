"""The rule book: creating rules and revising them by version from a date."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import has_role
from audit.context import acting

from ..models import LedgerEntry, PointRule, category_sign
from ..selectors import scope_covers_county

RULE_FIELDS = (
    "name",
    "category",
    "min_points",
    "max_points",
    "monthly_cap",
    "annual_cap",
    "requires_document",
    "note",
)


def _require_sysadmin(actor):
    if not has_role(actor, Role.SYSADMIN):
        raise PermissionDenied(_("Only the system administrator maintains the rule book."))
    if not scope_covers_county(actor, {Role.SYSADMIN}):
        raise PermissionDenied(
            _("The rule book applies to the whole county: only a system administrator of the county maintains it.")
        )


def _check_start(valid_from):
    # The app's years run 2000-2100; a version opened on 9999-12-31 could never be revised again.
    if not 2000 <= valid_from.year <= 2100:
        raise ValidationError({"valid_from": _("A rule version starts on a day between 2000 and 2100.")})


@transaction.atomic
def rule_create(*, actor, code, valid_from, **fields):
    _require_sysadmin(actor)
    _check_start(valid_from)
    if PointRule.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Rule %(code)s exists; revise it instead.") % {"code": code}})
    rule = PointRule(code=code, version=1, valid_from=valid_from, **fields)
    rule.sign = category_sign(rule.category)
    rule.full_clean()
    with acting(user=actor):
        rule.save()
    return rule


@transaction.atomic
def rule_revise(*, actor, rule, valid_from, **changes):
    """Close the current version the day before ``valid_from`` and open a new one from it.

    Entries dated on or after ``valid_from`` that already use the old version would silently
    change meaning, so such a revision is refused: pick a later date.
    """
    _require_sysadmin(actor)
    _check_start(valid_from)
    current = PointRule.objects.select_for_update().get(pk=rule.pk)
    if current.valid_to is not None:
        raise ValidationError(_("Only the current version of a rule can be revised."))
    if valid_from <= current.valid_from:
        raise ValidationError(
            {"valid_from": _("The new version must start after %(day)s.") % {"day": current.valid_from}}
        )
    late = LedgerEntry.objects.filter(rule=current, occurred_on__gte=valid_from).order_by("-occurred_on").first()
    if late is not None:
        raise ValidationError(
            {
                "valid_from": _("Entries up to %(day)s already use this version; start the new one after that.")
                % {"day": late.occurred_on}
            }
        )
    new = PointRule(
        code=current.code,
        version=current.version + 1,
        valid_from=valid_from,
        **{f: changes.get(f, getattr(current, f)) for f in RULE_FIELDS},
    )
    new.sign = category_sign(new.category)
    new.full_clean()
    current.valid_to = valid_from - timedelta(days=1)
    with acting(user=actor):
        current.save()
        new.save()
    return new
