"""Reads of the annual summaries, candidate flags and committee snapshots, always through the user's scope.

A summary or flag is visible when the unit it was graded in, or the cadre's unit today, lies in the
user's subtree: a township's reviewer keeps seeing the year of a cadre who has since moved away, and
the new unit sees the history of the cadre it received (as on the cadre page).
"""

from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.roles import has_role, scope_ids
from records.models import Unit
from records.selectors import cadres_visible_to, subtree_ids

from .annual_rules import excellent_limit
from .flags import KINDS
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

# Who reads scores and flags: the reviewers who prepare them and the committee that decides.
SCORE_ROLES = frozenset({Role.REVIEWER, Role.COMMITTEE})
GRADES = tuple(AnnualGrade.values)
EXCELLENT = AnnualGrade.EXCELLENT.value
PENDING = "pending"  # the decision filter's value for "not decided" (the stored value is "")

SUMMARY_RELATED = ("cadre", "unit")
SUMMARY_SORTS = {
    "rank": ("unit__depth", "unit__order", "unit__code", F("unit_rank").asc(nulls_last=True)),
    "-rank": ("unit__depth", "unit__order", "unit__code", F("unit_rank").desc(nulls_first=True)),
    "name": ("cadre__name",),
    "-name": ("-cadre__name",),
    "net": ("ledger_net",),
    "-net": ("-ledger_net",),
    "mass": (F("mass_average").asc(nulls_first=True),),
    "-mass": (F("mass_average").desc(nulls_last=True),),
    "score": (F("score").asc(nulls_first=True),),
    "-score": (F("score").desc(nulls_last=True),),
    "unit_rank": (F("unit_rank").asc(nulls_last=True),),
    "-unit_rank": (F("unit_rank").desc(nulls_first=True),),
    "category_rank": ("category", F("category_rank").asc(nulls_last=True)),
    "-category_rank": ("category", F("category_rank").desc(nulls_first=True)),
    "suggested": ("suggested_grade",),
    "-suggested": ("-suggested_grade",),
    "final": ("final_grade",),
    "-final": ("-final_grade",),
}
FLAG_RELATED = ("cadre", "unit", "decided_by")
# The grading notes the computation leaves on a summary (assessments.annual_rules.allocate), in words.
GRADE_NOTES = {
    "excellent_quota_used": _("The unit's 优秀 quota was used by cadres ranked higher"),
    "poor_quarter_bars_excellent": _("A quarter graded 较差 bars 优秀"),
    "sanction_bars_excellent": _("A sanction decided this year bars 优秀"),
    "on_probation": _("On probation: a comment, no grade"),
    "no_approved_quarter": _("No approved quarterly review yet: no score and no grade"),
    "no_ledger_points": _("No ledger points counted this year: the score is made of the other components"),
}
STATE_ORDER = {FlagState.RAISED: 0, FlagState.BLOCKED: 1, FlagState.WITHDRAWN: 2}


def _scoped(model, user, roles):
    scopes = scope_ids(user, roles)
    if not scopes:
        return model.objects.none()
    below = subtree_ids(scopes)
    return model.objects.filter(Q(unit_id__in=below) | Q(cadre__unit_id__in=below))


def cadres_open_to(user, cadre_ids):
    """The cadres among ``cadre_ids`` whose page, entries and reviews ``user`` may open (one query).

    A summary or flag stays visible to the unit that graded it, but the cadre's page follows the cadre
    to a new unit: a link there would answer 404, so pages show such facts without a link.
    """
    return set(cadres_visible_to(user).filter(pk__in=set(cadre_ids)).values_list("pk", flat=True))


def summaries_visible_to(user, *, roles=SCORE_ROLES):
    return _scoped(AnnualSummary, user, roles)


def flags_visible_to(user, *, roles=SCORE_ROLES):
    return _scoped(CandidateFlag, user, roles)


def snapshots_visible_to(user, *, roles=SCORE_ROLES):
    """Snapshots of a unit in the user's subtree: a township's reviewer does not read a county's pack."""
    scopes = scope_ids(user, roles)
    if not scopes:
        return CommitteeSnapshot.objects.none()
    return CommitteeSnapshot.objects.filter(unit_id__in=subtree_ids(scopes))


def grade_note_labels(codes):
    return [str(GRADE_NOTES.get(code, code)) for code in codes]


def with_actor_names(events):
    """Give each audit event ``actor``: its user as the rest of the pages name them (the full name),
    where the log keeps the login name; the login name for a user no longer there. One query."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    users = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)} if ids else {}
    for e in events:
        e.actor = users.get(e.actor_id, e.actor_name)
    return events


def can_read_scores(user):
    return has_role(user, *SCORE_ROLES)


def effective_grade(grade):
    """Rows whose grade is ``grade``: the committee's when decided, else the suggestion."""
    return Q(final_grade=grade) | Q(final_grade="", suggested_grade=grade)


