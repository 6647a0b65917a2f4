"""Messages by email: invitations, new assignments, stage openings and deadline reminders.

A service records each message (awards.models.Message) in the transaction of the change it tells of,
and a background job sends it after the commit (awards/tasks.py): a page never waits for a mail server.
The mail is written when it is sent, in the recipient's language (Profile.language); an invitation's
link is made then and never stored. A message asked for twice — a form posted twice, the reminders'
round run twice — is recorded once (Message.batch_key)."""
import logging
from collections import defaultdict
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Assignment, AssignmentStatus, Message, MessageKind, MessageStatus, Stage, StageStatus
from ..people import person_name
from ..tokens import invitation_tokens

logger = logging.getLogger(__name__)


def _language(user, message=None):
    """The language to write to `user` in: the one the message was asked for in, else the account's."""
    if message is not None and message.params.get("language"):
        return message.params["language"]
    profile = getattr(user, "profile", None)
    return profile.language if profile else settings.LANGUAGE_CODE


def _queue(messages):
    """Record `messages` (unsaved Message objects) and send them after the commit; a message whose batch
    already reached its recipient is skipped. Returns the recorded ones."""
    recorded = []
    with transaction.atomic():
        for message in messages:
            try:
                with transaction.atomic():
                    message.save()
            except IntegrityError:  # the same batch already holds a message to this recipient
                continue
            recorded.append(message)
        if recorded:
            transaction.on_commit(partial(_enqueue, [m.pk for m in recorded]))
    return recorded


def _enqueue(ids):
    from ..tasks import deliver_messages

    deliver_messages.enqueue(ids)


def _message(kind, recipient, *, subject, summary="", **fields):
    return Message(kind=kind, recipient=recipient, email=recipient.email or "", subject=str(subject)[:300],
                   summary=str(summary)[:300], **fields)


# -- what the award tells people ----------------------------------------------------------------
def invitation_send(*, user, acting_user):
    """Invite `user` (an account without a password yet) to set one through a single-use link."""
    permissions.require(permissions.is_committee_member(acting_user))
    with translation.override(_language(user)):
        message = _message(MessageKind.INVITATION, user, subject=_("Your Paritrana account"),
                           summary=_("Invitation to set a password"), sent_by=acting_user,
                           province_id=permissions.province_of(user))
    return _queue([message])


def password_reset_send(*, user, language):
    """A link to choose a new password, asked for on the sign-in page (by anyone who knows the address:
    the link goes only to the account's own address), in the language of that page."""
    with translation.override(language):
        message = _message(MessageKind.PASSWORD_RESET, user, subject=_("Password reset on Paritrana"),
                           summary=_("Password reset link"), params={"language": language})
    return _queue([message])


def assignments_notify(*, assignments, acting_user):
    """One message per reviewer for a batch of new assignments, naming them."""
    by_reviewer = defaultdict(list)
    for assignment in assignments:
        by_reviewer[assignment.reviewer_id].append(assignment.pk)
    if not by_reviewer:
        return []
    reviewers = get_user_model().objects.select_related("profile").in_bulk(list(by_reviewer))
    messages = []
    for reviewer_id, ids in by_reviewer.items():
        reviewer = reviewers[reviewer_id]
        with translation.override(_language(reviewer)):
            messages.append(_message(
                MessageKind.ASSIGNMENTS, reviewer, sent_by=acting_user, province_id=permissions.province_of(reviewer),
                subject=_("Paritrana: %(count)s new nominations to review") % {"count": len(ids)},
                summary=_("%(count)s new assignments") % {"count": len(ids)}, params={"assignments": ids}))
    return _queue(messages)


def stage_opened_notify(*, stage, acting_user):
    """Tell each reviewer with assignments in `stage` that it opened, and until when."""
    messages = []
    for reviewer in _reviewers(Assignment.objects.filter(stage=stage).values("reviewer_id")):
        with translation.override(_language(reviewer)):
            messages.append(_message(
                MessageKind.STAGE_OPEN, reviewer, stage=stage, sent_by=acting_user,
                province_id=stage.round.province_id, subject=_("Paritrana: %(stage)s is open") % {"stage": stage},
                summary=_("Stage opened")))
    return _queue(messages)


def _reviewers(ids):
    """The active accounts among `ids` (a list or a query of user ids), with their profiles, by name."""
    return get_user_model().objects.filter(pk__in=ids, is_active=True).select_related("profile").order_by(
        "last_name", "first_name", "username")


def late_reviewers(stage, *, reviewer_id=None):
    """The active reviewers of `stage` (or only `reviewer_id`) with assignments not yet submitted, each with
    `unsubmitted`, how many."""
    pending = Assignment.objects.filter(stage=stage).exclude(status=AssignmentStatus.SUBMITTED)
    if reviewer_id is not None:
        pending = pending.filter(reviewer_id=reviewer_id)
    pending = dict(pending.values("reviewer_id").annotate(count=Count("id")).values_list("reviewer_id", "count"))
    reviewers = list(_reviewers(list(pending)))
    for reviewer in reviewers:
        reviewer.unsubmitted = pending[reviewer.pk]
    return reviewers


