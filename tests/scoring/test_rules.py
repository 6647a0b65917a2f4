"""Rules 2-4, 7-9 as pure functions, with worked examples computed by hand in the comments."""
from decimal import Decimal as D

from awards.models import Aggregation
from awards.scoring.rules import (
    aggregate,
    boundary_ties,
    calibration,
    competition_ranks,
    disagrees,
    display_score,
    map_judged,
    round_score,
    sample_sd,
    spread,
    weighted_mean,
)


def test_round_score_rounds_half_up_to_four_decimals():
    # Half-up, not banker's rounding: 12.34565 → 12.3457 and 12.34575 → 12.3458 (even would give 12.3458 both).
    assert round_score(D("12.34565")) == D("12.3457")
    assert round_score(D("12.34575")) == D("12.3458")
    assert round_score(D("0.00004999")) == D("0.0000")
    assert str(round_score(D(100))) == "100.0000"


def test_display_score_shows_two_decimals_after_the_four_decimal_rounding():
    # 66.666666… → 66.6667 (stored) → 66.67 (shown); 12.344999 → 12.3450 → 12.35 (half-up of the stored value).
    assert display_score(D(200) / 3) == D("66.67")
    assert display_score(D("12.344999")) == D("12.35")


def test_map_judged_maps_the_scale_onto_0_100():
    # Scale 1-5, x = 4: 100 · (4 − 1) ÷ (5 − 1) = 75.
    assert map_judged(D(4), D(1), D(5)) == D(75)
    # Scale 0-3, x = 1: 100 · 1 ÷ 3 = 33.33… (exact to the context's 50 digits).
    assert round_score(map_judged(D(1), D(0), D(3))) == D("33.3333")
    assert map_judged(D(0), D(0), D(100)) == D(0)


def test_aggregate_mean_of_three():
    # (70 + 80 + 96) ÷ 3 = 82.
    assert aggregate([D(70), D(80), D(96)], Aggregation.MEAN) == D(82)


def test_aggregate_median_odd_and_even():
    # Odd: the middle of 10, 50, 90 is 50. Even: 10, 40, 60, 100 → (40 + 60) ÷ 2 = 50.
    assert aggregate([D(90), D(10), D(50)], Aggregation.MEDIAN) == D(50)
    assert aggregate([D(100), D(10), D(60), D(40)], Aggregation.MEDIAN) == D(50)


def test_aggregate_trimmed_mean_drops_one_highest_and_one_lowest_from_four():
    # 0, 60, 70, 100 → drop 0 and 100 → (60 + 70) ÷ 2 = 65.
    assert aggregate([D(100), D(0), D(60), D(70)], Aggregation.TRIMMED_MEAN) == D(65)


def test_aggregate_trimmed_mean_of_fewer_than_four_is_the_mean():
    # 0, 60, 90 → mean 50 (nothing dropped with three reviewers).
    assert aggregate([D(0), D(60), D(90)], Aggregation.TRIMMED_MEAN) == D(50)


def test_aggregate_of_nothing_is_missing():
    assert aggregate([], Aggregation.MEAN) is None


def test_calibration_rescales_a_reviewer_to_the_pooled_mean_and_sd():
    # Reviewer A: 40, 50, 60 → μA = 50, σA = 10 (sample: √((100 + 0 + 100) ÷ 2)).
    # Reviewer B: 70, 80, 90 → μB = 80, σB = 10.
    # Pooled: 40 50 60 70 80 90 → μ = 65, σ = √(Σ(x − 65)² ÷ 5) = √((625+225+25+25+225+625) ÷ 5) = √350.
    # A's 60 → 65 + √350 · (60 − 50) ÷ 10 = 65 + 18.7083 = 83.7083 (√350 = 18.70828693…).
    fitted = calibration({"a": [D(40), D(50), D(60)], "b": [D(70), D(80), D(90)]})
    assert fitted.mu == D(65)
    assert round_score(fitted.sigma) == D("18.7083")
    assert round_score(fitted.apply("a", D(60))) == D("83.7083")
    # B's 70 → 65 + √350 · (70 − 80) ÷ 10 = 46.2917.
    assert round_score(fitted.apply("b", D(70))) == D("46.2917")


