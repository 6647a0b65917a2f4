"""Advancement of the top K from the provincial round to the national round; tie decisions."""
import pytest
from django.urls import reverse

from awards.models import AuditEvent, Nomination
from awards.scoring import rank_group
from awards.services.advancement import AdvancementError, round_advance
from awards.services.stages import stage_close, stage_open

from .factories import ranking_group


def test_advancement_needs_every_weighted_stage_closed_and_a_provincial_round(award):
    with pytest.raises(AdvancementError, match="Close the stage “Assessment” \\(weight 60, now open\\)"):
        round_advance(round_=award.provincial, category=award.pemkab, acting_user=award.committee)
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    with pytest.raises(AdvancementError, match="Close the stage “Interview” \\(weight 40, now draft\\)"):
        round_advance(round_=award.provincial, category=award.pemkab, acting_user=award.committee)
    stage_open(stage=award.stages["interview"], acting_user=award.committee)
    with pytest.raises(AdvancementError, match="Close the stage “Interview” \\(weight 40, now open\\)"):
        round_advance(round_=award.provincial, category=award.pemkab, acting_user=award.committee)
    assert not Nomination.objects.filter(round=award.national).exclude(advanced_from=None).exists()
    with pytest.raises(AdvancementError, match="provincial round"):
        round_advance(round_=award.national, category=award.pemkab, acting_user=award.committee)


def test_top_k_advance_as_linked_national_nominations_once(award, final):
    top = rank_group(award.pemkab, award.provincial, final).rows[0]
    [created] = round_advance(round_=award.provincial, category=award.pemkab, acting_user=award.provincial_committee)
    assert (created.round, created.category, created.advanced_from_id, created.eligibility, created.nominee.code) == (
        award.national, award.pemkab, top.nomination_id, "pending", top.nominee_code)
    assert AuditEvent.objects.get(action="nomination_advance").changes == {"advanced_from": [None, str(top.nomination_id)]}
    with pytest.raises(AdvancementError, match="already advanced"):
        round_advance(round_=award.provincial, category=award.pemkab, acting_user=award.committee)


def test_a_tie_at_the_boundary_needs_a_recorded_decision(award, final):
    category, nominations = ranking_group(award, 3, uniform=True)
    ids = sorted(n.id for n in nominations)
    with pytest.raises(AdvancementError, match="choose exactly 1 of them"):
        round_advance(round_=award.provincial, category=category, acting_user=award.committee)
    with pytest.raises(AdvancementError, match="choose exactly 1 of them"):
        round_advance(round_=award.provincial, category=category, acting_user=award.committee, chosen=ids[:2],
                      reason="undian")
    with pytest.raises(AdvancementError, match="reason"):
        round_advance(round_=award.provincial, category=category, acting_user=award.committee, chosen=[ids[1]])
    [created] = round_advance(round_=award.provincial, category=category, acting_user=award.committee,
                              chosen=[ids[1]], reason="Undian di rapat pleno 12 Juni")
    assert created.advanced_from_id == ids[1]
    decision = AuditEvent.objects.get(action="advancement_tie_decision")
    assert (decision.object_id, decision.summary, decision.changes) == (
        str(award.provincial.id), "Undian di rapat pleno 12 Juni",
        {"category": [None, "uji"], "tied": [None, ",".join(map(str, ids))], "chosen": [None, str(ids[1])]})


def test_advancement_page_shows_the_tie_and_advances(english, award, final):
    category, nominations = ranking_group(award, 2, uniform=True)
    english.force_login(award.provincial_committee)
    url = reverse("committee-advancement", args=[award.provincial.id, category.id])
    response = english.get(url)
    assert ([row.nomination_id for row in response.context["tied"]], response.context["places"]) == (
        sorted(n.id for n in nominations), 1)
    assert "Advancing cannot be undone" in response.content.decode()
    response = english.post(url, {"chosen": [nominations[0].id], "confirm": "yes"})
    assert response.status_code == 400
    assert "Give the reason for the committee&#x27;s decision on the tie." in response.content.decode()
    response = english.post(url, {"chosen": [nominations[0].id], "reason": "undian"})
    assert response.status_code == 400
    assert "Nothing advanced: check who will advance and confirm it." in response.content.decode()
    assert not Nomination.objects.filter(round=award.national, category=category).exists()
    response = english.post(url, {"chosen": [nominations[0].id], "reason": "undian", "confirm": "yes"})
    assert response.url == url
    assert list(Nomination.objects.filter(round=award.national, category=category)
                .values_list("advanced_from_id", flat=True)) == [nominations[0].id]


@pytest.mark.parametrize("username", ["pemantau", "penilai1", "panitia_jakarta"])
def test_advancement_is_refused_outside_scope(client, award, username):
    client.force_login(award.users[username])
    url = reverse("committee-advancement", args=[award.provincial.id, award.pemkab.id])
    assert (client.get(url).status_code, client.post(url).status_code) == (403, 403)
