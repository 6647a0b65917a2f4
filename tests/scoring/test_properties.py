"""Property-based tests (hypothesis) of the invariants the issue lists."""
import random
from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards.models import Criterion, Score
from awards.scoring import rank_group
from awards.scoring.rules import calibration, competition_ranks

from . import factories as f

DB_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# A nominee: coverage (protected, total), regulation, and two judged values on a 0-10 scale.
nominees = st.lists(
    st.tuples(st.integers(0, 500), st.integers(1, 500), st.integers(0, 1), st.integers(0, 10), st.integers(0, 10)),
    min_size=2, max_size=5,
)
weights = st.lists(st.integers(1, 50).map(lambda n: D(n) / 4), min_size=4, max_size=4)


class Rollback(Exception):
    pass


def in_savepoint(build):
    """Run `build` in a savepoint that is rolled back, so that examples do not see each other's rows."""
    result = {}
    try:
        with transaction.atomic():
            result["value"] = build()
            raise Rollback
    except Rollback:
        pass
    return result["value"]


def build_group(people, criterion_weights, order=None):
    round_ = f.provincial_round()
    category = f.category(code="prop")
    f.stage(round_, "screening", "0", status="closed")
    assessment = f.stage(round_, "assessment", "1", status="open")
    w_cov, w_reg, w_story, w_vision = criterion_weights
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total",
                       target_value=60, weight=str(w_cov), tie_break_rank=1)
    f.metric_criterion(category, "regulation", "boolean", "has_regulation", weight=str(w_reg))
    story = f.judged_criterion(category, "story", weight=str(w_story), scale_min=0, scale_max=10)
    vision = f.judged_criterion(category, "vision", weight=str(w_vision), scale_min=0, scale_max=10)
    reviewer = f.reviewer("prop-reviewer")
    indexes = order if order is not None else list(range(len(people)))
    for index in indexes:
        protected, total, regulation, story_value, vision_value = people[index]
        person = f.nominee(code=f"P{index}")
        f.metrics(person, workers_total=max(total, protected), workers_protected=protected, has_regulation=regulation)
        nomination = f.nomination(round_, category, person)
        f.scores(nomination, assessment, reviewer, {story: story_value, vision: vision_value})
    return category, round_


def outcome(ranking):
    return {row.nominee_code: (row.rank, row.round_score) for row in ranking.rows}


@pytest.mark.django_db
@DB_SETTINGS
@given(people=nominees, criterion_weights=weights, factor=st.sampled_from([D(2), D(3), D("0.5"), D(10)]))
def test_multiplying_all_weights_by_a_constant_changes_nothing(people, criterion_weights, factor):
    def run(ws):
        return in_savepoint(lambda: outcome(rank_group(*build_group(people, ws))))

    assert run(criterion_weights) == run([w * factor for w in criterion_weights])


@pytest.mark.django_db
@DB_SETTINGS
@given(people=nominees, criterion_weights=weights, who=st.integers(0, 4), raise_by=st.integers(1, 10))
def test_raising_a_criterion_score_never_lowers_the_rank(people, criterion_weights, who, raise_by):
    who = who % len(people)

    def run(raise_story):
        def build():
            category, round_ = build_group(people, criterion_weights)
            if raise_story:
                score = Score.objects.get(assignment__nomination__nominee__code=f"P{who}", criterion__code="story")
                score.value = min(score.value + raise_by, D(10))
                score.save()
            return outcome(rank_group(category, round_))[f"P{who}"][0]

        return in_savepoint(build)

    assert run(True) <= run(False)


@pytest.mark.django_db
@DB_SETTINGS
@given(people=nominees, criterion_weights=weights, seed=st.integers(0, 10_000))
def test_the_order_rows_are_stored_in_changes_nothing(people, criterion_weights, seed):
    shuffled = list(range(len(people)))
    random.Random(seed).shuffle(shuffled)

    def run(order):
        def build():
            ranking = rank_group(*build_group(people, criterion_weights, order))
            return [(r.rank, r.nominee_code, r.round_score, r.flags) for r in ranking.rows]

        return in_savepoint(build)

    assert run(None) == run(shuffled)


@pytest.mark.django_db
def test_each_example_is_rolled_back():
    # The examples above build their group in a savepoint that is undone, so they never see each other.
    in_savepoint(lambda: build_group([(1, 2, 0, 3, 4), (2, 2, 1, 5, 6)], [D(1), D(2), D(3), D(4)]))
    assert not Criterion.objects.filter(code="coverage").exists()  # rolled back


scores_0_100 = st.integers(0, 10_000).map(lambda n: D(n) / 100)


@settings(max_examples=200)
@given(
    others=st.dictionaries(st.sampled_from("abcdef"), st.lists(scores_0_100, min_size=0, max_size=6), max_size=5),
    few=st.lists(scores_0_100, max_size=2),
    constant=scores_0_100,
    count=st.integers(3, 6),
)
def test_calibration_leaves_reviewers_with_no_spread_or_fewer_than_three_scores_untouched(others, few, constant, count):
    fitted = calibration({**others, "few": few, "flat": [constant] * count})
    assert [fitted.apply("few", x) for x in few] == few
    assert fitted.apply("flat", constant) == constant


@settings(max_examples=300)
@given(st.lists(st.integers(0, 6), max_size=30))
def test_competition_ranking_skips_ranks_only_after_ties(values):
    keys = sorted(values, reverse=True)
    ranks = competition_ranks(keys)
    for i, rank in enumerate(ranks):
        # A rank is one more than the number of strictly better keys, so it skips exactly the tied places.
        assert rank == 1 + sum(1 for k in keys if k > keys[i])
    for i in range(1, len(ranks)):
        if keys[i] == keys[i - 1]:
            assert ranks[i] == ranks[i - 1]
        else:
            assert ranks[i] == i + 1