def test_calibration_clamps_to_0_100():
    # B gave twenty 100s and one 99 (μB = 99.952, σB = 0.218); C gave twenty 0s and one 1. Pooled with
    # A's 0, 50, 100: μ = (150 + 2099 + 1) ÷ 45 = 50, σ ≈ 49.9. B's 99 lies 4.36 σB below μB, so
    # y = 50 − 4.36 · 49.9 < 0 → clamped to 0; C's 1 lies 4.36 σC above μC → y > 100 → clamped to 100.
    fitted = calibration({"a": [D(0), D(50), D(100)], "b": [D(100)] * 20 + [D(99)], "c": [D(0)] * 20 + [D(1)]})
    assert fitted.mu == D(50)
    assert fitted.apply("b", D(99)) == D(0)
    assert fitted.apply("c", D(1)) == D(100)


def test_calibration_leaves_a_reviewer_with_fewer_than_three_scores_or_no_spread():
    # C has 2 scores; D has σ = 0 (70, 70, 70): both keep y = x.
    fitted = calibration({"a": [D(10), D(50), D(90)], "c": [D(20), D(30)], "d": [D(70), D(70), D(70)]})
    assert fitted.apply("c", D(20)) == D(20)
    assert fitted.apply("d", D(70)) == D(70)
    assert set(fitted.reviewers) == {"a"}


def test_sample_sd_uses_n_minus_one():
    # 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, 32 ÷ 7 = 4.571428…, √ = 2.13809…
    assert round_score(sample_sd([D(v) for v in (2, 4, 4, 4, 5, 5, 7, 9)])) == D("2.1381")


def test_disagreement_is_spread_above_the_threshold():
    # 50 and 80: spread 30, not above 30. 50 and 80.0001: 30.0001 > 30.
    assert spread([D(50), D(80)]) == D(30)
    assert disagrees([D(50), D(80)], D(30)) is False
    assert disagrees([D(50), D("80.0001")], D(30)) is True
    assert disagrees([D(50)], D(0)) is False


def test_disagreement_compares_the_spread_rounded_to_four_decimals():
    # Spread 30.00004 rounds to 30.0000, which is not above 30.
    assert disagrees([D(0), D("30.00004")], D(30)) is False


def test_weighted_mean_of_stage_scores():
    # Rule 6: assessment 80 (W 60), interview 50 (W 40) → (4800 + 2000) ÷ 100 = 68.
    assert weighted_mean([(D(60), D(80)), (D(40), D(50))]) == D(68)
    assert weighted_mean([]) == D(0)


def test_competition_ranks_share_ties_and_skip_after_them():
    # 90, 80, 80, 70 → 1, 2, 2, 4.
    assert competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert competition_ranks([5, 5, 5]) == [1, 1, 1]
    assert competition_ranks([]) == []


def test_boundary_ties_flag_a_tie_across_the_boundary():
    # Ranks 1, 2, 3, 3, 5 with 3 awards: positions 3 and 4 (0-based 2, 3) share rank 3 across the boundary.
    assert boundary_ties([1, 2, 3, 3, 5], 3) == {2, 3}
    # Ranks 1, 1, 3: a tie inside the awards but not across boundary 3 → nothing.
    assert boundary_ties([1, 1, 3], 3) == set()
    # Advancement K = 1 with ranks 1, 1, 3: both first-placed are flagged.
    assert boundary_ties([1, 1, 3], 1) == {0, 1}


def test_coverage_percent_is_the_one_ratio_shown_beside_the_scores():
    from awards.scoring.rules import coverage_percent

    assert round(coverage_percent(687, 2800), 4) == D("24.5357")
    assert coverage_percent(0, 10) == 0
    assert [coverage_percent(*pair) for pair in ((None, 10), (5, None), (5, 0))] == [None, None, None]
