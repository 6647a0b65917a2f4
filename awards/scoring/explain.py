"""Rule 10: the breakdown behind one ranked nomination's score, and a reviewer's view of the metric criteria."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from ..models import Stage
from ..people import name_from
from .metric_sql import metric_details, stage_plan
from .ranking import category_criteria
from .rules import HUNDRED, ZERO, exact, round_score


@dataclass
class CriterionExplanation:
    code: str
    name: str
    kind: str  # metric / judged
    rule: str  # metric rule, or "" for judged criteria
    parameters: dict  # the rule's parameters (strings), or the judged scale
    weight: Decimal
    score: Decimal | None  # unrounded; None = missing (counts 0)
    contribution: Decimal  # points of the stage score: w · s ÷ Σ w
    round_points: Decimal  # points of the round score: contribution · W ÷ Σ W
    share: Decimal  # percent of the round score
    metric: object = None  # MetricDetail for metric criteria
    reviewers: list = field(default_factory=list)  # [(name, ReviewerScore)] for judged criteria
    spread: Decimal | None = None
    disagreement: bool = False

    def as_data(self):
        data = {
            "code": self.code, "kind": self.kind, "rule": self.rule, "parameters": self.parameters,
            "weight": str(self.weight), "score": None if self.score is None else str(round_score(self.score)),
            "contribution": str(round_score(self.contribution)), "round_points": str(round_score(self.round_points)),
            "share_percent": str(round_score(self.share)),
        }
        if self.metric is not None:
            m = self.metric
            data["raw"] = {key: None if value is None else str(value) for key, value in (
                ("value", m.value), ("numerator", m.numerator), ("denominator", m.denominator),
                ("target", m.target), ("group_min", m.group_min), ("group_max", m.group_max))}
            data["missing_metrics"] = m.missing_metrics
        else:
            data["reviewers"] = [
                {"reviewer": name, "raw": str(r.raw), "mapped": str(round_score(r.mapped)),
                 "calibrated": str(round_score(r.calibrated))} for name, r in self.reviewers]
            data["spread"] = None if self.spread is None else str(round_score(self.spread))
            data["disagreement"] = self.disagreement
        return data


@dataclass
class StageExplanation:
    kind: str
    weight: Decimal  # W in the round score (0 when the stage is shown but not weighted)
    score: Decimal  # rounded to 4 decimals
    criteria: list


@dataclass
class Explanation:
    nomination_id: int
    nominee_code: str
    nominee_name: str
    rank: int
    round_score: Decimal
    flags: list
    missing: list
    stages: list

    def as_data(self):
        return {
            "nomination": self.nomination_id, "nominee": self.nominee_code, "name": self.nominee_name,
            "rank": self.rank, "round_score": str(self.round_score), "flags": self.flags,
            "missing": [str(m) for m in self.missing],
            "stages": [{"kind": s.kind, "weight": str(s.weight), "score": str(s.score),
                        "criteria": [c.as_data() for c in s.criteria]} for s in self.stages],
        }


def rule_parameters(criterion):
    """A criterion's rule and parameters as strings, as the explanation and the edition file show them."""
    if criterion.kind == "judged":
        return {"scale_min": str(criterion.scale_min), "scale_max": str(criterion.scale_max)}
    params = {"metric": criterion.metric.code}
    if criterion.denominator_id:
        params["denominator"] = criterion.denominator.code
    if criterion.rule == "target":
        if criterion.target_metric_id:
            params["target_metric"] = criterion.target_metric.code
        else:
            params["target_value"] = str(criterion.target_value)
    elif criterion.rule == "linear":
        params.update(low=str(criterion.low), high=str(criterion.high))
    elif criterion.rule == "bands":
        params["bands"] = [[str(t), str(s)] for t, s in criterion.bands]
    return params


def explain(ranking, nomination):
    """The breakdown of one row of `ranking` (a Nomination or its id); KeyError if it is not ranked there.
    One query per stage with metric criteria, plus one for the reviewers' names."""
    nomination_id = getattr(nomination, "pk", nomination)
    ranking.row(nomination_id)  # KeyError for a nomination the ranking does not hold
    return explain_all(ranking, [nomination_id])[nomination_id]


