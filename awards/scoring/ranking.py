"""Ranking groups (a category in a round) at a stage: round scores, ranks and flags (rules 5-9).

A fixed number of queries per category and stage, whatever the number of nominations: one statement
for the metric criteria (metric_sql.py), one for the judged scores (judged.py).
"""
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.utils.translation import gettext as _

from ..models import Criterion, RoundLevel, Stage, StageKind, StageStatus
from . import judged as judged_scores
from .metric_sql import LARGE_MINIMUM, LARGE_SHARE, ScoringError, metric_totals, stage_plan
from .rules import ZERO, boundary_ties, competition_ranks, exact, round_score


@dataclass
class MissingItem:
    stage_kind: str
    criterion_code: str

    def __str__(self):
        return f"{self.stage_kind}:{self.criterion_code}"


@dataclass(slots=True)
class RankingRow:
    nomination_id: int
    nominee_code: str
    nominee_name: str
    rank: int = 0
    round_score: Decimal = ZERO  # rounded half-up to 4 decimals
    stage_scores: dict = field(default_factory=dict)  # stage kind -> score rounded to 4 decimals
    missing: list = field(default_factory=list)  # [MissingItem]: the criteria without a score
    disagreements: list = field(default_factory=list)  # [(stage kind, criterion code, spread)]
    award_tie: bool = False
    advancement_tie: bool = False
    tie_break: tuple = ()  # the tie-break criterion scores compared (4 decimals), in order

    @property
    def incomplete(self):
        return bool(self.missing)

    @property
    def flags(self):
        """Rule 9 as codes: incomplete, disagreement, award_tie, advancement_tie."""
        codes = []
        if self.missing:
            codes.append("incomplete")
        if self.disagreements:
            codes.append("disagreement")
        if self.award_tie:
            codes.append("award_tie")
        if self.advancement_tie:
            codes.append("advancement_tie")
        return codes

    def as_data(self):
        return {
            "nomination": self.nomination_id,
            "nominee": self.nominee_code,
            "name": self.nominee_name,
            "rank": self.rank,
            "round_score": str(self.round_score),
            "stage_scores": {kind: str(score) for kind, score in self.stage_scores.items()},
            "flags": self.flags,
            "missing": [str(item) for item in self.missing],
            "disagreements": [[kind, code, str(round_score(value))] for kind, code, value in self.disagreements],
        }


@dataclass
class StageResult:
    """The raw material of one stage of one ranking group, kept for explanations."""

    stage: Stage
    plan: object  # StagePlan
    metric_rows: dict  # nomination id -> (total, missing mask, tie-break grids)
    judged: dict  # nomination id -> {criterion id: JudgedScore}
    calibration: object | None


@dataclass
class Ranking:
    category: object
    round: object
    stage: Stage
    stages: list  # the stages whose scores are shown: weighted ones up to `stage`, and `stage`
    weights: dict  # stage kind -> weight in the round score (0 if not weighted)
    rows: list
    results: dict  # stage kind -> StageResult
    tie_break_criteria: list

    def row(self, nomination_id):
        for row in self.rows:
            if row.nomination_id == nomination_id:
                return row
        raise KeyError(nomination_id)

    def as_data(self):
        """Canonical JSON-able content (decimals as strings), e.g. for exports and frozen results."""
        return {
            "edition": self.category.edition.year,
            "category": self.category.code,
            "round": self.round.key,
            "stage": self.stage.kind,
            "stages": [{"kind": s.kind, "weight": str(self.weights[s.kind])} for s in self.stages],
            "rows": [row.as_data() for row in self.rows],
        }


def scored_stages(stages):
    return [s for s in sorted(stages, key=lambda s: s.position) if s.kind != StageKind.SCREENING]


def default_stage(stages):
    """The latest opened (open or closed) scored stage; before any opens, the first scored stage."""
    candidates = scored_stages(stages)
    if not candidates:
        raise ScoringError(_("This round has no assessment or interview stage to rank."))
    opened = [s for s in candidates if s.status != StageStatus.DRAFT]
    return opened[-1] if opened else candidates[0]


