"""Writes to quarterly reviews and schemes. Pages, the API, imports and tasks call these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import has_role
from audit.context import acting
from audit.models import Action
from audit.services import audit_bulk_created, audit_record
from records.models import Cadre, CadreStatus, LeadershipLevel, UnitClosure
from records.selectors import scope_covers_county, subtree_ids, unit_in_scope

from .models import CadreGroup, QuarterlyReview, ReviewStatus, ScoringScheme
from .rules import allowed_grades, quarter_score, suggest_grade
from .scoring.jobs import refresh_soon
from .selectors import good_quota_usage, quarter_ledger_points

LEVEL_ORDER = [c.value for c in LeadershipLevel]  # highest first; 无 last

SCHEME_FIELDS = [
    f.name
    for f in ScoringScheme._meta.concrete_fields
    if f.name not in {"id", "year", "cadre_group", "unit_kind", "version", "is_current", "created_at"}
]


# --- Schemes -----------------------------------------------------------------------------------


def scheme_default(year):
    """The year's catch-all scheme, created with the defaults of DOMAIN §4–§6 when missing."""
    scheme = ScoringScheme.objects.filter(year=year, cadre_group=CadreGroup.ALL, unit_kind="", is_current=True).first()
    if scheme is None:
        with acting(source="default scheme"):
            scheme = ScoringScheme.objects.create(year=year, name=_("Default scheme"))
    return scheme


def scheme_for(year, cadre, *, schemes=None):
    """The most specific current scheme of the year for the cadre's group and unit kind."""
    candidates = schemes if schemes is not None else list(ScoringScheme.objects.filter(year=year, is_current=True))
    return scheme_pick(candidates, is_leader=cadre.is_leader, unit_kind=cadre.unit.kind) or scheme_default(year)


def scheme_pick(schemes, *, is_leader, unit_kind):
    """Of ``schemes``, the one for this group and unit kind: a unit kind beats a group, either beats
    the catch-all; None when none applies."""
    group = CadreGroup.LEADERS if is_leader else CadreGroup.STAFF
    best, best_rank = None, -1
    for s in schemes:
        if s.cadre_group not in (group, CadreGroup.ALL) or s.unit_kind not in ("", unit_kind):
            continue
        rank = (s.cadre_group != CadreGroup.ALL) + 2 * (s.unit_kind != "")
        if rank > best_rank:
            best, best_rank = s, rank
    return best


def _require_scheme_keeper(actor):
    if not has_role(actor, Role.SYSADMIN):
        raise PermissionDenied(_("Only the system administrator maintains scoring schemes."))
    if not scope_covers_county(actor, {Role.SYSADMIN}):
        raise PermissionDenied(
            _("Scoring schemes apply to the whole county: only a system administrator of the county maintains them.")
        )


