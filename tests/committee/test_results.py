"""Freezing, publishing, correcting and verifying results; the public results page."""
import hashlib
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from awards.models import AuditEvent, ResultSnapshot
from awards.scoring import explain, rank_group
from awards.services.result_checks import results_verify
from awards.services.results import ResultError, result_correct, result_freeze, result_publish
from tests.results_guard import guard_lifted


@pytest.fixture
def frozen(award, final):
    return result_freeze(round_=award.provincial, category=award.pemkab, stage=final, acting_user=award.committee)


def test_freezing_an_open_stage_is_refused(award):
    with pytest.raises(ResultError, match="Close the stage"):
        result_freeze(round_=award.provincial, category=award.pemkab, stage=award.stages["assessment"],
                      acting_user=award.committee)
    assert ResultSnapshot.objects.count() == 0


def test_frozen_result_holds_the_ranking_with_breakdowns_and_its_sha256(award, frozen):
    ranking = rank_group(award.pemkab, award.provincial, award.stages["interview"])
    content = json.loads(frozen.content)
    assert frozen.digest == hashlib.sha256(frozen.content.encode("utf-8")).hexdigest()
    assert frozen.content == json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert [(r["rank"], r["nominee"], r["round_score"]) for r in content["ranking"]["rows"]] == [
        (r.rank, r.nominee_code, str(r.round_score)) for r in ranking.rows]
    first = content["ranking"]["rows"][0]
    assert first["breakdown"] == explain(ranking, ranking.rows[0].nomination_id).as_data()["stages"]
    assert (content["format"], content["frozen_by"], content["stage"], content["supersedes"], content["previous"],
            content["interim"], content["category"]["code"], content["round"]["key"]) == (
        "paritrana-result/2", "panitia", "interview", None, None, False, "pemkab", "18")
    assert content["round_stages"] == [{"kind": "screening", "weight": "0.0000", "status": "closed"},
                                       {"kind": "assessment", "weight": "60.0000", "status": "closed"},
                                       {"kind": "interview", "weight": "40.0000", "status": "closed"}]
    event = AuditEvent.objects.get(action="result_freeze")
    assert (event.actor, event.object_id, event.changes) == (award.committee, str(frozen.id), {
        "digest": [None, frozen.digest], "previous": [None, None], "interim": [None, False],
        "edition": [None, 2025], "round": [None, "18"], "category": [None, "pemkab"]})


def test_a_frozen_result_is_not_frozen_twice(award, frozen):
    for stage in (award.stages["interview"], award.stages["assessment"]):
        with pytest.raises(ResultError, match="already frozen"):
            result_freeze(round_=award.provincial, category=award.pemkab, stage=stage, acting_user=award.committee)
    assert ResultSnapshot.objects.count() == 1


def test_correction_supersedes_with_a_reason_and_names_the_old_digest(award, frozen):
    with pytest.raises(ResultError, match="reason"):
        result_correct(snapshot=frozen, reason="  ", acting_user=award.committee)
    new = result_correct(snapshot=frozen, reason="Nilai penilai2 salah ketik", acting_user=award.committee)
    content = json.loads(new.content)
    assert (new.supersedes, new.reason, content["supersedes"], content["reason"]) == (
        frozen, "Nilai penilai2 salah ketik", frozen.digest, "Nilai penilai2 salah ketik")
    assert ResultSnapshot.objects.get(pk=frozen.pk).content == frozen.content
    with pytest.raises(ResultError, match="already been corrected"):
        result_correct(snapshot=frozen, reason="again", acting_user=award.committee)
    with pytest.raises(ResultError, match="publish the correction"):
        result_publish(snapshot=frozen, acting_user=award.committee)


def test_publishing_sets_the_time_once(award, frozen):
    result_publish(snapshot=frozen, acting_user=award.committee)
    frozen.refresh_from_db()
    assert frozen.published_at is not None
    with pytest.raises(ResultError, match="already published"):
        result_publish(snapshot=frozen, acting_user=award.committee)
    assert AuditEvent.objects.filter(action="result_publish", object_id=str(frozen.id)).count() == 1


def test_public_page_shows_winners_one_to_three_in_both_languages(client, award, frozen):
    ranking = rank_group(award.pemkab, award.provincial, award.stages["interview"])
    top3 = [r.nominee_name for r in ranking.rows[:3]]
    response = client.get(reverse("public-results"))
    assert response.context["groups"] == []
    result_publish(snapshot=frozen, acting_user=award.committee)

    response = client.get(reverse("public-results"))
    [group] = response.context["groups"]
    assert [(row["rank"], row["name"]) for row in group["winners"]] == list(zip([1, 2, 3], top3, strict=True))
    assert "Pemerintah Kabupaten/Kota" in response.content.decode()
    assert 'lang="id"' in response.content.decode()

    client.cookies["django_language"] = "en"
    page = client.get(reverse("public-results-year", args=[2025])).content.decode()
    assert 'lang="en"' in page
    assert "Regency/City Government" in page
    assert f"<strong>Winner 1</strong> — {top3[0]}" in page
    assert frozen.digest in page


