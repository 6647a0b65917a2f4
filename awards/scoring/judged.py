"""Judged criteria (rules 2-4 and the disagreement flag of rule 9): reviewers' scores into one score."""
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q
from django.db.models.functions import Cast, Round

from ..models import Aggregation, AssignmentStatus, Conflict, Eligibility, Score
from .rules import MIN_CALIBRATION_SCORES, ZERO, Calibration, exact, map_judged, round_score


class ReviewerScore(NamedTuple):
    reviewer_id: int
    raw: Decimal  # on the criterion's scale
    mapped: Decimal  # rule 2: onto 0-100
    calibrated: Decimal  # rule 3 (equal to `mapped` when the stage does not calibrate)


class JudgedScore:
    """One judged criterion of one nomination at one stage.

    `reviewers` ([ReviewerScore], the counted ones, by reviewer id) is built when first read: ranking
    needs only the score, the spread and the flag, explanations and charts need the reviewers."""

    __slots__ = ("score", "spread", "disagreement", "_reviewers", "_members", "_table")

    def __init__(self, reviewers=None, score=None, spread=ZERO, disagreement=False, *, members=None, table=None):
        self.score = score  # rule 4: the aggregate of the calibrated scores; None = no counted score
        self.spread = spread  # max − min of the mapped scores
        self.disagreement = disagreement
        self._reviewers = reviewers
        self._members, self._table = members, table

    @property
    def reviewers(self):
        if self._reviewers is None:
            raws, mapped, calibrated = self._table
            self._reviewers = [ReviewerScore(reviewer_id, raws[k], mapped[k], calibrated[reviewer_id][k])
                               for reviewer_id, k in self._members] if self._members else []
        return self._reviewers

    def __eq__(self, other):
        if not isinstance(other, JudgedScore):
            return NotImplemented
        return (self.score, self.spread, self.disagreement, self.reviewers) == \
            (other.score, other.spread, other.disagreement, other.reviewers)

    def __repr__(self):
        return (f"JudgedScore(reviewers={self.reviewers!r}, score={self.score!r}, spread={self.spread!r}, "
                f"disagreement={self.disagreement!r})")


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
    sql, params = counted_scores(category_id=category_id, stage_kind=plan.stage_kind, criterion_ids=ids,
                                 stage=stage).query.sql_with_params()
    by_round = {}
    # Read through a plain cursor: 50,000 rows need no per-row ORM conversion (values are integers).
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for rid, row in _with_decimals(rows):
        by_round.setdefault(rid, []).append(row)
    return by_round


def _with_decimals(rows):
    """(round id, (nomination, reviewer, criterion, value)) of counted-score rows whose value is an integer
    in units of 0.0001; each distinct value becomes one shared Decimal."""
    values = {}
    for nomination_id, rid, reviewer_id, criterion_id, scaled, *_rest in rows:
        value = values.get(scaled)
        if value is None:
            value = values[scaled] = Decimal(int(scaled)).scaleb(-4)
        yield rid, (nomination_id, reviewer_id, criterion_id, value)


