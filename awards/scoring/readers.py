"""Read-only work of one full re-rank, spread over several PostgreSQL connections that share one snapshot.

A full re-rank (`rank_edition`) runs one metric statement and one judged-score query per category and
stage. They are independent reads, so on PostgreSQL `Readers` runs them on `RANKING_WORKERS` threads,
each with its own connection, while the calling thread assembles the rankings of the categories already
read. Every connection reads the same data: the calling thread opens a REPEATABLE READ transaction and
exports its snapshot (`pg_export_snapshot`); each worker imports it (`SET TRANSACTION SNAPSHOT`) before
its first read, so the whole re-rank sees the database as of one instant, exactly as one connection would,
even while an import commits meanwhile. The threads and their connections live only as long as the
`with` block: nothing is kept between requests.

Without threads (SQLite, `RANKING_WORKERS` = 1, or when the caller is already inside a transaction,
whose snapshot other connections could not share) the same code runs each piece of work on the calling
connection, in order, when its result is first needed.
"""
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, Future, wait
from queue import SimpleQueue

from django.conf import settings
from django.db import connection, transaction


def worker_count():
    """How many connections a full re-rank may read with (1 = the calling connection alone)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, int(settings.RANKING_WORKERS))


class Readers:
    """`with Readers(n) as readers:` then `readers.submit(fn, *args)` → Future, and
    `readers.completed(batches)` to take batches of futures as they finish.

    `queries` counts the statements the worker connections executed (the calling connection's are
    counted by whoever watches it), so a benchmark can report them all."""

    def __init__(self, count):
        self.count = count
        self.queries = 0
        self._lock = threading.Lock()
        self._queue = SimpleQueue()
        self._threads = []
        self._atomic = None
        self._futures = []
        self._deferred = {}  # future -> (fn, args), without threads

    def __enter__(self):
        if self.count > 1:
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = cursor.fetchone()[0]
            except BaseException:  # no block to exit later: end the transaction here
                self._atomic.__exit__(*sys.exc_info())
                raise
            self._threads = [threading.Thread(target=self._work, args=(snapshot,), daemon=True,
                                              name=f"paritrana-reader-{i}") for i in range(self.count)]
            for thread in self._threads:
                thread.start()
        return self

    def __exit__(self, kind, error, traceback):
        for future in self._futures:  # left undone only when the block ends early
            future.cancel()
        try:
            for _thread in self._threads:
                self._queue.put(None)
            for thread in self._threads:
                thread.join()
        finally:
            if self._atomic is not None:
                self._atomic.__exit__(kind, error, traceback)
        return False

    def submit(self, fn, *args):
        future = Future()
        self._futures.append(future)
        if self._threads:
            self._queue.put((future, fn, args))
        else:
            self._deferred[future] = (fn, args)
        return future

    def completed(self, batches):
        """Yield each (futures, payload) of `batches` once all its futures are done: with threads in the
        order they finish, without them in the given order (running each batch's work first)."""
        if not self._threads:
            for futures, payload in batches:
                for future in futures:
                    if future in self._deferred and future.set_running_or_notify_cancel():
                        _run(future, *self._deferred.pop(future))
                yield futures, payload
            return
        waiting = list(batches)
        while waiting:
            ready = next((b for b in waiting if all(f.done() for f in b[0])), None)
            if ready is None:
                wait([f for b in waiting for f in b[0] if not f.done()], return_when=FIRST_COMPLETED)
                continue
            waiting.remove(ready)
            yield ready

    def _count(self, execute, sql, params, many, context):
        with self._lock:
            self.queries += 1
        return execute(sql, params, many, context)

    def _work(self, snapshot):
        """One worker: import the snapshot, then run work items until the None that ends the block.
        A failure is set on the item it belongs to (and, if the connection failed, on every later one)."""
        failure, ended = None, False
        try:
            with connection.execute_wrapper(self._count):
                try:
                    with transaction.atomic():
                        with connection.cursor() as cursor:
                            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                        while (item := self._queue.get()) is not None:
                            future, fn, args = item
                            if not future.set_running_or_notify_cancel():  # cancelled: the block ended early
                                continue
                            if failure is not None:
                                future.set_exception(failure)
                            else:
                                failure = _run(future, fn, args)
                        ended = True
                except Exception as error:  # the snapshot could not be imported
                    failure = error
                while not ended and (item := self._queue.get()) is not None:
                    if item[0].set_running_or_notify_cancel():
                        item[0].set_exception(failure)
        finally:
            connection.close()


def _run(future, fn, args):
    """Run one work item into its future; return the error, if any."""
    try:
        future.set_result(fn(*args))
    except Exception as error:
        future.set_exception(error)
        return error
    return None