def test_published_correction_replaces_the_public_result(client, award, frozen):
    result_publish(snapshot=frozen, acting_user=award.committee)
    new = result_correct(snapshot=frozen, reason="koreksi", acting_user=award.committee)
    assert [g["snapshot"].id for g in client.get(reverse("public-results")).context["groups"]] == [frozen.id]
    result_publish(snapshot=new, acting_user=award.committee)
    assert [g["snapshot"].id for g in client.get(reverse("public-results")).context["groups"]] == [new.id]


def test_unknown_year_is_404(client, award):
    assert client.get(reverse("public-results-year", args=[2019])).status_code == 404


def test_verify_results_passes_then_fails_on_a_tampered_result(award, frozen, capsys):
    result_correct(snapshot=frozen, reason="koreksi", acting_user=award.committee)
    with translation.override("en"):
        call_command("verify_results")
    assert capsys.readouterr().out == ("All 2 frozen results verified: every digest matches its content and every "
                                       "edition's chain is whole.\n")
    with guard_lifted():
        ResultSnapshot.objects.filter(pk=frozen.pk).update(content=frozen.content.replace('"rank":1', '"rank":2', 1))
    with pytest.raises(CommandError, match="1 results do not verify"), translation.override("en"):
        call_command("verify_results")
    assert [p.snapshot_id for p in results_verify()] == [frozen.id]


def test_verify_results_notices_a_broken_correction_link(award, frozen):
    new = result_correct(snapshot=frozen, reason="koreksi", acting_user=award.committee)
    other = result_correct(snapshot=new, reason="lagi", acting_user=award.committee)
    with guard_lifted():
        ResultSnapshot.objects.filter(pk=other.pk).update(supersedes=None, reason="x")
    assert [p.snapshot_id for p in results_verify()] == [other.id]


def test_freeze_publish_and_correct_through_the_pages(english, award, final):
    english.force_login(award.provincial_committee)
    leaderboard = reverse("committee-leaderboard", args=[award.provincial.id, award.pemkab.id])
    page = english.get(leaderboard + f"?tahap={final.id}").content.decode()
    assert "Freeze the result…" in page
    freeze = reverse("committee-freeze", args=[award.provincial.id, award.pemkab.id])
    page = english.get(freeze, {"tahap": final.id}).content.decode()
    assert "It cannot be undone" in page and "Winner 1" in page
    response = english.post(freeze, {"stage": final.id, "confirm": "yes"})
    snapshot = ResultSnapshot.objects.get()
    assert response.url == reverse("committee-snapshot", args=[snapshot.id])
    page = english.get(response.url).content.decode()
    assert snapshot.digest in page and "matches the content" in page
    publish = reverse("committee-snapshot-publish", args=[snapshot.id])
    assert "Winners shown to everyone once published" in english.get(publish).content.decode()
    english.post(publish, {"confirm": "yes"})
    snapshot.refresh_from_db()
    assert snapshot.published_at is not None
    correct = reverse("committee-snapshot-correct", args=[snapshot.id])
    response = english.post(correct, {"reason": "", "confirm": "yes"})
    assert response.status_code == 400
    assert ResultSnapshot.objects.count() == 1
    response = english.post(correct, {"reason": "typo", "confirm": "yes"})
    new = ResultSnapshot.objects.get(supersedes=snapshot)
    assert response.url == reverse("committee-snapshot", args=[new.id])
    assert english.get(reverse("committee-snapshot-content", args=[new.id])).content == new.content.encode()


def test_frozen_result_exports_as_csv_and_xlsx(english, award, frozen):
    import csv
    import io

    from openpyxl import load_workbook

    english.force_login(award.observer)
    content = json.loads(frozen.content)
    expected = [[str(r["rank"]), r["nominee"], r["name"], r["round_score"],
                 f"Winner {r['rank']}" if r["rank"] <= 3 else "", " ".join(r["flags"]), frozen.digest]
                for r in content["ranking"]["rows"]]
    response = english.get(reverse("committee-snapshot-export", args=[frozen.id, "csv"]))
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["Rank", "Code", "Nominee", "Round score", "Results", "Flags", "SHA-256 digest"]
    assert lines[1:] == expected
    response = english.get(reverse("committee-snapshot-export", args=[frozen.id, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    # The rank and the stored score are numbers (shown with 2 decimals); the rest is text.
    assert [[("" if v is None else str(v)) for v in row[:3] + row[4:]]
            for row in sheet.iter_rows(min_row=2, values_only=True)] == [row[:3] + row[4:] for row in expected]
    assert [(row[0].data_type, row[3].data_type, row[3].number_format, Decimal(repr(row[3].value)))
            for row in sheet.iter_rows(min_row=2)] == [
        ("n", "n", "0.00", Decimal(r["round_score"])) for r in content["ranking"]["rows"]]
    assert english.get(reverse("committee-snapshot-export", args=[frozen.id, "ods"])).status_code == 404
