"""Evidence files on ledger entries: only known document types, checked by content, size-limited."""

import io
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.context import acting

from ..models import EntryAttachment, EntryStatus
from .ledger import require_role

# extension → a check of the first bytes (and, for Office files, of the zip's contents)
SIGNATURES = {
    ".pdf": lambda head, blob: head.startswith(b"%PDF-"),
    ".jpg": lambda head, blob: head.startswith(b"\xff\xd8\xff"),
    ".jpeg": lambda head, blob: head.startswith(b"\xff\xd8\xff"),
    ".png": lambda head, blob: head.startswith(b"\x89PNG\r\n\x1a\n"),
    ".docx": lambda head, blob: head.startswith(b"PK\x03\x04") and _zip_has(blob, "word/document.xml"),
    ".xlsx": lambda head, blob: head.startswith(b"PK\x03\x04") and _zip_has(blob, "xl/workbook.xml"),
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _zip_has(blob, member):
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False


def check_upload(upload):
    """The upload's extension, after checking its name, size and content; ValidationError otherwise."""
    extension = PurePosixPath(upload.name or "").suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError({"file": _("Only PDF, JPG, PNG, DOCX and XLSX files are accepted.")})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}}
        )
    upload.seek(0)
    blob = upload.read()
    upload.seek(0)
    if not SIGNATURES[extension](blob[:16], blob):
        raise ValidationError({"file": _("The file's content does not match its type %(ext)s.") % {"ext": extension}})
    return extension


@transaction.atomic
def attachment_add(*, actor, entry, upload):
    require_role(actor, entry.cadre.unit_id, {Role.CLERK})
    if entry.status == EntryStatus.CONFIRMED:
        raise ValidationError(_("Evidence is attached before confirmation; a confirmed entry does not change."))
    extension = check_upload(upload)
    attachment = EntryAttachment(
        entry=entry,
        original_name=PurePosixPath(upload.name).name[:200],
        extension=extension,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)  # upload_to picks a random name
    with acting(user=actor):
        attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, actor, attachment):
    require_role(actor, attachment.entry.cadre.unit_id, {Role.CLERK})
    if attachment.entry.status == EntryStatus.CONFIRMED:
        raise ValidationError(_("Evidence of a confirmed entry is kept."))
    storage, name = attachment.file.storage, attachment.file.name
    with acting(user=actor):
        attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
