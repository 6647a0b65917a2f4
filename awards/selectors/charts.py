"""Data for the committee's server-rendered SVG charts: score distribution per criterion, reviewer
calibration (each reviewer's mean and spread against the panel) and a province's coverage by region.

Scores come from the scoring engine's Ranking; nothing here scores anything."""
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from ..models import MetricValue, Nominee, NomineeKind
from ..scoring.metric_sql import metric_details
from ..scoring.rules import coverage_percent, mean, sample_sd

BINS = 10  # 0-10, 10-20, ... 90-100


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
        peak = max(counts) or 1
        charts.append({"code": criterion.code, "name": criterion.name, "counts": counts, "missing": missing,
                       "bars": [{"x": i * 10, "y": 50 - 50 * c / peak, "height": 50 * c / peak, "count": c,
                                 "low": i * 10, "high": i * 10 + 10} for i, c in enumerate(counts)]})
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
    for position, row in enumerate(rows):
        row["y"] = 10 * position + 5
        if row["mean"] is not None:
            row["low"] = float(max(Decimal(0), row["mean"] - row["sd"]))
            row["high"] = float(min(Decimal(100), row["mean"] + row["sd"]))
            row["x"] = float(row["mean"])
    return rows


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
    peak = max((row["coverage"] for row in rows), default=0) or 1
    for position, row in enumerate(rows):
        row["width"] = row["coverage"] * 90 / peak  # bars start at x = 55 in a 160-wide chart
        row["y"] = 10 * position + 2
        row["value_x"] = 57 + row["width"]
    return rows
