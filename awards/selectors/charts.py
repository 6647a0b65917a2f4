"""Data for the committee's server-rendered SVG charts: score distribution per criterion, reviewer
calibration (each reviewer's mean and spread against the panel) and a province's coverage by region.

Scores come from the scoring engine's Ranking; nothing here scores anything."""
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from ..models import MetricValue, Nominee, NomineeKind
from ..scoring.metric_sql import metric_details
from ..scoring.rules import coverage_percent, mean, sample_sd

BINS = 10  # 0-10, 10-20, ... 90-100

# Chart geometry in SVG user units. A histogram: the plot area inside margins for the axes, their ticks
# and titles, and the counts above the bars. Rows of horizontal bars: names right-aligned before the
# plot, the value after each bar, an axis with ticks under the last row.
HIST = {"width": 320, "height": 196, "left": 40, "right": 14, "top": 18, "bottom": 44}
ROWS = {"width": 640, "label_end": 196, "left": 204, "right": 96, "row": 22, "top": 6, "bottom": 44}
NAME_CHARS = 30


def _ticks(maximum, count=5, whole=False):
    """Round tick values from 0 to at least `maximum` (a positive number): [(value, fraction of the axis)],
    and the axis's end; `whole`: whole-number steps only (counts)."""
    maximum = max(float(maximum), 1.0)
    raw = maximum / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw
                and not (whole and m == 2.5))
    top = step * -(-maximum // step)
    values = [step * i for i in range(int(round(top / step)) + 1)]
    return [(int(v) if float(v).is_integer() else v, v / top) for v in values], top


def _short(name):
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"


def histogram(counts):
    """Bars, axes and ticks of a histogram of `counts` over 0-100 in BINS bands."""
    g = HIST
    plot_w, plot_h = g["width"] - g["left"] - g["right"], g["height"] - g["top"] - g["bottom"]
    y_ticks, top = _ticks(max(counts), 4, whole=True)
    slot = plot_w / BINS
    base = g["top"] + plot_h
    bars = [{"x": g["left"] + i * slot + 2, "width": slot - 4, "y": base - plot_h * c / top,
             "height": plot_h * c / top, "count": c, "low": i * 10, "high": i * 10 + 10,
             "label_x": g["left"] + (i + .5) * slot, "label_y": base - plot_h * c / top - 3}
            for i, c in enumerate(counts)]
    return {**g, "base": base, "right_x": g["width"] - g["right"], "bars": bars,
            "x_ticks": [{"value": v, "x": g["left"] + plot_w * v / 100} for v in range(0, 101, 20)],
            "y_ticks": [{"value": v, "y": base - plot_h * f} for v, f in y_ticks],
            "x_title_x": g["left"] + plot_w / 2, "x_title_y": g["height"] - 6,
            "y_title_y": g["top"] + plot_h / 2}


def bar_rows(rows, maximum):
    """Each row of `rows` (dicts with a "name") placed as a horizontal bar row of a chart whose axis runs
    from 0 to at least `maximum`; returns the chart (its height, axis and ticks)."""
    g = ROWS
    plot_w = g["width"] - g["left"] - g["right"]
    ticks, top = _ticks(maximum, 5)
    for position, row in enumerate(rows):
        row["y"] = g["top"] + position * g["row"]
        row["mid_y"] = row["y"] + g["row"] / 2
        row["short_name"] = _short(row["name"])
    axis_y = g["top"] + len(rows) * g["row"] + 4
    return {**g, "scale": plot_w / top, "height": axis_y + g["bottom"], "axis_y": axis_y,
            "right_x": g["width"] - g["right"], "x_title_x": g["left"] + plot_w / 2, "x_title_y": axis_y + 36,
            "ticks": [{"value": v, "x": g["left"] + plot_w * f} for v, f in ticks]}


def _bin(score):
    return min(int(score // 10), BINS - 1)


def score_distributions(ranking):
    """[{code, name, counts[10], missing}] per criterion of the ranked stage: how many nominations scored
    in each tenth of 0-100 (one query for the metric criteria of all nominations)."""
    result = ranking.results[ranking.stage.kind]
    plan = result.plan
    ids = [row.nomination_id for row in ranking.rows]
    details = metric_details(plan=plan, category_id=ranking.category.id, year=ranking.category.edition.year,
                             round_id=ranking.round.id, nomination_ids=ids) if ids else {}
    charts = []
    for criterion in plan.criteria:
        counts, missing = [0] * BINS, 0
        for nomination_id in ids:
            if criterion.kind == "metric":
                detail = next((d for d in details.get(nomination_id, []) if d.criterion.id == criterion.id), None)
                score = detail.score if detail else None
            else:
                judged = result.judged.get(nomination_id, {}).get(criterion.id)
                score = judged.score if judged else None
            if score is None:
                missing += 1
            else:
                counts[_bin(score)] += 1
        charts.append({"code": criterion.code, "name": criterion.name, "counts": counts, "missing": missing,
                       **histogram(counts)})
    return charts


def reviewer_calibration(ranking, names):
    """Each reviewer's mean and sample standard deviation of their mapped scores at the ranked stage,
    against the whole panel's: [{reviewer, count, mean, sd}], panel first."""
    result = ranking.results[ranking.stage.kind]
    by_reviewer = {}
    for scores in result.judged.values():
        for judged in scores.values():
            for reviewer in judged.reviewers:
                by_reviewer.setdefault(reviewer.reviewer_id, []).append(reviewer.mapped)
    everything = [v for values in by_reviewer.values() for v in values]

    def stats(label, values):
        return {"reviewer": label, "count": len(values), "mean": mean(values) if values else None,
                "sd": sample_sd(values) if len(values) >= 2 else Decimal(0)}

    rows = [stats(None, everything)] if everything else []
    rows += [stats(names.get(rid, str(rid)), values) for rid, values in sorted(
        by_reviewer.items(), key=lambda item: names.get(item[0], str(item[0])))]
    return rows


def calibration_chart(rows, panel_label):
    """The calibration rows placed on a 0-100 axis: each reviewer's mean (a dot) and one standard deviation
    either side (a line), with the number of scores after it."""
    for row in rows:
        row["name"] = row["reviewer"] or str(panel_label)
    chart = bar_rows(rows, 100)
    left, scale = chart["left"], chart["scale"]
    for row in rows:
        if row["mean"] is not None:
            row["low_x"] = left + scale * float(max(Decimal(0), row["mean"] - row["sd"]))
            row["high_x"] = left + scale * float(min(Decimal(100), row["mean"] + row["sd"]))
            row["x"] = left + scale * float(row["mean"])
    chart["rows"] = rows
    return chart


def province_coverage(province_id, year):
    """The regencies/cities of a province by worker coverage (scoring.rules.coverage_percent of
    workers_protected and workers_total) in `year`, highest first; regions without both figures are left
    out. A province has at most a few dozen regencies/cities: read in one query, ranked here."""
    def metric(code):
        return Subquery(MetricValue.objects.filter(nominee=OuterRef("pk"), year=year, metric__code=code)
                        .values("value")[:1])

    rows = []
    for row in (Nominee.objects.filter(province_id=province_id, kind=NomineeKind.REGENCY_GOVERNMENT)
                .annotate(total=metric("workers_total"), protected=metric("workers_protected"))
                .values("code", "region__name", "total", "protected")):
        row["coverage"] = coverage_percent(row.pop("protected"), row.pop("total"))
        if row["coverage"] is not None:
            rows.append(row)
    rows.sort(key=lambda row: (-row["coverage"], row["code"]))
    for row in rows:
        row["name"] = row["region__name"]
    chart = bar_rows(rows, max((float(row["coverage"]) for row in rows), default=0))
    for row in rows:
        row["width"] = chart["scale"] * float(row["coverage"])
        row["value_x"] = chart["left"] + row["width"] + 4
    chart["rows"] = rows
    return chart if rows else None
