"""The database's guard on frozen results and audit rows (migration 0015), lifted for a moment: by tests that
play someone with direct access to the database, and before Django empties the tables after a
transactional test on SQLite."""
import importlib
from contextlib import contextmanager

from django.db import connection

guard_migration = importlib.import_module("awards.migrations.0015_results_chain_interim_and_guards")


def run_sql_file(name):
    with connection.cursor() as cursor:
        for sql in guard_migration.statements(name, connection.vendor):
            cursor.execute(sql)


@contextmanager
def guard_lifted():
    """The triggers dropped, then created again (inside a test's transaction, its rollback restores them too)."""
    run_sql_file("results_unguard")
    try:
        yield
    finally:
        run_sql_file("results_guard")


def empty_guarded_tables():
    """Delete every frozen result and audit row, as Django's flush would if the guard let it."""
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM awards_resultsnapshot")
        cursor.execute("DELETE FROM awards_auditevent")