def score_group(*, plan, stage, rows):
    """Rules 2-4 and 9 for one ranking group's stage.

    Returns ({nomination id: {criterion id: JudgedScore}}, Calibration or None). Rows are sorted
    first so that the order the database returns them in never matters.

    The arithmetic is that of rules.map_judged, rules.calibration, Calibration.apply, rules.aggregate,
    rules.spread and rules.disagrees, operation for operation and in the same order (so the same
    Decimals to the last digit), but each distinct value is mapped, squared and calibrated once, and
    no object is made per score: a score is an index into the table of distinct (criterion, value).
    """
    if not rows:
        return {}, None
    criteria = {c.id: c for c in plan.judged_criteria}
    slots = {}  # (criterion id, value) -> k
    raws, mapped = [], []  # by k
    groups = {}  # (nomination id, criterion id) -> [(reviewer id, k)], by nomination, reviewer
    by_reviewer = {}  # reviewer id -> [k], in the order of the sorted rows
    with exact():
        for nomination_id, reviewer_id, criterion_id, value in sorted(rows):
            k = slots.get((criterion_id, value))
            if k is None:
                c = criteria[criterion_id]
                k = slots[(criterion_id, value)] = len(raws)
                raws.append(value)
                mapped.append(map_judged(value, c.scale_min, c.scale_max))
            ks = by_reviewer.get(reviewer_id)
            if ks is None:
                ks = by_reviewer[reviewer_id] = []
            ks.append(k)
            members = groups.get((nomination_id, criterion_id))
            if members is None:
                members = groups[(nomination_id, criterion_id)] = []
            members.append((reviewer_id, k))

        fitted = _calibration(by_reviewer, mapped) if stage.calibrate else None
        # reviewer id -> calibrated score by k (the mapped list itself for a reviewer left alone)
        calibrated = {}
        for reviewer_id, ks in by_reviewer.items():
            if fitted is None or reviewer_id not in fitted.reviewers:
                calibrated[reviewer_id] = mapped
                continue
            mine, by_value = [None] * len(mapped), {}
            for k in set(ks):
                value = mapped[k]
                y = by_value.get(value)
                if y is None:
                    y = by_value[value] = fitted.apply(reviewer_id, value)
                mine[k] = y
            calibrated[reviewer_id] = mine

        method = stage.aggregation
        scores = []
        for members in groups.values():
            values = [calibrated[reviewer_id][k] for reviewer_id, k in members]
            if method == Aggregation.MEDIAN:
                ordered = sorted(values)
                middle = len(ordered) // 2
                score = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
            elif method == Aggregation.TRIMMED_MEAN and len(values) >= 4:
                ordered = sorted(values)[1:-1]
                score = sum(ordered, ZERO) / len(ordered)
            else:
                score = sum(values, ZERO) / len(values)
            scores.append(score)

    # The spread and its comparison in the caller's context, as rules.spread and rules.disagrees.
    threshold = stage.disagreement_threshold
    table = (raws, mapped, calibrated)
    result = {}
    for ((nomination_id, criterion_id), members), score in zip(groups.items(), scores, strict=True):
        if len(members) >= 2:
            values = [mapped[k] for _reviewer_id, k in members]
            gap = max(values) - min(values)
        else:
            gap = ZERO
        by_criterion = result.get(nomination_id)
        if by_criterion is None:
            by_criterion = result[nomination_id] = {}
        by_criterion[criterion_id] = JudgedScore(score=score, spread=gap, disagreement=round_score(gap) > threshold,
                                                 members=members, table=table)
    return result, fitted


def _calibration(by_reviewer, mapped):
    """rules.calibration over {reviewer id: [k]}: the same operations on the same values in the same order."""
    everything = [k for ks in by_reviewer.values() for k in ks]
    rescaled = {}
    mu = sigma = None
    if len(everything) >= 2:
        mu, sigma = _mean_sd(everything, mapped)
        for reviewer_id, ks in by_reviewer.items():
            if len(ks) < MIN_CALIBRATION_SCORES:
                continue
            mean_r, sigma_r = _mean_sd(ks, mapped)
            if sigma_r == 0:
                continue
            rescaled[reviewer_id] = (mean_r, sigma_r)
    return Calibration(mu=mu, sigma=sigma, reviewers=rescaled)


def _mean_sd(ks, mapped):
    """rules.mean and rules.sample_sd of [mapped[k] for k in ks] (at least 2), each distinct square once."""
    values = [mapped[k] for k in ks]
    mu = sum(values, ZERO) / len(values)
    squares = [None] * len(mapped)
    for k in set(ks):
        squares[k] = (mapped[k] - mu) * (mapped[k] - mu)
    return mu, (sum([squares[k] for k in ks], ZERO) / (len(values) - 1)).sqrt()
