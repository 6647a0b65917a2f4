"""Rules 2-9 through rank_group: stage and round scores, who is ranked, ties, flags, and query counts.

Every expected number is worked out by hand in the comment above it; the suite runs on SQLite and on
PostgreSQL, so passing on both shows both engines give the same 4-decimal results.
"""
from decimal import Decimal as D

import pytest

from awards.scoring import ScoringError, explain, rank_edition, rank_group

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    """Provincial round 18: screening, assessment (W 60, open), interview (W 40, draft); category kabkota."""
    round_ = f.provincial_round()
    category = f.category(awards_count=3, advance_count=1)
    f.stage(round_, "screening", "0", status="closed")
    assessment = f.stage(round_, "assessment", "60", status="open")
    interview = f.stage(round_, "interview", "40")
    return category, round_, assessment, interview


def nominate(category, round_, code, **values):
    person = f.nominee(code=code)
    f.metrics(person, **values)
    return f.nomination(round_, category, person)


def table(ranking):
    return [(r.rank, r.nominee_code, r.round_score) for r in ranking.rows]


def test_stage_score_weighs_metric_and_judged_criteria_and_names_what_is_missing(group):
    category, round_, assessment, _interview = group
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total",
                       target_value=50, weight="3")
    f.metric_criterion(category, "regulation", "boolean", "has_regulation", weight="1")
    story = f.judged_criterion(category, "story", weight="2", scale_min=0, scale_max=10)
    a = nominate(category, round_, "A", workers_total=1000, workers_protected=400, has_regulation=1)
    nominate(category, round_, "B", workers_total=10, workers_protected=5)
    f.scores(a, assessment, f.reviewer(), {story: 7})
    f.scores(a, assessment, f.reviewer(), {story: 9})
    # A: coverage 40 % of target 50 → 80; regulation 100; story (70 + 90) ÷ 2 = 80.
    #    (3·80 + 1·100 + 2·80) ÷ 6 = 500 ÷ 6 = 83.33333… → 83.3333.
    # B: coverage 50 % → 100; regulation and story missing → 0: 3·100 ÷ 6 = 50, incomplete.
    ranking = rank_group(category, round_)
    assert table(ranking) == [(1, "A", D("83.3333")), (2, "B", D("50.0000"))]
    assert [str(m) for m in ranking.rows[1].missing] == ["assessment:regulation", "assessment:story"]
    assert ranking.rows[1].flags == ["incomplete"]


def test_round_score_weighs_the_stages_up_to_the_ranked_one(group):
    category, round_, assessment, interview = group
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total",
                       target_value=60, weight="1")
    pitch = f.judged_criterion(category, "pitch", stage_kind="interview")
    a = nominate(category, round_, "A", workers_total=3, workers_protected=1)
    f.scores(a, interview, f.reviewer(), {pitch: 50})
    # Assessment: coverage 33.333… % of 60 → 55.5555…; interview 50.
    # Round at the interview: (60 · 55.5555… + 40 · 50) ÷ 100 = (3333.333… + 2000) ÷ 100 = 53.3333.
    # At the assessment it is the assessment score alone: 55.5556.
    assert table(rank_group(category, round_, interview)) == [(1, "A", D("53.3333"))]
    assert table(rank_group(category, round_, assessment)) == [(1, "A", D("55.5556"))]
    ranking = rank_group(category, round_, interview)
    assert ranking.rows[0].stage_scores == {"assessment": D("55.5556"), "interview": D("50.0000")}


def test_only_screened_and_not_eliminated_nominations_are_ranked(group):
    category, round_, assessment, interview = group
    f.metric_criterion(category, "regulation", "boolean", "has_regulation")
    nominate(category, round_, "A", has_regulation=1)
    f.nomination(round_, category, f.nominee(code="P"), eligibility="pending")
    f.nomination(round_, category, f.nominee(code="I"), eligibility="ineligible")
    out = nominate(category, round_, "E", has_regulation=1)
    out.eliminated_after = assessment
    out.save()
    # E was eliminated after the assessment: ranked there, not at the interview. P and I never.
    assert [r.nominee_code for r in rank_group(category, round_, assessment).rows] == ["A", "E"]
    assert [r.nominee_code for r in rank_group(category, round_, interview).rows] == ["A"]


