"""One review: the read-only page with its history, the assessor's scoring page, reopening."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import RECORD_ROLES, Role
from audit.models import AuditEvent
from core.access import role_required
from core.forms import apply_service_errors
from records.selectors import unit_in_scope
from records.views.entries import cadre_ledger_url

from ..access import get_review_for_user
from ..forms import DecisionForm, ReopenForm, ScoreForm
from ..models import QuarterlyReview, ReviewStatus
from ..rules import DIMENSIONS, GRADES
from ..selectors import good_quota_usage, quarter_ledger_points
from ..selectors_page import OPEN
from ..selectors_scores import with_actor_names
from ..services import approve_problem, assess_problem, review_reopen, review_score, review_submit

FIELD_LABELS = {f.attname: f.verbose_name for f in QuarterlyReview._meta.concrete_fields}
SCORE_FIELDS = ("political", "responsibility", "problem_solving", "bottom_line", "results", "mass_score")


def _quota(review):
    return good_quota_usage(review.unit_id, review.year, review.quarter, review.scheme.good_quota)


def _source_label(source):
    """Where a change came from, as people say it; a page's own changes need no label."""
    if not source or source == "web":
        return ""
    if source.startswith("command"):
        return _("command")
    if source.startswith("api"):
        return _("API")
    return source


def _history(review):
    """The review's audit events, oldest first, each with its status change and what else changed."""
    events = list(
        AuditEvent.objects.filter(model="assessments.quarterlyreview", object_id=str(review.pk)).order_by("at", "id")
    )
    for event in events:
        changes = event.changes or {}
        old, new = changes.get("status", [None, None])
        event.status_from = ReviewStatus(old).label if old else ""
        event.status_to = ReviewStatus(new).label if new and new != old else ""
        event.reason = (changes.get("return_reason") or changes.get("reopen_reason") or [None, ""])[1]
        event.source_label = _source_label(event.source)
        event.scored = any(name in changes for name in SCORE_FIELDS)
        event.fields = (
            []
            if event.action == "create"
            else [str(FIELD_LABELS.get(name, name)) for name in changes if name != "status"]
        )
    return with_actor_names(events)


def _can_reopen(user, review):
    if review.status != ReviewStatus.APPROVED:
        return False
    if not unit_in_scope(user, review.cadre.unit_id, roles={Role.REVIEWER}):
        return False
    return review.assessor_id == user.pk or approve_problem(user, review) is None


@role_required(*RECORD_ROLES)
@require_http_methods(["GET"])
def review_detail(request, pk):
    review = get_review_for_user(request.user, pk)
    user = request.user
    return render(
        request,
        "assessments/review_detail.html",
        {
            "review": review,
            "quota": _quota(review),
            "history": _history(review),
            "ledger_url": cadre_ledger_url(review.cadre, review.year),
            "can_score": review.status in OPEN and assess_problem(user, review) is None,
            "can_decide": review.status == ReviewStatus.SUBMITTED and approve_problem(user, review) is None,
            "can_reopen": _can_reopen(user, review),
            "decision": DecisionForm(),
            "reopen": ReopenForm(),
        },
    )


def _live_data(review, ledger_points):
    """What review_score.js needs to show the score and suggested grade while typing."""
    s = review.scheme
    return {
        "dimensions": list(DIMENSIONS),
        "weights": [str(w) for w in s.quarter_weights.dimensions],
        "dimension_part": str(s.quarter_dimension_part),
        "mass_part": str(s.quarter_mass_part),
        "ledger_factor": str(s.quarter_ledger_factor),
        "ledger_points": str(ledger_points),
        "thresholds": [str(s.good_min), str(s.fairly_good_min), str(s.average_min)],
        "grades": list(GRADES),
    }


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def review_score_view(request, pk):
    review = get_review_for_user(request.user, pk)
    problem = assess_problem(request.user, review)
    if problem:
        raise PermissionDenied(problem)
    if request.method == "GET" and review.status not in OPEN:
        messages.info(
            request, _("This review is %(status)s; it is no longer scored.") % {"status": review.get_status_display()}
        )
        return redirect("assessments:review-detail", pk=review.pk)
    form = ScoreForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        submitting = request.POST.get("do") == "submit"
        try:
            with transaction.atomic():
                saved = review_score(actor=request.user, review=review, **form.score_args())
                if submitting:
                    review_submit(actor=request.user, review=saved)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if submitting:
                messages.success(
                    request, _("The review of %(name)s is submitted for approval.") % {"name": review.cadre.name}
                )
                return redirect("assessments:assessor-queue")
            messages.success(request, _("Scores saved."))
            return redirect("assessments:review-score", pk=review.pk)
    ledger_points = quarter_ledger_points([review.cadre_id], review.year, review.quarter)[review.cadre_id]
    return render(
        request,
        "assessments/review_score.html",
        {
            "review": review,
            "form": form,
            "quota": _quota(review),
            "ledger_points": ledger_points,
            "ledger_url": cadre_ledger_url(review.cadre, review.year),
            "live": _live_data(review, ledger_points),
        },
    )


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def review_reopen_view(request, pk):
    review = get_review_for_user(request.user, pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_reopen(actor=request.user, review=review, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The review is reopened and back with the assessor."))
            return redirect("assessments:review-detail", pk=review.pk)
    return render(request, "assessments/review_reopen.html", {"review": review, "form": form})
