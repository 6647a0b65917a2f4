"""Leaner metric-value indexes, and on PostgreSQL one set-based check per statement instead of per row.

The rules are those of migration 0002 (range; a part not above its total, checked from both sides).
On PostgreSQL the check now runs once after each INSERT or UPDATE statement over the rows it wrote
(transition tables): a bulk load of millions of values is checked by three joins, not millions of
lookups, and a statement that writes a total and its part together is judged on its end state.
SQLite has no statement-level triggers and keeps the row triggers of 0002.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models


MESSAGE_RANGE = "metric_value_out_of_range"
MESSAGE_ABOVE = "metric_value_above_total"

POSTGRES_FORWARD = [
    "DROP TRIGGER IF EXISTS awards_metricvalue_check ON awards_metricvalue",
    "DROP FUNCTION IF EXISTS awards_metricvalue_check()",
    f"""
CREATE FUNCTION awards_metricvalue_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM metricvalue_new n JOIN awards_metricdefinition d ON d.id = n.metric_id
                WHERE (d.min_value IS NOT NULL AND n.value < d.min_value)
                   OR (d.max_value IS NOT NULL AND n.value > d.max_value)) THEN
        RAISE EXCEPTION '{MESSAGE_RANGE}' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM metricvalue_new n
                 JOIN awards_metricdefinition d ON d.id = n.metric_id AND d.not_above_id IS NOT NULL
                 JOIN awards_metricvalue t ON t.metric_id = d.not_above_id AND t.nominee_id = n.nominee_id
                                          AND t.year = n.year
                WHERE n.value > t.value) THEN
        RAISE EXCEPTION '{MESSAGE_ABOVE}' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM metricvalue_new n
                 JOIN awards_metricdefinition d ON d.not_above_id = n.metric_id
                 JOIN awards_metricvalue p ON p.metric_id = d.id AND p.nominee_id = n.nominee_id
                                          AND p.year = n.year
                WHERE p.value > n.value) THEN
        RAISE EXCEPTION '{MESSAGE_ABOVE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
""",
    "CREATE TRIGGER awards_metricvalue_check_insert AFTER INSERT ON awards_metricvalue "
    "REFERENCING NEW TABLE AS metricvalue_new FOR EACH STATEMENT EXECUTE FUNCTION awards_metricvalue_check_rows()",
    "CREATE TRIGGER awards_metricvalue_check_update AFTER UPDATE ON awards_metricvalue "
    "REFERENCING NEW TABLE AS metricvalue_new FOR EACH STATEMENT EXECUTE FUNCTION awards_metricvalue_check_rows()",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite rebuilds a table to alter a column, and the rebuild drops its triggers: put 0002's back."""
    if schema_editor.connection.vendor == "sqlite":
        previous = importlib.import_module("awards.migrations.0002_metricvalue_triggers")
        for sql in previous.SQLITE_BACKWARD + previous.SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("awards.migrations.0002_metricvalue_triggers")
        schema_editor.execute("DROP TRIGGER IF EXISTS awards_metricvalue_check_insert ON awards_metricvalue")
        schema_editor.execute("DROP TRIGGER IF EXISTS awards_metricvalue_check_update ON awards_metricvalue")
        schema_editor.execute("DROP FUNCTION IF EXISTS awards_metricvalue_check_rows()")
        for sql in previous.POSTGRES_FORWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0003_metric_definitions'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RemoveIndex(
            model_name='metricvalue',
            name='awards_metr_year_7c6420_idx',
        ),
        migrations.AlterField(
            model_name='metricvalue',
            name='metric',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='values', to='awards.metricdefinition', verbose_name='metric'),
        ),
        migrations.AlterField(
            model_name='metricvalue',
            name='nominee',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='metric_values', to='awards.nominee', verbose_name='nominee'),
        ),
        migrations.AddIndex(
            model_name='metricvalue',
            index=models.Index(fields=['metric', 'year'], name='metricvalue_metric_year'),
        ),
        migrations.RunPython(restore_sqlite_triggers, restore_sqlite_triggers),
    ]