def reminders_send_due(*, now=None):
    """The scheduled round: for each open stage whose deadline is within its `reminder_days`, remind each
    reviewer with unsubmitted assignments — once per reviewer, stage and deadline. Returns how many."""
    now = now or timezone.now()
    sent = 0
    stages = Stage.objects.filter(status=StageStatus.OPEN, deadline__gt=now, reminder_days__gt=0).select_related(
        "round__edition", "round__province")
    for stage in stages:
        if stage.deadline - timedelta(days=stage.reminder_days) > now:
            continue
        messages = [_reminder(stage, reviewer, kind=MessageKind.REMINDER, acting_user=None,
                              batch_key=f"reminder:{stage.pk}:{stage.deadline:%Y%m%d%H%M}")
                    for reviewer in late_reviewers(stage)]
        sent += len(_queue(messages))
    return sent


def _reminder(stage, reviewer, *, kind, acting_user, batch_key):
    with translation.override(_language(reviewer)):
        return _message(
            kind, reviewer, stage=stage, sent_by=acting_user, province_id=stage.round.province_id,
            batch_key=batch_key, params={"unsubmitted": reviewer.unsubmitted},
            subject=_("Paritrana reminder: %(stage)s closes soon") % {"stage": stage},
            summary=_("%(count)s unsubmitted assignments") % {"count": reviewer.unsubmitted})


def reminder_preview(*, stage, reviewer_id, acting_user):
    """The reminders a committee member is about to send (one late reviewer, or all when `reviewer_id` is
    None): [(reviewer, subject, body)], each in its recipient's language."""
    permissions.require(permissions.can_manage_round(acting_user, stage.round))
    previews = []
    for reviewer in late_reviewers(stage, reviewer_id=reviewer_id):
        message = _reminder(stage, reviewer, kind=MessageKind.MANUAL_REMINDER, acting_user=acting_user,
                            batch_key="")
        previews.append((reviewer, message.subject, compose(message)))
    return previews


def reminders_send(*, stage, reviewer_id, request_key, acting_user):
    """Send the reminders `reminder_preview` showed; `request_key` (from the confirmation form) makes a
    form posted twice send once. Returns the messages recorded."""
    permissions.require(permissions.can_manage_round(acting_user, stage.round))
    if stage.status != StageStatus.OPEN:
        return []
    return _queue([_reminder(stage, reviewer, kind=MessageKind.MANUAL_REMINDER, acting_user=acting_user,
                             batch_key=f"manual:{request_key}")
                   for reviewer in late_reviewers(stage, reviewer_id=reviewer_id)])


# -- sending --------------------------------------------------------------------------------------
def site_link(path):
    return settings.PARITRANA_SITE_URL.rstrip("/") + path


def compose(message):
    """The body of `message`, in its recipient's language, written now."""
    recipient = message.recipient
    with translation.override(_language(recipient, message)):
        context = {"message": message, "name": person_name(recipient), "site": site_link("/"),
                   "link": site_link(reverse("reviewer-assignments"))}
        if message.kind == MessageKind.INVITATION:
            context["link"] = site_link(reverse("invitation_accept", args=[
                urlsafe_base64_encode(force_bytes(recipient.pk)), invitation_tokens.make_token(recipient)]))
            context["days"] = settings.PARITRANA_INVITATION_DAYS
            context["username"] = recipient.get_username()
        elif message.kind == MessageKind.PASSWORD_RESET:
            context["link"] = site_link(reverse("password_reset_confirm", args=[
                urlsafe_base64_encode(force_bytes(recipient.pk)), default_token_generator.make_token(recipient)]))
            context["username"] = recipient.get_username()
        elif message.kind == MessageKind.ASSIGNMENTS:
            context["assignments"] = (Assignment.objects.filter(pk__in=message.params.get("assignments", []))
                                      .select_related("nomination__nominee", "nomination__category", "stage__round")
                                      .order_by("stage__round", "nomination__nominee__name"))
        return render_to_string(f"awards/messages/{message.kind}.txt", context).strip() + "\n"


def messages_deliver(message_ids):
    """Send the queued messages among `message_ids`; each ends sent or failed (with the reason). Returns
    how many were sent."""
    sent = 0
    for message_id in message_ids:
        with transaction.atomic():
            message = (Message.objects.select_for_update(of=("self",)).select_related("recipient__profile")
                       .filter(pk=message_id, status=MessageStatus.QUEUED).first())
            if message is None:
                continue  # sent already, by another worker or an earlier run
            message.status, message.sent_at = MessageStatus.FAILED, timezone.now()
            if not message.email:
                message.error = "no-address"
            else:
                try:
                    EmailMessage(subject=message.subject, body=compose(message), to=[message.email]).send()
                    message.status = MessageStatus.SENT
                    sent += 1
                except Exception as error:  # a refused address, an unreachable server: recorded, shown
                    logger.warning("Message %s to %s not sent: %s", message.pk, message.email, error)
                    message.error = str(error)[:500]
            message.save(update_fields=["status", "sent_at", "error"])
    return sent
