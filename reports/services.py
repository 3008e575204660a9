"""Building reports, auditing every export, and the background files with their expiry."""

import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from accounts.roles import sole_scope_id
from audit.models import Action
from audit.services import audit_record
from core.jobs import job_start

from .builders import REPORTS, filename
from .layout import Book
from .models import ExportFile
from .selectors import REPORT_ROLES

logger = logging.getLogger(__name__)


def report_write(*, req, target, progress=None):
    """Write the report into ``target`` (a path or a binary file); returns the rows written."""
    with Book(target) as book:
        rows = REPORTS[req.kind].build(book, req, progress)
    return rows


def _export_unit(actor, req):
    """The unit an export is filed under: the one chosen, the cadre's, else the requester's only scope."""
    if req.unit is not None:
        return req.unit.pk
    if req.cadre is not None:
        return req.cadre.unit_id
    return sole_scope_id(actor, REPORT_ROLES)


def export_audit(*, actor, req, rows, note=""):
    """Who exported what, over which units, how many rows: one event per export."""
    return audit_record(
        action=Action.EXPORT,
        user=actor,
        model=f"reports.{req.kind}",
        changes={"report": req.kind, "params": req.params(), "scope": req.scope_label, "rows": rows},
        note=note or f"{REPORTS[req.kind].title} · {req.scope_label} · {rows} 行",
        unit=_export_unit(actor, req),
    )


def report_export(*, actor, req, target):
    """Build a report now and audit it (a direct download, the command)."""
    rows = report_write(req=req, target=target)
    export_audit(actor=actor, req=req, rows=rows)
    return rows


@transaction.atomic
def export_start(*, actor, req):
    """A background build of a large report: the file, once ready, is the requester's for a day."""
    from .tasks import build_export

    export = ExportFile.objects.create(
        requester=actor,
        kind=req.kind,
        params=req.params(),
        scope=req.scope_label[:200],
        filename=filename(req),
        expires_at=timezone.now() + settings.REPORTS_EXPORT_TTL,
    )
    export.job = job_start(actor=actor, kind="report", params={"export_id": export.pk}, task=build_export)
    export.save(update_fields=["job"])
    return export


def export_run(*, export, req, progress=None):
    """Build the file of ``export`` (idempotent: a file already there is kept); returns its rows."""
    if export.file:
        return export.rows
    tmp_dir = Path(settings.MEDIA_ROOT) / settings.REPORTS_EXPORT_DIR
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f".building-{export.pk}.xlsx"
    try:
        rows = report_write(req=req, target=str(tmp), progress=progress)
        with tmp.open("rb") as fh:
            export.file.save(export.filename, File(fh), save=False)
    finally:
        tmp.unlink(missing_ok=True)
    export.rows, export.size = rows, export.file.size
    # The clock starts when the file exists: a day from now, whatever the queue's delay.
    export.expires_at = timezone.now() + settings.REPORTS_EXPORT_TTL
    export.save(update_fields=["file", "rows", "size", "expires_at"])
    export_audit(actor=export.requester, req=req, rows=rows)
    return rows


def exports_delete_expired(*, now=None):
    """Delete the files (and their rows) past their expiry; returns how many. Idempotent."""
    now = now or timezone.now()
    deleted = 0
    for export in ExportFile.objects.filter(expires_at__lt=now):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        deleted += 1
    return deleted
