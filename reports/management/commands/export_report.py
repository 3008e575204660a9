from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assessments.models import CommitteeSnapshot
from audit.context import acting
from records.models import Cadre, Unit
from reports.selectors import KINDS, build_request
from reports.services import report_export


class Command(BaseCommand):
    help = (
        "Write a committee report (.xlsx, laid out for print) for every unit, or for --unit and the units "
        "below it. --snapshot reproduces what a committee met over. The export is recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--year", type=int, help="the year (a snapshot brings its own)")
        parser.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), help="quarterly-results only")
        parser.add_argument("--unit", help="unit code: that unit and the units below it")
        parser.add_argument("--cadre", help="staff number, cadre-file only")
        parser.add_argument("--snapshot", type=int, help="committee snapshot id")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("--out must name an .xlsx file")
        with translation.override("zh-hans"):
            try:
                req = build_request(
                    kind=options["kind"],
                    year=options["year"],
                    quarter=options["quarter"],
                    unit=_get(Unit, "code", options["unit"], "--unit"),
                    cadre=_get(Cadre, "staff_no", options["cadre"], "--cadre"),
                    snapshot=_get(CommitteeSnapshot, "pk", options["snapshot"], "--snapshot"),
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            with acting(source="command:export_report"):
                rows = report_export(actor=None, req=req, target=str(out))
        self.stdout.write(f"{out}: {rows} rows ({req.scope_label})")


def _get(model, field, value, option):
    if value is None:
        return None
    obj = model.objects.filter(**{field: value}).first()
    if obj is None:
        raise CommandError(f"{option} {value}: not found")
    return obj
