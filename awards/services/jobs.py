"""Background jobs: a page or command starts one, a worker runs it, the page that started it follows it.

A job is queued through Django's Tasks API (awards/tasks.py) once the transaction that recorded it
commits; any worker on any machine may take it (README "Background jobs"). What the job does is its
runner's (awards/imports/background.py); this module records the job's life: queued, running with its
progress, done with its result, or failed with the reason in the starter's language. A job's work is all
or nothing (an import is one transaction), so a failed or lost job changed nothing.
"""
import logging
import time
from functools import partial

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Job, JobKind, JobState

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between two progress writes


class JobBusy(Exception):
    """A job of the same kind and scope is already queued or running; the message says which."""


# A checked file's import: the job that a confirmation of each kind of check starts.
CONFIRMS = {JobKind.METRICS_CHECK: JobKind.METRICS_IMPORT, JobKind.NOMINATIONS_CHECK: JobKind.NOMINATIONS_IMPORT}


class JobRefused(Exception):
    """The job cannot do what it was asked (a file gone, a scope no longer allowed); the message says why,
    in the starter's language, on the job's page."""


def busy_message(kind, params):
    """What a person is told when the same import is under way (JobBusy)."""
    if kind in (JobKind.METRICS_CHECK, JobKind.METRICS_IMPORT):
        return _("A metrics file for %(year)s is being checked or imported right now; wait until it has "
                 "finished, then try again.") % {"year": params["year"]}
    return _("A nominations file for this edition is being checked or imported right now; wait until it has "
             "finished, then try again.")


def job_start(*, kind, acting_user, params, lock_key="", language=None):
    """Record a job for `acting_user` and queue it once the surrounding transaction commits.

    With `lock_key`, JobBusy while another job with that key is queued or running; a running job whose
    worker stopped showing signs of life is first marked failed (jobs_release_lost)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        if lock_key:
            jobs_release_lost(lock_key=lock_key)
        try:
            with transaction.atomic():
                job = Job.objects.create(kind=kind, created_by=acting_user, params=params, lock_key=lock_key,
                                         language=language)
        except IntegrityError:
            raise JobBusy(busy_message(kind, params)) from None
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def job_confirm(*, check, acting_user):
    """Import the file that the finished, problem-free `check` checked: a new job with the same file, or
    the one a confirmation already started (a form posted twice starts one job). JobBusy as job_start."""
    with transaction.atomic():
        check = Job.objects.select_for_update().get(pk=check.pk)
        if check.follow_up_id:
            return check.follow_up
        follow_up = job_start(kind=CONFIRMS[check.kind], acting_user=acting_user, params=check.params,
                              lock_key=check.lock_key)
        check.follow_up = follow_up
        check.save(update_fields=["follow_up"])
    return follow_up


def _enqueue(job_id):
    from ..tasks import run_job

    run_job.enqueue(job_id)


def job_is_lost(job, *, now=None):
    """A running job whose worker has shown no sign of life for PARITRANA_JOB_LOST_AFTER (or one already
    marked failed for it): its worker died (stopped, killed, its machine gone); its transaction went with
    the worker's connection."""
    if job.state == JobState.FAILED:
        return job.error == LOST_REASON
    if job.state != JobState.RUNNING:
        return False
    last = job.beat_at or job.started_at or job.created_at
    return last < (now or timezone.now()) - settings.PARITRANA_JOB_LOST_AFTER


def jobs_release_lost(*, lock_key):
    """Mark the lost running jobs with `lock_key` failed; return how many."""
    limit = timezone.now() - settings.PARITRANA_JOB_LOST_AFTER
    lost = Job.objects.filter(state=JobState.RUNNING, beat_at__lt=limit, lock_key=lock_key)
    return lost.update(state=JobState.FAILED, finished_at=timezone.now(), error=LOST_REASON)


# Stored as written here and translated when shown (awards/templatetags or the job page).
LOST_REASON = "lost"


def job_run(job_id, runners):
    """Run the queued job `job_id` with its runner from `runners` ({kind: runner(job, progress)}): called by
    the worker. Returns the job's state. A job already taken (or no longer queued) is left alone."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING, started_at=now, beat_at=now):
        return None
    job = Job.objects.select_related("created_by", "created_by__profile").get(pk=job_id)
    with translation.override(job.language):
        progress = Progress(job)
        try:
            result = runners[job.kind](job, progress)
        except JobRefused as refusal:
            return _finish(job, JobState.FAILED, error=str(refusal))
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            return _finish(job, JobState.FAILED, error=_(
                "The job stopped on an unexpected error and changed nothing. Try again; if it fails again, "
                "tell the administrator (job %(id)s).") % {"id": job.pk})
        finally:
            progress.close()
        return _finish(job, JobState.DONE, result=result)


def _finish(job, state, *, result=None, error=""):
    fields = {"state": state, "finished_at": timezone.now(), "beat_at": timezone.now(), "error": error}
    if result is not None:
        fields["result"] = result
    Job.objects.filter(pk=job.pk).update(**fields)
    return state


class Progress:
    """How far a running job got: `progress(rows_read=…, rows_checked=…, phase=…)` records the given fields
    (and a sign of life) at most every PROGRESS_EVERY seconds, so that the job's page can show them.

    Outside a transaction the job's row is written at once. Inside the import's transaction the write
    would stay invisible until the commit: on PostgreSQL it goes through a connection of its own; on
    SQLite, which lets one connection write at a time, it waits for the end of the transaction (the page
    then shows the last figures from before it)."""

    def __init__(self, job):
        self.job_id = job.pk
        self.last = 0.0
        self.pending = {}
        self.separate = None

    def __call__(self, *, force=False, **fields):
        self.pending.update(fields)
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        self.flush()

    def rows(self, read, total, *, checked=0, written=0):
        """The importers' progress hook."""
        self(rows_read=read, rows_total=total, rows_checked=checked, rows_written=written)

    def flush(self):
        fields, self.pending = {**self.pending, "beat_at": timezone.now()}, {}
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(**fields)
        elif connection.vendor == "postgresql":
            self._separately(fields)
        else:
            self.pending = {k: v for k, v in fields.items() if k != "beat_at"}

    def _separately(self, fields):
        if self.separate is None:
            self.separate = connections.create_connection(DEFAULT_DB_ALIAS)
        columns = list(fields)
        with self.separate.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET {', '.join(f'{name} = %s' for name in columns)} WHERE id = %s",
                [fields[name] for name in columns] + [self.job_id])

    def close(self):
        if self.pending and not connection.in_atomic_block:
            self.flush()
        if self.separate is not None:
            self.separate.close()
            self.separate = None
