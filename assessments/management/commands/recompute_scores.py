import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from assessments.scoring.jobs import recompute_queue, recompute_refusal
from audit.context import acting
from core.models import Job, JobStatus
from records.models import Unit


class Command(BaseCommand):
    help = (
        "Recompute the annual summaries and flags of a year (every unit, or one unit's subtree) as a "
        "background job, like the committee's button; waits and prints the progress unless --no-wait."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", help="unit code: refresh that unit's subtree (grades still span the year)")
        parser.add_argument("--no-wait", action="store_true", help="queue the job and return")

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            self._run(options["year"], options.get("unit"), wait=not options["no_wait"])

    def _run(self, year, code, *, wait):
        if not 2000 <= year <= 2100:
            raise CommandError(_("The year %(year)s is out of range.") % {"year": year})
        unit = None
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(_("No unit with code %(code)s.") % {"code": code})
        refusal = recompute_refusal(year, unit)
        if refusal:
            raise CommandError(refusal)
        with acting(source="command:recompute_scores"):
            job = recompute_queue(actor=None, year=year, unit=unit)
        self.stdout.write(_("Job %(id)s queued.") % {"id": job.pk})
        if not wait:
            return
        shown, hinted, started = None, False, time.monotonic()
        while True:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            if (job.done, job.total) != shown and job.total:
                shown = (job.done, job.total)
                self.stdout.write(_("%(done)s of %(total)s steps") % {"done": job.done, "total": job.total})
            if not hinted and job.status == JobStatus.QUEUED and time.monotonic() - started > 30:
                hinted = True
                self.stderr.write(_("Still waiting for a Celery worker to pick the job up…"))
            time.sleep(0.5)
        if job.status == JobStatus.FAILED:
            raise CommandError(_("The recompute failed: %(error)s") % {"error": job.error})
        self.stdout.write(_summary(job))


def _summary(job: Job):
    r = job.result
    return _(
        "%(cadres)s cadres scored, %(changed)s summaries changed, %(raised)s flags raised, "
        "%(withdrawn)s withdrawn, in %(seconds)s s."
    ) % {
        "cadres": r.get("cadres", 0),
        "changed": r.get("summaries_changed", 0),
        "raised": r.get("flags_raised", 0),
        "withdrawn": r.get("flags_withdrawn", 0),
        "seconds": r.get("seconds", 0),
    }
