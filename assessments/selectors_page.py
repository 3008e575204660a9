"""Reads behind the quarterly review pages: the queues, a unit's quarter overview, a cadre's history.

The queue selectors restate services.assess_problem / approve_problem as query filters, so a queue
page costs the same few queries whatever its size; the services stay the authority on every write
(tests/test_review_queues_match_services.py keeps the two in step).
"""

from collections import defaultdict

from django.db.models import Count, Max, Q

from accounts.models import Role
from records.models import Cadre, CadreStatus, Unit, UnitClosure
from records.selectors import subtree_ids

from .models import QuarterlyReview, ReviewStatus
from .rules import GRADES, quota_limit
from .selectors import reviews_visible_to
from .services import LEVEL_ORDER

QUEUE_RELATED = ("cadre", "cadre__unit", "unit", "assessor")
QUEUE_ORDER = ("-year", "-quarter", "unit__depth", "unit__order", "unit__code", "cadre__staff_no", "id")
OPEN = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
ACTIVE = (CadreStatus.ACTIVE, CadreStatus.SECONDED)
MISSING_SHOWN = 200


def _own_cadre(user):
    return getattr(user, "cadre", None)


def assessable_reviews(user):
    """Draft and returned reviews ``user`` may score: 上级考下级, never their own."""
    reviews = reviews_visible_to(user, roles={Role.REVIEWER}).filter(status__in=OPEN)
    own = _own_cadre(user)
    if own is None:
        return reviews
    below = UnitClosure.objects.filter(ancestor_id=own.unit_id, distance__gt=0).values("descendant_id")
    lower_levels = LEVEL_ORDER[LEVEL_ORDER.index(own.leadership_level) + 1 :]
    return reviews.exclude(cadre_id=own.pk).filter(
        Q(cadre__unit_id__in=below) | Q(cadre__unit_id=own.unit_id, cadre__leadership_level__in=lower_levels)
    )


def approvable_reviews(user):
    """Submitted reviews ``user`` may approve or return: not their own, not what they assessed."""
    reviews = reviews_visible_to(user, roles={Role.REVIEWER}).filter(status=ReviewStatus.SUBMITTED)
    reviews = reviews.exclude(assessor_id=user.pk)
    if getattr(user, "cadre_id", None):
        reviews = reviews.exclude(cadre_id=user.cadre_id)
    return reviews


def review_queue_filtered(reviews, filters):
    """Filters of the queue forms: ``unit`` (the review's unit and below), year, quarter, status, grade."""
    if filters.get("unit"):
        reviews = reviews.filter(unit_id__in=subtree_ids([filters["unit"].pk]))
    for name in ("year", "quarter", "status", "grade"):
        if filters.get(name):
            reviews = reviews.filter(**{name: filters[name]})
    return reviews.select_related(*QUEUE_RELATED).order_by(*QUEUE_ORDER)


def cadre_quarter_history(cadre):
    """The cadre's reviews as rows of one year each, newest year first, with a slot per quarter."""
    years = defaultdict(lambda: [None, None, None, None])
    reviews = (
        QuarterlyReview.objects.filter(cadre=cadre)
        .only("id", "cadre_id", "year", "quarter", "status", "score", "grade", "suggested_grade")
        .order_by("-year", "quarter")
    )
    for review in reviews:
        years[review.year][review.quarter - 1] = review
    return [{"year": year, "quarters": quarters} for year, quarters in years.items()]


def _grade_counts(prefix, status):
    return {f"{prefix}_{i}": Count("id", filter=Q(status=status, grade=grade)) for i, grade in enumerate(GRADES)}


def quarter_overview(unit, year, quarter):
    """A unit's quarter, per unit of its subtree: status counts, grades against the 好 quota, who is missing.

    The 好 limit of a unit uses the most generous quota among the schemes its reviews were scored
    with, which is the limit an approval of such a review checks against.
    """
    below = subtree_ids([unit.pk])
    units = {u.pk: u for u in Unit.objects.filter(id__in=below).order_by("depth", "order", "code")}
    reviews = QuarterlyReview.objects.filter(unit_id__in=below, year=year, quarter=quarter)
    counts = {
        row["unit_id"]: row
        for row in reviews.values("unit_id")
        .annotate(
            reviews=Count("id"),
            ratio=Max("scheme__good_quota"),
            **{status: Count("id", filter=Q(status=status)) for status in ReviewStatus.values},
            **_grade_counts("approved", ReviewStatus.APPROVED),
            **_grade_counts("submitted", ReviewStatus.SUBMITTED),
        )
        .order_by()
    }
    active = dict(
        Cadre.objects.filter(unit_id__in=below, status__in=ACTIVE)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("unit_id", "n")
    )
    unreviewed = Cadre.objects.filter(unit_id__in=below, status__in=ACTIVE).exclude(
        quarterly_reviews__year=year, quarterly_reviews__quarter=quarter
    )
    rows = []
    for pk, u in units.items():
        c = counts.get(pk)
        if c is None and not active.get(pk):
            continue
        c = c or {"reviews": 0, "ratio": None}
        approved = [c.get(f"approved_{i}", 0) for i in range(len(GRADES))]
        submitted = [c.get(f"submitted_{i}", 0) for i in range(len(GRADES))]
        limit = quota_limit(c["reviews"], c["ratio"]) if c["ratio"] is not None else 0
        rows.append(
            {
                "unit": u,
                "cadres": active.get(pk, 0),
                "reviews": c["reviews"],
                "status": {s: c.get(s, 0) for s in ReviewStatus.values},
                "approved": approved,
                "submitted": submitted,
                "good_used": approved[0] + submitted[0],
                "good_limit": limit,
                "over_quota": approved[0] + submitted[0] > limit,
            }
        )
    open_reviews = reviews.filter(status__in=OPEN).select_related("cadre", "unit", "assessor")
    return {
        "rows": rows,
        "grades": GRADES,
        "totals": reviews.aggregate(
            reviews=Count("id"), **{status: Count("id", filter=Q(status=status)) for status in ReviewStatus.values}
        ),
        "unreviewed": unreviewed.select_related("unit").order_by("unit__depth", "unit__code", "staff_no")[
            :MISSING_SHOWN
        ],
        "unreviewed_count": unreviewed.count(),
        "open_reviews": open_reviews.order_by("status", "unit__code", "cadre__staff_no")[:MISSING_SHOWN],
        "open_count": open_reviews.count(),
    }


def quota_usage(keys):
    """好 usage of several (unit id, year, quarter) at once, in one query, like selectors.good_quota_usage.

    The limit uses the most generous quota among the schemes of the unit's reviews.
    """
    keys = set(keys)
    if not keys:
        return {}
    match = Q()
    for unit_id, year, quarter in keys:
        match |= Q(unit_id=unit_id, year=year, quarter=quarter)
    rows = (
        QuarterlyReview.objects.filter(match)
        .values("unit_id", "year", "quarter")
        .annotate(
            cadres=Count("id"),
            ratio=Max("scheme__good_quota"),
            used=Count("id", filter=Q(grade="好", status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])),
            approved=Count("id", filter=Q(grade="好", status=ReviewStatus.APPROVED)),
        )
        .order_by()
    )
    return {
        (r["unit_id"], r["year"], r["quarter"]): {
            "used": r["used"],
            "approved": r["approved"],
            "limit": quota_limit(r["cadres"], r["ratio"]),
            "cadres": r["cadres"],
        }
        for r in rows
    }
