"""SQLite: metric values in a WITHOUT ROWID table, checked by one trigger per event instead of two.

A table with a composite primary key is, on SQLite, two B-trees (the rowid table and the key's index):
each value was written twice. WITHOUT ROWID stores the rows in the primary key's B-tree alone. The
checks of 0002 (range, "not more than its total") and of 0005 (the nominee and the metric exist) ran as
two triggers of five statements, each looking the metric definition up again; they are now one
statement per insert or update that looks it up once and raises the same messages. Import of 100,000
employer rows × 10 metrics: 9.2 s → 7.3 s, the raw load 7.3 s → 5.5 s (bench_import).

Every trigger naming awards_metricvalue (the checks, 0008's cascades and 0009's version counter) is
dropped while the table is rebuilt and created again after it. PostgreSQL is unchanged (its table has
no rowid; its checks are 0007's statement trigger).

Django rebuilds a SQLite table to alter it: a later migration changing MetricValue must restore both
WITHOUT ROWID and these triggers (tests/foundation/test_constraints.py checks them).
"""
import importlib
import re

from django.db import migrations

previous_0002 = importlib.import_module("awards.migrations.0002_metricvalue_triggers")
previous_0005 = importlib.import_module("awards.migrations.0005_metricvalue_composite_key")

CHECKS = f"""
BEGIN
    SELECT CASE
        WHEN d.id IS NULL THEN RAISE(ABORT, '{previous_0005.MESSAGE_METRIC}')
        WHEN NOT EXISTS (SELECT 1 FROM awards_nominee WHERE id = NEW.nominee_id)
            THEN RAISE(ABORT, '{previous_0005.MESSAGE_NOMINEE}')
        WHEN (d.min_value IS NOT NULL AND NEW.value < d.min_value)
             OR (d.max_value IS NOT NULL AND NEW.value > d.max_value)
            THEN RAISE(ABORT, '{previous_0002.MESSAGE_RANGE}')
        WHEN d.not_above_id IS NOT NULL AND NEW.value > (
                SELECT t.value FROM awards_metricvalue t
                 WHERE t.nominee_id = NEW.nominee_id AND t.year = NEW.year AND t.metric_id = d.not_above_id)
            THEN RAISE(ABORT, '{previous_0002.MESSAGE_ABOVE}')
        WHEN EXISTS (
                SELECT 1 FROM awards_metricdefinition p
                  JOIN awards_metricvalue v
                    ON v.nominee_id = NEW.nominee_id AND v.year = NEW.year AND v.metric_id = p.id
                 WHERE p.not_above_id = NEW.metric_id AND v.value > NEW.value)
            THEN RAISE(ABORT, '{previous_0002.MESSAGE_ABOVE}')
    END
      FROM (SELECT NEW.metric_id AS metric_id) new LEFT JOIN awards_metricdefinition d ON d.id = new.metric_id;
END;
"""
# Every checking trigger on awards_metricvalue (a bulk loader that drops them must restore all of these).
SQLITE_FORWARD = [
    "CREATE TRIGGER awards_metricvalue_check_insert BEFORE INSERT ON awards_metricvalue" + CHECKS,
    "CREATE TRIGGER awards_metricvalue_check_update BEFORE UPDATE OF value, metric_id, nominee_id, year "
    "ON awards_metricvalue" + CHECKS,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS awards_metricvalue_check_insert",
    "DROP TRIGGER IF EXISTS awards_metricvalue_check_update",
]


def _rebuild(cursor, *, without_rowid):
    """Rebuild awards_metricvalue with or without a rowid, keeping its rows and every trigger naming it."""
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'awards_metricvalue'")
    (table,) = cursor.fetchone()
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%awards_metricvalue%'")
    triggers = cursor.fetchall()
    for name, _sql in triggers:
        cursor.execute(f'DROP TRIGGER "{name}"')
    table = re.sub(r'^CREATE TABLE (IF NOT EXISTS )?"awards_metricvalue"', 'CREATE TABLE "new__awards_metricvalue"',
                   table)
    table = re.sub(r"\s*WITHOUT ROWID\s*$", "", table)
    cursor.execute(table + (" WITHOUT ROWID" if without_rowid else ""))
    cursor.execute('INSERT INTO "new__awards_metricvalue" ("nominee_id", "year", "metric_id", "value") '
                   'SELECT "nominee_id", "year", "metric_id", "value" FROM "awards_metricvalue"')
    cursor.execute('DROP TABLE "awards_metricvalue"')
    cursor.execute('ALTER TABLE "new__awards_metricvalue" RENAME TO "awards_metricvalue"')
    for _name, sql in triggers:
        cursor.execute(sql)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in previous_0005.SQLITE_BACKWARD:  # the four triggers of 0002 and 0005
            cursor.execute(sql)
        _rebuild(cursor, without_rowid=True)
        for sql in SQLITE_FORWARD:
            cursor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in SQLITE_BACKWARD:
            cursor.execute(sql)
        _rebuild(cursor, without_rowid=False)
        for sql in previous_0005.SQLITE_FORWARD:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("awards", "0009_scoring_inputs_version")]

    operations = [migrations.RunPython(forward, backward)]
