"""Committee snapshots: what the committee met over, frozen, and what has changed since."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.roles import has_role
from core.access import role_required
from core.forms import apply_service_errors
from core.paging import PAGE_SIZES, paginate
from records.selectors import subtree_ids

from ..access_scores import get_snapshot_for_user
from ..flag_text import TEXT
from ..forms_scores import SnapshotFilterForm, SnapshotForm
from ..models import FlagDecision, FlagState
from ..selectors_scores import (
    SCORE_ROLES,
    cadres_open_to,
    snapshot_differences,
    snapshot_rows,
    snapshots_visible_to,
)
from ..services_committee import snapshot_freeze

TABS = ("summaries", "flags", "rows")


@role_required(*SCORE_ROLES)
@require_http_methods(["GET"])
def snapshot_list(request):
    form = SnapshotFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    snapshots = snapshots_visible_to(request.user).select_related("unit", "created_by")
    if "unit" in filters:
        snapshots = snapshots.filter(unit_id__in=subtree_ids([filters["unit"].pk]))
    if "year" in filters:
        snapshots = snapshots.filter(year=filters["year"])
    return render(
        request,
        "assessments/snapshot_list.html",
        {
            "form": form,
            "page": paginate(request, snapshots.order_by("-created_at", "-id")),
            "can_freeze": has_role(request.user, Role.COMMITTEE),
        },
    )


@role_required(Role.COMMITTEE)
@require_http_methods(["GET", "POST"])
def snapshot_new(request):
    initial = {k: request.GET[k] for k in ("unit", "year") if k in request.GET}
    form = SnapshotForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = snapshot_freeze(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Snapshot frozen: %(summaries)d summaries and %(flags)d flags.")
                % {"summaries": snapshot.summaries, "flags": snapshot.flags},
            )
            return redirect("assessments:snapshot-detail", pk=snapshot.pk)
    return render(request, "assessments/snapshot_form.html", {"form": form})


def _page(request, items):
    try:
        size = int(request.GET.get("size", 50))
    except ValueError:
        size = 50
    return Paginator(items, size if size in PAGE_SIZES else 50).get_page(request.GET.get("page"))


def _labelled_summaries(rows):
    labels = {
        "score": _("annual score"),
        "suggested_grade": _("suggested grade"),
        "final_grade": _("final grade"),
    }
    for row in rows:
        row["changes_text"] = [(labels[name], before, after) for name, before, after in row["changes"]]
    return rows


def _labelled_flags(flags):
    kinds, states, decisions = TEXT["kind"], dict(FlagState.choices), dict(FlagDecision.choices)
    for row in flags:
        row["kind_text"] = kinds.get(row["flag_kind"], row["flag_kind"])
        for side in ("before", "after"):
            values = row[side]
            if values is not None:
                values["state_text"] = states.get(values["state"], values["state"])
                values["decision_text"] = decisions.get(values["decision"], values["decision"])
    return flags


@role_required(*SCORE_ROLES)
@require_http_methods(["GET"])
def snapshot_detail(request, pk):
    snapshot = get_snapshot_for_user(request.user, pk)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else TABS[0]
    differences = snapshot_differences(snapshot)
    if tab == "rows":
        page = paginate(request, snapshot_rows(snapshot), default=50)
    else:
        page = _page(request, differences[tab])
        label = _labelled_flags if tab == "flags" else _labelled_summaries
        page.object_list = label(list(page.object_list))
        open_ids = cadres_open_to(request.user, (row["cadre_id"] for row in page.object_list))
        for row in page.object_list:
            row["cadre_open"] = row["cadre_id"] in open_ids
    return render(
        request,
        "assessments/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "tab": tab,
            "page": page,
            "changed_summaries": len(differences["summaries"]),
            "changed_flags": len(differences["flags"]),
        },
    )
