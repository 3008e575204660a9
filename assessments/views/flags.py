"""Candidate flags (人选提示): the lists per kind and one flag with the committee's decision.

A flag is reference for the committee, never a decision: the pages say so, show the facts behind it
as links, and show withdrawn flags greyed with whatever was decided on them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.roles import has_role
from audit.models import AuditEvent
from core.access import role_required
from core.forms import apply_service_errors
from core.paging import paginate

from ..access_scores import get_flag_for_user
from ..flag_text import TEXT
from ..forms_scores import FlagDecisionForm, FlagFilterForm
from ..models import FlagDecision, FlagKind, FlagState
from ..selectors_scores import (
    SCORE_ROLES,
    cadres_open_to,
    flag_counts,
    flag_table,
    flags_visible_to,
    with_actor_names,
)
from ..services_committee import flag_decide

COMMITTEE = {Role.COMMITTEE}


def _ref_link(flag, kind, ident):
    if kind == "annual":
        return (
            _("Annual summary %(year)s") % {"year": ident},
            reverse("assessments:summary-detail", kwargs={"cadre": flag.cadre_id, "year": ident}),
        )
    cadre_page = reverse("records:cadre-detail", args=[flag.cadre_id])
    if kind == "entry":
        label, href = _("Ledger entry #%(id)s"), f"{cadre_page}?{urlencode({'year': flag.year})}#entry-{ident}"
    elif kind == "review":
        label, href = _("Quarterly review #%(id)s"), reverse("assessments:review-detail", args=[ident])
    elif kind == "sanction":
        label, href = _("Sanction #%(id)s"), f"{cadre_page}#sanctions"
    else:
        return f"{kind} #{ident}", ""
    # Entries, reviews and sanctions are read on pages that follow the cadre to a new unit.
    return label % {"id": ident}, href if flag.cadre_open else ""


def decorate_flags(flags, *, user):
    """Give each flag its sentence, the links behind its reasons and blockers, and its kind in Chinese.

    Reads only the stored data and which of the cadres the user may open (one query).
    """
    flags = list(flags)
    open_ids = cadres_open_to(user, (f.cadre_id for f in flags))
    for f in flags:
        parsed = f.flag
        f.text = f.sentence
        f.kind_text = TEXT["kind"].get(f.kind, f.kind)
        f.is_blocked = bool(parsed.blockers)
        f.is_withdrawn = f.state == FlagState.WITHDRAWN
        f.cadre_open = f.cadre_id in open_ids
        refs = dict.fromkeys(ref for item in (*parsed.reasons, *parsed.blockers) for ref in item.refs)
        f.links = [_ref_link(f, kind, ident) for kind, ident in refs]
    return flags


def can_decide_flags(user):
    return has_role(user, Role.COMMITTEE)


@role_required(*SCORE_ROLES)
@require_http_methods(["GET"])
def flag_list(request):
    form = FlagFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    flags = flags_visible_to(request.user)
    page = paginate(request, flag_table(flags, **filters), default=50)
    page.object_list = decorate_flags(page.object_list, user=request.user)
    counts = flag_counts(flags, **filters)
    tabs = [{"kind": "", "label": _("All"), "count": sum(counts.values())}] + [
        {"kind": k, "label": label, "count": counts.get(k, 0)} for k, label in FlagKind.choices
    ]
    return render(
        request,
        "assessments/flag_list.html",
        {
            "form": form,
            "page": page,
            "tabs": tabs,
            "kind": filters.get("kind", ""),
            "can_decide": can_decide_flags(request.user),
        },
    )


def _history(flag):
    """The decisions taken on the flag, oldest first, from the audit log."""
    labels = dict(FlagDecision.choices)
    events = AuditEvent.objects.filter(
        model="assessments.candidateflag", object_id=str(flag.pk), action="update"
    ).order_by("at", "id")
    history = []
    for e in events:
        changes = e.changes or {}
        if "decision" not in changes and "decision_note" not in changes:
            continue
        before, after = changes.get("decision", [None, None])
        e.decision_change = (labels.get(before or ""), labels.get(after or "")) if "decision" in changes else None
        e.note_change = changes.get("decision_note")
        history.append(e)
    return with_actor_names(history)


@role_required(*SCORE_ROLES)
@require_http_methods(["GET", "POST"])
def flag_detail(request, pk):
    flag = get_flag_for_user(request.user, pk)
    can_decide = (
        has_role(request.user, Role.COMMITTEE)
        and flag.state == FlagState.RAISED
        and flags_visible_to(request.user, roles=COMMITTEE).filter(pk=flag.pk).exists()
    )
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    initial = {"decision": flag.decision or None, "note": flag.decision_note}
    form = FlagDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            flag_decide(actor=request.user, flag=flag, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The decision on the flag is saved."))
            return redirect("assessments:flag-detail", pk=flag.pk)
    decorate_flags([flag], user=request.user)
    return render(
        request,
        "assessments/flag_detail.html",
        {"flag": flag, "form": form, "can_decide": can_decide, "history": _history(flag)},
    )
