"""An edition's chain of frozen results, interim results, and the refusals that keep them honest."""
import json

import pytest
from django.urls import reverse

from awards.models import ResultSnapshot
from awards.services.result_checks import results_verify
from awards.services.results import ResultError, result_correct, result_freeze, result_publish
from awards.services.stages import stage_close, stage_open

from .factories import ranking_group


def freeze(award, category, stage):
    return result_freeze(round_=award.provincial, category=category, stage=stage, acting_user=award.committee)


def test_each_result_names_the_digest_of_the_edition_result_frozen_before_it(award, closed):
    other, _nominations = ranking_group(award, 3)
    first = freeze(award, award.pemkab, closed)
    second = freeze(award, other, closed)
    third = result_correct(snapshot=first, reason="koreksi", acting_user=award.committee)
    assert [(s.previous_id, json.loads(s.content)["previous"]) for s in (first, second, third)] == [
        (None, None), (first.id, first.digest), (second.id, second.digest)]
    assert results_verify() == []


def test_a_freeze_while_a_weighted_stage_is_not_closed_is_interim_and_never_published(award, closed):
    snapshot = freeze(award, award.pemkab, closed)
    content = json.loads(snapshot.content)
    assert (snapshot.interim, content["interim"]) == (True, True)
    with pytest.raises(ResultError, match="This is an interim result"):
        result_publish(snapshot=snapshot, acting_user=award.committee)
    snapshot.refresh_from_db()
    assert snapshot.published_at is None
    with pytest.raises(ResultError, match="An interim result of this stage is already frozen"):
        freeze(award, award.pemkab, closed)


def test_the_final_result_follows_an_interim_one_and_names_winners(award, closed):
    interim = freeze(award, award.pemkab, closed)
    stage_open(stage=award.stages["interview"], acting_user=award.committee)
    stage_close(stage=award.stages["interview"], acting_user=award.committee)
    final = freeze(award, award.pemkab, award.stages["interview"])
    assert (final.interim, final.previous, final.supersedes) == (False, interim, None)
    result_publish(snapshot=final, acting_user=award.committee)
    with pytest.raises(ResultError, match="already frozen"):
        freeze(award, award.pemkab, award.stages["interview"])


def test_a_ranking_before_the_last_weighted_stage_is_interim_even_when_every_stage_is_closed(award, final):
    snapshot = freeze(award, award.pemkab, award.stages["assessment"])
    assert snapshot.interim


def test_the_public_page_never_shows_an_interim_result(client, award, closed):
    freeze(award, award.pemkab, closed)
    response = client.get(reverse("public-results"))
    assert (response.context["groups"], response.context["edition"]) == ([], None)
    assert client.get(reverse("public-results-year", args=[2025])).status_code == 404


def test_snapshot_page_round_page_and_exports_label_an_interim_result(english, award, closed):
    snapshot = freeze(award, award.pemkab, closed)
    english.force_login(award.provincial_committee)
    page = english.get(reverse("committee-snapshot", args=[snapshot.id])).content.decode()
    assert "Interim result" in page
    assert ("Interim (sementara): frozen while the stage “Interview” (weight 40) is not closed: it is draft."
            in page)
    assert 'id="publish"' not in page
    assert 'class="winner"' not in page
    assert 'class="interim"' in english.get(reverse("committee-round", args=[award.provincial.id])).content.decode()
    csv_text = b"".join(english.get(reverse("committee-snapshot-export", args=[snapshot.id, "csv"]))
                        .streaming_content).decode("utf-8-sig")
    assert "Winner" not in csv_text
    assert csv_text.count("Interim (sementara): no winners") == len(json.loads(snapshot.content)["ranking"]["rows"])


def test_the_result_pages_show_the_chain_head(english, client, award, final):
    first = freeze(award, award.pemkab, final)
    result_publish(snapshot=first, acting_user=award.committee)
    other, _nominations = ranking_group(award, 2)
    second = freeze(award, other, final)
    english.force_login(award.observer)
    page = english.get(reverse("committee-snapshot", args=[first.id])).content.decode()
    assert f'<dd id="chain-head"><a href="{reverse("committee-snapshot", args=[second.id])}"><code>{second.digest}' in page
    assert "none: the first result of the edition" in page
    public = client.get(reverse("public-results")).content.decode()
    assert second.digest in public and first.digest in public
    assert reverse("public-result-content", args=[2025, first.id]) in public


def test_a_published_result_has_its_exact_json_at_a_public_address(client, award, final):
    result = freeze(award, award.pemkab, final)
    url = reverse("public-result-content", args=[2025, result.id])
    assert client.get(url).status_code == 404  # not published yet
    result_publish(snapshot=result, acting_user=award.committee)
    response = client.get(url)
    assert (response.status_code, response["Content-Type"], response.content) == (
        200, "application/json; charset=utf-8", result.content.encode("utf-8"))
    assert client.get(reverse("public-result-content", args=[2024, result.id])).status_code == 404


def test_an_interim_result_has_no_public_json(client, award, closed):
    interim = freeze(award, award.pemkab, closed)
    assert client.get(reverse("public-result-content", args=[2025, interim.id])).status_code == 404


def test_a_correction_of_a_final_result_cannot_be_an_interim_one(award, final):
    result = freeze(award, award.pemkab, final)
    result_publish(snapshot=result, acting_user=award.committee)
    with pytest.raises(ResultError, match="A correction of a final result is final too: .*before the weighted "
                                          "stage “Interview”"):
        result_correct(snapshot=result, stage=award.stages["assessment"], reason="salah tahap",
                       acting_user=award.committee)
    assert not ResultSnapshot.objects.filter(supersedes=result).exists()
    correction = result_correct(snapshot=result, reason="nilai wawancara diperbaiki", acting_user=award.committee)
    assert (correction.interim, correction.previous) == (False, result)
