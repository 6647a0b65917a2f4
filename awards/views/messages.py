"""Messages by email as the committee sees them: reminding late reviewers (after reading the message), the
list of every message sent, and in development the outbox where the sent mail can be read."""
import email
import secrets
from email.policy import default as email_policy
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import SingleTableView

from .. import permissions
from ..models import Stage
from ..people import person_name
from ..selectors import committee as selectors
from ..selectors.messages import messages_in_scope
from ..services.messages import reminder_preview, reminders_send
from ..tables import MessageTable
from .committee.results import CommitteeMixin


class RemindView(CommitteeMixin, View):
    """Remind one late reviewer (?penilai=ID) or every late reviewer of a stage: GET shows the messages as
    they will be sent, POST sends them (once, however often it is posted)."""

    template_name = "awards/committee/remind.html"

    def setup_stage(self, request, round_id, stage_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        stage = get_object_or_404(Stage.objects.select_related("round__edition", "round__province"), pk=stage_id,
                                  round=round_)
        try:
            reviewer_id = int(request.GET.get("penilai") or request.POST.get("penilai") or 0) or None
        except ValueError:
            raise Http404 from None
        return round_, stage, reviewer_id

    def get(self, request, round_id, stage_id):
        round_, stage, reviewer_id = self.setup_stage(request, round_id, stage_id)
        previews = reminder_preview(stage=stage, reviewer_id=reviewer_id, acting_user=request.user)
        return render(request, self.template_name, {
            "round": round_, "stage": stage, "reviewer_id": reviewer_id, "request_key": secrets.token_hex(16),
            "previews": [(person_name(reviewer), reviewer.email, subject, body) for reviewer, subject, body in previews],
        })

    def post(self, request, round_id, stage_id):
        round_, stage, reviewer_id = self.setup_stage(request, round_id, stage_id)
        key = request.POST.get("request_key", "")
        if len(key) != 32:
            raise Http404
        sent = reminders_send(stage=stage, reviewer_id=reviewer_id, request_key=key, acting_user=request.user)
        if sent:
            messages.success(request, _("%(count)s reminders are being sent.") % {"count": len(sent)})
        else:
            messages.info(request, _("No reminder was sent: these reminders went already, or nobody is late."))
        return redirect("committee-progress", round_.id)


class MessageLogView(CommitteeMixin, SingleTableView):
    template_name = "awards/committee/messages.html"
    table_class = MessageTable
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        permissions.require(permissions.is_committee_member(request.user))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return messages_in_scope(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(outbox=outbox_folder() is not None and permissions.is_committee(
            self.request.user), **kwargs)


def outbox_folder():
    """Where development keeps the sent mail (the file email backend), or None elsewhere."""
    if settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        return None
    return Path(settings.EMAIL_FILE_PATH)


class OutboxView(CommitteeMixin, TemplateView):
    """Development only: the mail the demo sent, as its recipients would read it (newest first)."""

    template_name = "awards/committee/outbox.html"

    def get_context_data(self, **kwargs):
        permissions.require(permissions.is_committee(self.request.user))
        folder = outbox_folder()
        if folder is None:
            raise Http404
        mails = []
        files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []
        for path in files[:100]:
            for raw in path.read_bytes().split(b"-" * 79 + b"\n"):
                if raw.strip():
                    parsed = email.message_from_bytes(raw.strip(), policy=email_policy)
                    body = parsed.get_body(preferencelist=("plain",))
                    mails.append({"to": parsed["To"], "subject": parsed["Subject"], "date": getattr(parsed["Date"], "datetime", None),
                                  "body": body.get_content() if body else ""})
        return super().get_context_data(mails=mails, **kwargs)
