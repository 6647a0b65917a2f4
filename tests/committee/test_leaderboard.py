"""The leaderboard table, its filters and exports, and the explanation each row opens."""
import csv
import io

import pytest
from django.urls import reverse

from awards.scoring import explain, rank_group
from awards.services.standings import standings_refresh
from tests.jobs import run_worker


def codes(response):
    return [row.record.nomination.nominee.code for row in response.context["table"].page.object_list]


def test_leaderboard_lists_the_engines_ranking_and_filters_it(english, award):
    english.force_login(award.observer)
    url = reverse("committee-leaderboard", args=[award.provincial.id, award.pemkab.id])
    ranking = rank_group(award.pemkab, award.provincial)
    assert codes(english.get(url)) == [row.nominee_code for row in ranking.rows]
    assert codes(english.get(url + "?search=metro")) == ["18.72"]
    assert codes(english.get(url + "?area=18.71")) == ["18.71"]
    incomplete = [row.nominee_code for row in ranking.rows if "incomplete" in row.flags]
    assert codes(english.get(url + "?flag=incomplete")) == incomplete
    page = english.get(url).content.decode()
    first = ranking.rows[0]
    link = reverse("committee-explanation", args=[award.provincial.id, award.pemkab.id, first.nomination_id])
    assert f'<a href="{link}?tahap={award.stages["assessment"].id}">{first.nominee_name}</a>' in page


def test_leaderboard_marks_the_award_and_advancement_lines(english, award):
    import re

    english.force_login(award.observer)
    ranking = rank_group(award.pemkab, award.provincial)
    page = english.get(reverse("committee-leaderboard", args=[award.provincial.id, award.pemkab.id])).content.decode()
    rows = re.findall(r"<tr ([^>]*data-nomination[^>]*)>", page)
    classes = {int(re.search(r'data-nomination="(\d+)"', attrs)[1]): attrs for attrs in rows}
    last_award = [row for row in ranking.rows if row.rank <= award.pemkab.awards_count][-1]
    last_advancing = [row for row in ranking.rows if row.rank <= award.pemkab.advance_count][-1]
    assert "line-award" in classes[last_award.nomination_id]
    assert "line-advances" in classes[last_advancing.nomination_id]
    assert sum("line-award" in c for c in classes.values()) == 1
    assert 'id="leaderboard-lines"' in page and "award place" in page and "advances" in page
    national = english.get(reverse("committee-leaderboard", args=[award.national.id, award.pemkab.id])).content.decode()
    assert "line-advances" not in national and "advance to the national round" not in national


def test_leaderboard_csv_is_streamed_with_the_filters(english, award):
    english.force_login(award.committee)
    url = reverse("committee-leaderboard-export", args=[award.provincial.id, award.pemkab.id, "csv"])
    response = english.get(url + "?search=kota")
    assert response.streaming
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    ranking = rank_group(award.pemkab, award.provincial)
    expected = [[str(r.rank), r.nominee_code, r.nominee_name] for r in ranking.rows if "Kota" in r.nominee_name]
    assert lines[0] == ["Rank", "Code", "Nominee", "Region", "Round score", "Assessment", "Flags"]
    assert [line[:3] for line in lines[1:]] == expected
    assert english.get(url.replace("csv", "pdf")).status_code == 404


def test_explanation_shows_every_criterion_and_reviewer(english, award):
    english.force_login(award.provincial_committee)
    ranking = rank_group(award.pemkab, award.provincial)
    row = ranking.rows[0]
    response = english.get(reverse("committee-explanation", args=[award.provincial.id, award.pemkab.id,
                                                                   row.nomination_id]))
    explanation = response.context["explanation"]
    assert explanation.as_data() == explain(ranking, row.nomination_id).as_data()
    page = response.content.decode()
    assert [label for label, _s in response.context["stage_explanations"]] == ["Assessment"]
    for criterion in explanation.stages[0].criteria:
        assert f"({criterion.code})" in page
    assert "Penilai Dua (demo): " in page and "Penilai Tiga (demo): " in page  # reviewers by full name
    missing = reverse("committee-explanation", args=[award.provincial.id, award.pemkab.id, 999999])
    assert english.get(missing).status_code == 404


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", " =1+1", "\uff1d1+1", "\n+62", "\u2212 5"])
def test_exports_neutralise_spreadsheet_formulas(english, award, name):
    """Whatever a name begins with (a sign, a space or line break before one, a full-width or minus sign),
    the CSV and XLSX exports write it as text a spreadsheet shows, never runs."""
    import openpyxl

    from awards.models import Nominee

    Nominee.objects.filter(code="18.72").update(name=name)
    english.force_login(award.committee)
    url = reverse("committee-leaderboard-export", args=[award.provincial.id, award.pemkab.id, "csv"])
    lines = list(csv.reader(io.StringIO(b"".join(english.get(url).streaming_content).decode("utf-8-sig"))))
    assert [line[2] for line in lines if line[1] == "18.72"] == ["'" + name]
    url = reverse("committee-leaderboard-export", args=[award.provincial.id, award.pemkab.id, "xlsx"])
    job_page = english.get(url)["Location"]  # the XLSX is prepared by a job worker
    run_worker()
    download = english.get(job_page + "unduh/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    cells = [row for row in sheet.iter_rows() if row[1].value == "18.72"]
    assert [(row[2].value, row[2].data_type) for row in cells] == [("'" + name, "s")]


def test_leaderboard_reads_the_region_of_the_shown_page(english, award):
    """The region (not orderable) is read for the page's rows only: every shown row has its own, on a
    later page and when sorted, and an unfiltered leaderboard still lists every ranked row."""
    from awards.models import Nomination

    from .factories import ranking_group

    category, nominations = ranking_group(award, 60)
    standings_refresh()
    english.force_login(award.observer)
    url = reverse("committee-leaderboard", args=[award.provincial.id, category.id])
    regions = dict(Nomination.objects.filter(category=category).values_list("id", "nominee__region__name"))
    for query in ("", "?page=2", "?sort=-nominee_name&page=2", "?search=Nominee&page=2"):
        table = english.get(url + query).context["table"]
        shown = [row.record for row in table.page.object_list]
        assert shown and all(record.nomination.nominee.region.name == regions[record.nomination_id]
                             for record in shown), query
    assert english.get(url).context["table"].paginator.count == 60
    assert english.get(url + "?search=0001").context["table"].paginator.count == 1
