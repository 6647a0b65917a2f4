"""Messages the award sends by email: each one recorded, with whether it was delivered."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    ASSIGNMENTS = "assignments", _("New assignments")
    STAGE_OPEN = "stage_open", _("Stage opened")
    REMINDER = "reminder", _("Deadline reminder")
    MANUAL_REMINDER = "manual_reminder", _("Reminder from the committee")
    PASSWORD_RESET = "password_reset", _("Password reset link")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Delivered to the mail server")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=MessageKind.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.PROTECT,
                                  related_name="messages_received")
    email = models.EmailField(_("email address"))
    subject = models.CharField(_("subject"), max_length=300)
    # What the committee's list shows of it; the mail itself is composed when it is sent (an invitation's
    # link is never stored).
    summary = models.CharField(_("what"), max_length=300, blank=True)
    stage = models.ForeignKey("awards.Stage", verbose_name=_("stage"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    # The province the message concerns (a provincial committee sees its own), or none.
    province = models.ForeignKey("awards.Region", verbose_name=_("province"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # The same request sent twice (a form posted twice, a reminder run twice) makes one message.
    batch_key = models.CharField(_("batch"), max_length=80, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["batch_key", "recipient"], condition=~Q(batch_key=""),
                                    name="message_once_per_batch"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.email}"
