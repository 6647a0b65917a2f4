"""Messages by email, sent by the real worker loop: invitations, assignment batches, stage openings,
deadline reminders (scheduled and by hand), and the committee's list of what was sent."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from awards.models import Assignment, Message, MessageKind, MessageStatus, Panel, Profile, Role
from awards.services.assignments import assignments_bulk
from awards.services.messages import invitation_send, reminders_send_due
from awards.services.stages import stage_open, stage_update_options
from tests.jobs import run_worker


def to(address):
    """The mail sent to `address` (the demo's own messages are in the outbox too)."""
    return [m for m in mail.outbox if m.to == [address]]


def link_in(message):
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@pytest.fixture(autouse=True)
def english_recipients(award):
    """The demo's people read their mail in English here (each test that needs Indonesian says so)."""
    Profile.objects.update(language="en")


@pytest.fixture
def site(settings):
    settings.PARITRANA_SITE_URL = "http://testserver"


def invited(award, username="baru", email="baru@example.org", language="en"):
    user = get_user_model().objects.create_user(username=username, email=email, first_name="Ratna",
                                                last_name="Sari", password=None)
    Profile.objects.create(user=user, role=Role.REVIEWER, province_id="18", language=language)
    invitation_send(user=user, acting_user=award.committee)
    return user


def test_an_invitation_link_sets_the_password_once_and_signs_in(award, english, site):
    client = english
    user = invited(award)
    run_worker()

    [sent] = to("baru@example.org")
    assert (sent.to, sent.subject) == (["baru@example.org"], "Your Paritrana account")
    assert "Dear Ratna Sari," in sent.body and "Your user name is baru." in sent.body
    link = link_in(sent)
    form = client.get(link, follow=True)
    assert form.context["validlink"] is True
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "Lampung-Bersatu-2025",
                                                        "new_password2": "Lampung-Bersatu-2025"})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.get(reverse("reviewer-assignments")).status_code == 200  # signed in
    user.refresh_from_db()
    assert user.check_password("Lampung-Bersatu-2025")
    assert Message.objects.get(recipient=user).status == MessageStatus.SENT

    client.logout()  # and with it the language cookie: the page speaks Indonesian
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "Tautan undangan ini tidak berlaku lagi" in again.content.decode()


def test_an_invitation_expires(award, client, site, settings):
    invited(award)
    run_worker()
    settings.PARITRANA_INVITATION_DAYS = 0
    from awards.tokens import invitation_tokens

    invitation_tokens._now = lambda: timezone.now().replace(tzinfo=None) + timedelta(days=1)
    try:
        assert client.get(link_in(to("baru@example.org")[0]), follow=True).context["validlink"] is False
    finally:
        del invitation_tokens._now


def test_a_message_is_written_in_the_recipients_language(award, site):
    invited(award, language="id")
    run_worker()
    assert to("baru@example.org")[0].subject == "Akun Paritrana Anda"


def test_a_message_to_an_account_without_address_fails_and_says_so(award, english):
    invited(award, email="")
    run_worker()
    message = Message.objects.get(recipient__username="baru")
    assert (message.status, message.error) == (MessageStatus.FAILED, "no-address")
    english.force_login(award.committee)
    assert "the account has no email address" in english.get(reverse("committee-messages")).content.decode()


def test_a_batch_of_assignments_is_one_message_per_reviewer(award):
    run_worker()
    mail.outbox.clear()
    interview = award.stages["interview"]
    panel = Panel.objects.filter(round=award.provincial).first()
    before = Message.objects.count()
    outcome = assignments_bulk(panel=panel, category=award.pemkab, stage=interview, acting_user=award.committee)
    reviewers = {a.reviewer_id for a in outcome.created}
    assert len(outcome.created) > len(reviewers) > 1

    assert Message.objects.count() - before == len(reviewers)
    run_worker()
    batch = [m for m in mail.outbox if "new nominations to review" in m.subject]
    assert len(batch) == len(reviewers)
    per_reviewer = len(outcome.created) // len(reviewers)
    assert batch[0].subject == f"Paritrana: {per_reviewer} new nominations to review"
    assert batch[0].body.count("\n- ") == per_reviewer


def test_opening_a_stage_tells_its_reviewers(award, closed):
    interview = award.stages["interview"]
    panel = Panel.objects.filter(round=award.provincial).first()
    assignments_bulk(panel=panel, category=award.pemkab, stage=interview, acting_user=award.committee)
    run_worker()
    mail.outbox.clear()
    stage_open(stage=interview, acting_user=award.committee)
    run_worker()
    reviewers = set(Assignment.objects.filter(stage=interview).values_list("reviewer__email", flat=True))
    assert {m.to[0] for m in mail.outbox} == reviewers
    assert all(m.subject.endswith("is open") for m in mail.outbox)