@transaction.atomic
def scheme_update(*, actor, scheme, **changes):
    """Change a scheme; one that reviews already use becomes a new version instead."""
    _require_scheme_keeper(actor)
    current = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
    if not current.is_current:
        raise ValidationError(_("Only the current version of a scheme can be changed."))
    unknown = set(changes) - set(SCHEME_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown scheme fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with acting(user=actor):
        if not current.reviews.exists():
            for name, value in changes.items():
                setattr(current, name, value)
            current.full_clean()
            current.save()
            return current
        new = ScoringScheme(
            year=current.year,
            cadre_group=current.cadre_group,
            unit_kind=current.unit_kind,
            version=current.version + 1,
            **{name: changes.get(name, getattr(current, name)) for name in SCHEME_FIELDS},
        )
        current.is_current = False
        current.save(update_fields=["is_current"])
        new.full_clean()
        new.save()
        return new


@transaction.atomic
def scheme_create(*, actor, year, cadre_group, unit_kind="", **fields):
    _require_scheme_keeper(actor)
    scheme = ScoringScheme(year=year, cadre_group=cadre_group, unit_kind=unit_kind, **fields)
    scheme.full_clean()
    with acting(user=actor):
        scheme.save()
    return scheme


# --- Who may do what -----------------------------------------------------------------------------


def _outranks(own, cadre):
    """Whether the assessor's own cadre record sits above ``cadre``: a higher leadership level, or a
    unit above the cadre's unit."""
    if UnitClosure.objects.filter(ancestor_id=own.unit_id, descendant_id=cadre.unit_id, distance__gt=0).exists():
        return True
    return own.unit_id == cadre.unit_id and LEVEL_ORDER.index(own.leadership_level) < LEVEL_ORDER.index(
        cadre.leadership_level
    )


def assess_problem(user, review):
    """Why ``user`` may not assess ``review`` (None if they may): 上级考下级."""
    if not unit_in_scope(user, review.cadre.unit_id, roles={Role.REVIEWER}):
        return _("Only a reviewer whose scope covers the cadre's unit assesses the cadre.")
    own = getattr(user, "cadre", None)
    if own is not None:
        if own.pk == review.cadre_id:
            return _("Nobody assesses their own review.")
        if not _outranks(own, review.cadre):
            return _("A peer or subordinate does not assess a cadre: superiors assess subordinates.")
    return None


def approve_problem(user, review):
    if not unit_in_scope(user, review.cadre.unit_id, roles={Role.REVIEWER}):
        return _("This review is outside the units you review.")
    if review.assessor_id == user.pk:
        return _("Whoever assessed a review cannot approve it.")
    if getattr(user, "cadre_id", None) == review.cadre_id:
        return _("Nobody approves their own review.")
    return None


def _require(problem):
    if problem:
        raise PermissionDenied(problem)


def _lock(review):
    return (
        QuarterlyReview.objects.select_for_update().select_related("cadre", "cadre__unit", "scheme").get(pk=review.pk)
    )


# --- The cycle -----------------------------------------------------------------------------------


def cycle_cadres(unit, year, quarter):
    """Active cadres under ``unit`` that have no review for the quarter yet."""
    return (
        Cadre.objects.filter(unit_id__in=subtree_ids([unit.pk]), status__in=[CadreStatus.ACTIVE, CadreStatus.SECONDED])
        .exclude(quarterly_reviews__year=year, quarterly_reviews__quarter=quarter)
        .select_related("unit")
        .order_by("id")
    )


def review_cycle_open(*, year, quarter, unit, progress=None, chunk=500):
    """Create the quarter's draft reviews under ``unit`` with their ledger points; idempotent."""
    cadres = list(cycle_cadres(unit, year, quarter))
    schemes = list(ScoringScheme.objects.filter(year=year, is_current=True)) or [scheme_default(year)]
    created = 0
    for start in range(0, len(cadres), chunk):
        batch = cadres[start : start + chunk]
        points = quarter_ledger_points([c.id for c in batch], year, quarter)
        reviews = [
            QuarterlyReview(
                cadre=c,
                unit_id=c.unit_id,
                year=year,
                quarter=quarter,
                scheme=scheme_for(year, c, schemes=schemes),
                ledger_points=points[c.id],
            )
            for c in batch
        ]
        with transaction.atomic():
            started = timezone.now()
            # ignore_conflicts makes a second opening (even a concurrent one) create nothing twice;
            # it also leaves the objects without ids, so read back what this batch inserted.
            QuarterlyReview.objects.bulk_create(reviews, ignore_conflicts=True, batch_size=1000)
            made = list(
                QuarterlyReview.objects.filter(
                    cadre_id__in=[c.id for c in batch], year=year, quarter=quarter, created_at__gte=started
                ).select_related("cadre")
            )
            audit_bulk_created(made, note=f"{year}Q{quarter}")
        created += len(made)
        if progress:
            progress(created, len(cadres))
    return {"created": created, "year": year, "quarter": quarter, "unit": unit.code}


def cycle_open_check(*, actor, unit, year, quarter):
    _require(
        None
        if unit_in_scope(actor, unit.pk, roles={Role.REVIEWER})
        else _("Only a reviewer whose scope covers the unit opens a review cycle.")
    )
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1 to 4.")})
    today = timezone.localdate()
    if (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
        raise ValidationError({"quarter": _("This quarter has not begun yet.")})


# --- Assessing -----------------------------------------------------------------------------------


@transaction.atomic
def review_score(
    *,
    actor,
    review,
    political,
    responsibility,
    problem_solving,
    bottom_line,
    results,
    comment="",
    mass_score=None,
    grade=None,
):
    """The assessor's scores; the ledger points are refreshed, score and suggested grade computed."""
    review = _lock(review)
    _require(assess_problem(actor, review))
    if review.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        raise ValidationError(_("Only a draft or returned review can be scored."))
    if review.status == ReviewStatus.DRAFT or review.scheme.is_current is False:
        review.scheme = scheme_for(review.year, review.cadre)
    review.political, review.responsibility, review.problem_solving = political, responsibility, problem_solving
    review.bottom_line, review.results, review.comment = bottom_line, results, comment
    if mass_score is not None:
        review.mass_score = mass_score
    _recompute(review, grade=grade)
    review.assessor = actor
    review.full_clean()
    with acting(user=actor):
        review.save()
    return review


def _recompute(review, *, grade=None, keep_grade=False):
    """Refresh ledger points, score and suggestion. ``keep_grade`` keeps the assessor's grade while
    the new suggestion still allows it (a changed mass score may lower the suggestion)."""
    review.ledger_points = quarter_ledger_points([review.cadre_id], review.year, review.quarter)[review.cadre_id]
    review.score = quarter_score(
        review.dimension_scores, review.mass_score, review.ledger_points, review.scheme.quarter_weights
    )
    review.suggested_grade = suggest_grade(review.score, review.scheme.thresholds)
    if keep_grade and review.grade in allowed_grades(review.suggested_grade):
        grade = review.grade
    grade = grade or review.suggested_grade
    if grade and grade not in allowed_grades(review.suggested_grade):
        raise ValidationError({"grade": _("The grade may be the suggested one or lower, never higher.")})
    review.grade = grade


def reviews_points_refresh(cadre_ids, years):
    """The ledger points of these cadres changed (entries confirmed, a deduction waived or reduced):
    refresh their reviews not yet submitted, so that every page shows the review's points as the
    ledger has them; a scored one gets its score and suggestion again (the assessor's grade kept
    while the new suggestion allows it). Submitted reviews are refreshed when approved."""
    open_ = [ReviewStatus.DRAFT, ReviewStatus.RETURNED]
    reviews = list(
        QuarterlyReview.objects.select_for_update()
        .filter(cadre_id__in=set(cadre_ids), year__in=set(years), status__in=open_)
        .select_related("scheme")
        .order_by("id")
    )
    by_quarter = {}
    for review in reviews:
        by_quarter.setdefault((review.year, review.quarter), set()).add(review.cadre_id)
    points = {
        (year, quarter, cadre_id): value
        for (year, quarter), ids in by_quarter.items()
        for cadre_id, value in quarter_ledger_points(sorted(ids), year, quarter).items()
    }
    for review in reviews:
        fresh = points[review.year, review.quarter, review.cadre_id]
        if fresh == review.ledger_points:
            continue
        fields = ["ledger_points"]
        if review.score is None:
            review.ledger_points = fresh
        else:
            _recompute(review, keep_grade=True)
            fields += ["score", "suggested_grade", "grade"]
        review.save(update_fields=fields)


@transaction.atomic
def review_submit(*, actor, review):
    review = _lock(review)
    _require(assess_problem(actor, review))
    if review.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        raise ValidationError(_("Only a draft or returned review can be submitted."))
    if review.score is None or review.assessor_id != actor.pk:
        raise ValidationError(_("Score all five dimensions before submitting."))
    _recompute(review, keep_grade=True)
    review.status, review.submitted_at, review.return_reason = ReviewStatus.SUBMITTED, timezone.now(), ""
    with acting(user=actor):
        review.save()
    return review


@transaction.atomic
def review_set_mass(*, actor, review, mass_score):
    """Record the mass evaluation (typed or imported) on a review not yet submitted."""
    review = _lock(review)
    if not unit_in_scope(actor, review.cadre.unit_id, roles={Role.CLERK, Role.REVIEWER}):
        raise PermissionDenied(_("This review is outside your units."))
    if review.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        raise ValidationError(_("The review is already submitted; the mass evaluation can no longer change."))
    review.mass_score = mass_score
    if review.score is not None:
        _recompute(review, keep_grade=True)
    review.full_clean()
    with acting(user=actor):
        review.save()
    return review


# --- Approving -----------------------------------------------------------------------------------


def _lock_unit_quarter(review):
    """Lock every review of the review's unit and quarter, always in id order, so that two approvals
    cannot both take the last 好 place and two lockers never wait on each other (no deadlock)."""
    head = QuarterlyReview.objects.values("unit_id", "year", "quarter").get(pk=review.pk)
    list(QuarterlyReview.objects.select_for_update().filter(**head).order_by("id").values_list("id", flat=True))
    return _lock(review)


def _quota_problem(review):
    if review.grade != "好":
        return None
    usage = good_quota_usage(review.unit_id, review.year, review.quarter, review.scheme.good_quota)
    if usage["approved"] >= usage["limit"]:
        return _("The 好 quota of this unit is used: %(used)d of %(limit)d. Return the review for a lower grade.") % {
            "used": usage["approved"],
            "limit": usage["limit"],
        }
    return None


@transaction.atomic
def review_approve(*, actor, review):
    review = _lock_unit_quarter(review)
    _require(approve_problem(actor, review))
    if review.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted review can be approved."))
    # The ledger may have moved since the submission (an entry confirmed, a deduction waived): the
    # review is approved with the quarter's points as they are now, and never with a grade they no
    # longer allow.
    submitted = (review.ledger_points, review.grade)
    _recompute(review, keep_grade=True)
    if review.grade != submitted[1]:
        raise ValidationError(
            _(
                "The quarter's ledger points changed since the review was submitted (%(old)s → %(new)s) and no "
                "longer allow the grade %(grade)s: return the review for a new assessment."
            )
            % {"old": submitted[0], "new": review.ledger_points, "grade": submitted[1]}
        )
    problem = _quota_problem(review)
    if problem:
        raise ValidationError(problem)
    review.status, review.approver, review.decided_at = ReviewStatus.APPROVED, actor, timezone.now()
    with acting(user=actor):
        review.save()
    refresh_soon([review.cadre_id], [review.year])
    return review


def _each(reviews, action, *, actor):
    """Run ``action`` on every review in its own transaction; answers (done, {review id: problem})."""
    done, problems = 0, {}
    for review in reviews:
        try:
            action(review)
            done += 1
        except ValidationError as exc:
            problems[review.pk] = " ".join(exc.messages)
        except PermissionDenied as exc:
            problems[review.pk] = str(exc)
            # Refused, as the API's 403 for the same review is: approving what one assessed, or a
            # review of a unit one does not review, lands in the audit log from the queue too.
            audit_record(action=Action.DENIED, instance=review, user=actor, success=False, note=str(exc)[:500])
    return done, problems


def reviews_approve(*, actor, reviews):
    """Approve several, each under its own unit-quarter lock (the 好 quota is counted per review)."""
    return _each(reviews, lambda r: review_approve(actor=actor, review=r), actor=actor)


@transaction.atomic
def review_return(*, actor, review, reason):
    review = _lock(review)
    _require(approve_problem(actor, review))
    if review.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted review can be returned."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the review is returned, so the assessor can revise it.")})
    review.status, review.return_reason = ReviewStatus.RETURNED, reason
    review.approver, review.decided_at = actor, timezone.now()
    with acting(user=actor):
        review.save()
    return review


def reviews_return(*, actor, reviews, reason):
    """Return several with one reason."""
    return _each(reviews, lambda r: review_return(actor=actor, review=r, reason=reason), actor=actor)


@transaction.atomic
def review_reopen(*, actor, review, reason):
    """Unlock an approved review for revision; the reason stays on it and in the audit log."""
    review = _lock(review)
    _require(approve_problem(actor, review) if review.assessor_id != actor.pk else None)
    if not unit_in_scope(actor, review.cadre.unit_id, roles={Role.REVIEWER}):
        raise PermissionDenied(_("This review is outside the units you review."))
    if review.status != ReviewStatus.APPROVED:
        raise ValidationError(_("Only an approved review is reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reopening an approved review needs a reason.")})
    review.status, review.reopen_reason = ReviewStatus.RETURNED, reason
    review.return_reason = reason
    with acting(user=actor):
        review.save()
    refresh_soon([review.cadre_id], [review.year])
    return review
