"""{% load formatting %}: numbers as people read them (awards/display.py); years stay |unlocalize and dates
|date:"DATETIME_FORMAT" or |date:"DATE_FORMAT" (paritrana/formats/)."""
from django import template

from .. import display

register = template.Library()


@register.filter
def score(value):
    """{{ row.round_score|score }}: 2 decimals in the reader's number format ("" for None)."""
    return display.score_text(value)


@register.filter
def score_exact(value):
    """{{ row.round_score|score_exact }}: the stored 4 decimals, where that figure is the point."""
    return display.score_exact_text(value)


@register.filter
def metric_value(value, unit):
    """{{ value|metric_value:definition.unit }}: Ya/Tidak, Rp 1.000.000, 12,5 %, 1.234 ("" for None)."""
    return display.metric_text(value, unit)


@register.filter
def metric_figures(detail):
    """{% with f=detail|metric_figures %}: a metric criterion's value, ratio parts and target, by unit."""
    return display.metric_figures(detail)