def test_only_submitted_scores_without_conflict_count(group):
    category, round_, assessment, _interview = group
    story = f.judged_criterion(category, "story")
    a = nominate(category, round_, "A")
    f.scores(a, assessment, f.reviewer(), {story: 60})
    f.scores(a, assessment, f.reviewer(), {story: 0}, submitted=False)  # a draft
    conflicted = f.reviewer()
    f.scores(a, assessment, conflicted, {story: 100})
    f.conflict(a, conflicted)
    # Only the 60 counts: the draft and the conflicted reviewer's 100 are left out.
    assert table(rank_group(category, round_)) == [(1, "A", D("60.0000"))]


def test_median_aggregation_is_a_stage_option(group):
    category, round_, assessment, _interview = group
    assessment.aggregation = "median"
    assessment.save()
    story = f.judged_criterion(category, "story")
    a = nominate(category, round_, "A")
    for value in (10, 40, 60, 100):
        f.scores(a, assessment, f.reviewer(), {story: value})
    # Median of 10, 40, 60, 100 = (40 + 60) ÷ 2 = 50 (the mean would be 52.5).
    assert table(rank_group(category, round_)) == [(1, "A", D("50.0000"))]


def test_trimmed_mean_aggregation_is_a_stage_option(group):
    category, round_, assessment, _interview = group
    assessment.aggregation = "trimmed_mean"
    assessment.save()
    story = f.judged_criterion(category, "story")
    a = nominate(category, round_, "A")
    for value in (0, 60, 70, 100):
        f.scores(a, assessment, f.reviewer(), {story: value})
    # Drop 0 and 100: (60 + 70) ÷ 2 = 65.
    assert table(rank_group(category, round_)) == [(1, "A", D("65.0000"))]


def test_calibration_rescales_each_reviewer_in_the_groups_stage(group):
    category, round_, assessment, _interview = group
    assessment.calibrate = True
    assessment.save()
    story = f.judged_criterion(category, "story")
    harsh, kind = f.reviewer(), f.reviewer()
    nominations = [nominate(category, round_, code) for code in ("A", "B", "C")]
    for nomination, low, high in zip(nominations, (40, 50, 60), (70, 80, 90), strict=True):
        f.scores(nomination, assessment, harsh, {story: low})
        f.scores(nomination, assessment, kind, {story: high})
    # Harsh 40/50/60 (μ 50, σ 10), kind 70/80/90 (μ 80, σ 10); pooled μ 65, σ √350 = 18.70829.
    # Both reviewers map to the same calibrated scores: A 65 − 18.70829 = 46.2917, B 65, C 83.7083.
    # (Uncalibrated means would be 55, 65, 75.)
    ranking = rank_group(category, round_)
    assert table(ranking) == [(1, "C", D("83.7083")), (2, "B", D("65.0000")), (3, "A", D("46.2917"))]
    reviewers = explain(ranking, nominations[0]).stages[0].criteria[0].reviewers
    assert sorted((str(r.raw), str(round(r.mapped, 4)), str(round(r.calibrated, 4))) for _name, r in reviewers) == [
        ("40.0000", "40.0000", "46.2917"), ("70.0000", "70.0000", "46.2917")]


def test_calibration_with_fewer_than_three_scores_leaves_the_reviewer_alone(group):
    category, round_, assessment, _interview = group
    assessment.calibrate = True
    assessment.save()
    story = f.judged_criterion(category, "story")
    a, b = nominate(category, round_, "A"), nominate(category, round_, "B")
    reviewer = f.reviewer()
    f.scores(a, assessment, reviewer, {story: 30})
    f.scores(b, assessment, reviewer, {story: 90})
    # Two scores only: y = x.
    assert table(rank_group(category, round_)) == [(1, "B", D("90.0000")), (2, "A", D("30.0000"))]


def test_disagreement_flag_uses_the_stages_threshold(group):
    category, round_, assessment, _interview = group
    story = f.judged_criterion(category, "story")
    a, b = nominate(category, round_, "A"), nominate(category, round_, "B")
    for nomination, values in ((a, (20, 60)), (b, (50, 75))):
        for value in values:
            f.scores(nomination, assessment, f.reviewer(), {story: value})
    # A: spread 40 > 30 → flagged; B: spread 25 → not. With threshold 45 neither is.
    ranking = rank_group(category, round_)
    assert {r.nominee_code: r.flags for r in ranking.rows} == {"A": ["disagreement"], "B": []}
    assert [(k, c, v) for k, c, v in ranking.row(a.id).disagreements] == [("assessment", "story", D(40))]
    assessment.disagreement_threshold = D(45)
    assessment.save()
    assert {r.nominee_code: r.flags for r in rank_group(category, round_).rows} == {"A": [], "B": []}