def late_reviewers_of(stage):
    return set(Assignment.objects.filter(stage=stage).exclude(status="submitted").values_list("reviewer_id",
                                                                                              flat=True))


def test_reminders_run_twice_send_once(award, capsys):
    assessment = award.stages["assessment"]
    stage_update_options(stage=assessment, changes={"deadline": timezone.now() + timedelta(days=2)},
                         acting_user=award.committee)
    late = late_reviewers_of(assessment)
    assert late
    run_worker()
    mail.outbox.clear()

    assert reminders_send_due() == len(late)
    call_command("send_reminders")
    assert capsys.readouterr().out == "0 reminders queued for sending.\n"
    run_worker()
    reminders = [m for m in mail.outbox if m.subject.startswith("Paritrana reminder")]
    assert len(reminders) == len(late)
    assert "closes on" in reminders[0].body


def test_no_reminder_before_the_stages_reminder_days(award):
    assessment = award.stages["assessment"]
    stage_update_options(stage=assessment, changes={"deadline": timezone.now() + timedelta(days=5)},
                         acting_user=award.committee)
    assert reminders_send_due() == 0
    stage_update_options(stage=assessment, changes={"reminder_days": 6}, acting_user=award.committee)
    assert reminders_send_due() == len(late_reviewers_of(assessment))


def test_the_committee_reminds_a_late_reviewer_after_reading_the_message(award, english):
    assessment = award.stages["assessment"]
    reviewer_id = sorted(late_reviewers_of(assessment))[0]
    english.force_login(award.provincial_committee)
    progress = english.get(reverse("committee-progress", args=[award.provincial.id])).content.decode()
    url = reverse("committee-remind", args=[award.provincial.id, assessment.id])
    assert f"{url}?penilai={reviewer_id}" in progress

    preview = english.get(url, {"penilai": reviewer_id})
    [(_name, _address, subject, body)] = preview.context["previews"]
    assert subject.startswith("Paritrana reminder") and "not submitted" in body
    key = preview.context["request_key"]
    first = english.post(url, {"penilai": reviewer_id, "request_key": key})
    second = english.post(url, {"penilai": reviewer_id, "request_key": key})  # posted twice

    assert first.status_code == second.status_code == 302
    assert Message.objects.filter(kind=MessageKind.MANUAL_REMINDER).count() == 1
    run_worker()
    assert [m.subject for m in mail.outbox if m.subject.startswith("Paritrana reminder")] == [subject]


def test_remind_all_and_who_may_not(award, english, client):
    assessment = award.stages["assessment"]
    url = reverse("committee-remind", args=[award.provincial.id, assessment.id])
    english.force_login(award.committee)
    preview = english.get(url)
    assert len(preview.context["previews"]) == len(late_reviewers_of(assessment))
    for user in (award.other_province_committee, award.observer, award.reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"request_key": "a" * 32}).status_code == 403
    assert Message.objects.filter(kind=MessageKind.MANUAL_REMINDER).count() == 0


def test_the_list_of_messages_is_scoped(award, client, django_assert_max_num_queries):
    invited(award)
    other = get_user_model().objects.create_user(username="jkt", email="jkt@example.org")
    Profile.objects.create(user=other, role=Role.REVIEWER, province_id="31")
    invitation_send(user=other, acting_user=award.committee)
    client.force_login(award.committee)
    with django_assert_max_num_queries(8):
        everything = client.get(reverse("committee-messages"))
    assert {row.record.recipient.username for row in everything.context["table"].page.object_list} >= {"baru", "jkt"}
    client.force_login(award.provincial_committee)
    own = client.get(reverse("committee-messages"))
    assert "jkt" not in {row.record.recipient.username for row in own.context["table"].page.object_list}
    for user in (award.reviewer,):
        client.force_login(user)
        assert client.get(reverse("committee-messages")).status_code == 403
    client.force_login(award.provincial_committee)
    assert client.get(reverse("committee-outbox")).status_code in (403, 404)


def test_the_development_outbox_shows_the_mail_as_sent(award, english, settings, tmp_path, site):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "outbox"
    invited(award)
    run_worker()
    english.force_login(award.committee)
    assert "Read the development outbox" in english.get(reverse("committee-messages")).content.decode()
    page = english.get(reverse("committee-outbox"))
    mails = [m for m in page.context["mails"] if m["to"] == "baru@example.org"]
    assert [m["subject"] for m in mails] == ["Your Paritrana account"]
    assert "/akun/undangan/" in mails[0]["body"]
    english.force_login(award.provincial_committee)
    assert english.get(reverse("committee-outbox")).status_code == 403
