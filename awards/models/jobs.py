"""Background jobs as the people who start them see them: what runs, how far it got, what came of it.

The queue itself is django-tasks' (its database backend); a Job is the award's record of one piece of
long work — who started it, in which language its messages are, its progress and its outcome — read by
the page that shows its progress bar from any web process on any machine."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    METRICS_CHECK = "metrics_check", _("Checking a metrics file")
    METRICS_IMPORT = "metrics_import", _("Importing a metrics file")
    NOMINATIONS_CHECK = "nominations_check", _("Checking a nominations file")
    NOMINATIONS_IMPORT = "nominations_import", _("Importing a nominations file")
    EXPORT = "export", _("Preparing a download")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=JobKind.choices)
    state = models.CharField(_("state"), max_length=8, choices=JobState.choices, default=JobState.QUEUED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT,
                                   related_name="+")
    # The language of the person who started it: the job's messages and files are written in it.
    language = models.CharField(_("language"), max_length=8, default="id")
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written with every progress step: a running job whose worker died stops beating (see jobs service).
    beat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # Two jobs with the same key never run at once (say, two imports of one year): see the constraint.
    lock_key = models.CharField(_("lock"), max_length=64, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    phase = models.CharField(_("phase"), max_length=16, blank=True)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    follow_up = models.ForeignKey("self", verbose_name=_("next job"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lock_key"], condition=Q(state__in=ACTIVE_STATES) & ~Q(lock_key=""),
                                    name="job_one_active_per_lock"),
        ]
        indexes = [models.Index(fields=["created_by", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
