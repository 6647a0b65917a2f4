"""Opening, closing (with the unsubmitted warning) and reopening stages, each audited."""
import pytest
from django.urls import reverse

from awards.models import AuditEvent, StageStatus
from awards.services.stages import StageError, stage_close, stage_open, stage_reopen, stage_unsubmitted_count


def test_closing_warns_about_unsubmitted_assignments(english, award):
    stage = award.stages["assessment"]
    # The demo: penilai1 has 15 pemkab assignments without a submission.
    assert stage_unsubmitted_count(stage=stage) == 15
    english.force_login(award.committee)
    url = reverse("committee-stage-action", args=[award.provincial.id, stage.id, "close"])
    page = english.get(url).content.decode()
    assert "15 assignments are not submitted" in page
    response = english.post(url)
    assert response.url == reverse("committee-round", args=[award.provincial.id])
    stage.refresh_from_db()
    assert stage.status == StageStatus.CLOSED
    event = AuditEvent.objects.get(action="stage_close", object_id=str(stage.id))
    assert (event.actor, event.changes, event.summary_text()) == (
        award.committee, {"status": ["open", "closed"]},
        "2025 · Provincial round Lampung · Assessment: closed with 15 unsubmitted assignments")


def test_open_needs_the_earlier_stages_closed(award):
    with pytest.raises(StageError, match="earlier stages"):
        stage_open(stage=award.stages["interview"], acting_user=award.committee)
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    stage = stage_open(stage=award.stages["interview"], acting_user=award.committee)
    assert stage.status == StageStatus.OPEN
    with pytest.raises(StageError, match="Only a draft stage"):
        stage_open(stage=stage, acting_user=award.committee)


def test_reopen_needs_a_reason_and_no_later_stage_running(award):
    assessment = award.stages["assessment"]
    with pytest.raises(StageError, match="Only a closed stage"):
        stage_reopen(stage=assessment, reason="x", acting_user=award.committee)
    stage_close(stage=assessment, acting_user=award.committee)
    with pytest.raises(StageError, match="reason"):
        stage_reopen(stage=assessment, reason=" ", acting_user=award.committee)
    with pytest.raises(StageError, match="later stage"):
        stage_reopen(stage=award.stages["screening"], reason="late documents", acting_user=award.committee)
    stage = stage_reopen(stage=assessment, reason="late documents", acting_user=award.committee)
    assert stage.status == StageStatus.OPEN
    event = AuditEvent.objects.get(action="stage_reopen")
    assert (event.changes, event.summary) == ({"status": ["closed", "open"]}, "late documents")


def test_reopen_page_without_reason_says_what_to_fix(english, award):
    stage = award.stages["assessment"]
    stage_close(stage=stage, acting_user=award.committee)
    english.force_login(award.provincial_committee)
    response = english.post(reverse("committee-stage-action", args=[award.provincial.id, stage.id, "reopen"]),
                            {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason for reopening the stage" in response.content.decode()
    stage.refresh_from_db()
    assert stage.status == StageStatus.CLOSED


def test_unknown_stage_action_is_404(client, award):
    client.force_login(award.committee)
    stage = award.stages["interview"]
    assert client.post(reverse("committee-stage-action", args=[award.provincial.id, stage.id, "delete"])).status_code == 404
    assert client.get(reverse("committee-stage-action", args=[award.provincial.id, stage.id, "open"])).status_code == 404


def test_the_deadline_and_reminder_are_set_on_the_round_page(english, award, client):
    assessment = award.stages["assessment"]
    url = reverse("committee-stage-action", args=[award.provincial.id, assessment.id, "options"])
    english.force_login(award.provincial_committee)
    round_page = english.get(reverse("committee-round", args=[award.provincial.id])).content.decode()
    assert f'href="{url}"' in round_page

    form = english.get(url)
    assert form.context["form"]["reminder_days"].value() == 3
    response = english.post(url, {"deadline": "2025-09-30T17:00", "reminder_days": "5"})

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.reminder_days, assessment.deadline.isoformat()) == (5, "2025-09-30T10:00:00+00:00")
    event = AuditEvent.objects.filter(action="stage_options", object_id=str(assessment.id)).latest("id")
    assert set(event.changes) == {"deadline", "reminder_days"}
    shown = english.get(reverse("committee-round", args=[award.provincial.id])).content.decode()
    assert "reminder 5 days before" in shown
    bad = english.post(url, {"deadline": "30/09/2025", "reminder_days": "-1"})
    assert bad.status_code == 400 and sorted(bad.context["form"].errors) == ["deadline", "reminder_days"]
    for user in (award.other_province_committee, award.observer, award.reviewer):
        client.force_login(user)
        assert client.post(url, {"reminder_days": "1"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.reminder_days == 5


def test_a_closed_stage_keeps_its_deadline(english, award):
    assessment = award.stages["assessment"]
    stage_close(stage=assessment, acting_user=award.committee)
    english.force_login(award.committee)
    url = reverse("committee-stage-action", args=[award.provincial.id, assessment.id, "options"])
    response = english.post(url, {"deadline": "2025-09-30T17:00", "reminder_days": "5"})
    assert response.status_code == 400
    assert "The stage is closed: its options no longer change." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.reminder_days == 3
