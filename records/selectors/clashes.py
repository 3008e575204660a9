"""Entries that score one fact twice: the same cadre, rule and document number (文号), once the two
numbers are read in their canonical form.

Migration records.0005 rewrote the stored numbers in that form, except a row whose rewrite would
have repeated a fact recorded already (the database's "same fact once" rule would have refused
it); the services store the canonical form since. So the two numbers of a clash are spelled
differently, one of them at least not in the canonical form, or they are equal and one of the two
entries is a correction, which that rule leaves aside.
"""

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q

from accounts.models import Role

from ..document_numbers import canonical_document_no
from ..models import Cadre, EntryStatus, LedgerEntry
from .ledger import entries_visible_to
from .roster import subtree_ids, units_visible_to

# The lists of clashes are for those who resolve them: clerks (withdraw, correct) and reviewers.
CLASH_ROLES = frozenset({Role.CLERK, Role.REVIEWER})

# A number written only with these characters is in its canonical form: CJK ideographs, 〔 〕, and
# printable ASCII but for lower-case letters and the brackets around a year. NFKC changes none of
# them, and none is a blank. A number with any other character may not be canonical.
_CANONICAL_CHARS = "\u3400-\u4dbf\u4e00-\u9fff〔〕!-'*-Z^_`|~"
MAYBE_NOT_CANONICAL = f"[^{_CANONICAL_CHARS}]"

SCORING = frozenset({EntryStatus.PENDING, EntryStatus.CONFIRMED})

ROW_RELATED = ("cadre", "cadre__unit", "unit", "rule", "entered_by", "corrects")


class Twin(NamedTuple):
    """Another entry of the same fact, as the clash list names it."""

    pk: int
    month: date
    document_no: str


def _numbered(entries):
    """Entries with a document number that no reversal cancels (a returned one cancels nothing).

    Which of them score their fact (pending or confirmed, not a reversal) is read in Python: tests
    on status or on the unique ``reverses`` column would draw SQLite, without statistics, away from
    the ledger's index on cadre to a scan of the whole ledger.
    """
    cancelling = LedgerEntry.objects.filter(reverses=OuterRef("pk")).exclude(status=EntryStatus.RETURNED)
    return entries.exclude(document_no="").exclude(Exists(cancelling))


def fact_clashes(user, *, unit=None, subunits=True):
    """{entry id: (Twin, …)} for every entry in ``user``'s scope (of the cadres of ``unit``, and of
    the units below it unless ``subunits`` is False) that scores a fact another entry scores too:
    same cadre, same rule code, same 文号 in canonical form.

    One query, one pass over the scope: the database cannot apply NFKC, so it keeps the entries of
    the cadres with a number that may not be canonical, or with a correction (the database's "same
    fact once" rule leaves corrections aside, so only they can repeat a number exactly); Python
    compares those numbers in canonical form.
    """
    entries = entries_visible_to(user, roles=CLASH_ROLES)
    if unit is not None:
        units = subtree_ids([unit.pk]) if subunits else [unit.pk]
        # By the cadres' ids, which the ledger's index on cadre finds.
        entries = entries.filter(cadre_id__in=Cadre.objects.filter(unit_id__in=units).values("id"))
    numbered = _numbered(entries)
    suspects = numbered.filter(Q(document_no__regex=MAYBE_NOT_CANONICAL) | Q(corrects__isnull=False))
    rows = (
        numbered.filter(cadre_id__in=suspects.values("cadre_id"))
        .order_by("id")
        .values_list("id", "cadre_id", "rule_code", "document_no", "month", "status", "reverses_id")
    )
    facts = defaultdict(list)
    for pk, cadre_id, code, number, month, status, reverses_id in rows:
        if status in SCORING and reverses_id is None:
            facts[cadre_id, code, canonical_document_no(number)].append(Twin(pk, month, number))
    return {
        twin.pk: tuple(other for other in twins if other.pk != twin.pk)
        for twins in facts.values()
        if len(twins) > 1
        for twin in twins
    }


def clashing_entries(user, clashes):
    """The entries of ``clashes`` (from ``fact_clashes``) for a list, by unit, cadre and rule (the
    entries of one fact are of one cadre and one rule), then by month."""
    if not clashes:
        return LedgerEntry.objects.none()
    return (
        entries_visible_to(user, roles=CLASH_ROLES)
        .filter(pk__in=list(clashes))
        .select_related(*ROW_RELATED)
        .order_by("cadre__unit__code", "cadre__staff_no", "cadre_id", "rule_code", "month", "id")
    )


def units_entered_by(user, unit_ids):
    """Which of ``unit_ids`` the user enters points for (a clerk's scope): one query, or none."""
    return set(units_visible_to(user, roles={Role.CLERK}).filter(pk__in=unit_ids).values_list("pk", flat=True))