def counted_stages(stages, stage):
    """Rule 6: the scored stages up to and including `stage` (the weighted ones count in the round score)."""
    if stage.kind == StageKind.SCREENING:
        raise ScoringError(_("The screening stage has no scores; rank at the assessment or interview stage."))
    return [s for s in scored_stages(stages) if s.position <= stage.position and (s.weight > 0 or s.id == stage.id)]


def tie_break_criteria(criteria, stage_kinds):
    ordered = sorted((c for c in criteria if c.tie_break_rank is not None), key=lambda c: c.tie_break_rank)
    return [c for c in ordered if c.stage_kind in stage_kinds]


def criteria_by_category(categories):
    """{category id: [criterion, ...]} in display order, for several categories in one query."""
    by_category = {c.id: [] for c in categories}
    for criterion in (Criterion.objects.filter(category__in=list(by_category))
                      .select_related("metric", "denominator", "target_metric").order_by("stage_kind", "position", "code")):
        by_category[criterion.category_id].append(criterion)
    return by_category


def category_criteria(category):
    return criteria_by_category([category])[category.id]


def rank_group(category, round_, stage=None, *, stages=None, criteria=None):
    """Rank one ranking group at `stage` (default: the latest opened scored stage). See docs/scoring.md.

    Load `category` with its edition (select_related("edition")) to keep the query count at its minimum;
    a caller ranking several categories of one round may pass the round's `stages` and the category's
    `criteria` (criteria_by_category) that it has read once for all of them.
    """
    if stages is None:
        stages = list(Stage.objects.filter(round=round_))
    if stage is None:
        stage = default_stage(stages)
    if criteria is None:
        criteria = category_criteria(category)
    computed = counted_stages(stages, stage)
    tie_breakers = tie_break_criteria(criteria, {s.kind for s in computed})
    results = {}
    for s in computed:
        plan = stage_plan(s.kind, criteria)
        metric_ids = [c.id for c in tie_breakers if c.kind == "metric" and c.stage_kind == s.kind]
        rows = metric_totals(plan=plan, category_id=category.id, year=category.edition.year,
                             round_id=round_.id, tie_break_ids=metric_ids)
        judged = judged_scores.fetch(plan=plan, category_id=category.id, stage=s)
        results[s.kind] = _stage_result(s, plan, rows, judged.get(round_.id, []), metric_ids)
    return _assemble(category, round_, stage, computed, results, tie_breakers)


def rank_edition(edition):
    """Rank every ranking group of the edition at its default stage, in a number of queries fixed by
    the edition's categories and stages (not by its nominations). Returns a list of Rankings.

    The cyclic garbage collector is paused meanwhile (`collector_paused`)."""
    with collector_paused():
        return _rank_edition(edition)


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while large rankings are built: their rows, lists and dicts
    (none cyclic; tens of thousands for a large group, millions for a national edition) made each
    collection walk all of them again, about a third of the Python time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rank_edition(edition):
    from django.db.models import Count

    from ..models import Category, Round

    rounds = list(Round.objects.filter(edition=edition).select_related("province"))
    stages_by_round = {}
    for s in Stage.objects.filter(round__edition=edition):
        stages_by_round.setdefault(s.round_id, []).append(s)
    # With their number of nominations (in the same query): a category holding a large share of the
    # edition is scored by reading the metric values in one pass (metric_sql.run, `large`).
    categories = list(Category.objects.filter(edition=edition).select_related("edition")
                      .annotate(nomination_count=Count("nominations")))
    all_nominations = sum(c.nomination_count for c in categories)
    criteria_of = criteria_by_category(categories)

    rankings = []
    for category in categories:
        groups = []
        for round_ in rounds:
            if category.national_only and round_.level != RoundLevel.NATIONAL:
                continue
            stages = stages_by_round.get(round_.id, [])
            if scored_stages(stages):
                groups.append((round_, default_stage(stages), stages))
        rankings += rank_groups(category, groups, criteria=criteria_of[category.id], every_round=True,
                                large=is_large(category.nomination_count, all_nominations))
    return rankings


