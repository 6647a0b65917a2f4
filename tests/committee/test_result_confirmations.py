"""Freezing, publishing and correcting first show what will happen; only a confirmed POST acts, once."""
import pytest
from django.test import Client
from django.urls import reverse

from awards.models import AuditEvent, ResultSnapshot
from awards.services.results import result_freeze


def freeze_url(award):
    return reverse("committee-freeze", args=[award.provincial.id, award.pemkab.id])


def test_freeze_confirmation_shows_the_stage_the_winners_and_that_it_cannot_be_undone(english, award, final):
    english.force_login(award.provincial_committee)
    response = english.get(freeze_url(award), {"tahap": final.id})
    page = response.content.decode()
    names = [row["name"] for row in response.context["winners"]]
    assert [row["rank"] for row in response.context["winners"]] == [1, 2, 3]
    assert all(f"— {name}" in page for name in names)
    assert "Interview" in page and "It cannot be undone" in page
    assert 'name="confirm" value="yes"' in page and "csrfmiddlewaretoken" in page
    assert ResultSnapshot.objects.count() == 0


def test_freeze_confirmation_says_why_a_result_would_be_interim(english, award, closed):
    english.force_login(award.committee)
    response = english.get(freeze_url(award), {"tahap": closed.id})
    page = response.content.decode()
    assert response.context["winners"] == []
    assert ("It will be an interim record, because the stage “Interview” (weight 40) is not closed: it is draft."
            in page)


def test_a_freeze_post_without_the_confirmation_does_nothing(english, award, final):
    english.force_login(award.committee)
    response = english.post(freeze_url(award), {"stage": final.id})
    assert response.url == freeze_url(award) + f"?tahap={final.id}"
    assert ResultSnapshot.objects.count() == 0
    assert not AuditEvent.objects.filter(action="result_freeze").exists()


def test_a_confirmed_freeze_posted_twice_makes_one_result(english, award, final):
    english.force_login(award.committee)
    english.post(freeze_url(award), {"stage": final.id, "confirm": "yes"})
    response = english.post(freeze_url(award), {"stage": final.id, "confirm": "yes"}, follow=True)
    assert ResultSnapshot.objects.count() == 1
    assert "This result is already frozen" in response.content.decode()


def test_publish_confirmation_then_a_confirmed_post_publishes_once(english, award, final):
    snapshot = result_freeze(round_=award.provincial, category=award.pemkab, stage=final, acting_user=award.committee)
    english.force_login(award.committee)
    url = reverse("committee-snapshot-publish", args=[snapshot.id])
    page = english.get(url).content.decode()
    assert "Winners shown to everyone once published" in page and "It cannot be undone" in page
    english.post(url)
    snapshot.refresh_from_db()
    assert snapshot.published_at is None
    english.post(url, {"confirm": "yes"})
    english.post(url, {"confirm": "yes"})
    assert AuditEvent.objects.filter(action="result_publish", object_id=str(snapshot.id)).count() == 1


def test_an_interim_result_has_no_publish_confirmation_and_is_not_published(english, award, closed):
    snapshot = result_freeze(round_=award.provincial, category=award.pemkab, stage=closed, acting_user=award.committee)
    english.force_login(award.committee)
    url = reverse("committee-snapshot-publish", args=[snapshot.id])
    response = english.get(url, follow=True)
    assert "This is an interim result" in response.content.decode()
    response = english.post(url, {"confirm": "yes"}, follow=True)
    assert "This is an interim result" in response.content.decode()
    snapshot.refresh_from_db()
    assert snapshot.published_at is None


def test_correct_confirmation_asks_the_reason_and_acts_only_when_confirmed(english, award, final):
    snapshot = result_freeze(round_=award.provincial, category=award.pemkab, stage=final, acting_user=award.committee)
    english.force_login(award.committee)
    url = reverse("committee-snapshot-correct", args=[snapshot.id])
    page = english.get(url).content.decode()
    assert 'name="reason"' in page and "It cannot be undone" in page
    response = english.post(url, {"reason": "typo"})
    assert response.status_code == 400
    assert ResultSnapshot.objects.count() == 1
    english.post(url, {"reason": "typo", "confirm": "yes"})
    english.post(url, {"reason": "typo", "confirm": "yes"})
    assert ResultSnapshot.objects.filter(supersedes=snapshot).count() == 1


def test_the_confirmation_forms_need_the_csrf_token(award, final):
    client = Client(enforce_csrf_checks=True)
    client.force_login(award.committee)
    assert client.post(freeze_url(award), {"stage": final.id, "confirm": "yes"}).status_code == 403
    assert ResultSnapshot.objects.count() == 0


@pytest.mark.parametrize("username", ["pemantau", "penilai1", "panitia_jakarta"])
def test_confirmation_pages_are_refused_outside_scope(client, award, final, username):
    client.force_login(award.users[username])
    assert client.get(freeze_url(award), {"tahap": final.id}).status_code == 403
