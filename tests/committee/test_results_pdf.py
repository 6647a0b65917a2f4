"""The PDF annex of a frozen result: its content (read from uncompressed page streams), the download and who may."""
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from awards.imports.results_pdf import result_annex_pdf
from awards.services.results import result_freeze
from awards.services.stages import stage_close, stage_open
from tests.jobs import run_worker


@pytest.fixture
def frozen(award):
    """The final result: every weighted stage closed (assessment, then the interview, where nobody is
    interviewed in the demo), frozen at the interview."""
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    stage_open(stage=award.stages["interview"], acting_user=award.committee)
    stage_close(stage=award.stages["interview"], acting_user=award.committee)
    award.stages["interview"].refresh_from_db()
    return result_freeze(round_=award.provincial, category=award.pemkab, stage=award.stages["interview"],
                         acting_user=award.committee)


@pytest.fixture
def interim(award):
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    award.stages["assessment"].refresh_from_db()
    return result_freeze(round_=award.provincial, category=award.pemkab, stage=award.stages["assessment"],
                         acting_user=award.committee)


def shown_text(pdf):
    """The strings an uncompressed PDF shows ((…) Tj), unescaped and joined by spaces, so that a name
    wrapped over two lines of a table cell still reads as one."""
    strings = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)

    def unescape(match):
        code = match.group(1)
        return bytes([int(code, 8)]) if code[:1].isdigit() else code

    return " ".join(re.sub(rb"\\([0-7]{1,3}|.)", unescape, s).decode("cp1252") for s in strings)


def test_the_annex_names_the_winners_with_region_score_freezer_and_digest(award, frozen):
    content = json.loads(frozen.content)
    rows = content["ranking"]["rows"]
    assert [row["rank"] for row in rows[:4]] == [1, 2, 3, 4]
    pdf = result_annex_pdf(snapshot=frozen, content=content, compress=False)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = shown_text(pdf)
    expected = [f"Winner {row['rank']} {row['name']} {row['nominee']}" for row in rows[:3]]
    assert [line for line in expected if line in text] == expected
    for row in rows[:3]:
        assert f" {Decimal(row['round_score']).quantize(Decimal('0.01'))} " in text
    assert [row["nominee"] for row in rows[:3]] == ["18.01", "18.72", "18.10"]
    assert "18.01 Kabupaten Lampung Selatan " in text  # the region of juara 1
    assert rows[3]["name"] not in text  # 4th place receives no award
    for fact in ("Annex: results of the Paritrana Award 2025 (demo)", "Category Regency/City Government",
                 "Round Provincial round Lampung", "Stage Interview", "Frozen by panitia",
                 f"SHA-256 digest {frozen.digest}", f"SHA-256 {frozen.digest} \xb7 page 1"):
        assert fact in text


def test_the_annex_of_an_interim_result_says_so_and_names_no_winners(award, interim):
    content = json.loads(interim.content)
    text = shown_text(result_annex_pdf(snapshot=interim, content=content, compress=False))
    assert "Interim result (sementara)" in text
    assert "Winner" not in text
    assert content["ranking"]["rows"][0]["name"] not in text


def test_the_annex_speaks_indonesian_with_indonesian_numbers(award, frozen):
    content = json.loads(frozen.content)
    with translation.override("id"):
        pdf = result_annex_pdf(snapshot=frozen, content=content, compress=False)
    first = Decimal(content["ranking"]["rows"][0]["round_score"]).quantize(Decimal("0.01"))
    text = shown_text(pdf)
    assert f" {str(first).replace('.', ',')} " in text
    assert "Pemerintah Kabupaten/Kota" in text


def test_the_compressed_annex_is_a_smaller_pdf(award, frozen):
    content = json.loads(frozen.content)
    compressed = result_annex_pdf(snapshot=frozen, content=content)
    plain = result_annex_pdf(snapshot=frozen, content=content, compress=False)
    assert compressed.startswith(b"%PDF-") and len(compressed) < len(plain)
    assert shown_text(compressed) == ""


@pytest.mark.parametrize("username, status", [
    ("panitia", 200), ("panitia_lampung", 200), ("pemantau", 200), ("penilai1", 403), ("panitia_jakarta", 403)])
def test_the_annex_downloads_from_the_snapshot_page_for_readers_in_scope(client, award, frozen, username, status):
    client.force_login(award.users[username])
    url = reverse("committee-snapshot-export", args=[frozen.id, "pdf"])
    started = client.get(url)
    assert started.status_code == (302 if status == 200 else status)
    if status == 200:
        run_worker()
        assert 'id="job-download"' in client.get(started["Location"]).content.decode()
        response = client.get(started["Location"] + "unduh/")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="lampiran-pemkab-18-{frozen.digest[:12]}.pdf"')
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert f'href="{url}"' in client.get(reverse("committee-snapshot", args=[frozen.id])).content.decode()
