from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.forms import apply_service_errors

from ..access import get_entry_for_user
from ..models import EntryAttachment, EntryStatus, LedgerEntry
from ..selectors import can_edit_cadre
from ..selectors.ledger import entries_visible_to
from ..services.attachments import CONTENT_TYPES, attachment_add, attachment_remove
from .entries import entry_ledger_url


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Evidence file (PDF, JPG, PNG, DOCX or XLSX)"))


def _get_attachment(user, pk):
    return get_object_or_404(
        EntryAttachment.objects.filter(entry__in=entries_visible_to(user)).select_related("entry__cadre"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_attachments(request, pk):
    entry = get_entry_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_edit_cadre(request.user, entry.cadre)
    can_attach = can_edit and entry.status != EntryStatus.CONFIRMED
    reversal = LedgerEntry.objects.filter(reverses=entry).select_related("cadre").first()
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachment_add(actor=request.user, entry=entry, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Evidence attached."))
            return redirect("records:entry-attachments", pk=entry.pk)
    return render(
        request,
        "records/entry_attachments.html",
        {
            "entry": entry,
            "attachments": entry.attachments.select_related("uploaded_by"),
            "form": form,
            "can_attach": can_attach,
            "can_edit": can_edit,
            "reversal": reversal,
            "reversal_url": entry_ledger_url(reversal) if reversal else None,
            "max_size": settings.ATTACHMENT_MAX_BYTES,
        },
    )


@login_required
@require_http_methods(["GET"])
def attachment_download(request, pk):
    attachment = _get_attachment(request.user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=CONTENT_TYPES.get(attachment.extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["POST"])
def attachment_delete(request, pk):
    attachment = _get_attachment(request.user, pk)
    if not can_edit_cadre(request.user, attachment.entry.cadre):
        raise PermissionDenied
    try:
        attachment_remove(actor=request.user, attachment=attachment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Evidence removed."))
    return redirect("records:entry-attachments", pk=attachment.entry_id)