def is_large(category_nominations, edition_nominations):
    """Whether a category holds so large a share of its edition that its metric values are best read in one
    pass (metric_sql.run, `large`)."""
    return category_nominations >= LARGE_MINIMUM and category_nominations >= LARGE_SHARE * edition_nominations


def rank_groups(category, groups, *, criteria=None, large=False, every_round=False):
    """Rank several ranking groups of one category — [(round, stage, the round's stages)] — reading each
    stage kind's metric totals and judged scores once for all of them (2 queries per stage kind, whatever
    the number of groups). Returns their Rankings in the order given; each equals rank_group's.
    `every_round`: the groups cover every round the category is judged in (then a stage kind that all of
    them rank at reads the category's values without a filter on rounds)."""
    if criteria is None:
        criteria = category_criteria(category)
    planned = [(round_, stage, counted_stages(stages, stage)) for round_, stage, stages in groups]
    kinds = {s.kind for _r, _s, computed in planned for s in computed}
    tie_breakers = tie_break_criteria(criteria, kinds)
    data = {}
    for kind in sorted(kinds):
        plan = stage_plan(kind, criteria)
        metric_ids = [c.id for c in tie_breakers if c.kind == "metric" and c.stage_kind == kind]
        # Only the rounds ranked at (or after) this stage kind; all of the category's means no filter.
        needed = sorted({r.id for r, _s, computed in planned if any(s.kind == kind for s in computed)})
        every = every_round and len(needed) == len({r.id for r, _s, _c in planned})
        data[kind] = _read_stage(plan, metric_ids, category.id, category.edition.year, None if every else needed,
                                 large)
    rankings = []
    for round_, stage, computed in planned:
        results = {}
        for s in computed:
            plan, metric_ids, by_round, judged = data[s.kind]
            results[s.kind] = _stage_result(s, plan, by_round.get(round_.id, []), judged.get(round_.id, []),
                                            metric_ids)
        group_tie_breakers = [c for c in tie_breakers if c.stage_kind in results]
        rankings.append(_assemble(category, round_, stage, computed, results, group_tie_breakers))
    return rankings


def _read_stage(plan, metric_ids, category_id, year, round_ids, large):
    """A category's reads for one stage kind: its metric totals by round and its judged scores (2 queries)."""
    by_round = {}
    for row in metric_totals(plan=plan, category_id=category_id, year=year, round_ids=round_ids,
                             tie_break_ids=metric_ids, large=large):
        by_round.setdefault(row[1], []).append(row)
    return plan, metric_ids, by_round, judged_scores.fetch(plan=plan, category_id=category_id)


def _stage_result(stage, plan, rows, judged_rows, metric_tie_ids):
    metric_rows = {row[0]: row for row in rows}
    judged, calibration = judged_scores.score_group(plan=plan, stage=stage, rows=judged_rows)
    return StageResult(stage=stage, plan=plan, metric_rows=metric_rows, judged=judged, calibration=calibration)


def _stage_score(result, nomination_id, missing):
    """Rule 5 for one nomination: Σ wᶜ·sᶜ ÷ Σ wᶜ; appends the criteria without a score to `missing`."""
    plan = result.plan
    if not plan.criteria:
        return ZERO
    row = result.metric_rows.get(nomination_id)
    total, mask = (row[4], row[5]) if row is not None else (0, (1 << len(plan.metric_criteria)) - 1)
    if mask:
        for i, criterion in enumerate(plan.metric_criteria):
            if mask >> i & 1:
                missing.append(MissingItem(plan.stage_kind, criterion.code))
    if not plan.judged_criteria:
        return Decimal(total) / plan.metric_divisor
    numerator = Decimal(total).scaleb(-plan.exponent)
    judged = result.judged.get(nomination_id, {})
    for criterion in plan.judged_criteria:
        score = judged.get(criterion.id)
        if score is None or score.score is None:
            missing.append(MissingItem(plan.stage_kind, criterion.code))
        else:
            numerator += plan.scaled_weights[criterion.id] * score.score
    return numerator / plan.weight_total