def test_competition_ranking_with_tie_break_criteria(group):
    category, round_, _assessment, _interview = group
    f.metric_criterion(category, "coverage", "linear", "workers_protected", denominator="workers_total",
                       low=0, high=100, weight="1", tie_break_rank=1)
    f.metric_criterion(category, "regulation", "boolean", "has_regulation", weight="1")
    # Round score = (coverage + regulation) ÷ 2, regulation being 0 or 100.
    # W: coverage 100 %, no regulation → 50.  X: coverage 0 %, regulation → 50.  Tied at 50; the
    #    tie-break criterion (coverage) puts W (100) before X (0): ranks 1 and 2.
    # Y: 2 ÷ 5 = 40 % → 20; Z: 4 ÷ 10 = 40 % → 20: equal score and equal tie-break → both rank 3.
    # V: 10 % → 5 → rank 5 (rank 4 is skipped after the tie).
    nominate(category, round_, "W", workers_total=10, workers_protected=10, has_regulation=0)
    nominate(category, round_, "X", workers_total=10, workers_protected=0, has_regulation=1)
    nominate(category, round_, "Z", workers_total=10, workers_protected=4, has_regulation=0)
    nominate(category, round_, "Y", workers_total=5, workers_protected=2, has_regulation=0)
    nominate(category, round_, "V", workers_total=10, workers_protected=1, has_regulation=0)
    ranking = rank_group(category, round_)
    assert table(ranking) == [
        (1, "W", D("50.0000")), (2, "X", D("50.0000")), (3, "Y", D("20.0000")), (3, "Z", D("20.0000")),
        (5, "V", D("5.0000")),
    ]
    # Y and Z tie at ranks 3-4 across the award boundary (3 awards): both flagged.
    assert {r.nominee_code for r in ranking.rows if r.award_tie} == {"Y", "Z"}
    assert not any(r.advancement_tie for r in ranking.rows)


def test_tie_at_the_advancement_boundary_is_flagged(group):
    category, round_, _assessment, _interview = group
    f.metric_criterion(category, "regulation", "boolean", "has_regulation")
    nominate(category, round_, "A", has_regulation=1)
    nominate(category, round_, "B", has_regulation=1)
    nominate(category, round_, "C", has_regulation=0)
    # A and B share rank 1 and only one advances (K = 1).
    ranking = rank_group(category, round_)
    assert [(r.rank, r.nominee_code, r.advancement_tie, r.award_tie) for r in ranking.rows] == [
        (1, "A", True, False), (1, "B", True, False), (3, "C", False, False)]


def test_default_stage_is_the_latest_opened_one(group):
    category, round_, assessment, interview = group
    assert rank_group(category, round_).stage == assessment
    interview.status = "open"
    interview.save()
    assert rank_group(category, round_).stage == interview


def test_ranking_at_the_screening_stage_is_refused(group):
    category, round_, _assessment, _interview = group
    screening = round_.stages.get(kind="screening")
    with pytest.raises(ScoringError):
        rank_group(category, round_, screening)


def test_explanation_shares_add_up_to_the_round_score(group):
    category, round_, assessment, interview = group
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total",
                       target_value=50, weight="3")
    story = f.judged_criterion(category, "story", weight="1")
    pitch = f.judged_criterion(category, "pitch", stage_kind="interview")
    a = nominate(category, round_, "A", workers_total=100, workers_protected=20)
    f.scores(a, assessment, f.reviewer("rina"), {story: 90})
    f.scores(a, interview, f.reviewer("budi"), {pitch: 70})
    interview.status = "open"
    interview.save()
    # Assessment: coverage 20 % of 50 → 40 (w 3), story 90 (w 1): (120 + 90) ÷ 4 = 52.5.
    # Round: (60 · 52.5 + 40 · 70) ÷ 100 = 31.5 + 28 = 59.5.
    # Points in the round score: coverage 3·40 ÷ 4 · 0.6 = 18, story 90 ÷ 4 · 0.6 = 13.5, pitch 70 · 0.4 = 28.
    ranking = rank_group(category, round_)
    explanation = explain(ranking, a)
    assert explanation.round_score == D("59.5000")
    points = [(c.code, round(c.round_points, 4), round(c.share, 2)) for s in explanation.stages for c in s.criteria]
    assert points == [("coverage", D("18.0000"), D("30.25")), ("story", D("13.5000"), D("22.69")),
                      ("pitch", D("28.0000"), D("47.06"))]
    assert explanation.stages[0].criteria[1].reviewers[0][0] == "rina"
    data = explanation.as_data()
    assert data["stages"][0]["criteria"][0]["raw"]["value"] == "20.0000"


