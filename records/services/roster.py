"""Writes to units, cadres and postings. Views, imports and commands call these, never the ORM."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Cadre, Posting, Unit, UnitClosure


@transaction.atomic
def unit_create(*, code: str, name: str, kind: str, parent: Unit | None = None, order: int = 0) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, parent=parent, order=order)
    unit.depth = parent.depth + 1 if parent else 0
    unit.full_clean()
    unit.save()
    links = [UnitClosure(ancestor=unit, descendant=unit, distance=0)]
    if parent is not None:
        links += [
            UnitClosure(ancestor_id=a, descendant=unit, distance=d + 1)
            for a, d in UnitClosure.objects.filter(descendant=parent).values_list("ancestor_id", "distance")
        ]
    UnitClosure.objects.bulk_create(links)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, **fields) -> Unit:
    """Change a unit; moving it under another parent rewires the closure of its whole subtree."""
    # Read the stored parent: a form may already have copied the new one onto the instance.
    old_parent_id, old_depth = Unit.objects.filter(pk=unit.pk).values_list("parent_id", "depth").get()
    unit.depth = old_depth
    for name, value in fields.items():
        setattr(unit, name, value)
    new_parent = unit.parent
    subtree = list(UnitClosure.objects.filter(ancestor=unit).values_list("descendant_id", "distance"))
    if new_parent is not None and new_parent.pk in {d for d, _dist in subtree}:
        raise ValidationError({"parent": _("A unit cannot be moved under itself or its own subunit.")})
    unit.full_clean()
    if unit.parent_id != old_parent_id:
        subtree_ids = [d for d, _dist in subtree]
        UnitClosure.objects.filter(descendant_id__in=subtree_ids).exclude(ancestor_id__in=subtree_ids).delete()
        if new_parent is not None:
            above = list(UnitClosure.objects.filter(descendant=new_parent).values_list("ancestor_id", "distance"))
            UnitClosure.objects.bulk_create(
                UnitClosure(ancestor_id=a, descendant_id=d, distance=ad + dd + 1)
                for a, ad in above
                for d, dd in subtree
            )
        delta = (new_parent.depth + 1 if new_parent else 0) - unit.depth
        unit.depth += delta
        if delta:
            for child in Unit.objects.filter(id__in=subtree_ids).exclude(pk=unit.pk):
                child.depth += delta
                child.save(update_fields=["depth"])
    unit.save()
    return unit


CADRE_FIELDS = (
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "political_status",
    "unit",
    "position",
    "leadership_level",
    "rank",
    "category",
    "management_tier",
    "is_leader",
    "on_probation",
    "status",
    "post_since",
    "rank_since",
    "id_number",
    "mobile",
)


@transaction.atomic
def cadre_create(**fields) -> Cadre:
    """Register a cadre and open their first posting in the given unit and post."""
    cadre = Cadre(**fields)
    cadre.full_clean()
    cadre.save()
    Posting.objects.create(
        cadre=cadre,
        unit=cadre.unit,
        position=cadre.position,
        leadership_level=cadre.leadership_level,
        start=cadre.post_since,
    )
    return cadre


@transaction.atomic
def cadre_update(*, cadre: Cadre, **fields) -> Cadre:
    """Edit a cadre's data. A change of unit goes through cadre_transfer so history is kept."""
    if "unit" in fields and fields["unit"].pk != cadre.unit_id:
        raise ValidationError({"unit": _("Use a transfer to move a cadre to another unit.")})
    for name, value in fields.items():
        setattr(cadre, name, value)
    cadre.full_clean()
    cadre.save()
    posting = Posting.objects.filter(cadre=cadre, end__isnull=True).first()
    if posting is None:
        Posting.objects.create(
            cadre=cadre,
            unit=cadre.unit,
            position=cadre.position,
            leadership_level=cadre.leadership_level,
            start=cadre.post_since,
        )
    elif (posting.position, posting.leadership_level, posting.start) != (
        cadre.position,
        cadre.leadership_level,
        cadre.post_since,
    ):
        posting.position = cadre.position
        posting.leadership_level = cadre.leadership_level
        posting.start = cadre.post_since
        posting.full_clean()
        posting.save()
    return cadre


@transaction.atomic
def cadre_transfer(*, cadre: Cadre, unit: Unit, position: str, leadership_level: str, on, note: str = "") -> Posting:
    """Close the cadre's open posting the day before ``on`` and open a new one from ``on``."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    current = Posting.objects.filter(cadre=cadre, end__isnull=True).first()
    if current is not None:
        if on <= current.start:
            raise ValidationError(
                {
                    "on": _("The transfer date must be after the current posting began (%(start)s).")
                    % {"start": current.start.isoformat()}
                }
            )
        current.end = on - timedelta(days=1)
        current.save()
    posting = Posting(cadre=cadre, unit=unit, position=position, leadership_level=leadership_level, start=on, note=note)
    posting.full_clean()
    posting.save()
    cadre.unit = unit
    cadre.position = position
    cadre.leadership_level = leadership_level
    cadre.post_since = on
    cadre.full_clean()
    cadre.save()
    return posting
