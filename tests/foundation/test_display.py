"""Numbers and dates the Indonesian way (English second): awards/display.py, its template filters and the
formats modules (paritrana/formats/). docs/numbers-and-dates.md."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from awards.display import metric_text, number_text, score_exact_text, score_text

WHEN = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # 14.30 in Asia/Jakarta


def render(source, **context):
    return Template("{% load l10n formatting %}" + source).render(Context(context))


@pytest.mark.parametrize("language, expected", [
    ("id", {"score": "89,82", "exact": "89,8214", "rupiah": "Rp 1.000.000.000", "yes": "Ya", "no": "Tidak",
            "percent": "12,5 %", "count": "1.234", "months": "12", "fraction": "1.234.567,5"}),
    ("en", {"score": "89.82", "exact": "89.8214", "rupiah": "Rp 1,000,000,000", "yes": "Yes", "no": "No",
            "percent": "12.5 %", "count": "1,234", "months": "12", "fraction": "1,234,567.5"}),
])
def test_numbers_read_the_readers_way(language, expected):
    with translation.override(language):
        shown = {
            "score": score_text(Decimal("89.8214")), "exact": score_exact_text("89.8214"),
            "rupiah": metric_text(Decimal("1000000000.0000"), "rupiah"), "yes": metric_text(Decimal(1), "yes_no"),
            "no": metric_text(Decimal("0.0000"), "yes_no"), "percent": metric_text(Decimal("12.5000"), "percent"),
            "count": metric_text(1234, "count"), "months": metric_text(Decimal("12.0000"), "months"),
            "fraction": number_text(Decimal("1234567.5000")),
        }
    assert shown == expected


def test_a_score_is_rounded_as_rule_7_says_and_nothing_is_none():
    with translation.override("id"):
        # 4 decimals first (half up), then 2: 89.82499 -> 89.8250 -> 89.83.
        assert (score_text(Decimal("89.82499")), score_text(None), metric_text(None, "rupiah")) == ("89,83", "", "")


def test_template_filters_and_a_year_in_indonesian():
    with translation.override("id"):
        assert render("{{ s|score }} · {{ s|score_exact }} · {{ b|metric_value:'rupiah' }} · {{ r|metric_value:'yes_no' }}"
                      " · {{ year|unlocalize }} · {{ year }}", s="89.8214", b=Decimal("250000000"), r=1, year=2025) == (
            "89,82 · 89,8214 · Rp 250.000.000 · Ya · 2025 · 2.025")  # the last: why a year needs |unlocalize


@pytest.mark.parametrize("language, date, date_time", [
    ("id", "1 Des 2026", "1 Des 2026 14.30"),
    ("en", "1 Dec 2026", "1 Dec 2026 14:30"),
])
def test_one_date_and_one_date_time_format_per_language_in_jakarta_time(language, date, date_time):
    with translation.override(language):
        shown = render('{{ when|date:"DATE_FORMAT" }}|{{ when|date:"SHORT_DATE_FORMAT" }}|'
                       '{{ when|date:"DATETIME_FORMAT" }}|{{ when|date:"SHORT_DATETIME_FORMAT" }}|{{ when|time:"TIME_FORMAT" }}',
                       when=WHEN)
        assert formats.get_format("DATETIME_INPUT_FORMATS")  # input formats stay Django's
    assert shown == "|".join([date, date, date_time, date_time, date_time.split(" ")[-1]])


def test_the_admins_list_of_editions_shows_the_year_plain(client, make_user):
    from awards.models import Edition, Role

    Edition.objects.create(year=2025, name="Paritrana Award 2025")
    client.cookies["django_language"] = "id"
    client.force_login(make_user("ketua", Role.COMMITTEE, is_staff=True, is_superuser=True))
    page = client.get("/admin/awards/edition/").content.decode()
    assert '<th class="field-assessment_year"><a href="' in page and ">2025</a>" in page and "2.025" not in page
