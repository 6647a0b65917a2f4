"""The judged scores of a ranking group: the fast path computes exactly what the rules compute."""
import random
from decimal import Decimal as D
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from awards.models import Aggregation
from awards.scoring.judged import ReviewerScore, score_group
from awards.scoring.rules import aggregate, calibration, disagrees, exact, map_judged, spread


def reference(plan, stage, rows):
    """Rules 2-4 and 9 written out plainly with the functions of rules.py, one score at a time."""
    criteria = {c.id: c for c in plan.judged_criteria}
    mapped = []
    with exact():
        for nomination_id, reviewer_id, criterion_id, value in sorted(rows):
            c = criteria[criterion_id]
            mapped.append((nomination_id, reviewer_id, criterion_id, value, map_judged(value, c.scale_min, c.scale_max)))
    fitted = None
    if stage.calibrate:
        by_reviewer = {}
        for _n, reviewer_id, _c, _v, m in mapped:
            by_reviewer.setdefault(reviewer_id, []).append(m)
        fitted = calibration(by_reviewer)
    grouped = {}
    for nomination_id, reviewer_id, criterion_id, value, m in mapped:
        y = fitted.apply(reviewer_id, m) if fitted is not None else m
        grouped.setdefault(nomination_id, {}).setdefault(criterion_id, []).append(ReviewerScore(reviewer_id, value, m, y))
    result = {}
    for nomination_id, by_criterion in grouped.items():
        for criterion_id, reviewers in by_criterion.items():
            values = [r.mapped for r in reviewers]
            result.setdefault(nomination_id, {})[criterion_id] = (
                aggregate([r.calibrated for r in reviewers], stage.aggregation), spread(values),
                disagrees(values, stage.disagreement_threshold), reviewers)
    return result, fitted


def text(value):
    """Equal Decimals print equally only if their digits and exponent are equal: compare to the last digit."""
    return None if value is None else str(value)


scales = st.sampled_from([(D(0), D(100)), (D(0), D(10)), (D(1), D(10)), (D(1), D(7)), (D(-5), D(5))])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), criteria=st.lists(scales, min_size=1, max_size=3),
       aggregation=st.sampled_from([a.value for a in Aggregation]), calibrate=st.booleans(),
       threshold=st.sampled_from([D(0), D(10), D("33.3333"), D(30)]), size=st.integers(1, 60))
def test_score_group_computes_what_the_rules_compute_to_the_last_digit(seed, criteria, aggregation, calibrate,
                                                                      threshold, size):
    rng = random.Random(seed)
    plan = SimpleNamespace(judged_criteria=[SimpleNamespace(id=10 + i, scale_min=lo, scale_max=hi)
                                            for i, (lo, hi) in enumerate(criteria)])
    stage = SimpleNamespace(calibrate=calibrate, aggregation=aggregation, disagreement_threshold=threshold)
    rows, seen = [], set()
    for _ in range(size):
        n, r, c = rng.randint(1, 8), rng.randint(1, 6), rng.choice(plan.judged_criteria)
        if (n, r, c.id) in seen:
            continue
        seen.add((n, r, c.id))
        steps = int((c.scale_max - c.scale_min) * 10)
        rows.append((n, r, c.id, c.scale_min + D(rng.randint(0, steps)) / 10))
    rng.shuffle(rows)
    expected, expected_fit = reference(plan, stage, rows)
    result, fitted = score_group(plan=plan, stage=stage, rows=rows)
    assert (fitted is None) == (expected_fit is None)
    if fitted is not None:
        assert (text(fitted.mu), text(fitted.sigma)) == (text(expected_fit.mu), text(expected_fit.sigma))
        assert {r: (text(m), text(s)) for r, (m, s) in fitted.reviewers.items()} == \
            {r: (text(m), text(s)) for r, (m, s) in expected_fit.reviewers.items()}
    assert list(result) == list(expected)
    for nomination_id, by_criterion in expected.items():
        assert list(result[nomination_id]) == list(by_criterion)
        for criterion_id, (score, gap, flag, reviewers) in by_criterion.items():
            got = result[nomination_id][criterion_id]
            assert (text(got.score), text(got.spread), got.disagreement) == (text(score), text(gap), flag)
            assert [tuple(map(str, r)) for r in got.reviewers] == [tuple(map(str, r)) for r in reviewers]
