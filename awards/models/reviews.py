"""Reviewers' work: assignments, conflicts of interest and scores."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Assignment(models.Model):
    nomination = models.ForeignKey(
        "awards.Nomination", verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="assignments"
    )
    stage = models.ForeignKey("awards.Stage", verbose_name=_("stage"), on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="assignments"
    )
    # Only submitted assignments' scores count in the ranking.
    status = models.CharField(
        _("status"), max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.NOT_STARTED
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["stage", "nomination", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "stage", "reviewer"], name="assignment_unique"),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="assignment_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "status"]), models.Index(fields=["stage", "status"])]

    def __str__(self):
        return f"{self.reviewer} → {self.nomination}"


class Conflict(models.Model):
    """A declared conflict of interest: the reviewer's scores on the nomination never count."""

    nomination = models.ForeignKey(
        "awards.Nomination", verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="conflicts"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="conflicts"
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "reviewer"], name="conflict_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_has_reason"),
        ]

    def __str__(self):
        return f"{self.reviewer} ⟂ {self.nomination}"


class Score(models.Model):
    """A reviewer's raw value on one judged criterion, on the criterion's own scale."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("awards.Criterion", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique")]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"
