"""Reviewer pages: the confirmation queue, 纪实完成情况, month close and reopen."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import RECORD_ROLES, Role
from core.access import role_required
from core.bulk import posted_selection, report_problems
from core.forms import apply_service_errors
from core.paging import paginate

from ..access import get_unit_for_user
from ..forms_review import CompletionFilterForm, DecisionForm, ReopenForm, ReviewFilterForm
from ..models import EntryStatus, MonthClose
from ..selectors import subtree_ids
from ..selectors.completion import completion_grid
from ..selectors.ledger import entries_visible_to, review_queue
from ..services.ledger import (
    closing_unit,
    entries_confirm,
    entries_return,
    month_close,
    month_reopen,
    month_start,
)

# Everything a queue row shows, fetched with the page's one query.
ROW_RELATED = ("cadre", "cadre__unit", "unit", "rule", "entered_by", "reverses", "corrects")


def _filtered(queryset, filters):
    if "unit" in filters:
        queryset = queryset.filter(cadre__unit_id__in=subtree_ids([filters["unit"].pk]))
    if "month" in filters:
        queryset = queryset.filter(month=filters["month"])
    if "rule_code" in filters:
        queryset = queryset.filter(rule_code=filters["rule_code"])
    if "category" in filters:
        queryset = queryset.filter(category=filters["category"])
    return queryset


def _label(entry):
    return f"{entry.cadre.name} {entry.month:%Y-%m} {entry.rule_code} {entry.points:+}"


def _report(request, action, done, problems, entries):
    if done:
        text = (
            ngettext("%(n)d entry confirmed.", "%(n)d entries confirmed.", done)
            if action == "confirm"
            else ngettext("%(n)d entry returned to the clerk.", "%(n)d entries returned to the clerk.", done)
        )
        messages.success(request, text % {"n": done})
    report_problems(
        request,
        problems,
        entries,
        label=_label,
        more=lambda n: ngettext("…and %(n)d more entry.", "…and %(n)d more entries.", n) % {"n": n},
    )


def _decide(request, decision):
    """Confirm or return the posted entries; answers the ticked ids and whether it was done."""
    user = request.user
    action, selected, single = posted_selection(request.POST, actions=("confirm", "return"), field="entries")
    entries = list(entries_visible_to(user).filter(pk__in=selected).select_related("cadre"))
    if single and not entries:
        # One row's button for an entry the reviewer cannot see at all.
        raise Http404
    if action is None:
        decision.add_error(None, _("Choose to confirm or to return."))
    elif not entries:
        decision.add_error(None, _("Tick at least one entry first."))
    elif decision.is_valid():
        try:
            if action == "confirm":
                done, problems = entries_confirm(actor=user, entries=entries)
            else:
                done, problems = entries_return(actor=user, entries=entries, reason=decision.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                decision.add_error("reason", message)
        else:
            if missing := len(selected) - len(entries):
                messages.error(
                    request,
                    ngettext(
                        "%(n)d selected entry no longer exists or is outside your scope.",
                        "%(n)d selected entries no longer exist or are outside your scope.",
                        missing,
                    )
                    % {"n": missing},
                )
            _report(request, action, done, problems, entries)
            return selected, True
    return selected, False


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def review_queue_view(request):
    user = request.user
    filters_form = ReviewFilterForm(request.GET or None, user=user)
    decision = DecisionForm(request.POST or None)
    selected = set()
    if request.method == "POST":
        selected, done = _decide(request, decision)
        if done:
            return redirect(request.get_full_path())
    # The evidence is read before confirming: each row links its files (one more query per page).
    queue = (
        _filtered(review_queue(user), filters_form.filters())
        .select_related(*ROW_RELATED)
        .prefetch_related("attachments")
    )
    # Entries the reviewer entered themselves wait for another reviewer; shown, not decidable.
    own = (
        entries_visible_to(user, roles={Role.REVIEWER})
        .filter(status=EntryStatus.PENDING, entered_by=user)
        .select_related(*ROW_RELATED)
        .order_by("month", "id")
    )
    return render(
        request,
        "records/review_queue.html",
        {
            "form": filters_form,
            "decision": decision,
            "page": paginate(request, queue),
            "selected": selected,
            "own": own[:50],
        },
    )


# --- 纪实完成情况 and month close ------------------------------------------------------------------


@role_required(*RECORD_ROLES)
@require_http_methods(["GET"])
def completion_view(request):
    today = timezone.localdate()
    # A bad year is shown beside the field; the page keeps showing this year meanwhile.
    form = CompletionFilterForm(request.GET or None, today=today, initial={"year": today.year})
    year = form.filters().get("year", today.year)
    bounds = form.fields["year"]
    return render(
        request,
        "records/completion.html",
        {
            "form": form,
            "year": year,
            "previous_year": year - 1 if year > bounds.min_value else None,
            "next_year": year + 1 if year < bounds.max_value else None,
            "grid": completion_grid(request.user, year, today=today),
            "months": range(1, 13),
        },
    )


def _completion_url(month):
    return f"{reverse('records:completion')}?year={month.year}"


@role_required(Role.CLERK, Role.REVIEWER)
@require_POST
def month_close_view(request, unit_pk, month):
    unit = get_unit_for_user(request.user, unit_pk)
    if month > month_start(timezone.localdate()):
        messages.error(request, _("%(month)s has not begun; it cannot be closed yet.") % {"month": f"{month:%Y-%m}"})
        return redirect(_completion_url(month))
    try:
        month_close(actor=request.user, unit=unit, month=month)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(month)s closed for %(unit)s and every unit below it.")
            % {"month": f"{month:%Y-%m}", "unit": unit.name},
        )
    return redirect(_completion_url(month))


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def month_reopen_view(request, unit_pk, month):
    unit = get_unit_for_user(request.user, unit_pk)
    row = MonthClose.objects.filter(unit=unit, month=month).select_related("closed_by", "reopened_by").first()
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            month_reopen(actor=request.user, unit=unit, month=month, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(month)s reopened for %(unit)s.") % {"month": f"{month:%Y-%m}", "unit": unit.name}
            )
            return redirect(_completion_url(month))
    return render(
        request,
        "records/month_reopen.html",
        {
            "unit": unit,
            "month": month,
            "row": row,
            "closer": closing_unit(unit.pk, month),
            "form": form,
            "back": _completion_url(month),
        },
    )