def test_same_inputs_give_the_same_four_decimals_on_every_engine(group):
    # Awkward fractions that doubles cannot hold: coverage 1 ÷ 3, 2 ÷ 7, 5 ÷ 9 of target 70, weights 7 and 3,
    # judged scale 0-7.
    category, round_, assessment, _interview = group
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total",
                       target_value=70, weight="7")
    story = f.judged_criterion(category, "story", weight="3", scale_min=0, scale_max=7)
    people = {}
    for code, total, protected, judged in (("A", 3, 1, 5), ("B", 7, 2, 6), ("C", 9, 5, 2)):
        people[code] = nominate(category, round_, code, workers_total=total, workers_protected=protected)
        f.scores(people[code], assessment, f.reviewer(), {story: judged})
    # A: 33.333…% ÷ 70 → 47.619047…; story 5/7 → 71.428571…; (7·47.619047 + 3·71.428571) ÷ 10 = 54.7619.
    # B: 28.571428…% ÷ 70 → 40.816326…; story 6/7 → 85.714285…; (285.714285 + 257.142857) ÷ 10 = 54.2857.
    # C: 55.555…% ÷ 70 → 79.365079…; story 2/7 → 28.571428…; (555.555555 + 85.714285) ÷ 10 = 64.1270.
    assert table(rank_group(category, round_)) == [
        (1, "C", D("64.1270")), (2, "A", D("54.7619")), (3, "B", D("54.2857"))]


def test_rank_group_query_count_does_not_grow_with_nominations(group, django_assert_num_queries):
    category, round_, assessment, _interview = group
    f.metric_criterion(category, "regulation", "boolean", "has_regulation", tie_break_rank=1)
    story = f.judged_criterion(category, "story")
    first = nominate(category, round_, "A", has_regulation=1)
    f.scores(first, assessment, f.reviewer(), {story: 50})
    # stages, criteria, metric statement, judged scores.
    with django_assert_num_queries(4):
        assert len(rank_group(category, round_).rows) == 1
    for code in ("B", "C"):
        nomination = nominate(category, round_, code, has_regulation=0)
        f.scores(nomination, assessment, f.reviewer(), {story: 70})
    with django_assert_num_queries(4):
        assert len(rank_group(category, round_).rows) == 3


def test_rank_edition_query_count_does_not_grow_with_nominations(group, django_assert_num_queries):
    category, round_, assessment, _interview = group
    f.metric_criterion(category, "regulation", "boolean", "has_regulation")
    f.judged_criterion(category, "story")
    nominate(category, round_, "A", has_regulation=1)
    edition = category.edition
    # rounds, stages, categories, criteria, then per category and stage: metric statement, judged scores.
    with django_assert_num_queries(6):
        assert [len(r.rows) for r in rank_edition(edition)] == [1]
    for code in ("B", "C", "D"):
        nominate(category, round_, code, has_regulation=0)
    with django_assert_num_queries(6):
        rankings = rank_edition(edition)
    assert [len(r.rows) for r in rankings] == [4]
    assert table(rankings[0]) == table(rank_group(category, round_))


def test_explain_query_count(group, django_assert_num_queries):
    category, round_, assessment, _interview = group
    f.metric_criterion(category, "regulation", "boolean", "has_regulation")
    story = f.judged_criterion(category, "story")
    a = nominate(category, round_, "A", has_regulation=1)
    f.scores(a, assessment, f.reviewer(), {story: 50})
    ranking = rank_group(category, round_)
    # reviewers' names, metric detail of the one stage.
    with django_assert_num_queries(2):
        explain(ranking, a)
