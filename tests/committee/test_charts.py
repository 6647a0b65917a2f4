"""Server-rendered SVG charts: score distribution per criterion, reviewer calibration, province coverage —
each with axes, ticks, titles and its counts written on the chart."""
import re

from django.urls import reverse


def texts(svg):
    return [re.sub(r"<title>.*?</title>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


def test_coverage_chart_puts_kota_metro_first_and_bandar_lampung_last(english, award):
    english.force_login(award.observer)
    response = english.get(reverse("committee-round", args=[award.provincial.id]))
    rows = response.context["coverage"]["rows"]
    assert len(rows) == 15
    assert (rows[0]["region__name"], rows[1]["region__name"], rows[-1]["region__name"]) == (
        "Kota Metro", "Kabupaten Lampung Selatan", "Kota Bandar Lampung")
    assert [row["coverage"] for row in rows] == sorted((row["coverage"] for row in rows), reverse=True)
    page = response.content.decode()
    svg = page[page.index('<svg role="img" id="coverage-chart"'):]
    svg = svg[:svg.index("</svg>")]
    assert svg.count('class="bar"') == 15
    words = texts(svg)
    # Every name whole (none of the demo's is longer than the label room), every value, an axis titled.
    assert {row["region__name"] for row in rows} <= set(words)
    assert sum(w.endswith(" %") for w in words) == 15 and "Workers protected, % of all workers" in words
    assert "0" in words  # the axis starts at zero
    assert english.get(reverse("committee-round", args=[award.national.id])).context["coverage"] is None


def test_distribution_and_calibration_charts(english, award):
    english.force_login(award.committee)
    response = english.get(reverse("committee-charts", args=[award.provincial.id, award.pemkab.id]))
    distributions = {chart["code"]: chart for chart in response.context["distributions"]}
    assert list(distributions) == ["cakupan", "cakupan-non-asn", "cakupan-rt-rw", "cakupan-rentan", "regulasi",
                                   "anggaran", "komitmen", "inovasi"]
    # 15 regencies/cities: every criterion's bands add up to 15 with the ones without a score.
    assert {code: sum(c["counts"]) + c["missing"] for code, c in distributions.items()} == dict.fromkeys(distributions, 15)
    assert distributions["regulasi"]["counts"] == [5, 0, 0, 0, 0, 0, 0, 0, 0, 10]
    calibration = response.context["calibration"]["rows"]
    # Submitted scores: penilai2 and penilai3, 15 nominations × 2 judged criteria each; penilai1 none.
    assert [(row["reviewer"], row["count"]) for row in calibration] == [(None, 60), ("Penilai Dua (demo)", 30), ("Penilai Tiga (demo)", 30)]
    page = response.content.decode()
    assert page.count('class="bar"') == 80 and page.count('class="mean') == 3
    regulasi = page[page.index('data-criterion="regulasi"'):]
    regulasi = regulasi[:regulasi.index("</svg>")]
    words = texts(regulasi)
    # The counts stand above their bars; the axes have ticks 0-100 and titles.
    assert "5" in words and "10" in words
    assert {"0", "20", "40", "60", "80", "100", "Score", "Nominations"} <= set(words)
    calibration_svg = page[page.index('id="calibration"'):]
    calibration_words = texts(calibration_svg[:calibration_svg.index("</svg>")])
    assert {"panel", "Penilai Dua (demo)", "Penilai Tiga (demo)"} <= set(calibration_words)
    assert any(w.endswith("(n=30)") for w in calibration_words)
