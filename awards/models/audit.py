"""The audit trail: who changed what, when, from what to what."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    # PROTECT: an audit row never changes (the database refuses it), so its actor cannot be deleted;
    # accounts are deactivated instead.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    # With parameters (a dict, even empty) the summary is an English message (a msgid with named
    # %(placeholders)s) shown in the reader's language; without (null) it is text as written: a name, a
    # reason someone typed, or a row from before the parameters existed. See audit_labels.summary_text.
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_params = models.JSONField(_("summary parameters"), null=True, blank=True)
    # {"field": [old, new], ...}
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        from ..audit_labels import action_label, object_label

        return f"{action_label(self.action)} · {object_label(self.object_type)} {self.object_id}"

    def summary_text(self):
        """The summary in the active language."""
        from ..audit_labels import summary_text

        return summary_text(self.summary, self.summary_params)
