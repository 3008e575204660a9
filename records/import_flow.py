"""The page flow every Excel import shares: upload → preview of every row → confirm → commit.

An import supplies a function ``run(data=, file_name=, user=, commit=)`` returning a report with
``ok`` and ``committed``, the exception it raises for an unreadable file, its template and messages.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .importing import UploadStash


class UploadForm(forms.Form):
    """One .xlsx file, size-limited and recognised by its zip signature, read into ``content``."""

    file = forms.FileField()

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["file"].label = label

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ROSTER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook saved as .xlsx."))
        self.content = upload.read()
        if not self.content.startswith(b"PK\x03\x04"):  # every .xlsx is a zip archive
            raise forms.ValidationError(_("The file is not a readable Excel workbook (.xlsx)."))
        self.file_name = Path(upload.name).name[:100]
        return upload


@dataclass(frozen=True)
class ImportFlow:
    run: Callable
    file_error: type[Exception]
    stash: UploadStash
    template: str
    url_name: str
    label: object
    columns: Callable[[], list]
    success: Callable[[object], str]

    def handle(self, request):
        if request.method == "POST" and "token" in request.POST:
            return self._commit(request, request.POST["token"])
        form = self._form(request.POST, request.FILES) if request.method == "POST" else self._form()
        if request.method == "POST" and form.is_valid():
            return self._preview(request, form)
        return self._page(request, form)

    def _form(self, *args):
        return UploadForm(*args, label=self.label)

    def _page(self, request, form, report=None, token=""):
        context = {
            "form": form,
            "report": report,
            "token": token,
            "columns": self.columns(),
            "max_size": settings.ROSTER_IMPORT_MAX_BYTES,
        }
        return render(request, self.template, context)

    def _preview(self, request, form):
        try:
            report = self.run(data=form.content, file_name=form.file_name, user=request.user)
        except self.file_error as exc:
            form.add_error("file", str(exc))
            return self._page(request, form)
        token = self.stash.put(request, form.content, form.file_name) if report.ok else ""
        return self._page(request, self._form(), report, token)

    def _commit(self, request, token):
        stashed = self.stash.take(request, token)
        if stashed is None:
            messages.error(request, _("This upload has expired or is not yours. Upload the file again."))
            return redirect(self.url_name)
        data, file_name = stashed
        try:
            report = self.run(data=data, file_name=file_name, user=request.user, commit=True)
        except self.file_error as exc:
            messages.error(request, str(exc))
            return redirect(self.url_name)
        if not report.committed:
            # Something changed since the preview (a month closed, a review submitted, a unit
            # moved): the commit re-checked every row and wrote nothing.
            return self._page(request, self._form(), report)
        messages.success(request, self.success(report))
        return redirect(self.url_name)