def _assemble(category, round_, stage, computed, results, tie_breakers):
    weighted = [s for s in computed if s.weight > 0]
    weights = {s.kind: s.weight for s in computed}
    if not weighted:
        # No weighted stage yet: the round score is the stage's own score (documented).
        weighted, weights = [stage], {**weights, stage.kind: Decimal(1)}
    weight_total = sum(weights[s.kind] for s in weighted)
    current = results[stage.kind]
    metric_tie_position = {}
    for kind in results:
        ids = [c.id for c in tie_breakers if c.kind == "metric" and c.stage_kind == kind]
        for offset, cid in enumerate(ids):
            metric_tie_position[cid] = (kind, 6 + offset)

    stage_plans = [(s.kind, results[s.kind], bool(results[s.kind].judged)) for s in computed]
    weighted_kinds = [(s.kind, weights[s.kind]) for s in weighted]
    single = weighted_kinds[0][0] if len(weighted_kinds) == 1 else None
    tie_plan = []
    for criterion in tie_breakers:
        if criterion.kind == "metric":
            kind, position = metric_tie_position[criterion.id]
            tie_plan.append((True, results[kind], position, 10 ** (results[kind].plan.exponent - 4)))
        else:
            tie_plan.append((False, results[criterion.stage_kind], criterion.id, None))

    if (INTEGER_PATH and len(stage_plans) == 1 and single == stage.kind and current.plan.criteria
            and not current.plan.judged_criteria):
        rows, ranks = _metric_only_rows(current, tie_plan)
        return _finish(category, round_, stage, computed, weights, results, tie_breakers, rows, ranks)

    rows = []
    with exact():
        for nomination_id, row in current.metric_rows.items():
            missing, disagreements, stage_values = [], [], {}
            for kind, result, has_judged in stage_plans:
                stage_values[kind] = _stage_score(result, nomination_id, missing)
                if has_judged:
                    judged = result.judged.get(nomination_id)
                    for criterion in result.plan.judged_criteria if judged else ():
                        score = judged.get(criterion.id)
                        if score is not None and score.disagreement:
                            disagreements.append((kind, criterion.code, score.spread))
            if single is not None and len(stage_values) == 1:
                rounded = round_score(stage_values[single])
                stage_scores = {single: rounded}
            else:
                value = stage_values[single] if single is not None else \
                    sum((weight * stage_values[kind] for kind, weight in weighted_kinds), ZERO) / weight_total
                rounded = round_score(value)
                stage_scores = {kind: round_score(v) for kind, v in stage_values.items()}
            keys = ()
            if tie_plan:
                keys = []
                for is_metric, result, where, unit in tie_plan:
                    if is_metric:
                        metric_row = result.metric_rows.get(nomination_id)
                        grid = int(metric_row[where]) if metric_row is not None else 0
                        # Half-up to 4 decimals in integers: the grid is in units of 10^-k, k >= 6.
                        keys.append(Decimal((grid + unit // 2) // unit).scaleb(-4))
                    else:
                        score = result.judged.get(nomination_id, {}).get(where)
                        keys.append(round_score(score.score) if score is not None and score.score is not None
                                    else ZERO)
                keys = tuple(keys)
            rows.append(RankingRow(nomination_id=nomination_id, nominee_code=row[2], nominee_name=row[3],
                                   round_score=rounded, stage_scores=stage_scores, missing=missing,
                                   disagreements=disagreements, tie_break=keys))

    # Rule 8: by round score, then the tie-break criteria, descending; equal keys share a rank.
    # Rows of equal rank are listed by nominee code so that storage order never shows.
    rows.sort(key=lambda r: r.nominee_code)
    rows.sort(key=lambda r: (r.round_score, r.tie_break), reverse=True)
    ranks = competition_ranks([(r.round_score, r.tie_break) for r in rows])
    return _finish(category, round_, stage, computed, weights, results, tie_breakers, rows, ranks)


# Groups ranked at one metric-only stage take `_metric_only_rows` (tests turn it off to compare both paths).
INTEGER_PATH = True


def _metric_only_rows(result, tie_plan):
    """The rows of a group ranked at one metric-only stage (every provincial group at the assessment),
    sorted and ranked, with integer arithmetic only: this is the bulk of a national re-rank.

    The stage score rounded half-up to 4 decimals is q = ⌊(2·10⁴·total + D) ÷ 2D⌋ with D = Σw·10ᵏ (the
    same number the Decimal path gives); a tie-break score on the 10⁻ᵏ grid rounds half-up to
    ⌊(grid + u/2) ÷ u⌋ with u = 10ᵏ⁻⁴. Rows are sorted once by (−q, −tie-breaks, nominee code) and
    ranked by comparing those integers; each distinct score becomes one shared Decimal.
    """
    plan = result.plan
    kind = plan.stage_kind
    divisor = plan.weight_total * 10**plan.exponent
    twice = 2 * divisor
    codes = [c.code for c in plan.metric_criteria]
    missing_by_mask = {}
    decimals = {}

    # Tie-breakers of a metric-only stage are metric criteria of that stage: (column, unit) each.
    columns = [(where, unit) for _is_metric, _result, where, unit in tie_plan]
    single_tie = columns[0] if len(columns) == 1 else None
    keyed = []
    append = keyed.append
    get = decimals.get
    with exact():
        for row in result.metric_rows.values():
            q = (20000 * int(row[4]) + divisor) // twice
            mask = row[5]
            if mask:
                items = missing_by_mask.get(mask)
                if items is None:
                    items = missing_by_mask[mask] = [MissingItem(kind, code) for i, code in enumerate(codes)
                                                     if mask >> i & 1]
                missing = list(items)
            else:
                missing = []
            score = get(q)
            if score is None:
                score = decimals[q] = Decimal(q).scaleb(-4)
            code = row[2]
            if single_tie is not None:
                where, unit = single_tie
                t = (int(row[where]) + unit // 2) // unit
                tie = get(t)
                if tie is None:
                    tie = decimals[t] = Decimal(t).scaleb(-4)
                key, tie_break = (-q, -t, code), (tie,)
            elif columns:
                ties = [(int(row[where]) + unit // 2) // unit for where, unit in columns]
                key = (-q, *[-t for t in ties], code)
                tie_break = tuple([get(t) or decimals.setdefault(t, Decimal(t).scaleb(-4)) for t in ties])
            else:
                key, tie_break = (-q, code), ()
            append((key, RankingRow(row[0], code, row[3], 0, score, {kind: score}, missing, [], False, False,
                                    tie_break)))
    keyed.sort(key=itemgetter(0))
    rows, ranks = [], []
    previous, rank = None, 0
    for position, (key, row) in enumerate(keyed, 1):
        compared = key[:-1]
        if compared != previous:
            rank, previous = position, compared
        rows.append(row)
        ranks.append(rank)
    return rows, ranks


def _finish(category, round_, stage, computed, weights, results, tie_breakers, rows, ranks):
    for row, rank in zip(rows, ranks, strict=True):
        row.rank = rank
    for position in boundary_ties(ranks, category.awards_count):
        rows[position].award_tie = True
    if round_.level == RoundLevel.PROVINCIAL:
        for position in boundary_ties(ranks, category.advance_count):
            rows[position].advancement_tie = True
    return Ranking(category=category, round=round_, stage=stage, stages=computed, weights=weights, rows=rows,
                   results=results, tie_break_criteria=tie_breakers)
