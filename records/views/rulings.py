"""Fault tolerance (容错纠错) pages: apply on a deduction, follow a ruling through its stages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import RECORD_ROLES, Role
from core.access import role_required
from core.forms import apply_service_errors
from core.paging import paginate

from ..forms_review import STAGE_FORMS, RulingApplyForm, RulingFilterForm
from ..models import EntryStatus, FaultToleranceRuling, FTStage, LedgerEntry
from ..selectors import can_edit_cadre, unit_in_scope
from ..selectors.ledger import entries_visible_to, rulings_visible_to
from ..services.ledger import ruling_apply, ruling_determine, ruling_file, ruling_verify
from .entries import entry_ledger_url

RULING_RELATED = (
    "entry",
    "entry__cadre",
    "entry__cadre__unit",
    "entry__rule",
    "applied_by",
    "verified_by",
    "determined_by",
    "filed_by",
)


def _apply_refusal(entry):
    """Why ``entry`` can get no ruling, in the service's words, or None: said before a form is shown."""
    if entry.rule.sign > 0 or entry.is_reversal:
        return _("Fault tolerance applies to deductions only.")
    if entry.status != EntryStatus.CONFIRMED:
        return _("Fault tolerance applies to confirmed deductions.")
    reversal_status = LedgerEntry.objects.filter(reverses=entry).values_list("status", flat=True).first()
    if reversal_status == EntryStatus.RETURNED:
        return _("The reversal of this entry was returned; withdraw that reversal first.")
    if reversal_status is not None:
        return _("This entry has been reversed.")
    return None


@role_required(Role.CLERK)
@require_http_methods(["GET", "POST"])
def ruling_new(request, entry_pk):
    entry = get_object_or_404(
        entries_visible_to(request.user).select_related("cadre", "cadre__unit", "rule", "entered_by", "decided_by"),
        pk=entry_pk,
    )
    if not can_edit_cadre(request.user, entry.cadre):
        raise PermissionDenied
    existing = FaultToleranceRuling.objects.filter(entry=entry).first()
    if existing is not None:
        messages.info(request, _("This deduction already has a fault-tolerance ruling."))
        return redirect("records:ruling-detail", pk=existing.pk)
    refusal = _apply_refusal(entry)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(entry_ledger_url(entry))
    form = RulingApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ruling = ruling_apply(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Application recorded; a reviewer verifies it next."))
            return redirect("records:ruling-detail", pk=ruling.pk)
    return render(request, "records/ruling_form.html", {"entry": entry, "form": form})


def _may_act(user, ruling, action):
    unit_id = ruling.entry.cadre.unit_id
    if action in ("verify", "determine"):
        # Whoever applied neither verifies nor determines their own application.
        return user.pk != ruling.applied_by_id and unit_in_scope(user, unit_id, roles={Role.REVIEWER})
    if action == "file":
        return unit_in_scope(user, unit_id, roles={Role.CLERK, Role.REVIEWER})
    return False


def _act(user, ruling, action, data):
    if action == "verify":
        return ruling_verify(actor=user, ruling=ruling, findings=data["verification"])
    if action == "determine":
        return ruling_determine(actor=user, ruling=ruling, **data)
    return ruling_file(actor=user, ruling=ruling, document_no=data["filing_document_no"])


@role_required(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def ruling_detail(request, pk):
    ruling = get_object_or_404(rulings_visible_to(request.user).select_related(*RULING_RELATED), pk=pk)
    action, form_class = STAGE_FORMS.get(ruling.stage, (None, None))
    may_act = action is not None and _may_act(request.user, ruling, action)
    form = form_class(request.POST or None) if may_act else None
    if request.method == "POST":
        if request.POST.get("action") != action:
            messages.error(
                request, _("This ruling has moved on to the stage “%(stage)s”.") % {"stage": ruling.get_stage_display()}
            )
            return redirect("records:ruling-detail", pk=ruling.pk)
        if not may_act:
            raise PermissionDenied
        if form.is_valid():
            try:
                _act(request.user, ruling, action, form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Ruling updated."))
                return redirect("records:ruling-detail", pk=ruling.pk)
    return render(
        request,
        "records/ruling_detail.html",
        {"ruling": ruling, "entry": ruling.entry, "action": action, "form": form, "stages": FTStage},
    )


@role_required(*RECORD_ROLES)
@require_http_methods(["GET"])
def ruling_index(request):
    form = RulingFilterForm(request.GET or None)
    rulings = rulings_visible_to(request.user).select_related(*RULING_RELATED[:5]).order_by("-applied_at", "-id")
    filters = form.filters()
    if "stage" in filters:
        rulings = rulings.filter(stage=filters["stage"])
    if "outcome" in filters:
        rulings = rulings.filter(outcome=filters["outcome"])
    return render(request, "records/ruling_list.html", {"form": form, "page": paginate(request, rulings)})
