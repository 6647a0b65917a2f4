"""The metrics importer's bulk writing: a chunk's writes (COPY on PostgreSQL, executemany on SQLite), run in
order on the import's connection (inside its transaction), and the lookups on a connection of their own."""
import json
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field

import psycopg
from django.db import connection

WRITES_AHEAD = 2  # chunks handed to the database thread and not yet written
SWITCH_INTERVAL = 0.0005  # seconds; Python's default is 0.005
INSERT_NOMINEE_COLUMNS = ("code", "kind", "name", "region_id", "province_id", "employer_number", "size", "sector")


@dataclass
class ChunkLookup:
    """What the database holds for one chunk: its regions (code -> (level, province code) or None), its
    known nominees by code, the nominees holding its new employer numbers, their stored values for the
    year (nominee id -> {metric id: Decimal}) and, on PostgreSQL, ids reserved for its new nominees."""

    regions: dict = field(default_factory=dict)
    existing: dict = field(default_factory=dict)
    npp_holders: dict = field(default_factory=dict)
    stored: dict = field(default_factory=dict)
    new_ids: list = field(default_factory=list)


# COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass
class ChunkWrites:
    """What one checked chunk changes: nominee updates, new nominees with their values, values of
    known nominees to insert and (nominee id, metric id) pairs to delete for the import's year."""

    updates: list = field(default_factory=list)
    new_nominees: list = field(default_factory=list)  # [(nominee columns, [(metric id, value)])]
    values: list = field(default_factory=list)  # [(nominee id, metric id, value)]
    deletes: list = field(default_factory=list)
    new_ids: list = field(default_factory=list)  # PostgreSQL: the new nominees' reserved ids, in order
    copy_nominees: str = ""
    copy_values: str = ""

    def prepare_copy(self, year):
        """PostgreSQL: the COPY text of the new nominees and of every value, built by the importing
        thread, so that the database thread needs Python (and the GIL) for little but sending it."""
        rows = [columns for columns, _values in self.new_nominees]
        if _copy_safe("".join("".join(columns) for columns in rows)):
            lines = ("\t".join(columns) for columns in rows)  # the usual case: nothing to escape
        else:
            lines = ("\t".join(cell.translate(COPY_ESCAPES) for cell in columns) for columns in rows)
        self.copy_nominees = "".join(
            f"{nominee_id}\t{line}\n" for nominee_id, line in zip(self.new_ids, lines, strict=True))
        values = [f"{nominee_id}\t{year}\t{metric_id}\t{value}\n" for nominee_id, metric_id, value in self.values]
        values.extend(f"{nominee_id}\t{year}\t{metric_id}\t{value}\n"
                      for nominee_id, (_columns, pairs) in zip(self.new_ids, self.new_nominees, strict=True)
                      for metric_id, value in pairs)
        self.copy_values = "".join(values)

    def job(self, year, postgres):
        """The database job that writes the chunk: updates, deletes, new nominees, then values."""
        def write(cursor):
            mark = "%s" if postgres else "?"
            if self.updates:
                cursor.executemany(
                    f"UPDATE awards_nominee SET name = {mark}, region_id = {mark}, province_id = {mark}, "
                    f"size = {mark}, sector = {mark} WHERE id = {mark}", self.updates)
            if self.deletes:
                cursor.executemany(
                    f"DELETE FROM awards_metricvalue WHERE nominee_id = {mark} AND year = {mark} "
                    f"AND metric_id = {mark}", [(nominee_id, year, metric_id) for nominee_id, metric_id in self.deletes])
            if postgres:
                if self.copy_nominees:
                    with cursor.copy(f"COPY awards_nominee (id, {', '.join(INSERT_NOMINEE_COLUMNS)}) FROM STDIN") as copy:
                        copy.write(self.copy_nominees)
                if self.copy_values:
                    with cursor.copy("COPY awards_metricvalue (nominee_id, year, metric_id, value) FROM STDIN") as copy:
                        copy.write(self.copy_values)
                return
            rows = [(nominee_id, year, metric_id, value) for nominee_id, metric_id, value in self.values]
            if self.new_nominees:
                insert_rows(cursor, "awards_nominee", INSERT_NOMINEE_COLUMNS,
                            [n for n, _v in self.new_nominees], postgres=False)
                condition, codes = in_list([n[0] for n, _v in self.new_nominees], postgres=False, mark="?")
                cursor.execute(f"SELECT code, id FROM awards_nominee WHERE code {condition}", [codes])
                by_code = dict(cursor.fetchall())
                for columns, pairs in self.new_nominees:
                    nominee_id = by_code[columns[0]]
                    rows.extend([(nominee_id, year, metric_id, value) for metric_id, value in pairs])
            if rows:
                insert_rows(cursor, "awards_metricvalue", ("nominee_id", "year", "metric_id", "value"), rows,
                            postgres=False)

        return write


