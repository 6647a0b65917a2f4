"""The benchmark's synthetic edition at a tiny N: it ranks, and the engine's metric totals equal the
hand-written statement's, with a query count that does not depend on N."""
import pytest

from awards.scoring.bench import BenchRefused, bench_build, bench_run

from . import factories as f

pytestmark = pytest.mark.django_db(transaction=False)


def quiet(*_args):
    pass


def test_bench_totals_match_the_hand_written_statement_and_queries_do_not_grow():
    bench_build(1000, log=quiet)
    small = bench_run(log=quiet)
    bench_build(1500, log=quiet)
    large = bench_run(log=quiet)
    assert (small["mismatches"], large["mismatches"]) == (0, 0)
    assert small["ranked"] < large["ranked"]
    assert small["queries"] == large["queries"]


def test_bench_refuses_a_database_with_real_editions():
    f.edition(2025)
    with pytest.raises(BenchRefused):
        bench_build(1000, log=quiet)
