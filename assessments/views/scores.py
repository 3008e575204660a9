"""The annual summary (年汇总) of a unit, the recompute button, and one cadre-year with its final grade."""

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.roles import has_role
from audit.models import AuditEvent
from core.access import role_required
from core.forms import apply_service_errors
from core.paging import paginate
from records.selectors import unit_in_scope

from ..access_scores import get_summary_for_user
from ..annual_rules import AnnualParts
from ..forms_scores import FinalGradeForm, RecomputeForm, SummaryFilterForm, last_year
from ..models import AnnualGrade
from ..scoring.jobs import recompute_refusal, recompute_start
from ..selectors_scores import (
    SCORE_ROLES,
    cadres_open_to,
    flags_visible_to,
    grade_distribution,
    grade_note_labels,
    last_computed,
    percent,
    summaries_visible_to,
    summary_table,
    summary_years,
    unit_excellent_usage,
    with_actor_names,
)
from ..services_committee import summary_final_grade_set
from .flags import decorate_flags

COMMITTEE = {Role.COMMITTEE}


def _defaults(request, form):
    """The first visit shows the user's widest unit in the latest year with summaries."""
    top = form.fields["unit"].queryset.first()
    years = summary_years(summaries_visible_to(request.user))
    data = {"unit": top.pk if top else "", "year": years[0] if years else last_year(), "sort": "rank"}
    return SummaryFilterForm(data, user=request.user)


def _can_decide(user, summary):
    return has_role(user, Role.COMMITTEE) and summaries_visible_to(user, roles=COMMITTEE).filter(pk=summary.pk).exists()


@role_required(*SCORE_ROLES)
@require_http_methods(["GET"])
def score_list(request):
    form = SummaryFilterForm(request.GET or None, user=request.user)
    if not request.GET:
        form = _defaults(request, form)
    filters = form.filters()
    context = {"form": form, "data": None, "sort": filters.get("sort") or "rank"}
    if "unit" in filters and "year" in filters:
        summaries = summaries_visible_to(request.user)
        unit, year = filters["unit"], filters["year"]
        table = summary_table(
            summaries,
            unit=unit,
            year=year,
            category=filters.get("category", ""),
            grade=filters.get("grade", ""),
            q=filters.get("q", ""),
            sort=context["sort"],
        )
        can_recompute = has_role(request.user, Role.COMMITTEE) and unit_in_scope(request.user, unit.pk, roles=COMMITTEE)
        # Not offered for a year with nothing to compute: the reason is shown instead.
        context["recompute_refusal"] = recompute_refusal(year, unit) if can_recompute else None
        can_recompute = can_recompute and not context["recompute_refusal"]
        context.update(
            {
                "data": {"unit": unit, "year": year},
                "page": paginate(request, table, default=50),
                "distribution": grade_distribution(summaries, unit=unit, year=year),
                "computed_at": last_computed(summaries, unit=unit, year=year),
                "can_recompute": can_recompute,
                "grades": AnnualGrade.values,
            }
        )
    return render(request, "assessments/score_list.html", context)


@role_required(Role.COMMITTEE)
@require_http_methods(["POST"])
def score_recompute(request):
    form = RecomputeForm(request.POST, user=request.user)
    if not form.is_valid():
        # The unit is not one of the committee's, or the year is not one: nothing to start.
        messages.error(request, _("Choose a unit of your committee and a year between 2000 and 2100."))
        return redirect("assessments:score-list")
    unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
    try:
        job = recompute_start(actor=request.user, year=year, unit=unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('assessments:score-list')}?{urlencode({'unit': unit.pk, 'year': year})}")
    return redirect("jobs:job-detail", pk=job.pk)


def score_parts(summary):
    """How the annual score was made: each component, its weight and what it added.

    A missing component's weight is shared out over the others (DOMAIN §5), so the shares shown are
    the weights of the components present, re-normalised to 100%. Without a score (no approved
    quarter yet) nothing is counted: the components are shown with no weight or points, and ``why``
    says why there is no score.
    """
    scheme = summary.scheme
    default = AnnualParts()
    weights = (
        (scheme.annual_review_part, scheme.annual_ledger_part, scheme.annual_mass_part)
        if scheme is not None
        else (default.review, default.ledger, default.mass)
    )
    components = [
        (_("quarterly average"), summary.quarter_average, weights[0]),
        (_("ledger (normalised)"), summary.ledger_normalised, weights[1]),
        (_("mass evaluation"), summary.mass_average, weights[2]),
    ]
    scored = summary.score is not None
    present = sum((w for _label, v, w in components if v is not None and w > 0), Decimal("0"))
    rows = []
    for label, value, weight in components:
        counted = scored and value is not None and weight > 0 and present > 0
        share = weight / present if counted else None
        rows.append(
            {
                "label": label,
                "value": value,
                "weight": weight if scored else None,
                "share": share,
                "points": (value * share).quantize(Decimal("0.01")) if counted else None,
            }
        )
    if not scored:
        why = _("No annual score yet: no component is counted.")
        if "no_approved_quarter" in (summary.grade_notes or []):
            why = grade_note_labels(["no_approved_quarter"])[0]
        return {"rows": rows, "renormalised": False, "scored": False, "why": why}
    renormalised = any(r["value"] is None and r["weight"] > 0 for r in rows)
    return {"rows": rows, "renormalised": renormalised, "scored": True, "why": ""}


def _history(summary):
    """The committee's grades of the summary, oldest first, from the audit log."""
    events = AuditEvent.objects.filter(
        model="assessments.annualsummary", object_id=str(summary.pk), action="update"
    ).order_by("at", "id")
    history = []
    for e in events:
        changes = e.changes or {}
        if "final_grade" in changes or "final_note" in changes:
            e.grade_change, e.note_change = changes.get("final_grade"), changes.get("final_note")
            history.append(e)
    return with_actor_names(history)


@role_required(*SCORE_ROLES)
@require_http_methods(["GET", "POST"])
def summary_detail(request, cadre, year):
    summary = get_summary_for_user(request.user, cadre, year)
    can_decide = _can_decide(request.user, summary)
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    form = FinalGradeForm(request.POST or None, summary=summary)
    if request.method == "POST" and form.is_valid():
        try:
            summary_final_grade_set(actor=request.user, summary=summary, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The committee's grade of %(name)s is saved.") % {"name": summary.cadre.name})
            return redirect("assessments:summary-detail", cadre=cadre, year=year)
    flags = list(flags_visible_to(request.user).filter(cadre_id=cadre, year=year).select_related("decided_by"))
    used, limit = unit_excellent_usage(summary)
    reviews = summary.review_ids if len(summary.review_ids or []) == 4 else [None] * 4
    return render(
        request,
        "assessments/summary_detail.html",
        {
            "summary": summary,
            "quarters": [
                {"n": n, "grade": g, "score": s, "review": r}
                for n, g, s, r in zip(
                    (1, 2, 3, 4), summary.quarter_grades, summary.quarter_scores, reviews, strict=True
                )
            ],
            "parts": score_parts(summary),
            "notes": grade_note_labels(summary.grade_notes or []),
            "months": list(enumerate(summary.month_deductions or [], start=1)),
            "flags": decorate_flags(flags, user=request.user),
            "cadre_open": bool(cadres_open_to(request.user, [summary.cadre_id])),
            "excellent_used": used + (summary.grade == AnnualGrade.EXCELLENT and not summary.on_probation),
            "excellent_limit": limit,
            "share_percent": percent(summary.excellent_share),
            "can_decide": can_decide,
            "form": form,
            "history": _history(summary),
        },
    )
