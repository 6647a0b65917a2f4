"""The benchmark's synthetic edition at a tiny N: it ranks, and the engine's metric totals equal the
hand-written statement's, with a query count that does not depend on N."""
import pytest

from awards.models import Edition
from benchmarks.ranking import YEAR, BenchRefused, bench_build, bench_run
from tests.scoring import factories as f

from .oracle import mismatches

pytestmark = pytest.mark.django_db(transaction=False)


def quiet(*_args):
    pass


def test_bench_totals_match_the_hand_written_statement_and_queries_do_not_grow():
    bench_build(1000, log=quiet)
    small = bench_run(log=quiet)
    small_differ = mismatches(Edition.objects.get(year=YEAR), small["rankings"])
    bench_build(1500, log=quiet)
    large = bench_run(log=quiet)
    assert (small_differ, mismatches(Edition.objects.get(year=YEAR), large["rankings"])) == (0, 0)
    assert small["ranked"] < large["ranked"]
    assert small["queries"] == large["queries"]


def test_bench_refuses_a_database_with_real_editions():
    f.edition(2025)
    with pytest.raises(BenchRefused):
        bench_build(1000, log=quiet)


def test_integer_path_of_metric_only_groups_equals_the_decimal_path(monkeypatch):
    """Most groups (every provincial one at the assessment) are ranked by `_metric_only_rows` in integers;
    the general Decimal path must give the same ranks, scores, tie-break keys, flags and order."""
    from awards.models import Edition
    from awards.scoring import ranking

    bench_build(1000, log=quiet)
    edition = Edition.objects.get(year=2090)

    def table(rankings):
        return [(r.category.code, str(r.round.key), [
            (row.nomination_id, row.rank, row.round_score, row.stage_scores, row.tie_break, row.flags,
             [str(m) for m in row.missing]) for row in r.rows]) for r in rankings]

    fast = table(ranking.rank_edition(edition))
    monkeypatch.setattr(ranking, "INTEGER_PATH", False)
    assert table(ranking.rank_edition(edition)) == fast
    assert sum(len(rows) for _c, _r, rows in fast) > 500


def test_stored_standings_of_the_synthetic_edition_equal_the_engines_ranking():
    from benchmarks.standings import bench_standings

    bench_build(1000, log=quiet)
    engine = bench_run(log=quiet)["checksum"]
    lines = []
    assert bench_standings(log=lines.append)["checksum"] == engine
    assert any(line.startswith("judged group") for line in lines)
