"""Background jobs with progress: created by a service, run by a Celery task, watched from a page."""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus

logger = logging.getLogger(__name__)


def job_start(*, actor, kind, params, task):
    """Create the job and queue ``task(job_id)`` once the surrounding transaction commits."""
    job = Job.objects.create(kind=kind, params=params, created_by=actor)
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def job_claim(job_id):
    """Mark a queued job running; False when another worker already has it (or it is finished)."""
    return bool(Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING))


def job_progress(job_id, *, done, total):
    """Record how far a job has got, where its page sees it at once.

    Work that runs in one transaction (a recompute) would otherwise publish its progress only at
    its commit, and hold the job's row locked until then. On PostgreSQL, inside a transaction, the
    progress is therefore written through a second connection that commits it at once. A job row
    that connection cannot see yet (created in this same transaction) or cannot lock at once is
    updated on this connection instead, as outside a transaction."""
    if connection.vendor == "postgresql" and connection.in_atomic_block and _progress_aside(job_id, done, total):
        return
    Job.objects.filter(pk=job_id).update(done=done, total=total)


def _progress_aside(job_id, done, total):
    """Write the progress through a second connection (autocommit); False when it could not."""
    aside = connection.copy()
    try:
        with aside.cursor() as cursor:
            # SKIP LOCKED: a row this transaction has locked would make the second connection wait
            # for this one, which waits for it: skipped, it is updated on this connection instead.
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET done = %s, total = %s "  # noqa: S608 (the table's name)
                f"WHERE id = (SELECT id FROM {Job._meta.db_table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                [done, total, job_id],
            )
            return cursor.rowcount == 1
    except DatabaseError:  # no second connection to be had (the server's limit, say)
        return False
    finally:
        aside.close()


def job_finish(job_id, result):
    # Done is all done, whether or not the last step reported itself.
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.DONE, done=F("total"), result=result, finished_at=timezone.now()
    )


def job_fail(job_id, error):
    """Mark the job failed with words for the person who started it: a refusal's own message (a
    ValidationError says what was wrong), else a plain notice; the exception itself, which may hold
    SQL or data, goes to the server's log for the administrators."""
    if isinstance(error, ValidationError):
        text = " ".join(error.messages)
    else:
        logger.error("job %s failed", job_id, exc_info=error)
        text = _(
            "The background work stopped on an error and nothing of it was saved. Try again later; "
            "if it fails again, tell the system administrator (job %(id)s)."
        ) % {"id": job_id}
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=str(text)[:2000], finished_at=timezone.now())
