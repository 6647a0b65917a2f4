"""The hand-written oracle of the synthetic edition: one SQL statement, written apart from the engine,
computing every assessment-stage metric total of the benchmark's rules at once. The engine's totals must
equal it (tests/benchmarks/test_ranking.py)."""
from django.db import connection

from awards.models import MetricDefinition
from awards.scoring.metric_sql import Sql, run
from benchmarks.ranking import YEAR, _metric_sql


def hand_sql():
    """One hand-written statement computing the same metric-criterion totals at the assessment stage, for
    every ranking group at once (criteria and weights of the synthetic rules written in)."""
    pg = connection.vendor == "postgresql"

    def grid(x):
        scaled = f"(({x}) * CAST(1000000000 AS DOUBLE PRECISION) + CAST(0.5 AS DOUBLE PRECISION))"
        return f"COALESCE(CAST(FLOOR{scaled} AS BIGINT), 0)" if pg else f"COALESCE(CAST({scaled} AS INTEGER), 0)"

    d = "DOUBLE PRECISION"
    metrics = dict(MetricDefinition.objects.values_list("code", "id"))
    codes = sorted({code for code, *_rest in _metric_sql()})
    pivot = ", ".join(f"CAST(ROUND(MAX(CASE WHEN mv.metric_id = {metrics[c]} THEN mv.value END) * 10000) AS BIGINT) "
                      f"AS \"{c}\"" for c in codes)

    def plain(c):
        return f"(CAST(\"{c}\" AS {d}) / CAST(10000 AS {d}))"

    def ratio(a, b):
        return f"(CASE WHEN \"{b}\" = 0 THEN NULL ELSE ((CAST(100 AS {d}) * CAST(\"{a}\" AS {d})) / CAST(\"{b}\" AS {d})) END)"

    def target(v, t):
        return f"(CASE WHEN {v} IS NULL OR {t} IS NULL THEN NULL WHEN ({v} / {t}) >= CAST(1 AS {d}) THEN CAST(100 AS {d}) ELSE (CAST(100 AS {d}) * ({v} / {t})) END)"

    def linear(v, lo, hi):
        y = f"((CAST(100 AS {d}) * ({v} - CAST({lo} AS {d}))) / (CAST({hi} AS {d}) - CAST({lo} AS {d})))"
        return f"(CASE WHEN {y} < CAST(0 AS {d}) THEN CAST(0 AS {d}) WHEN {y} > CAST(100 AS {d}) THEN CAST(100 AS {d}) ELSE {y} END)"

    def relative(v, name):
        lo, hi = f"MIN({v}) OVER (PARTITION BY category_id, round_id)", f"MAX({v}) OVER (PARTITION BY category_id, round_id)"
        return (f"(CASE WHEN {v} IS NULL THEN NULL WHEN {hi} = {lo} THEN CAST(100 AS {d}) "
                f"ELSE ((CAST(100 AS {d}) * ({v} - {lo})) / ({hi} - {lo})) END) AS {name}")

    def bands(v, pairs):
        branches = " ".join(f"WHEN {v} >= CAST({t} AS {d}) THEN CAST({s} AS {d})" for t, s in reversed(pairs))
        return f"(CASE WHEN {v} IS NULL THEN NULL {branches} ELSE CAST(0 AS {d}) END)"

    def boolean(v):
        return f"(CASE WHEN {v} IS NULL THEN NULL WHEN {v} >= CAST(1 AS {d}) THEN CAST(100 AS {d}) ELSE CAST(0 AS {d}) END)"

    is_emp = "kind IN ('business', 'umkm')"
    is_village = "kind = 'village'"
    staff = f"(CASE WHEN {is_village} THEN {ratio('village_officials_protected', 'village_officials_total')} ELSE {ratio('non_asn_protected', 'non_asn_total')} END)"
    cadres = f"(CASE WHEN {is_village} THEN {ratio('village_cadres_protected', 'village_cadres_total')} ELSE {ratio('rt_rw_protected', 'rt_rw_total')} END)"
    vulnerable = ratio("vulnerable_workers_protected", "vulnerable_workers_total")
    return f"""
WITH ranked AS (
  SELECT n.id AS nid, n.round_id, n.category_id, n.nominee_id, e.kind
  FROM awards_nomination n JOIN awards_nominee e ON e.id = n.nominee_id
  JOIN awards_round r ON r.id = n.round_id AND r.edition_id = %s
  WHERE n.eligibility = 'eligible' AND n.eliminated_after_id IS NULL
), pivot AS (
  SELECT r.nid, r.round_id, r.category_id, r.kind, {pivot}
  FROM ranked r LEFT JOIN awards_metricvalue mv ON mv.nominee_id = r.nominee_id AND mv.year = {YEAR}
  GROUP BY r.nid, r.round_id, r.category_id, r.kind
), v AS (
  SELECT nid, round_id, category_id, kind,
    {ratio('employees_registered', 'employees_total')} AS e_cov, {plain('programs_enrolled')} AS e_prog,
    {plain('wages_reported_pct')} AS e_wage, {plain('contributions_on_time_months')} AS e_time,
    {ratio('daily_workers_registered', 'daily_workers_total')} AS e_daily,
    {ratio('vendors_registered', 'vendors_total')} AS e_vend, {plain('csr_vulnerable_protected')} AS e_csr,
    {plain('employees_total')} AS e_size,
    {ratio('workers_protected', 'workers_total')} AS g_cov,
    (CASE WHEN "coverage_target_pct" = 0 THEN NULL ELSE {plain('coverage_target_pct')} END) AS g_target,
    {staff} AS g_staff, {cadres} AS g_cadres, {vulnerable} AS g_vuln, {plain('has_regulation')} AS g_reg,
    {plain('protection_budget_idr')} AS g_budget, {plain('workers_total')} AS g_workers
  FROM pivot
), ext AS (
  SELECT v.*, {relative('e_vend', 'x_vend')}, {relative('e_csr', 'x_csr')}, {relative('g_vuln', 'x_vuln')},
    {relative('g_budget', 'x_budget')}
  FROM v
)
SELECT nid, CASE WHEN {is_emp} THEN
    25 * {grid(target('e_cov', f'CAST(100 AS {d})'))} + 15 * {grid(linear('e_prog', 0, 5))}
  + 10 * {grid(target('e_wage', f'CAST(100 AS {d})'))} + 10 * {grid(bands('e_time', [(0, 0), (6, 50), (10, 80), (12, 100)]))}
  + 10 * {grid(linear('e_daily', 0, 100))} + 10 * {grid('x_vend')} + 5 * {grid('x_csr')}
  + 5 * {grid(bands('e_size', [(0, 0), (100, 50), (1000, 100)]))} + 5 * {grid(boolean('e_prog'))}
  + 5 * {grid(boolean('e_csr'))}
ELSE
    20 * {grid(target('g_cov', 'g_target'))} + 20 * {grid(linear('g_staff', 0, 100))}
  + 10 * {grid(linear('g_cadres', 10, 90))} + 15 * {grid('x_vuln')} + 5 * {grid(target('g_vuln', f'CAST(12.5 AS {d})'))}
  + 10 * {grid(boolean('g_reg'))} + 10 * {grid(bands('g_budget', [(0, 0), (50000000, 40), (250000000, 70), (1000000000, 100)]))}
  + 5 * {grid('x_budget')} + 5 * {grid(bands('g_workers', [(0, 0), (500, 60), (5000, 100)]))}
END AS total FROM ext
"""



def mismatches(edition, rankings):
    """How many nominations' assessment metric totals differ from the hand-written statement's."""
    hand = dict(run(Sql().add(hand_sql(), edition.id)))
    differ = 0
    for ranking in rankings:
        result = ranking.results.get("assessment")
        if result is None:
            continue
        # The engine keeps totals in units of the stage's gcd-reduced weights.
        weights = [c.weight for c in result.plan.metric_criteria]
        factor = int(weights[0] / result.plan.scaled_weights[result.plan.metric_criteria[0].id])
        for nomination_id, row in result.metric_rows.items():
            if hand.get(nomination_id) != int(row[4]) * factor:
                differ += 1
    return differ
