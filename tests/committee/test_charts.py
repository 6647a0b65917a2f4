"""Server-rendered SVG charts: score distribution per criterion, reviewer calibration, province coverage."""
from django.urls import reverse


def test_coverage_chart_puts_kota_metro_first_and_bandar_lampung_last(english, award):
    english.force_login(award.observer)
    response = english.get(reverse("committee-round", args=[award.provincial.id]))
    coverage = response.context["coverage"]
    assert len(coverage) == 15
    assert (coverage[0]["region__name"], coverage[1]["region__name"], coverage[-1]["region__name"]) == (
        "Kota Metro", "Kabupaten Lampung Selatan", "Kota Bandar Lampung")
    assert [row["coverage"] for row in coverage] == sorted((row["coverage"] for row in coverage), reverse=True)
    page = response.content.decode()
    assert page.count('class="bar"') == 15
    assert english.get(reverse("committee-round", args=[award.national.id])).context["coverage"] == []


def test_distribution_and_calibration_charts(english, award):
    english.force_login(award.committee)
    response = english.get(reverse("committee-charts", args=[award.provincial.id, award.pemkab.id]))
    distributions = {chart["code"]: chart for chart in response.context["distributions"]}
    assert list(distributions) == ["cakupan", "cakupan-non-asn", "cakupan-rt-rw", "cakupan-rentan", "regulasi",
                                   "anggaran", "komitmen", "inovasi"]
    # 15 regencies/cities: every criterion's bands add up to 15 with the ones without a score.
    assert {code: sum(c["counts"]) + c["missing"] for code, c in distributions.items()} == dict.fromkeys(distributions, 15)
    assert distributions["regulasi"]["counts"] == [5, 0, 0, 0, 0, 0, 0, 0, 0, 10]
    calibration = response.context["calibration"]
    # Submitted scores: penilai2 and penilai3, 15 nominations × 2 judged criteria each; penilai1 none.
    assert [(row["reviewer"], row["count"]) for row in calibration] == [(None, 60), ("Penilai Dua (demo)", 30), ("Penilai Tiga (demo)", 30)]
    page = response.content.decode()
    assert page.count('<rect x=') == 80 and page.count('class="mean') == 3
