"""SQLite: deleting a nominee or a metric definition removes its metric values, instead of being refused.

0005 refused such a delete on both engines. On SQLite that also refused Django's own flush between
transactional tests, which empties the tables in no fixed order with foreign-key checks off (the
triggers stayed on): a run failed whenever nominees came before metric values. On SQLite the guard now
removes the values with their nominee or definition, so no value is ever left pointing at nothing
whatever the order; the application never meets it (the ORM's CASCADE deletes a nominee's values first,
and its PROTECT refuses to delete a definition that has values). PostgreSQL keeps 0005's refusal: its
flush is a TRUNCATE, which fires no delete trigger. Changing the id of a nominee or definition with
values stays refused on both engines.
"""
import importlib

from django.db import migrations

previous_0005 = importlib.import_module("awards.migrations.0005_metricvalue_composite_key")

PAIRS = (("nominee", "nominee_id"), ("metricdefinition", "metric_id"))
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS awards_{table}_keeps_metric_values" for table, _column in PAIRS]
SQLITE_CASCADE = [
    f"""CREATE TRIGGER awards_{table}_keeps_metric_values AFTER DELETE ON awards_{table}
BEGIN
    DELETE FROM awards_metricvalue WHERE {column} = OLD.id;
END;"""
    for table, column in PAIRS
]
SQLITE_REFUSE = [sql for sql in previous_0005.SQLITE_GUARDS if "BEFORE DELETE" in sql]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP + SQLITE_CASCADE:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP + SQLITE_REFUSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("awards", "0007_lean_nominee_indexes_bulk_checks")]

    operations = [migrations.RunPython(forward, backward)]
