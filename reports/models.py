"""A report built in the background: a file only its requester may download, deleted after a day."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def export_path(instance, filename):
    # Random names: the download name is kept in the row, never used as a path.
    import uuid

    return f"{settings.REPORTS_EXPORT_DIR}/{uuid.uuid4().hex}.xlsx"


class ExportFile(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("report"), max_length=30)
    # kind, year, quarter, unit_id, cadre_id, snapshot_id: what the task rebuilds the request from.
    params = models.JSONField(_("parameters"), default=dict)
    scope = models.CharField(_("scope"), max_length=200, blank=True)
    job = models.OneToOneField(
        "core.Job", verbose_name=_("job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=export_path, blank=True)
    filename = models.CharField(_("file name"), max_length=150)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    size = models.PositiveIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    @property
    def ready(self):
        return bool(self.file)
