"""The assessor's queue (drafts to score) and the approver's queue (submitted reviews to decide)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from core.access import role_required
from core.bulk import posted_selection, report_problems
from core.paging import paginate

from ..forms import ApprovalFilterForm, AssessorFilterForm, DecisionForm
from ..selectors import reviews_visible_to
from ..selectors_page import approvable_reviews, assessable_reviews, quota_usage, review_queue_filtered
from ..services import reviews_approve, reviews_return


@role_required(Role.REVIEWER)
@require_http_methods(["GET"])
def assessor_queue(request):
    form = AssessorFilterForm(request.GET or None, user=request.user)
    queue = review_queue_filtered(assessable_reviews(request.user), form.filters())
    return render(request, "assessments/assessor_queue.html", {"form": form, "page": paginate(request, queue)})


def _label(review):
    return f"{review.cadre.name} {review.year}Q{review.quarter}"


def _report(request, action, done, problems, reviews):
    if done:
        text = (
            ngettext("%(n)d review approved.", "%(n)d reviews approved.", done)
            if action == "approve"
            else ngettext("%(n)d review returned to the assessor.", "%(n)d reviews returned to the assessor.", done)
        )
        messages.success(request, text % {"n": done})
    report_problems(
        request,
        problems,
        reviews,
        label=_label,
        more=lambda n: ngettext("…and %(n)d more review.", "…and %(n)d more reviews.", n) % {"n": n},
    )


def _decide(request, decision):
    """Approve or return the posted reviews; answers the ticked ids and whether it was done."""
    user = request.user
    action, selected, single = posted_selection(request.POST, actions=("approve", "return"), field="reviews")
    reviews = list(reviews_visible_to(user).filter(pk__in=selected).select_related("cadre").order_by("id"))
    if single and not reviews:
        raise Http404
    if action is None:
        decision.add_error(None, _("Choose to approve or to return."))
    elif not reviews:
        decision.add_error(None, _("Tick at least one review first."))
    elif decision.is_valid():
        reason = decision.cleaned_data["reason"].strip()
        if action == "return" and not reason:
            decision.add_error("reason", _("Say why the reviews are returned, so the assessor can revise them."))
            return selected, False
        if action == "approve":
            done, problems = reviews_approve(actor=user, reviews=reviews)
        else:
            done, problems = reviews_return(actor=user, reviews=reviews, reason=reason)
        if missing := len(selected) - len(reviews):
            messages.error(
                request,
                ngettext(
                    "%(n)d selected review no longer exists or is outside your scope.",
                    "%(n)d selected reviews no longer exist or are outside your scope.",
                    missing,
                )
                % {"n": missing},
            )
        _report(request, action, done, problems, reviews)
        return selected, True
    return selected, False


@role_required(Role.REVIEWER)
@require_http_methods(["GET", "POST"])
def approval_queue(request):
    form = ApprovalFilterForm(request.GET or None, user=request.user)
    decision = DecisionForm(request.POST or None)
    selected = set()
    if request.method == "POST":
        selected, done = _decide(request, decision)
        if done:
            return redirect(request.get_full_path())
    page = paginate(request, review_queue_filtered(approvable_reviews(request.user), form.filters()))
    usage = quota_usage((r.unit_id, r.year, r.quarter) for r in page)
    for review in page:
        review.quota = usage.get((review.unit_id, review.year, review.quarter))
    return render(
        request,
        "assessments/approval_queue.html",
        {"form": form, "decision": decision, "page": page, "selected": selected},
    )
