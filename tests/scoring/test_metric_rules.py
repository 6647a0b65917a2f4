"""Rule 1, every metric rule, on a group whose only criterion is the rule under test (stage score = criterion score).

Each worked example is computed by hand in the comment beside it.
"""
from decimal import Decimal as D

import pytest

from awards.scoring import nomination_metric_scores, rank_group

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    round_ = f.provincial_round()
    category = f.category()
    f.stage(round_, "screening", "0", status="closed")
    f.stage(round_, "assessment", "1", status="open")
    return category, round_


def scores(category, round_):
    ranking = rank_group(category, round_)
    return {row.nominee_code: row.round_score for row in ranking.rows}


def nominate(category, round_, code, **values):
    person = f.nominee(code=code)
    f.metrics(person, **values)
    return f.nomination(round_, category, person)


def test_target_with_a_fixed_target(group):
    # Coverage 400 ÷ 1000 = 40 %, target 50 → 100 · min(40 ÷ 50, 1) = 80.
    # Coverage 300 ÷ 300 = 100 % → 100 · min(2, 1) = 100.
    category, round_ = group
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total", target_value=50)
    nominate(category, round_, "A", workers_total=1000, workers_protected=400)
    nominate(category, round_, "B", workers_total=300, workers_protected=300)
    assert scores(category, round_) == {"A": D("80.0000"), "B": D("100.0000")}


def test_target_with_the_nominees_own_target_metric(group):
    # A: coverage 24.5 % (245 ÷ 1000) against its own target 35 % → 100 · 24.5 ÷ 35 = 70.
    # B: no target reported → missing → 0 and incomplete. C: target 0 → missing as well.
    category, round_ = group
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total",
                       target_metric="coverage_target_pct")
    nominate(category, round_, "A", workers_total=1000, workers_protected=245, coverage_target_pct=35)
    nominate(category, round_, "B", workers_total=1000, workers_protected=500)
    nominate(category, round_, "C", workers_total=1000, workers_protected=500, coverage_target_pct=0)
    ranking = rank_group(category, round_)
    assert [(r.nominee_code, r.round_score, [str(m) for m in r.missing]) for r in ranking.rows] == [
        ("A", D("70.0000"), []),
        ("B", D("0.0000"), ["assessment:coverage"]),
        ("C", D("0.0000"), ["assessment:coverage"]),
    ]


def test_linear_clamps_below_low_and_above_high(group):
    # low 20, high 70: v = 45 → 100 · 25 ÷ 50 = 50; v = 10 → −20 → 0; v = 95 → 150 → 100;
    # v = 33.3333 → 100 · 13.3333 ÷ 50 = 26.6666.
    category, round_ = group
    f.metric_criterion(category, "target-level", "linear", "coverage_target_pct", low=20, high=70)
    nominate(category, round_, "A", coverage_target_pct=45)
    nominate(category, round_, "B", coverage_target_pct=10)
    nominate(category, round_, "C", coverage_target_pct=95)
    nominate(category, round_, "D", coverage_target_pct="33.3333")
    assert scores(category, round_) == {"A": D("50.0000"), "B": D("0.0000"), "C": D("100.0000"), "D": D("26.6666")}


def test_linear_on_a_ratio(group):
    # Coverage 1 ÷ 8 = 12.5 %; linear 0-40 → 100 · 12.5 ÷ 40 = 31.25 exactly.
    category, round_ = group
    f.metric_criterion(category, "coverage", "linear", "workers_protected", denominator="workers_total", low=0, high=40)
    nominate(category, round_, "A", workers_total=8, workers_protected=1)
    assert scores(category, round_) == {"A": D("31.2500")}


def test_linear_half_up_on_an_exact_fifth_decimal(group):
    category, round_ = group
    f.metric_criterion(category, "level", "linear", "workers_total", low=0, high=200)
    # v = 24.6913 → 100 · 24.6913 ÷ 200 = 12.34565 → half-up 12.3457 (the double 12.345649999… is
    # snapped to the 10⁻⁹ grid first, so the exact decimal rounds as a person would round it).
    nominate(category, round_, "A", workers_total="24.6913")
    assert scores(category, round_) == {"A": D("12.3457")}


def test_relative_scales_between_the_groups_lowest_and_highest(group):
    # Budgets 100, 250, 400 (C not reported): min 100, max 400 →
    # A 0, B 100 · 150 ÷ 300 = 50, D 100; C missing → 0, incomplete.
    category, round_ = group
    f.metric_criterion(category, "budget", "relative", "protection_budget_idr")
    nominate(category, round_, "A", protection_budget_idr=100)
    nominate(category, round_, "B", protection_budget_idr=250)
    nominate(category, round_, "C")
    nominate(category, round_, "D", protection_budget_idr=400)
    assert scores(category, round_) == {"A": D("0.0000"), "B": D("50.0000"), "C": D("0.0000"), "D": D("100.0000")}


