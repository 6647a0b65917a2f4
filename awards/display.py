"""Numbers as people read them, in the active language's format: scores, and metric values by their unit.

One place for these rules: templates reach them through the `formatting` filters
(awards/templatetags/formatting.py), tables, views and the PDF annex call them here. Dates are not here:
the formats modules (paritrana/formats/) give one date and one date-time format per language. The whole
convention is in docs/numbers-and-dates.md.
"""
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext

from .models import MetricUnit
from .scoring.rules import display_score, round_score

MAX_PLACES = 4  # a metric value is stored with at most 4 decimals (numeric(20, 4))


def score_text(value):
    """A score as people read it: 2 decimals (rule 7), "89,82" in Indonesian, "89.82" in English; "" for None."""
    return "" if value is None else number_format(display_score(value), 2)


def score_exact_text(value):
    """A score as it is stored and compared: 4 decimals (rule 7), for the places where that figure is the
    point (a frozen result's stored rows); "" for None."""
    return "" if value is None else number_format(round_score(value), 4)


def number_text(value, places=MAX_PLACES):
    """A number with its thousands grouped and at most `places` decimals, trailing zeros dropped:
    Decimal("1234567.5000") is "1.234.567,5" in Indonesian and "1,234,567.5" in English; "" for None."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
    return number_format(shown, max(0, -shown.as_tuple().exponent), force_grouping=True)


def metric_text(value, unit):
    """A metric value as its unit reads (docs/numbers-and-dates.md): yes/no as "Ya"/"Tidak", rupiah as
    "Rp 250.000.000", a percentage as "12,5 %", a count or months as "1.234"; "" for None (not reported)."""
    if value is None:
        return ""
    if unit == MetricUnit.YES_NO:
        return gettext("Yes") if value >= 1 else gettext("No")
    if unit == MetricUnit.RUPIAH:
        return f"Rp {number_text(value)}"
    if unit == MetricUnit.PERCENT:
        return f"{number_text(value)} %"
    return number_text(value)


def criterion_value_unit(criterion):
    """The unit of a metric criterion's value v: a percentage when it is a ratio of two metrics (rule 1),
    else its metric's own unit."""
    return MetricUnit.PERCENT if criterion.denominator_id else criterion.metric.unit


def metric_figures(detail):
    """A metric criterion's raw figures (a scoring MetricDetail) as the explanation shows them, each by its
    unit: the value v, the ratio's two metrics when v is a ratio ("" otherwise) and the target ("" when
    the rule has none). A part that is not reported is "–", never an empty gap."""
    criterion = detail.criterion
    unit = criterion_value_unit(criterion)
    ratio = bool(criterion.denominator_id)
    return {
        "value": metric_text(detail.value, unit),
        "ratio": ratio,
        "numerator": (metric_text(detail.numerator, criterion.metric.unit) or "–") if ratio else "",
        "denominator": (metric_text(detail.denominator, criterion.denominator.unit) or "–") if ratio else "",
        "target": metric_text(detail.target, unit),
    }