# --- The annual summary page ----------------------------------------------------------------------


def summary_table(summaries, *, unit, year, category="", grade="", q="", sort="rank"):
    """The summaries of ``unit``'s subtree for ``year``, filtered and sorted, one query per page."""
    qs = summaries.filter(year=year, unit_id__in=subtree_ids([unit.pk])).select_related(*SUMMARY_RELATED)
    if category:
        qs = qs.filter(category=category)
    if grade:
        qs = qs.filter(effective_grade(grade), on_probation=False)
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(cadre__staff_no__startswith=q))
    return qs.order_by(*SUMMARY_SORTS.get(sort, SUMMARY_SORTS["rank"]), "cadre__staff_no", "id")


def grade_distribution(summaries, *, unit, year):
    """Per unit of ``unit``'s subtree: grades (the committee's where decided, else suggested) against
    the 优秀 limit, i.e. floor(cadres not on probation × the share the computation applied).

    The unit's quota setting is shown beside it: a setting changed after the last computation
    applies at the next one.
    """
    below = subtree_ids([unit.pk])
    counts = (
        summaries.filter(year=year, unit_id__in=below)
        .values("unit_id")
        .annotate(
            cadres=Count("id"),
            probation=Count("id", filter=Q(on_probation=True)),
            share=Max("excellent_share"),
            suggested_excellent=Count("id", filter=Q(suggested_grade=EXCELLENT, on_probation=False)),
            decided=Count("id", filter=Q(decided_at__isnull=False)),
            computed_at=Max("computed_at"),
            **{f"g{i}": Count("id", filter=effective_grade(g) & Q(on_probation=False)) for i, g in enumerate(GRADES)},
        )
        .order_by()
    )
    counts = {row["unit_id"]: row for row in counts}
    settings = dict(
        UnitExcellentQuota.objects.filter(year=year, unit_id__in=below).values_list("unit_id", "share").order_by()
    )
    units = Unit.objects.filter(id__in=list(counts)).order_by("depth", "order", "code") if counts else []
    rows = []
    for u in units:
        c = counts[u.pk]
        graded = c["cadres"] - c["probation"]
        limit = excellent_limit(graded, c["share"])
        grades = [c[f"g{i}"] for i in range(len(GRADES))]
        rows.append(
            {
                "unit": u,
                "cadres": c["cadres"],
                "graded": graded,
                "probation": c["probation"],
                "share": c["share"],
                "percent": percent(c["share"]),
                "setting": settings.get(u.pk),
                "setting_percent": percent(settings.get(u.pk)),
                "setting_differs": u.pk in settings and settings[u.pk] != c["share"],
                "limit": limit,
                "grades": grades,
                "excellent": grades[0],
                "suggested_excellent": c["suggested_excellent"],
                "decided": c["decided"],
                "over_quota": grades[0] > limit,
                "computed_at": c["computed_at"],
            }
        )
    return rows


def percent(share):
    """0.25 → "25", 0.125 → "12.5"; None stays None."""
    if share is None:
        return None
    text = f"{(share * 100).normalize():f}"
    return text


def last_computed(summaries, *, unit, year):
    return (
        summaries.filter(year=year, unit_id__in=subtree_ids([unit.pk])).aggregate(at=Max("computed_at"))["at"]
        if unit is not None
        else None
    )


def summary_years(summaries):
    return list(summaries.order_by("-year").values_list("year", flat=True).distinct())


def unit_excellent_usage(summary):
    """(effective 优秀 in the summary's unit and year other than ``summary``, the unit's limit)."""
    rows = AnnualSummary.objects.filter(unit_id=summary.unit_id, year=summary.year)
    counts = rows.aggregate(
        graded=Count("id", filter=Q(on_probation=False)),
        share=Max("excellent_share"),
        excellent=Count("id", filter=effective_grade(EXCELLENT) & Q(on_probation=False) & ~Q(pk=summary.pk)),
    )
    return counts["excellent"], excellent_limit(counts["graded"], counts["share"] or 0)


# --- Flags ----------------------------------------------------------------------------------------


def _flags_filtered(flags, *, kind="", state="", decision="", unit=None, year=None, q=""):
    qs = flags
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if decision:
        qs = qs.filter(decision=FlagDecision.PENDING if decision == PENDING else decision)
    if unit is not None:
        qs = qs.filter(unit_id__in=subtree_ids([unit.pk]))
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(cadre__staff_no__startswith=q))
    return qs


def flag_table(flags, **filters):
    """Flags filtered for the list pages and the API: by year, then kind in the order of the tabs
    (``flags.KINDS``), withdrawn ones last within a kind."""
    qs = _flags_filtered(flags.select_related(*FLAG_RELATED), **filters)
    kinds = Case(*[When(kind=k, then=Value(n)) for n, k in enumerate(KINDS)], default=Value(len(KINDS)))
    states = Case(*[When(state=s, then=Value(n)) for s, n in STATE_ORDER.items()], output_field=IntegerField())
    return qs.order_by("-year", kinds, states, "unit__depth", "unit__code", "cadre__staff_no", "id")


