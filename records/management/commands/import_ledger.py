from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import has_role
from audit.context import acting
from records.ledger_import import LedgerFileError, ledger_import


class Command(BaseCommand):
    help = (
        "Import monthly ledger entries (月纪实) from an Excel (.xlsx) sheet, all or nothing, as pending entries "
        "for a reviewer to confirm. --user is required: every entry records the clerk who entered it, and only "
        "cadres within that clerk's units are accepted. Errors print as 第N行: …"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx sheet (columns by header: 干部编号, 姓名, 月份, 积分项目代码, …)")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--user",
            required=True,
            help="the clerk who enters the entries: recorded as their author, and limits them to the clerk's units",
        )

    def handle(self, *args, **options):
        # Clerks read these messages next to their Chinese spreadsheet, whatever the server's locale.
        with translation.override("zh-hans"):
            self._run(Path(options["file"]), dry_run=options["dry_run"], username=options["user"])

    def _run(self, path, *, dry_run, username):
        user = _clerk(username)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
        with acting(user=user, source="command:import_ledger"):
            try:
                report = ledger_import(data=data, file_name=path.name, user=user, commit=not dry_run)
            except LedgerFileError as exc:
                raise CommandError(str(exc)) from exc
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Nothing was imported: %(count)d errors.") % {"count": len(report.errors)})
        if dry_run:
            counts = _("%(new)d entries checked, none with errors.") % {"new": report.counts["new"]}
            self.stdout.write(_("Dry run, nothing written. %(counts)s") % {"counts": counts})
        else:
            self.stdout.write(_("Ledger imported: %(new)d entries, pending confirmation.") % {"new": report.created})


def _clerk(username):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active user %(name)s.") % {"name": username})
    if not has_role(user, Role.CLERK):
        raise CommandError(_("%(name)s holds no clerk role, so may import into no unit.") % {"name": username})
    return user
