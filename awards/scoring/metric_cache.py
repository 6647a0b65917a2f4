"""The metric statement's rows of a ranking group, shared by every process while the inputs are unchanged.

The committee pages (leaderboards, their exports, the progress flags) rank a group on every view; its
metric statement reads each nomination's metric values, 0.2 s for the 11,570 nominations of a large
provincial category. Its rows depend on exactly two things: the statement (its text and parameters
spell out the criteria, their rules and weights, the category, round, stage kind and year) and the rows of
the four tables it reads (nominations, stages, nominees, metric values). The database keeps a version of
those tables that any write changes in the same transaction, by trigger (migration 0009), so rows stored
under (version, digest of the statement) are the statement's result for as long as both are unchanged.
A changed input changes the version: the rows are computed again, never shown stale.

The version is read before the statement runs, and the rows are stored under it: rows computed after a
change that the version read does not show yet are stored under the older version, which no later reader
sees again (the version never goes back), so a reader can never get rows older than its own view.
Like the judged scores cache, it is on inside `judged.shared_cache()` only (pages showing scores and
flags), and a failed write (a busy SQLite file) is logged and the page goes on.
"""
import hashlib
import json
import logging

from django.db import DatabaseError, connection, transaction

CACHE_TABLE = "awards_metricrowscache"  # migration 0009
FORMAT = 1
logger = logging.getLogger(__name__)


def _version_sql():
    if connection.vendor == "postgresql":
        return "SELECT CAST(SUM(changes) AS TEXT) AS version FROM awards_scoringslot"  # migration 0011
    return "SELECT CAST(version AS TEXT) AS version FROM awards_scoringversion WHERE id = 1"


def cached_rows(sql, group_key, compute):
    """The rows of the scoring statement `sql` (metric_sql.Sql) of the group `group_key`: from the cache
    when stored under the current version for this very statement, else `compute()`d and stored (two
    queries on a hit: none but the check; the check, the statement and the write in a savepoint on a miss)."""
    digest = hashlib.sha256(repr((FORMAT, connection.vendor, sql.text, sql.params)).encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v.version, c.content FROM ({_version_sql()}) v "
                       f"LEFT JOIN {CACHE_TABLE} c ON c.group_key = %s AND c.fingerprint = v.version || ':' || %s",
                       [group_key, digest])
        found = cursor.fetchone()
    version, content = found if found is not None else (None, None)
    if content is not None:
        return [tuple(row) for row in json.loads(content)]
    rows = compute()
    if version is not None:
        _store(group_key, f"{version}:{digest}", rows)
    return rows


def _store(group_key, fingerprint, rows):
    content = json.dumps([list(row) for row in rows], separators=(",", ":"), default=_number)
    write_entry(CACHE_TABLE, group_key, fingerprint, content)


def write_entry(table, group_key, fingerprint, content):
    """Insert or replace a cache table's entry (this one's or the judged scores'), in a savepoint: a failed
    write (a busy SQLite file) is logged and leaves the caller's transaction usable."""
    sql = (f"INSERT INTO {table} (group_key, fingerprint, content) VALUES (%s, %s, %s) "
           "ON CONFLICT (group_key) DO UPDATE SET fingerprint = excluded.fingerprint, content = excluded.content")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [group_key, fingerprint, content])
    except DatabaseError as error:  # the cache is an optimisation: the page goes on without it
        logger.warning("%s not written for %s: %s", table, group_key, error)


def _number(value):
    """Whole numbers the driver returned as Decimal (PostgreSQL numeric) are stored as integers."""
    if int(value) != value:
        raise TypeError(f"not a whole number: {value!r}")
    return int(value)
