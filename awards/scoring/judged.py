"""Judged criteria (rules 2-4 and the disagreement flag of rule 9): reviewers' scores into one score."""
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q
from django.db.models.functions import Cast, Round

from ..models import AssignmentStatus, Conflict, Eligibility, Score
from .rules import aggregate, calibration, disagrees, exact, map_judged, spread


class ReviewerScore(NamedTuple):
    reviewer_id: int
    raw: Decimal  # on the criterion's scale
    mapped: Decimal  # rule 2: onto 0-100
    calibrated: Decimal  # rule 3 (equal to `mapped` when the stage does not calibrate)


@dataclass
class JudgedScore:
    """One judged criterion of one nomination at one stage."""

    reviewers: list  # [ReviewerScore], the counted ones
    score: Decimal | None  # rule 4: the aggregate of the calibrated scores; None = no counted score
    spread: Decimal  # max − min of the mapped scores
    disagreement: bool


def counted_scores(*, category_id, stage_kind, criterion_ids, stage=None, nomination_id=None):
    """The scores that count (rule 2): submitted, not empty, reviewer without a declared conflict, on a
    nomination ranked at the stage. Values as (nomination, round, reviewer, criterion, value).

    With `stage`, one ranking group's stage (its id and position are known, so no join is needed to
    find them); without it, the stages of kind `stage_kind` of every round."""
    scores = Score.objects.filter(
        criterion_id__in=criterion_ids,
        value__isnull=False,
        assignment__status=AssignmentStatus.SUBMITTED,
        assignment__nomination__category_id=category_id,
        assignment__nomination__eligibility=Eligibility.ELIGIBLE,
    ).exclude(
        Exists(Conflict.objects.filter(nomination_id=OuterRef("assignment__nomination_id"),
                                       reviewer_id=OuterRef("assignment__reviewer_id")))
    )
    if stage is not None:
        scores = scores.filter(
            Q(assignment__nomination__eliminated_after__isnull=True)
            | Q(assignment__nomination__eliminated_after__position__gte=stage.position),
            assignment__stage_id=stage.id, assignment__nomination__round_id=stage.round_id,
        )
    else:
        scores = scores.filter(
            Q(assignment__nomination__eliminated_after__isnull=True)
            | Q(assignment__nomination__eliminated_after__position__gte=F("assignment__stage__position")),
            assignment__stage__kind=stage_kind,
            assignment__stage__round_id=F("assignment__nomination__round_id"),
        )
    if nomination_id is not None:
        scores = scores.filter(assignment__nomination_id=nomination_id)
    # The value as an exact integer of 0.0001 units: no float or Decimal conversion per row on either engine.
    scaled = Cast(Round(F("value") * 10000), BigIntegerField())
    return scores.annotate(scaled_value=scaled).values_list(
        "assignment__nomination_id", "assignment__nomination__round_id", "assignment__reviewer_id", "criterion_id",
        "scaled_value")


def fetch(*, plan, category_id, stage=None):
    """{round id: [(nomination, reviewer, criterion, value), ...]} for the plan's judged criteria (one query)."""
    ids = [c.id for c in plan.judged_criteria]
    if not ids:
        return {}
    by_round = {}
    values = {}
    # Read through a plain cursor: 50,000 rows need no per-row ORM conversion (values are integers).
    sql, params = counted_scores(category_id=category_id, stage_kind=plan.stage_kind, criterion_ids=ids,
                                 stage=stage).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for nomination_id, rid, reviewer_id, criterion_id, scaled in rows:
        value = values.get(scaled)
        if value is None:
            value = values[scaled] = Decimal(int(scaled)).scaleb(-4)
        by_round.setdefault(rid, []).append((nomination_id, reviewer_id, criterion_id, value))
    return by_round


def score_group(*, plan, stage, rows):
    """Rules 2-4 and 9 for one ranking group's stage.

    Returns ({nomination id: {criterion id: JudgedScore}}, Calibration or None). Rows are sorted
    first so that the order the database returns them in never matters.
    """
    if not rows:
        return {}, None
    criteria = {c.id: c for c in plan.judged_criteria}
    mapped_rows = []
    # Scores repeat (a scale has few steps), so each distinct value is mapped and calibrated once.
    mapped_cache, calibrated_cache = {}, {}
    with exact():
        for nomination_id, reviewer_id, criterion_id, value in sorted(rows):
            mapped = mapped_cache.get((criterion_id, value))
            if mapped is None:
                c = criteria[criterion_id]
                mapped = mapped_cache[(criterion_id, value)] = map_judged(value, c.scale_min, c.scale_max)
            mapped_rows.append((nomination_id, reviewer_id, criterion_id, value, mapped))
    fitted = None
    if stage.calibrate:
        by_reviewer = {}
        for _n, reviewer_id, _c, _v, mapped in mapped_rows:
            by_reviewer.setdefault(reviewer_id, []).append(mapped)
        fitted = calibration(by_reviewer)
    grouped = {}
    for nomination_id, reviewer_id, criterion_id, value, mapped in mapped_rows:
        calibrated = mapped
        if fitted is not None:
            calibrated = calibrated_cache.get((reviewer_id, mapped))
            if calibrated is None:
                calibrated = calibrated_cache[(reviewer_id, mapped)] = fitted.apply(reviewer_id, mapped)
        grouped.setdefault(nomination_id, {}).setdefault(criterion_id, []).append(
            ReviewerScore(reviewer_id=reviewer_id, raw=value, mapped=mapped, calibrated=calibrated))
    result = {}
    for nomination_id, by_criterion in grouped.items():
        result[nomination_id] = {}
        for criterion_id, reviewers in by_criterion.items():
            mapped = [r.mapped for r in reviewers]
            result[nomination_id][criterion_id] = JudgedScore(
                reviewers=reviewers,
                score=aggregate([r.calibrated for r in reviewers], stage.aggregation),
                spread=spread(mapped),
                disagreement=disagrees(mapped, stage.disagreement_threshold),
            )
    return result, fitted
