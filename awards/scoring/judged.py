"""Judged criteria (rules 2-4 and the disagreement flag of rule 9): reviewers' scores into one score.

The judged scores of one ranking group's stage can be kept in a table shared by every process
(`shared_cache()`), keyed by the group and checked against a fingerprint of exactly the inputs they
are computed from, so that a page that ranks a large judged group does not recompute them on every
view, and never shows scores of inputs that have changed since.
"""
import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q
from django.db.models.functions import Cast, Round

from ..models import Aggregation, AssignmentStatus, Conflict, Eligibility, Score
from .metric_cache import write_entry
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
        if self._reviewers is None and isinstance(self._table, _Recomputed):
            self._reviewers = self._table.reviewers(*self._members)
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
    """{round id: [(nomination, reviewer, criterion, value), ...]} for the plan's judged criteria (one query).

    Inside `shared_cache()` and for one group's stage, the rows may instead carry the cached scores
    (one statement when they are still valid, two when not)."""
    ids = [c.id for c in plan.judged_criteria]
    if not ids:
        return {}
    sql, params = counted_scores(category_id=category_id, stage_kind=plan.stage_kind, criterion_ids=ids,
                                 stage=stage).query.sql_with_params()
    if stage is not None and _cache_on.get():
        return _fetch_cached(plan, category_id, stage, sql, params)
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
    if isinstance(rows, _CachedScores):
        return rows.result, rows.calibration
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
    if isinstance(rows, _RowsToCache):
        _store(rows, result, fitted)
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


# --------------------------------------------------------------------------- the shared cache

CACHE_TABLE = "awards_judgedscorescache"  # migration 0006
CACHE_FORMAT = 1  # part of every fingerprint: raise it when the computation or the content changes
_P, _Q = 2147483647, 2147483629
_cache_on = ContextVar("paritrana_judged_cache", default=False)


@contextmanager
def shared_cache():
    """Within the block, ranking a group at a stage reads and writes the judged scores cache.

    For pages that show scores and flags (leaderboards, progress): a cached group's reviewers
    (explanations, charts) are recomputed from the database when first read."""
    token = _cache_on.set(True)
    try:
        yield
    finally:
        _cache_on.reset(token)


def shared_cache_on():
    """Whether the code runs inside `shared_cache()` (the metric rows cache follows it too: metric_cache.py)."""
    return _cache_on.get()


class _CachedScores(list):
    """fetch()'s rows when the cache holds the group's scores for exactly the current inputs."""

    def __init__(self, result, calibration):
        super().__init__()
        self.result, self.calibration = result, calibration

    def __bool__(self):
        return True


class _RowsToCache(list):
    """fetch()'s rows when the cache must be (re)filled: score_group stores what it computes."""

    def __init__(self, rows, group_key, fingerprint):
        super().__init__(rows)
        self.group_key, self.fingerprint = group_key, fingerprint


def _setup(plan, stage):
    """What besides the counted scores decides the result: the criteria's scales and the stage's options."""
    setup = repr((CACHE_FORMAT, [(c.id, str(c.scale_min), str(c.scale_max)) for c in plan.judged_criteria],
                  bool(stage.calibrate), str(stage.aggregation), str(stage.disagreement_threshold)))
    return hashlib.sha256(setup.encode()).hexdigest()[:32]


def _hashed(sql):
    """The counted scores with x, a hash of (nomination, reviewer, criterion, value) in integers below 2^31:
    the fingerprint is (count, Σx, Σ(x² mod Q)), exact on both engines (no sum can overflow)."""
    x = (f"((((((n * 1000003 + r) %% {_P}) * 48271 + c) %% {_P}) * 16807 + v) %% {_P})")
    return f"WITH q(n, rid, r, c, v) AS ({sql}) SELECT n, rid, r, c, v, {x} AS x FROM q"