class DatabaseThread:
    """Runs the import's database jobs in the order they are submitted, on the import's connection (so
    inside its transaction): on PostgreSQL on a thread of its own, so that the server works while Python
    parses the next chunk; on SQLite at once (it works inside this process, and would only trade the GIL
    back and forth with the parser).

    `submit(job)` returns a Future of `job(cursor)`. After a job fails, every later one fails with the
    same error without touching the database, and the error reaches the importer through its Future,
    inside the import's transaction, which is then rolled back. Django's connection object belongs to the
    thread that opened it, so jobs use its underlying DB-API connection; the importer leaves it alone
    until the thread has stopped.
    """

    def __init__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self.postgres = connection.vendor == "postgresql"
        self.mark = "%s" if self.postgres else "?"
        self.error = None
        self.executor = None
        if self.postgres:
            with closing(self.raw.cursor()) as cursor:
                # Looked up once: pg_get_serial_sequence() in the select list would run once per id.
                cursor.execute("SELECT pg_get_serial_sequence('awards_nominee', 'id')")
                self.nominee_sequence = cursor.fetchone()[0]
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="metrics-import-db")

    def __enter__(self):
        if self.executor is not None:
            # The database thread needs the GIL for a moment after each answer from the server, and the
            # parser holds it: by default it would wait up to 5 ms each time (a third of the writing).
            self.switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        return self

    def __exit__(self, *exc):
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            sys.setswitchinterval(self.switch_interval)

    def submit(self, job):
        if self.executor is not None:
            return self.executor.submit(self._run, job)
        return run_now(self._run, job)

    def _run(self, job):
        if self.error is not None:
            raise self.error
        try:
            with closing(database_cursor(self.raw, postgres=self.postgres)) as cursor:
                return job(cursor)
        except BaseException as error:
            self.error = error
            raise

    def select(self, cursor, sql, values, params=()):
        """Rows of `sql` (written with %s), whose `{}` becomes "IN the list `values`" (`in_list`)."""
        if not values:
            return []
        condition, value = in_list(values, postgres=self.postgres, mark=self.mark)
        cursor.execute(sql.format(condition).replace("%s", self.mark), [*params, value])
        return cursor.fetchall()


class SeparateLookups:
    """PostgreSQL: the chunks' lookups on a connection of their own (autocommit), so that the database
    thread's connection does nothing but write. A lookup then sees what is committed, not this import's
    own writes, which is all it needs: a chunk looks up the codes it names, and a code the file names
    twice is refused, so no chunk looks up what an earlier chunk of the import wrote (new nominees' ids
    come from the sequence, which is not transactional). Inside a caller's transaction the import's data
    may be uncommitted, so there the import's own connection (the DatabaseThread) looks up.
    The connection lives as long as the import.
    """

    def __init__(self):
        self.raw = connection.get_new_connection(connection.get_connection_params())
        self.raw.autocommit = True
        # Its lookups are always a few thousand keys of a unique index. With statistics taken while the
        # tables were empty, the planner scanned the whole nominee table for each chunk instead, and that
        # table grows with the import's own (invisible) rows: 10.6 s of lookups at 725,000 rows, not 4.
        # The connection is this import's alone and closed with it, so the setting goes with it.
        self.raw.execute("SET enable_seqscan = off")

    @staticmethod
    def possible():
        return connection.vendor == "postgresql" and not connection.in_atomic_block

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.raw.close()

    def submit(self, job):
        """Run `job(cursor)` at once, on this thread; a Future of its result, as DatabaseThread gives."""
        return run_now(self._run, job)

    def _run(self, job):
        with closing(database_cursor(self.raw, postgres=True)) as cursor:
            return job(cursor)


def run_now(fn, *args):
    """A Future of `fn(*args)`, called at once on this thread: what an executor's Future would hold."""
    future = Future()
    try:
        future.set_result(fn(*args))
    except Exception as error:  # noqa: BLE001 - handed over through the Future, as from a thread
        future.set_exception(error)
    return future


def database_cursor(raw, *, postgres):
    """A cursor of the DB-API connection `raw`. On PostgreSQL one that sends parameters apart from the
    statement: Django's connections quote them into it in Python, a few thousand codes per lookup."""
    return psycopg.Cursor(raw) if postgres else raw.cursor()


def in_list(values, *, postgres, mark="%s"):
    """(condition, parameter) for "column IN `values`" passed as one parameter, on either engine.

    (An IN list of thousands of placeholders costs more to build and parse than the lookup itself.)
    """
    if postgres:
        return f"= ANY({mark})", list(values)
    return f"IN (SELECT value FROM json_each({mark}))", json.dumps(list(values))


def insert_rows(cursor, table, columns, rows, *, postgres):
    """The fastest plain insert the engine has: COPY on PostgreSQL, executemany on SQLite.

    `cursor` is a DB-API cursor of Django's current connection (so inside its transaction).
    """
    names = ", ".join(columns)
    if postgres:
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        # Django's SQLite backend registers the Decimal -> str adapter that its own inserts use.
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _copy_safe(text):
    """Whether `text` holds nothing COPY's text format would need escaped."""
    return "\\" not in text and "\t" not in text and "\n" not in text and "\r" not in text