def test_relative_when_all_values_are_equal_gives_100(group):
    category, round_ = group
    f.metric_criterion(category, "budget", "relative", "protection_budget_idr")
    nominate(category, round_, "A", protection_budget_idr=7)
    nominate(category, round_, "B", protection_budget_idr=7)
    assert scores(category, round_) == {"A": D("100.0000"), "B": D("100.0000")}


def test_relative_ignores_nominations_not_ranked_together(group):
    # The ineligible nominee's budget 1,000 is not "ranked together": min 100, max 300 → B = 100.
    category, round_ = group
    f.metric_criterion(category, "budget", "relative", "protection_budget_idr")
    nominate(category, round_, "A", protection_budget_idr=100)
    nominate(category, round_, "B", protection_budget_idr=300)
    person = f.nominee(code="X")
    f.metrics(person, protection_budget_idr=1000)
    f.nomination(round_, category, person, eligibility="ineligible")
    assert scores(category, round_) == {"A": D("0.0000"), "B": D("100.0000")}


def test_bands_take_the_highest_threshold_reached(group):
    # Bands [[100, 40], [500, 70], [1000, 100]]: 50 → below all → 0; 100 → 40 (threshold reached);
    # 999 → 70; 5000 → 100.
    category, round_ = group
    f.metric_criterion(category, "size", "bands", "workers_total", bands=[["500", "70"], ["100", "40"], ["1000", "100"]])
    nominate(category, round_, "A", workers_total=50)
    nominate(category, round_, "B", workers_total=100)
    nominate(category, round_, "C", workers_total=999)
    nominate(category, round_, "D", workers_total=5000)
    assert scores(category, round_) == {"A": D("0.0000"), "B": D("40.0000"), "C": D("70.0000"), "D": D("100.0000")}


def test_boolean_is_100_from_1(group):
    # has_regulation 1 → 100; 0 → 0; not reported → missing (0, incomplete).
    category, round_ = group
    f.metric_criterion(category, "regulation", "boolean", "has_regulation")
    nominate(category, round_, "A", has_regulation=1)
    nominate(category, round_, "B", has_regulation=0)
    nominate(category, round_, "C")
    ranking = rank_group(category, round_)
    assert [(r.nominee_code, r.round_score, r.flags) for r in ranking.rows] == [
        ("A", D("100.0000"), []), ("B", D("0.0000"), []), ("C", D("0.0000"), ["incomplete"])]


def test_ratio_with_a_zero_denominator_is_missing(group):
    # 0 RT/RW heads: 100 · 0 ÷ 0 is undefined → missing, named in the flags.
    category, round_ = group
    f.metric_criterion(category, "rt-rw", "linear", "rt_rw_protected", denominator="rt_rw_total", low=0, high=100)
    nominate(category, round_, "A", rt_rw_total=0, rt_rw_protected=0)
    row = rank_group(category, round_).rows[0]
    assert (row.round_score, [str(m) for m in row.missing]) == (D("0.0000"), ["assessment:rt-rw"])


def test_nomination_metric_scores_give_raw_values_and_scores(group):
    # Coverage 245 ÷ 1000 = 24.5 % against target 35 → 70; the detail names numerator, denominator, target.
    category, round_ = group
    stage = round_.stages.get(kind="assessment")
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total",
                       target_metric="coverage_target_pct")
    f.metric_criterion(category, "regulation", "boolean", "has_regulation")
    nomination = nominate(category, round_, "A", workers_total=1000, workers_protected=245, coverage_target_pct=35)
    details = nomination_metric_scores(nomination, stage)
    assert [(d.criterion.code, d.value, d.numerator, d.denominator, d.target, d.score, d.missing_metrics)
            for d in details] == [
        ("coverage", D("24.5000"), D("245.0000"), D("1000.0000"), D("35.0000"), D("70.000000000"), []),
        ("regulation", None, None, None, None, None, ["has_regulation"]),
    ]


def test_metric_values_of_another_year_are_not_used(group):
    # The edition is 2025; a 2024 value is "not reported" for it.
    category, round_ = group
    f.metric_criterion(category, "regulation", "boolean", "has_regulation")
    person = f.nominee(code="A")
    f.metrics(person, year=2024, has_regulation=1)
    f.nomination(round_, category, person)
    assert scores(category, round_) == {"A": D("0.0000")}
