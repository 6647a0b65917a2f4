"""Rule 1 (metric criteria) as one SQL statement per category and stage, the same on SQLite and PostgreSQL.

Why SQL by hand rather than ORM expressions: the statement must run the same IEEE double operations in
the same order on both engines, pivot ~10 metrics per nominee in one pass, and use window functions
for the `relative` rule; spelling it out keeps every operation visible.

How exactness is kept (DOMAIN.md: "every number comes out the same on SQLite and PostgreSQL"):
- metric values are read as integers in units of 0.0001 (exact on both engines);
- each rule is computed in double precision from those integers and from constants bound as
  parameters, with every operation parenthesised, so both engines perform identical IEEE operations;
- each criterion score is snapped to an integer number of 10⁻ᵏ points (k = 9 normally) by
  floor(x · 10ᵏ + 0.5), which is deterministic;
- the weighted total is an integer sum, exact and independent of row order; Python divides it with
  Decimal (rules.py) and rounds half-up to 4 decimals.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from ..models import Criterion, Eligibility, MetricValue, Nomination, Nominee, Rule, Stage

MAX_BIGINT = 9_000_000_000_000_000_000
DOUBLE = "DOUBLE PRECISION"
F0 = f"CAST(0 AS {DOUBLE})"
F1 = f"CAST(1 AS {DOUBLE})"
F100 = f"CAST(100 AS {DOUBLE})"
F10000 = f"CAST(10000 AS {DOUBLE})"


class ScoringError(Exception):
    """A configuration the engine cannot score; the message says what to fix."""


def as_double(sql):
    return f"CAST({sql} AS {DOUBLE})"


def to_grid(sql, exponent):
    """floor(x · 10^k + 0.5) as an integer, for x ≥ 0 (CAST truncates on SQLite, rounds on PostgreSQL)."""
    scaled = f"(({sql}) * CAST({10 ** exponent} AS {DOUBLE}) + CAST(0.5 AS {DOUBLE}))"
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR{scaled} AS BIGINT)"
    return f"CAST({scaled} AS INTEGER)"


def grid_exponent(scaled_weights):
    """The finest grid (at most 10⁻⁹ points) whose weighted totals cannot overflow a 64-bit integer."""
    total = sum(scaled_weights)
    for exponent in (9, 8, 7, 6):
        if total * 100 * 10**exponent <= MAX_BIGINT:
            return exponent
    raise ScoringError(_("The criterion weights of a stage are too large or too fine to add up exactly; "
                         "use weights with fewer digits."))


@dataclass
class Sql:
    """SQL text with its parameters, built in textual order."""

    parts: list
    params: list

    def __init__(self):
        self.parts, self.params = [], []

    def add(self, text, *params):
        self.parts.append(text)
        self.params.extend(params)
        return self

    @property
    def text(self):
        return "".join(self.parts)


def _param(value):
    """A constant as a bound double (never a literal: SQLite's literal parser is not always exact)."""
    return f"CAST(%s AS {DOUBLE})", float(Decimal(value))


def _value_sql(criterion, metric_columns):
    """v of rule 1: the metric, or 100 · numerator ÷ denominator (denominator 0 → missing)."""
    m = metric_columns[criterion.metric_id]
    if criterion.denominator_id is None:
        return f"({as_double(m)} / {F10000})"
    d = metric_columns[criterion.denominator_id]
    return f"(CASE WHEN {d} = 0 THEN NULL ELSE (({F100} * {as_double(m)}) / {as_double(d)}) END)"


def _target_sql(criterion, metric_columns, sql_params):
    if criterion.target_metric_id is not None:
        t = metric_columns[criterion.target_metric_id]
        return f"(CASE WHEN {t} = 0 THEN NULL ELSE ({as_double(t)} / {F10000}) END)"
    text, value = _param(criterion.target_value)
    sql_params.append(value)
    return text


def _score_sql(criterion, v, t, lo, hi):
    """x of rule 1 for one criterion, as SQL text plus its parameters, from columns v/t/lo/hi."""
    rule = criterion.rule
    params = []
    if rule == Rule.TARGET:
        q = f"({v} / {t})"
        text = (f"CASE WHEN {v} IS NULL OR {t} IS NULL THEN NULL WHEN {q} >= {F1} THEN {F100} "
                f"ELSE ({F100} * {q}) END")
    elif rule == Rule.LINEAR:
        (lo_text, lo_value), (hi_text, hi_value) = _param(criterion.low), _param(criterion.high)
        y = f"(({F100} * ({v} - {lo_text})) / ({hi_text} - {lo_text}))"
        text = f"CASE WHEN {y} < {F0} THEN {F0} WHEN {y} > {F100} THEN {F100} ELSE {y} END"
        params = [lo_value, hi_value, lo_value] * 3
    elif rule == Rule.RELATIVE:
        text = (f"CASE WHEN {v} IS NULL THEN NULL WHEN {hi} = {lo} THEN {F100} "
                f"ELSE (({F100} * ({v} - {lo})) / ({hi} - {lo})) END")
    elif rule == Rule.BANDS:
        branches = [f"CASE WHEN {v} IS NULL THEN NULL"]
        for threshold, score in sorted(parse_bands(criterion.bands), reverse=True):
            t_text, t_value = _param(threshold)
            s_text, s_value = _param(score)
            branches.append(f" WHEN {v} >= {t_text} THEN {s_text}")
            params += [t_value, s_value]
        branches.append(f" ELSE {F0} END")
        text = "".join(branches)
    elif rule == Rule.BOOLEAN:
        text = f"CASE WHEN {v} IS NULL THEN NULL WHEN {v} >= {F1} THEN {F100} ELSE {F0} END"
    else:
        raise ScoringError(_("Criterion %(code)s has no valid rule.") % {"code": criterion.code})
    return text, params


def parse_bands(bands):
    """[[threshold, score], ...] as Decimals; the edition loader validates the shape for users."""
    return [(Decimal(str(threshold)), Decimal(str(score))) for threshold, score in bands or []]


class StagePlan:
    """What one stage of one category scores: its criteria and their integer weights."""

    def __init__(self, stage_kind, criteria, scaled_weights, exponent):
        self.stage_kind = stage_kind
        self.criteria = criteria  # every criterion of the stage, metric and judged, in display order
        self.scaled_weights = scaled_weights  # criterion id -> weight ÷ gcd of the stage's weights (an integer)
        self.exponent = exponent  # metric scores are integers in units of 10^-exponent points
        self.metric_criteria = [c for c in criteria if c.kind == "metric"]
        self.judged_criteria = [c for c in criteria if c.kind == "judged"]
        self.weight_total = sum(scaled_weights.values())
        # Σ w · 10^k: dividing the SQL total by it gives the metric part of the stage score in one step.
        self.metric_divisor = Decimal(self.weight_total * 10**exponent) if self.weight_total else Decimal(1)


def stage_plan(stage_kind, criteria):
    import math

    criteria = tuple(c for c in criteria if c.stage_kind == stage_kind)
    as_units = {c.id: int(c.weight * 10000) for c in criteria}
    divisor = math.gcd(*as_units.values()) if as_units else 1
    scaled = {cid: units // divisor for cid, units in as_units.items()}
    metric_weights = [scaled[c.id] for c in criteria if c.kind == "metric"]
    return StagePlan(stage_kind, criteria, scaled, grid_exponent(metric_weights) if metric_weights else 9)


class _Keep:
    """Appended to a subquery so that the engine computes its columns once per row instead of merging it
    into the query above it: merged, every reference to a column repeats its whole expression (a score
    repeats its value three or four times, the value repeats the numeric → integer conversion), which
    made the expressions cost more than reading the data. An OFFSET stops both engines from merging."""

    def __str__(self):
        return " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"


KEEP = _Keep()


def metric_statement(*, plan, category_id, year, round_id=None, tie_break_ids=(), nomination_ids=None,
                     round_ids=None):
    """The statement scoring the plan's metric criteria for every nomination ranked at the stage.

    Without `nomination_ids`: one row per ranked nomination:
        (nomination id, round id, nominee code, nominee name, weighted total, missing mask, *tie-break grids)
    where total = Σ scaled weight · grid score (missing counts 0) and bit i of the mask marks the i-th
    metric criterion as missing. With `nomination_ids`: the detail of those nominations (see
    `metric_details`), the `relative` extremes still taken over the whole ranking group.
    """
    criteria = plan.metric_criteria
    nomination, stage, value, nominee = (Nomination._meta.db_table, Stage._meta.db_table,
                                         MetricValue._meta.db_table, Nominee._meta.db_table)
    sql = Sql()
    sql.add(
        f"WITH ranked AS (SELECT n.id AS nid, n.round_id AS rid, n.nominee_id AS eid FROM {nomination} n "
        f"JOIN {stage} s ON s.round_id = n.round_id AND s.kind = %s "
        f"LEFT JOIN {stage} e ON e.id = n.eliminated_after_id "
        "WHERE n.category_id = %s AND n.eligibility = %s AND (e.id IS NULL OR e.position >= s.position)",
        plan.stage_kind, category_id, Eligibility.ELIGIBLE,
    )
    if round_id is not None:
        sql.add(" AND n.round_id = %s", round_id)
    if round_ids is not None:
        sql.add(f" AND n.round_id IN ({', '.join(['%s'] * len(round_ids))})", *round_ids)
    sql.add(")")

    metric_ids = sorted({mid for c in criteria for mid in (c.metric_id, c.denominator_id, c.target_metric_id)
                         if mid is not None})
    columns = {mid: f"m{i}" for i, mid in enumerate(metric_ids)}
    last = "ranked"
    if metric_ids:
        # Grouped by the nomination alone (its round and nominee follow from it): one hash key, not three.
        sql.add(", pivot AS (SELECT r.nid, MAX(r.rid) AS rid, MAX(r.eid) AS eid")
        for mid in metric_ids:
            sql.add(f", MAX(CASE WHEN mv.metric_id = %s THEN mv.value END) AS {columns[mid]}", mid)
        sql.add(f" FROM ranked r LEFT JOIN {value} mv ON mv.nominee_id = r.eid AND mv.year = %s "
                f"AND mv.metric_id IN ({', '.join(['%s'] * len(metric_ids))}) GROUP BY r.nid)",
                year, *metric_ids)
        # Values as exact integers in units of 0.0001 (PostgreSQL: numeric(20, 4) times 10⁴ is already
        # whole; SQLite may hold the value as a double, so it is rounded).
        pg = connection.vendor == "postgresql"
        sql.add(", scaled AS (SELECT nid, rid, eid")
        for column in columns.values():
            whole = f"{column} * 10000" if pg else f"ROUND({column} * 10000)"
            sql.add(f", CAST({whole} AS BIGINT) AS {column}")
        sql.add(f" FROM pivot{KEEP})")
        sql.add(", vals AS (SELECT *")
        for i, criterion in enumerate(criteria):
            sql.add(f", {_value_sql(criterion, columns)} AS v{i}")
            if criterion.rule == Rule.TARGET:
                target_params = []
                text = _target_sql(criterion, columns, target_params)
                sql.add(f", {text} AS t{i}", *target_params)
        sql.add(f" FROM scaled{KEEP})")
        last = "vals"
        relative = [i for i, c in enumerate(criteria) if c.rule == Rule.RELATIVE]
        if relative:
            sql.add(", ext AS (SELECT *")
            for i in relative:
                sql.add(f", MIN(v{i}) OVER (PARTITION BY rid) AS lo{i}, MAX(v{i}) OVER (PARTITION BY rid) AS hi{i}")
            sql.add(" FROM vals)")
            last = "ext"
        sql.add(", raw AS (SELECT *")
        for i, criterion in enumerate(criteria):
            text, params = _score_sql(criterion, f"v{i}", f"t{i}", f"lo{i}", f"hi{i}")
            sql.add(f", ({text}) AS x{i}", *params)
        sql.add(f" FROM {last}{KEEP})")
        last = "raw"

    grids = [to_grid(f"x{i}", plan.exponent) for i in range(len(criteria))]
    if nomination_ids is not None:
        sql.add(" SELECT q.nid, q.rid")
        for i, criterion in enumerate(criteria):
            lo_hi = f"q.lo{i}, q.hi{i}" if criterion.rule == Rule.RELATIVE else "NULL, NULL"
            t = f"q.t{i}" if criterion.rule == Rule.TARGET else "NULL"
            sql.add(f", q.v{i}, {t}, {lo_hi}, {to_grid(f'q.x{i}', plan.exponent)}")
        for mid in metric_ids:
            sql.add(f", q.{columns[mid]}")
        sql.add(f" FROM {last} q WHERE q.nid IN ({', '.join(['%s'] * len(nomination_ids))})", *nomination_ids)
        return sql, metric_ids

    sql.add(" SELECT q.nid, q.rid, ee.code, ee.name, ")
    if criteria:
        terms = []
        for i, criterion in enumerate(criteria):
            terms.append(f"%s * COALESCE({grids[i]}, 0)")
            sql.params.append(plan.scaled_weights[criterion.id])
        sql.parts.append(" + ".join(terms))
        sql.add(", " + " + ".join(f"(CASE WHEN x{i} IS NULL THEN {1 << i} ELSE 0 END)" for i in range(len(criteria))))
    else:
        sql.add("0, 0")
    index_of = {c.id: i for i, c in enumerate(criteria)}
    for cid in tie_break_ids:
        sql.add(f", COALESCE({grids[index_of[cid]]}, 0)")
    sql.add(f" FROM {last} q JOIN {nominee} ee ON ee.id = q.eid")
    return sql, metric_ids


def run(sql, *, large=False):
    """Execute a scoring statement and fetch its rows (one round trip, one query).

    On PostgreSQL the statement is preceded, in the same simple-protocol message and so in the same
    implicit transaction, by settings local to it: JIT compilation off (compiling these wide CASE
    expressions costs about half a second per statement, more than running them), room to sort a
    large category in memory, and the random-page cost of cached/SSD storage so that a category's
    nominees are looked up by index rather than by hashing the whole nominee table.

    `large`: the statement ranks a large share of all nominations (see LARGE_SHARE). Its metric values
    are then read in one sequential pass over the table and hash-joined, instead of one index probe per
    nominee (with the default 128 MB of shared buffers those probes mostly miss: for 416,000 nominees
    they took twice as long as reading the whole table).
    """
    # Reset when not large: a reader connection runs several statements in one transaction.
    settings = f"{POSTGRES_SETTINGS}; {POSTGRES_LARGE if large else POSTGRES_NOT_LARGE}"
    return fetch_with_settings(settings, sql.text, sql.params)


def fetch_with_settings(settings, text, params):
    """The rows of one statement; on PostgreSQL preceded by `settings` (SET LOCAL …) in the same
    simple-protocol message, so in the same implicit transaction and for this statement only."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{settings}; {text}", params)
            while cursor.description is None and cursor.nextset():
                pass
        else:
            cursor.execute(text, params)
        return cursor.fetchall()


POSTGRES_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '256MB'; SET LOCAL random_page_cost = 1.1"
# For a `large` statement: hash joins instead of index probes. Parallel workers stay allowed: PostgreSQL
# 15 cannot run a parallel hash *right* join, so a parallel plan hashes the metric values rather than
# the category's nominations and merges the workers' partial groups again, which costs more CPU, but it
# still finished sooner than the serial plan on the shared 2-core machine (best of 3: 7.1 s against 8.5 s).
POSTGRES_LARGE = "SET LOCAL enable_nestloop = off"
POSTGRES_NOT_LARGE = "SET LOCAL enable_nestloop = DEFAULT"
# A category holding at least this share of the edition's nominations, and at least this many, is
# `large` for `run` (rank_edition decides; a single ranking group never is).
LARGE_SHARE = 0.25
LARGE_MINIMUM = 50_000


def metric_totals(*, plan, category_id, year, round_id=None, round_ids=None, tie_break_ids=(), large=False):
    """Run `metric_statement` and return its rows (one query)."""
    sql, _metric_ids = metric_statement(plan=plan, category_id=category_id, year=year, round_id=round_id,
                                        round_ids=round_ids, tie_break_ids=tie_break_ids)
    return run(sql, large=large)


@dataclass(frozen=True)
class MetricDetail:
    """One metric criterion of one nomination, as rule 10 shows it."""

    criterion: Criterion
    value: Decimal | None  # v: the metric, or the ratio in percent (rounded to 4 decimals)
    numerator: Decimal | None
    denominator: Decimal | None
    target: Decimal | None  # the target's value (fixed or the nominee's own metric)
    group_min: Decimal | None  # relative rule: extremes over the ranking group
    group_max: Decimal | None
    score: Decimal | None  # unrounded (on the 10⁻ᵏ grid); None = missing

    @property
    def missing(self):
        return self.score is None

    @property
    def missing_metrics(self):
        """The metric codes whose absence (or zero denominator/target) makes the score missing."""
        if not self.missing:
            return []
        c = self.criterion
        names = []
        if self.numerator is None:
            names.append(c.metric.code)
        if c.denominator_id and not self.denominator:
            names.append(c.denominator.code)
        if c.target_metric_id and not self.target:
            names.append(c.target_metric.code)
        return names


def _decimal(number):
    """A double from the database as a Decimal rounded to 4 decimals (for showing v, min, max)."""
    from .rules import round_score

    return None if number is None else round_score(Decimal(repr(float(number))))


def metric_details(*, plan, category_id, year, round_id, nomination_ids):
    """{nomination id: [MetricDetail per metric criterion]} for a few nominations (one query)."""
    criteria = plan.metric_criteria
    if not criteria or not nomination_ids:
        return {nid: [] for nid in nomination_ids}
    sql, metric_ids = metric_statement(plan=plan, category_id=category_id, year=year, round_id=round_id,
                                       nomination_ids=list(nomination_ids))
    rows = run(sql)
    details = {}
    for row in rows:
        nid = row[0]
        metric_values = dict(zip(metric_ids, row[2 + 5 * len(criteria):], strict=True))

        def metric(mid, metric_values=metric_values):
            scaled = metric_values.get(mid) if mid is not None else None
            return None if scaled is None else Decimal(int(scaled)).scaleb(-4)

        items = []
        for i, criterion in enumerate(criteria):
            v, _t, lo, hi, grid = row[2 + 5 * i: 7 + 5 * i]
            target = None
            if criterion.rule == Rule.TARGET:
                target = (criterion.target_value if criterion.target_metric_id is None
                          else metric(criterion.target_metric_id))
            items.append(MetricDetail(
                criterion=criterion,
                value=_decimal(v),
                numerator=metric(criterion.metric_id),
                denominator=metric(criterion.denominator_id),
                target=target,
                group_min=_decimal(lo), group_max=_decimal(hi),
                score=None if grid is None else Decimal(int(grid)).scaleb(-plan.exponent),
            ))
        details[nid] = items
    for nid in nomination_ids:
        details.setdefault(nid, [])
    return details
