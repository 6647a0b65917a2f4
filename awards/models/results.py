"""Frozen results: an immutable snapshot of a ranking with the SHA-256 digest of its canonical content.

An edition's results form a chain: each names the result of the same edition frozen before it, and its
content (hence its digest) names that result's digest. The database refuses to change or delete a
frozen result (migration 0015); only `published_at` is set, once.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultSnapshot(models.Model):
    round = models.ForeignKey("awards.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="snapshots")
    category = models.ForeignKey(
        "awards.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="snapshots"
    )
    stage = models.ForeignKey("awards.Stage", verbose_name=_("stage"), on_delete=models.PROTECT, related_name="snapshots")
    # Canonical JSON text exactly as hashed, so anyone can recompute the digest from it.
    content = models.TextField(_("content"))
    digest = models.CharField(_("SHA-256 digest"), max_length=64)
    frozen_at = models.DateTimeField(_("frozen at"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("frozen by"), on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", verbose_name=_("supersedes"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    reason = models.TextField(_("reason for correction"), blank=True)
    # The edition's result frozen just before this one; unique, so the chain cannot fork.
    previous = models.OneToOneField(
        "self", verbose_name=_("previous result"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="next",
    )
    # Frozen before every weighted stage of the round was closed: a record, never winners.
    interim = models.BooleanField(_("interim"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("result snapshot")
        verbose_name_plural = _("result snapshots")
        ordering = ["-frozen_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(reason=""),
                name="snapshot_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(interim=False) | models.Q(published_at__isnull=True),
                name="snapshot_interim_never_published",
            ),
        ]

    def __str__(self):
        return f"{self.category} · {self.round} ({self.digest[:12]})"
