"""A full re-rank read on several PostgreSQL connections: the same rankings as one connection, one snapshot for
all of them, and a failure that reaches the caller."""
import threading

import pytest
from django.db import connection, connections

from awards.models import Edition, Nominee
from awards.scoring import ranking
from awards.scoring.readers import Readers, worker_count
from benchmarks.ranking import bench_build

from . import factories as f

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several connections on one snapshot: PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def quiet(*_args):
    pass


def table(rankings):
    return [(r.category.code, str(r.round.key), [
        (row.nomination_id, row.rank, row.round_score, row.stage_scores, row.tie_break, row.flags,
         [str(m) for m in row.missing]) for row in r.rows]) for r in rankings]


def test_the_edition_read_by_two_connections_ranks_as_one_connection_does(settings):
    bench_build(1000, log=quiet)
    edition = Edition.objects.get(year=2090)
    settings.RANKING_WORKERS = 2
    assert worker_count() == 2
    stats = {}
    side_by_side = ranking.rank_edition(edition, stats=stats)
    assert stats["workers"] == 2
    # Two reads (metric statement, judged scores) per category and stage, plus each worker's snapshot import.
    assert stats["worker_queries"] > 2 * len({r.category.code for r in side_by_side})

    settings.RANKING_WORKERS = 1
    assert worker_count() == 1
    stats = {}
    alone = ranking.rank_edition(edition, stats=stats)
    assert stats == {"workers": 1, "worker_queries": 0}
    assert table(side_by_side) == table(alone)
    assert sum(len(rows) for _c, _r, rows in table(alone)) > 500


def test_workers_read_the_snapshot_of_the_caller_not_a_later_commit():
    nominee = f.nominee(name="Before")

    def rename():
        try:
            Nominee.objects.filter(pk=nominee.pk).update(name="After")  # autocommit: committed at once
        finally:
            connections.close_all()

    with Readers(2) as readers:
        thread = threading.Thread(target=rename)
        thread.start()
        thread.join()
        read = readers.submit(lambda: Nominee.objects.get(pk=nominee.pk).name)
        [(futures, payload)] = list(readers.completed([([read], "payload")]))
        assert (futures[0].result(), payload) == ("Before", "payload")
        assert Nominee.objects.get(pk=nominee.pk).name == "Before"  # the caller's own transaction too
    assert Nominee.objects.get(pk=nominee.pk).name == "After"


def test_a_failing_read_reaches_the_caller_and_the_workers_end():
    def fail():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    before = threading.active_count()
    with pytest.raises(Exception, match="division by zero"):
        with Readers(2) as readers:
            reads = [readers.submit(fail)] + [readers.submit(lambda: 1) for _ in range(5)]
            for futures, _payload in readers.completed([(reads, None)]):
                for read in futures:
                    read.result()
    assert threading.active_count() == before
    assert not connection.in_atomic_block


def test_inside_a_transaction_the_reads_run_on_the_callers_connection(settings):
    from django.db import transaction

    settings.RANKING_WORKERS = 4
    with transaction.atomic():
        assert worker_count() == 1


def test_a_snapshot_that_cannot_be_taken_ends_the_transaction_it_opened(monkeypatch):
    """`SET TRANSACTION ISOLATION LEVEL` fails when something already read in the transaction."""
    from django.db import transaction

    calls = []
    real_atomic = transaction.atomic

    def atomic_then_read():
        block = real_atomic()
        enter = block.__enter__

        def enter_and_read():
            result = enter()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")  # the isolation level can no longer be set
            calls.append("read")
            return result

        block.__enter__ = enter_and_read
        return block

    monkeypatch.setattr("awards.scoring.readers.transaction.atomic", atomic_then_read)
    with pytest.raises(Exception, match="SET TRANSACTION ISOLATION LEVEL"):
        with Readers(2):
            pass
    assert calls == ["read"] and not connection.in_atomic_block
