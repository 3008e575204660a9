"""Reads of units and cadres, always through the user's unit scope."""

from django.db.models import Count, Q

from accounts.models import RECORD_ROLES, Role
from accounts.roles import scope_ids

from ..models import Cadre, Posting, Unit, UnitClosure


def subtree_ids(unit_ids):
    """Ids of the given units and every unit below them: one indexed lookup."""
    return UnitClosure.objects.filter(ancestor_id__in=unit_ids).values("descendant_id")


def units_visible_to(user, *, roles=RECORD_ROLES):
    scopes = scope_ids(user, roles)
    if not scopes:
        return Unit.objects.none()
    return Unit.objects.filter(id__in=subtree_ids(scopes))


def cadres_visible_to(user, *, roles=RECORD_ROLES):
    scopes = scope_ids(user, roles)
    if not scopes:
        return Cadre.objects.none()
    return Cadre.objects.filter(unit_id__in=subtree_ids(scopes))


def unit_in_scope(user, unit, *, roles=RECORD_ROLES):
    scopes = scope_ids(user, roles)
    return bool(scopes) and UnitClosure.objects.filter(ancestor_id__in=scopes, descendant=unit).exists()


def scope_covers_county(user, roles):
    """Whether the user's scope for ``roles`` takes in every top-level unit. County-wide settings (the
    rule book, scoring schemes, caps, sanction measures) apply to every township: a system
    administrator of one township does not change them for the others."""
    scopes = scope_ids(user, roles)
    return bool(scopes) and not Unit.objects.filter(parent__isnull=True).exclude(pk__in=scopes).exists()


def can_edit_cadre(user, cadre):
    return unit_in_scope(user, cadre.unit_id, roles={Role.CLERK})


def can_see_sensitive(user, cadre):
    # Clerks maintain identity data; everyone else sees it masked.
    return can_edit_cadre(user, cadre)


CADRE_LIST_FIELDS = (
    "id",
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "position",
    "leadership_level",
    "rank",
    "category",
    "status",
    "post_since",
    "unit__id",
    "unit__name",
)

CADRE_SORTS = {
    "staff_no": "staff_no",
    "-staff_no": "-staff_no",
    "name": "name",
    "-name": "-name",
    "unit": "unit__name",
    "-unit": "-unit__name",
    "rank": "rank",
    "-rank": "-rank",
    "post_since": "post_since",
    "-post_since": "-post_since",
    "birth_date": "birth_date",
    "-birth_date": "-birth_date",
}


def cadre_list(user, *, q="", unit=None, category="", rank="", leadership_level="", status="", sort=""):
    """The cadre list page and API: scoped, filtered, sorted, one query per page whatever its size."""
    qs = cadres_visible_to(user).select_related("unit").only(*CADRE_LIST_FIELDS)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(staff_no__startswith=q))
    if unit is not None:
        qs = qs.filter(unit_id__in=subtree_ids([unit.pk]))
    if category:
        qs = qs.filter(category=category)
    if rank:
        qs = qs.filter(rank=rank)
    if leadership_level:
        qs = qs.filter(leadership_level=leadership_level)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(CADRE_SORTS.get(sort, "staff_no"), "id")


def cadre_postings(cadre):
    return Posting.objects.filter(cadre=cadre).select_related("unit").order_by("-start", "-id")


def unit_on(cadre, day):
    """The unit a cadre belonged to on ``day``, from the posting history (None before the first)."""
    posting = (
        Posting.objects.filter(cadre=cadre, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("unit")
        .order_by("-start")
        .first()
    )
    return posting.unit if posting else None


def unit_tree(user):
    """Visible units with their active cadre counts, in tree order (parents before children)."""
    units = list(
        units_visible_to(user, roles=RECORD_ROLES | {Role.SYSADMIN})
        .annotate(active_cadres=Count("cadres", filter=Q(cadres__status="在职")))
        .order_by("depth", "order", "code")
    )
    by_parent = {}
    ids = {u.id for u in units}
    for u in units:
        parent = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(parent, []).append(u)
    ordered = []

    def walk(parent, level):
        for u in by_parent.get(parent, []):
            u.level = level
            ordered.append(u)
            walk(u.id, level + 1)

    walk(None, 0)
    return ordered