def _fetch_cached(plan, category_id, stage, sql, params):
    group_key = f"{category_id}:{stage.round_id}:{stage.id}"
    setup = _setup(plan, stage)
    fingerprint = ("(%s || ':' || CAST(f.n AS TEXT) || ':' || CAST(f.s1 AS TEXT) || ':' || "
                   "CAST(f.s2 AS TEXT))")
    check = (f"SELECT f.n, CASE WHEN c.fingerprint = {fingerprint} THEN c.content END FROM "
             f"(SELECT COUNT(*) AS n, SUM(h.x) AS s1, SUM((h.x * h.x) %% {_Q}) AS s2 FROM ({_hashed(sql)}) h) f "
             f"LEFT JOIN {CACHE_TABLE} c ON c.group_key = %s")
    with connection.cursor() as cursor:
        cursor.execute(check, [setup, *params, group_key])
        count, content = cursor.fetchone()
        if not count:
            return {}
        if content is not None:
            result, calibration = _load(content, _Recomputed(plan, category_id, stage))
            return {stage.round_id: _CachedScores(result, calibration)}
        cursor.execute(_hashed(sql), params)
        fetched = cursor.fetchall()
    # The fingerprint of exactly the rows the scores are computed from (they may have changed since the check).
    s1 = sum(row[5] for row in fetched)
    s2 = sum(row[5] * row[5] % _Q for row in fetched)
    rows = [row for _rid, row in _with_decimals(fetched)]
    if not rows:
        return {}
    return {stage.round_id: _RowsToCache(rows, group_key, f"{setup}:{len(rows)}:{s1}:{s2}")}


def _store(rows, result, calibration):
    groups = [[nomination_id, criterion_id, None if s.score is None else str(s.score), str(s.spread), s.disagreement]
              for nomination_id, by_criterion in result.items() for criterion_id, s in by_criterion.items()]
    fitted = None
    if calibration is not None:
        fitted = [None if calibration.mu is None else str(calibration.mu),
                  None if calibration.sigma is None else str(calibration.sigma),
                  [[rid, str(m), str(sd)] for rid, (m, sd) in calibration.reviewers.items()]]
    content = json.dumps({"groups": groups, "calibration": fitted}, separators=(",", ":"))
    write_entry(CACHE_TABLE, rows.group_key, rows.fingerprint, content)


def _load(content, recompute):
    data = json.loads(content)
    numbers = {}

    def number(text):
        value = numbers.get(text)
        if value is None:
            value = numbers[text] = Decimal(text)
        return value

    result = {}
    for nomination_id, criterion_id, score, spread, disagreement in data["groups"]:
        by_criterion = result.get(nomination_id)
        if by_criterion is None:
            by_criterion = result[nomination_id] = {}
        by_criterion[criterion_id] = JudgedScore(
            score=None if score is None else Decimal(score), spread=number(spread), disagreement=disagreement,
            members=(nomination_id, criterion_id), table=recompute)
    calibration = None
    if data["calibration"] is not None:
        mu, sigma, reviewers = data["calibration"]
        calibration = Calibration(mu=None if mu is None else Decimal(mu), sigma=None if sigma is None else Decimal(sigma),
                                  reviewers={rid: (Decimal(m), Decimal(sd)) for rid, m, sd in reviewers})
    return result, calibration


class _Recomputed:
    """The reviewers of a group whose scores came from the cache, computed from the database when first read."""

    def __init__(self, plan, category_id, stage):
        self.plan, self.category_id, self.stage = plan, category_id, stage
        self.result = None

    def reviewers(self, nomination_id, criterion_id):
        if self.result is None:
            token = _cache_on.set(False)
            try:
                rows = fetch(plan=self.plan, category_id=self.category_id, stage=self.stage)
            finally:
                _cache_on.reset(token)
            self.result, _calibration = score_group(plan=self.plan, stage=self.stage,
                                                    rows=rows.get(self.stage.round_id, []))
        score = self.result.get(nomination_id, {}).get(criterion_id)
        return list(score.reviewers) if score is not None else []
