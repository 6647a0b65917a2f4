"""Fewer nominee indexes, and metric-value checks whose cost grows with nominees, not with values.

Nominees: a national import writes 725,000 of them, and each index is written for each one. Kept: the
primary key, the unique code and employer number, (province, kind) and region. Dropped: kind alone,
province alone (the prefix of (province, kind)), and PostgreSQL's varchar_pattern_ops copies of code,
kind, province and region (nothing here searches them with LIKE 'prefix%').

Metric values, PostgreSQL: the statement trigger of 0004/0005 checked each written value with index
probes (about 9 µs a value: a million values cost 9 s). It now checks
* the nominee reference once per distinct nominee written,
* the metric reference and the range once per metric, on the smallest and largest value written,
* "a part not above its total" on the end state of each (nominee, year) the statement touched,
  read once by its primary-key prefix and compared by a hash join,
each planned for the statement at hand (EXECUTE), since a plan cached for a one-row statement would be
the wrong one for a million rows. Same rules, same messages.
"""
import importlib

import django.db.models.deletion
from django.db import migrations, models

previous_0005 = importlib.import_module("awards.migrations.0005_metricvalue_composite_key")
MESSAGE_RANGE = "metric_value_out_of_range"
MESSAGE_ABOVE = "metric_value_above_total"

POSTGRES_CHECK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION awards_metricvalue_check_rows() RETURNS trigger LANGUAGE plpgsql
SET work_mem = '64MB' SET enable_seqscan = off SET jit = off AS $$
DECLARE
    found boolean;
    missing boolean;
    out_of_range boolean;
BEGIN
    -- The nominee of each value exists: one probe per distinct nominee.
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT nominee_id FROM metricvalue_new) n
                             WHERE NOT EXISTS (SELECT 1 FROM awards_nominee o WHERE o.id = n.nominee_id))'
       INTO found;
    IF found THEN
        RAISE EXCEPTION '{previous_0005.MESSAGE_NOMINEE}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- The metric exists, and the smallest and largest value written for it are within its range.
    EXECUTE 'SELECT bool_or(d.id IS NULL), bool_or((d.min_value IS NOT NULL AND n.low < d.min_value)
                                                 OR (d.max_value IS NOT NULL AND n.high > d.max_value))
               FROM (SELECT metric_id, min(value) AS low, max(value) AS high
                       FROM metricvalue_new GROUP BY metric_id) n
               LEFT JOIN awards_metricdefinition d ON d.id = n.metric_id'
       INTO missing, out_of_range;
    IF missing THEN
        RAISE EXCEPTION '{previous_0005.MESSAGE_METRIC}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF out_of_range THEN
        RAISE EXCEPTION '{MESSAGE_RANGE}' USING ERRCODE = 'check_violation';
    END IF;
    -- A part not above its total, on the end state of every (nominee, year) the statement touched:
    -- those rows are read once by their primary-key prefix, then parts and totals meet in a hash join.
    EXECUTE 'WITH touched AS (SELECT DISTINCT nominee_id, year FROM metricvalue_new),
                  paired AS (SELECT id AS metric_id FROM awards_metricdefinition WHERE not_above_id IS NOT NULL
                             UNION SELECT not_above_id FROM awards_metricdefinition WHERE not_above_id IS NOT NULL),
                  present AS MATERIALIZED (
                      SELECT v.nominee_id, v.year, v.metric_id, v.value
                        FROM touched t JOIN awards_metricvalue v ON v.nominee_id = t.nominee_id AND v.year = t.year
                       WHERE v.metric_id IN (SELECT metric_id FROM paired))
             SELECT EXISTS (
                 SELECT 1 FROM present p
                   JOIN awards_metricdefinition d ON d.id = p.metric_id AND d.not_above_id IS NOT NULL
                   JOIN present t ON t.nominee_id = p.nominee_id AND t.year = p.year AND t.metric_id = d.not_above_id
                  WHERE p.value > t.value)'
       INTO found;
    IF found THEN
        RAISE EXCEPTION '{MESSAGE_ABOVE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CHECK_FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(previous_0005.POSTGRES_CHECK_FUNCTION)


SQLITE_TRIGGERS_OFF = previous_0005.SQLITE_BACKWARD + [
    f"DROP TRIGGER IF EXISTS awards_{table}_keeps_metric_values{suffix}"
    for table in ("nominee", "metricdefinition") for suffix in ("", "_id")
]


def sqlite_triggers_off(apps, schema_editor):
    """SQLite rebuilds awards_nominee to change it; triggers naming that table would stop the rename."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS_OFF:
            schema_editor.execute(sql)


def sqlite_triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS_OFF + previous_0005.SQLITE_FORWARD + previous_0005.SQLITE_GUARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0006_judged_scores_cache'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(sqlite_triggers_off, sqlite_triggers_on),
        migrations.AlterField(
            model_name='nominee',
            name='code',
            field=models.CharField(max_length=32, verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='nominee',
            name='kind',
            field=models.CharField(choices=[('province_government', 'Provincial government'), ('regency_government', 'Regency/city government'), ('village', 'Village/urban village government'), ('business', 'Business'), ('umkm', 'Micro or small enterprise (UMKM)')], max_length=24, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='nominee',
            name='province',
            field=models.ForeignKey(db_index=False, limit_choices_to={'level': 1}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='awards.region', verbose_name='province'),
        ),
        migrations.AlterField(
            model_name='nominee',
            name='region',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='nominees', to='awards.region', verbose_name='region'),
        ),
        migrations.AddIndex(
            model_name='nominee',
            index=models.Index(fields=['region'], name='nominee_region'),
        ),
        migrations.AddConstraint(
            model_name='nominee',
            constraint=models.UniqueConstraint(fields=('code',), name='nominee_unique_code'),
        ),
        migrations.RunPython(sqlite_triggers_on, sqlite_triggers_off),
    ]