def flag_counts(flags, **filters):
    """How many flags of each kind ``flag_table`` lists under the same filters but the kind (for the
    tabs), one query."""
    qs = _flags_filtered(flags, **{**filters, "kind": ""})
    return dict(qs.values("kind").annotate(n=Count("id")).order_by().values_list("kind", "n"))


# --- The cadre page -------------------------------------------------------------------------------


def scores_context(user, cadre):
    """The cadre page's annual summaries and flags; empty for roles that do not read scores."""
    if not can_read_scores(user):
        return {"score_section": False}
    summaries = list(summaries_visible_to(user).filter(cadre=cadre).select_related("unit").order_by("-year"))
    flags = list(
        flags_visible_to(user).filter(cadre=cadre).select_related("unit", "decided_by").order_by("-year", "kind")
    )
    return {"score_section": True, "score_summaries": summaries, "score_flags": flags}


# --- Snapshots ------------------------------------------------------------------------------------

SUMMARY_COMPARED = ("score", "suggested_grade", "final_grade")
FLAG_COMPARED = ("state", "decision")
_PERSON = ("cadre_id", "cadre__name", "cadre__staff_no", "unit__name")


def snapshot_rows(snapshot):
    return (
        SnapshotSummary.objects.filter(snapshot=snapshot)
        .select_related(*SUMMARY_RELATED)
        .order_by("unit__depth", "unit__order", "unit__code", F("unit_rank").asc(nulls_last=True), "cadre__staff_no")
    )


def snapshot_differences(snapshot):
    """What changed since the committee met: per cadre, the score, suggested and final grade; per
    flag, its state and decision. Four queries, whatever the size."""
    below = subtree_ids([snapshot.unit_id])
    frozen = SnapshotSummary.objects.filter(snapshot=snapshot)
    then = {r["cadre_id"]: r for r in frozen.values(*_PERSON, *SUMMARY_COMPARED).order_by()}
    now = {
        r["cadre_id"]: r
        for r in AnnualSummary.objects.filter(year=snapshot.year)
        .filter(Q(unit_id__in=below) | Q(cadre_id__in=frozen.values("cadre_id")))
        .values(*_PERSON, *SUMMARY_COMPARED)
        .order_by()
    }
    summaries = []
    for cadre_id in then.keys() | now.keys():
        a, b = then.get(cadre_id), now.get(cadre_id)
        row = b or a
        changes = [
            (f, (a or {}).get(f), (b or {}).get(f)) for f in SUMMARY_COMPARED if (a or {}).get(f) != (b or {}).get(f)
        ]
        if not changes:
            continue
        kind = "added" if a is None else "removed" if b is None else "changed"
        summaries.append(
            {
                "kind": kind,
                "cadre_id": cadre_id,
                "name": row["cadre__name"],
                "staff_no": row["cadre__staff_no"],
                "unit": row["unit__name"],
                "changes": changes,
                "before": a,
                "after": b,
            }
        )
    summaries.sort(key=lambda r: (r["unit"], r["staff_no"]))

    frozen_flags = SnapshotFlag.objects.filter(snapshot=snapshot)
    fields = (*_PERSON, "kind", *FLAG_COMPARED, "decision_note")
    then = {(r["cadre_id"], r["kind"]): r for r in frozen_flags.values(*fields).order_by()}
    now = {
        (r["cadre_id"], r["kind"]): {**r}
        for r in CandidateFlag.objects.filter(year=snapshot.year)
        .filter(Q(unit_id__in=below) | Q(cadre_id__in=frozen_flags.values("cadre_id")))
        .values("id", *fields)
        .order_by()
    }
    flags = []
    for key in then.keys() | now.keys():
        a, b = then.get(key), now.get(key)
        row = b or a
        if a is not None and b is not None and all(a[f] == b[f] for f in FLAG_COMPARED):
            continue
        if b is None:
            kind = "removed"
        elif b["state"] == FlagState.RAISED and (a is None or a["state"] != FlagState.RAISED):
            kind = "raised"
        elif b["state"] == FlagState.WITHDRAWN and (a is None or a["state"] != FlagState.WITHDRAWN):
            kind = "withdrawn"
        elif a is None:
            kind = "added"
        elif a["state"] != b["state"]:
            kind = "state"
        else:
            kind = "decision"
        flags.append(
            {
                "kind": kind,
                "flag_kind": key[1],
                "flag_id": b["id"] if b else None,
                "cadre_id": key[0],
                "name": row["cadre__name"],
                "staff_no": row["cadre__staff_no"],
                "unit": row["unit__name"],
                "before": a,
                "after": b,
            }
        )
    flags.sort(key=lambda r: (r["flag_kind"], r["unit"], r["staff_no"]))
    return {"summaries": summaries, "flags": flags}
