"""PostgreSQL: the version of the metric scoring inputs (0009) kept in 64 counters, not a row per statement.

0009 inserted a row into awards_scoringchange for every statement writing nominations, stages, nominees or
metric values, and the version was their COUNT(*): correct, but the table only grew, and every cached view
counts it once per ranking group (the progress page of a large round: eight times). After a few seasons of
imports and screening that count would cost more than the cache saves.

Now each writing statement adds one to one of 64 counters and the version is their sum: constant to read,
and still strictly growing with every committed write, visible exactly when the write commits (the
increment is part of the writing transaction). A transaction prefers the counter its transaction id
points to and skips counters that other uncommitted writers hold (FOR UPDATE SKIP LOCKED), so concurrent
writers do not wait on each other unless 64 of them write at once. The counters start from the number of
changes 0009 counted, plus one, so the version never goes back and no cached entry can match again.
SQLite keeps its single counter row (one writer at a time there).
"""
from django.db import migrations

SLOTS = 64
FUNCTION_0009 = """
CREATE OR REPLACE FUNCTION awards_scoring_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO awards_scoringchange DEFAULT VALUES;
    RETURN NULL;
END $$;
"""
FUNCTION = f"""
CREATE OR REPLACE FUNCTION awards_scoring_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    preferred integer := (pg_current_xact_id()::text::bigint % {SLOTS})::integer;
BEGIN
    UPDATE awards_scoringslot SET changes = changes + 1 WHERE slot = (
        SELECT slot FROM awards_scoringslot ORDER BY (slot - preferred + {SLOTS}) % {SLOTS}
         LIMIT 1 FOR UPDATE SKIP LOCKED);
    IF NOT FOUND THEN  -- every counter held by another writer: wait for the preferred one
        UPDATE awards_scoringslot SET changes = changes + 1 WHERE slot = preferred;
    END IF;
    RETURN NULL;
END $$;
"""
POSTGRES_FORWARD = [
    "CREATE TABLE awards_scoringslot (slot SMALLINT NOT NULL PRIMARY KEY, changes BIGINT NOT NULL)",
    f"INSERT INTO awards_scoringslot (slot, changes) SELECT s, 0 FROM generate_series(0, {SLOTS - 1}) s",
    "UPDATE awards_scoringslot SET changes = (SELECT COUNT(*) + 1 FROM awards_scoringchange) WHERE slot = 0",
    FUNCTION,
    "DROP TABLE awards_scoringchange",
]
POSTGRES_BACKWARD = [
    "CREATE TABLE awards_scoringchange (id BIGSERIAL NOT NULL PRIMARY KEY)",
    "INSERT INTO awards_scoringchange (id) SELECT generate_series(1, (SELECT SUM(changes) + 1 FROM awards_scoringslot))",
    "SELECT setval(pg_get_serial_sequence('awards_scoringchange', 'id'), (SELECT MAX(id) FROM awards_scoringchange))",
    FUNCTION_0009,
    "DROP TABLE awards_scoringslot",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("awards", "0010_sqlite_metricvalue_without_rowid")]

    operations = [migrations.RunPython(forward, backward)]