def explain_all(ranking, nomination_ids=None):
    """{nomination id: Explanation} for the rows of `ranking` (all of them by default), in as many queries
    as `explain` makes for one: one per stage with metric criteria, one for the reviewers' names."""
    rows = {row.nomination_id: row for row in ranking.rows}
    ids = list(rows) if nomination_ids is None else [i for i in nomination_ids if i in rows]
    weighted_total = sum((w for w in ranking.weights.values() if w > 0), ZERO)
    reviewer_ids = {r.reviewer_id for result in ranking.results.values() for nomination_id in ids
                    for score in result.judged.get(nomination_id, {}).values() for r in score.reviewers}
    names = {user_id: name_from(first, last, username) for user_id, first, last, username in
             get_user_model().objects.filter(id__in=reviewer_ids).values_list(
                 "id", "first_name", "last_name", "username")} if reviewer_ids else {}
    details = {stage.kind: metric_details(plan=ranking.results[stage.kind].plan, category_id=ranking.category.id,
                                          year=ranking.category.edition.year, round_id=ranking.round.id,
                                          nomination_ids=ids) if ids else {}
               for stage in ranking.stages}
    return {nomination_id: _explanation(ranking, rows[nomination_id], details, names, weighted_total)
            for nomination_id in ids}


def _explanation(ranking, row, details, names, weighted_total):
    nomination_id = row.nomination_id
    stages = []
    with exact():
        for stage in ranking.stages:
            result = ranking.results[stage.kind]
            plan = result.plan
            weight = ranking.weights[stage.kind]
            round_factor = weight / weighted_total if weighted_total else ZERO
            by_criterion = {d.criterion.id: d for d in details[stage.kind].get(nomination_id, [])}
            judged = result.judged.get(nomination_id, {})
            weight_total = sum((c.weight for c in plan.criteria), ZERO)
            criteria = []
            for criterion in plan.criteria:
                detail = by_criterion.get(criterion.id)
                judged_score = judged.get(criterion.id)
                if criterion.kind == "metric":
                    score = detail.score if detail else None
                else:
                    score = judged_score.score if judged_score else None
                contribution = criterion.weight * (score or ZERO) / weight_total
                round_points = contribution * round_factor
                share = round_points / row.round_score * HUNDRED if row.round_score else ZERO
                criteria.append(CriterionExplanation(
                    code=criterion.code, name=criterion.name, kind=criterion.kind, rule=criterion.rule,
                    parameters=rule_parameters(criterion), weight=criterion.weight, score=score,
                    contribution=contribution, round_points=round_points, share=share, metric=detail,
                    reviewers=[(names.get(r.reviewer_id, str(r.reviewer_id)), r)
                               for r in (judged_score.reviewers if judged_score else [])],
                    spread=judged_score.spread if judged_score else None,
                    disagreement=bool(judged_score and judged_score.disagreement),
                ))
            stages.append(StageExplanation(kind=stage.kind, weight=weight if weight > 0 else ZERO,
                                           score=row.stage_scores[stage.kind], criteria=criteria))
    return Explanation(nomination_id=row.nomination_id, nominee_code=row.nominee_code,
                       nominee_name=row.nominee_name, rank=row.rank, round_score=row.round_score,
                       flags=row.flags, missing=row.missing, stages=stages)


def nomination_metric_scores(nomination, stage):
    """For a reviewer's scoring page: the metric criteria of `nomination` at `stage` with their raw
    values and scores ([MetricDetail]); the `relative` rule still compares with the ranking group."""
    if not isinstance(stage, Stage):
        stage = Stage.objects.get(round_id=nomination.round_id, kind=stage)
    category = nomination.category
    plan = stage_plan(stage.kind, category_criteria(category))
    return metric_details(plan=plan, category_id=category.id, year=category.edition.year,
                          round_id=nomination.round_id, nomination_ids=[nomination.pk])[nomination.pk]

