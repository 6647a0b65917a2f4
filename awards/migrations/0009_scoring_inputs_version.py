"""A version of the metric scoring inputs kept by the database, and a table for metric rows cached under it.

The metric statement of a ranking group (scoring/metric_sql.py) reads nominations, stages, nominees and
metric values. Any write to those four tables, by any means (the ORM, QuerySet.update, raw SQL, a
cascade, the admin), changes the version in the same transaction, by trigger:
* SQLite: a counter row, bumped by a row trigger after each INSERT, UPDATE and DELETE (SQLite has no
  statement triggers, and lets one writer in at a time, so the counter makes nobody wait);
* PostgreSQL: one row per writing statement in awards_scoringchange (inserted by statement triggers after
  INSERT, UPDATE, DELETE and TRUNCATE), the version being their number as the reader's snapshot sees it.
  Nothing is updated in place, so concurrent writers never wait on the version nor deadlock over it. (One
  row per transaction would not do: a transaction that ranks, then writes again, would see an unchanged
  version and store rows that its commit makes stale.)
The version never goes back: neither table is a model, so a test flush leaves them alone (and its
deletes and truncates change the version). awards_metricrowscache holds, per ranking group and stage
kind, the metric statement's rows and the fingerprint they were computed under (the version and a
digest of the statement); scoring/metric_cache.py reads and writes both. Not models: nothing but the
scoring engine reads or writes them, by raw SQL.
"""
from django.db import migrations

TABLES = ("metricvalue", "nomination", "nominee", "stage")
EVENTS = ("INSERT", "UPDATE", "DELETE")
CACHE = ("CREATE TABLE awards_metricrowscache (group_key VARCHAR(100) NOT NULL PRIMARY KEY, "
         "fingerprint VARCHAR(200) NOT NULL, content TEXT NOT NULL)")

SQLITE_FORWARD = [
    "CREATE TABLE awards_scoringversion (id INTEGER NOT NULL PRIMARY KEY, version BIGINT NOT NULL)",
    "INSERT INTO awards_scoringversion (id, version) VALUES (1, 0)",
    CACHE,
    *[f"CREATE TRIGGER awards_{table}_scoring_version_{event.lower()} AFTER {event} ON awards_{table} "
      "BEGIN UPDATE awards_scoringversion SET version = version + 1 WHERE id = 1; END"
      for table in TABLES for event in EVENTS],
]
SQLITE_BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS awards_{table}_scoring_version_{event.lower()}" for table in TABLES for event in EVENTS],
    "DROP TABLE awards_metricrowscache",
    "DROP TABLE awards_scoringversion",
]

POSTGRES_FORWARD = [
    "CREATE TABLE awards_scoringchange (id BIGSERIAL NOT NULL PRIMARY KEY)",
    CACHE,
    """
CREATE FUNCTION awards_scoring_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO awards_scoringchange DEFAULT VALUES;
    RETURN NULL;
END $$;
""",
    *[f"CREATE TRIGGER awards_{table}_scoring_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
      f"ON awards_{table} FOR EACH STATEMENT EXECUTE FUNCTION awards_scoring_change()" for table in TABLES],
]
POSTGRES_BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS awards_{table}_scoring_change ON awards_{table}" for table in TABLES],
    "DROP FUNCTION IF EXISTS awards_scoring_change()",
    "DROP TABLE awards_metricrowscache",
    "DROP TABLE awards_scoringchange",
]


def forward(apps, schema_editor):
    for sql in POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for sql in POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("awards", "0008_sqlite_cascading_value_guards")]

    operations = [migrations.RunPython(forward, backward)]
