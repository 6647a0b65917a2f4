"""Numbers and dates the Indonesian way on the committee's and reviewers' pages and in their exports: years
plain, scores with 2 decimals and a decimal comma, metric values by unit, one date-time format in Jakarta time,
CSV for an Indonesian spreadsheet, XLSX cells as numbers (docs/numbers-and-dates.md)."""
import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from awards.display import metric_text, score_text
from awards.models import Stage
from awards.scoring import explain, rank_group
from tests.jobs import run_worker

DEADLINE = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # 14.30 in Asia/Jakarta


@pytest.fixture
def indonesian(client):
    client.cookies["django_language"] = "id"
    return client


def visible(response):
    """The page's text as read: no tags, no attributes, no scripts or drawings."""
    html = re.sub(r"<(script|svg)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_year_is_plain_on_the_pages_that_show_it(indonesian, award, frozen):
    indonesian.force_login(award.committee)
    for name, args in (("home", []), ("committee", []), ("committee-round", [award.provincial.id]),
                       ("committee-snapshot", [frozen.id])):
        text = visible(indonesian.get(reverse(name, args=args)))
        assert "2.025" not in text, name
    assert "2025" in visible(indonesian.get(reverse("home")))


def test_the_frozen_result_shows_2_decimals_with_a_comma_and_keeps_the_stored_figure(indonesian, award, frozen):
    import json

    indonesian.force_login(award.observer)
    page = indonesian.get(reverse("committee-snapshot", args=[frozen.id])).content.decode()
    rows = json.loads(frozen.content)["ranking"]["rows"]
    with translation.override("id"):
        shown = [f'<data value="{row["round_score"]}">{score_text(row["round_score"])}</data>' for row in rows]
    assert [cell in page for cell in shown] == [True] * len(rows)
    assert re.findall(r"\b\d+[.,]\d{4}\b", visible(indonesian.get(reverse("committee-snapshot", args=[frozen.id])))) == []


def test_the_explanation_shows_each_metric_by_its_unit_and_no_empty_fragment(indonesian, award):
    indonesian.force_login(award.committee)
    ranking = rank_group(award.pemkab, award.provincial)
    row = ranking.rows[0]
    response = indonesian.get(reverse("committee-explanation", args=[award.provincial.id, award.pemkab.id,
                                                                     row.nomination_id]))
    raw_values = {}  # criterion code -> the text of its "raw value" cell
    for tr in re.findall(r"<tr\b.*?</tr>", response.content.decode(), flags=re.S):
        code = re.search(r"<small>\(([\w-]+)\)</small>", tr)
        if code:
            cells = re.findall(r"<td\b[^>]*>(.*?)</td>", tr, flags=re.S)
            raw_values[code.group(1)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cells[2])).strip()
    criteria = {c.code: c.metric for c in explain(ranking, row.nomination_id).stages[0].criteria}
    regulation, budget, coverage = criteria["regulasi"], criteria["anggaran"], criteria["cakupan"]
    with translation.override("id"):
        expected = {
            "regulasi": metric_text(regulation.value, "yes_no"),  # Ya / Tidak, never 1,0000 (1 ÷ )
            "anggaran": metric_text(budget.value, "rupiah"),  # never 250.000.000,0000 (250.000.000 ÷ )
            "cakupan": f"{metric_text(coverage.value, 'percent')} ({metric_text(coverage.numerator, 'count')} ÷ "
                       f"{metric_text(coverage.denominator, 'count')}) {gettext('target')} "
                       f"{metric_text(coverage.target, 'percent')}",
        }
    assert expected["regulasi"] in ("Ya", "Tidak") and re.fullmatch(r"Rp \d{3}(\.\d{3})+", expected["anggaran"])
    assert expected["cakupan"].count("%") == 2 and "." in expected["cakupan"].split("(")[1]  # 687.000 ÷ 2.800.000
    assert {code: raw_values[code] for code in expected} == expected
    page = visible(response)
    for wrong in ("÷ )", "( ÷", "None", ",0000"):
        assert wrong not in page


def test_the_leaderboard_csv_opens_in_an_indonesian_spreadsheet(indonesian, award):
    indonesian.force_login(award.committee)
    response = indonesian.get(reverse("committee-leaderboard-export", args=[award.provincial.id, award.pemkab.id, "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    ranking = rank_group(award.pemkab, award.provincial)
    assert len(lines[0]) == 7 and len(lines) == len(ranking.rows) + 1
    assert [(line[0], line[1], line[4]) for line in lines[1:]] == [
        (str(r.rank), r.nominee_code, str(r.round_score).replace(".", ",")) for r in ranking.rows]
    assert all(re.fullmatch(r"\d+,\d{4}", line[4]) for line in lines[1:])


def test_the_leaderboard_xlsx_has_numbers_not_text(indonesian, award):
    indonesian.force_login(award.committee)
    job_page = indonesian.get(reverse("committee-leaderboard-export",
                                      args=[award.provincial.id, award.pemkab.id, "xlsx"]))["Location"]
    run_worker()
    download = indonesian.get(job_page + "unduh/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    ranking = rank_group(award.pemkab, award.provincial)
    rows = list(sheet.iter_rows(min_row=2))
    assert [(r[0].value, r[0].data_type, r[0].number_format) for r in rows] == [
        (row.rank, "n", "0") for row in ranking.rows]
    assert [(r[4].data_type, r[4].number_format, Decimal(repr(r[4].value))) for r in rows] == [
        ("n", "0.00", row.round_score) for row in ranking.rows]
    assert {r[5].data_type for r in rows} == {"n"}  # the assessment stage's score


def test_a_deadline_reads_one_way_in_jakarta_time(indonesian, award):
    Stage.objects.filter(pk=award.stages["assessment"].pk).update(deadline=DEADLINE)
    indonesian.force_login(award.committee)
    assert "1 Des 2026 14.30" in visible(indonesian.get(reverse("committee-round", args=[award.provincial.id])))
    indonesian.force_login(award.reviewer)
    work_list = visible(indonesian.get(reverse("reviewer-assignments")))
    assert "1 Des 2026 14.30" in work_list and "01-12-2026" not in work_list
    stage = Stage.objects.get(pk=award.stages["assessment"].pk)
    with translation.override("id"):
        mail = render_to_string("awards/messages/stage_open.txt",
                                {"name": "Penilai", "link": "https://x", "message": SimpleNamespace(stage=stage)})
    with translation.override("en"):
        english = render_to_string("awards/messages/stage_open.txt",
                                   {"name": "Reviewer", "link": "https://x", "message": SimpleNamespace(stage=stage)})
    assert "1 Des 2026 14.30" in mail and "1 Dec 2026 14:30" in english
