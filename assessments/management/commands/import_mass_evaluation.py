from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.roles import has_role
from assessments.mass_import import IMPORT_ROLES, MassFileError, mass_evaluation_import
from audit.context import acting


class Command(BaseCommand):
    help = (
        "Import the mass evaluation scores (群众评议) of quarterly reviews from an Excel (.xlsx) sheet, all or "
        "nothing. --user is required: the changes are recorded under that clerk or reviewer, and only cadres "
        "within their units are accepted. Errors print as 第N行: …"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the .xlsx sheet (columns by header: 干部编号, 姓名, 年度, 季度, 群众评议得分)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--user",
            required=True,
            help="the clerk or reviewer who imports: recorded in the audit log, and limits the rows to their units",
        )

    def handle(self, *args, **options):
        # Clerks read these messages next to their Chinese spreadsheet, whatever the server's locale.
        with translation.override("zh-hans"):
            self._run(Path(options["file"]), dry_run=options["dry_run"], username=options["user"])

    def _run(self, path, *, dry_run, username):
        user = _importer(username)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
        with acting(user=user, source="command:import_mass_evaluation"):
            try:
                report = mass_evaluation_import(data=data, file_name=path.name, user=user, commit=not dry_run)
            except MassFileError as exc:
                raise CommandError(str(exc)) from exc
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Nothing was imported: %(count)d errors.") % {"count": len(report.errors)})
        counts = {
            "updated": report.updated,
            "unchanged": report.counts["skip"],
            "recomputed": report.recomputed,
        }
        summary = (
            _("%(updated)d reviews to update, %(unchanged)d unchanged, %(recomputed)d quarter scores recomputed.")
            % counts
        )
        if dry_run:
            self.stdout.write(_("Dry run, nothing written. %(counts)s") % {"counts": summary})
        else:
            self.stdout.write(_("Mass evaluations imported: %(summary)s") % {"summary": summary})


def _importer(username):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active user %(name)s.") % {"name": username})
    if not has_role(user, *IMPORT_ROLES):
        raise CommandError(
            _("%(name)s holds no clerk or reviewer role, so may import into no unit.") % {"name": username}
        )
    return user
