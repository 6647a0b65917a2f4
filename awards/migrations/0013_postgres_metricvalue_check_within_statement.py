"""PostgreSQL: "a part not above its total" checked among the statement's own rows first.

The statement check of migration 0007 read every (nominee, year) a statement touched back from the
table by its primary-key prefix, 2,000 index scans for a chunk of 2,000 nominees, even though a bulk
load writes a nominee's parts and totals in the same statement. Now the statement's rows are paired
with each other by hash joins, and the table is probed (by primary key) only for a counterpart the
statement did not write: the stored total of a part written alone, the stored parts of a total written
alone. The range check compares each value with its definition in a hash join instead of sorting the
values by metric for their smallest and largest. Same rules, same messages; the
nominee check is unchanged. For a chunk of 20,000 values of 2,000 new nominees, as auto_explain timed
the trigger's queries: about 33 ms -> 25.8 ms (nominee 5.6, range 6.6 -> 5.5, parts 6.8 -> 7.0, totals
14.6 -> 7.7; before, the stored parts of every total were read).
"""
import importlib

from django.db import migrations

previous_0004 = importlib.import_module("awards.migrations.0004_metricvalue_lean_indexes_statement_trigger")
previous_0005 = importlib.import_module("awards.migrations.0005_metricvalue_composite_key")
previous_0007 = importlib.import_module("awards.migrations.0007_lean_nominee_indexes_bulk_checks")

POSTGRES_CHECK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION awards_metricvalue_check_rows() RETURNS trigger LANGUAGE plpgsql
SET work_mem = '64MB' SET enable_seqscan = off SET enable_nestloop = on SET jit = off AS $$
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
    -- From here on the statement's rows meet each other and the definitions in hash joins, and the table
    -- is read only by the primary-key probes of subplans. (SET LOCAL ends with this function.)
    SET LOCAL enable_seqscan = on;
    SET LOCAL enable_nestloop = off;
    -- The metric exists, and each value written is within its range (compared in a hash join with
    -- the definitions: cheaper than the smallest and largest numeric value of each metric).
    EXECUTE 'SELECT bool_or(d.id IS NULL), bool_or((d.min_value IS NOT NULL AND n.value < d.min_value)
                                                 OR (d.max_value IS NOT NULL AND n.value > d.max_value))
               FROM metricvalue_new n LEFT JOIN awards_metricdefinition d ON d.id = n.metric_id'
       INTO missing, out_of_range;
    IF missing THEN
        RAISE EXCEPTION '{previous_0005.MESSAGE_METRIC}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF out_of_range THEN
        RAISE EXCEPTION '{previous_0004.MESSAGE_RANGE}' USING ERRCODE = 'check_violation';
    END IF;
    -- Each part written, against its total: written in the same statement, else as stored.
    EXECUTE 'SELECT EXISTS (
                 SELECT 1 FROM metricvalue_new p
                   JOIN awards_metricdefinition d ON d.id = p.metric_id AND d.not_above_id IS NOT NULL
                   LEFT JOIN metricvalue_new t ON t.nominee_id = p.nominee_id AND t.year = p.year
                                              AND t.metric_id = d.not_above_id
                  WHERE p.value > COALESCE(t.value, (SELECT v.value FROM awards_metricvalue v
                                                      WHERE v.nominee_id = p.nominee_id AND v.year = p.year
                                                        AND v.metric_id = d.not_above_id)))'
       INTO found;
    -- Each total written, against the stored parts the statement did not write (those it wrote were
    -- compared just above). Those totals are found first (MATERIALIZED), so that the table is probed for
    -- them alone, not for every total before the statement's own parts are ruled out.
    IF NOT found THEN
        EXECUTE 'WITH alone AS MATERIALIZED (
                     SELECT t.nominee_id, t.year, t.value, d.id AS part_id
                       FROM metricvalue_new t JOIN awards_metricdefinition d ON d.not_above_id = t.metric_id
                      WHERE NOT EXISTS (SELECT 1 FROM metricvalue_new p WHERE p.nominee_id = t.nominee_id
                                           AND p.year = t.year AND p.metric_id = d.id))
                 SELECT EXISTS (
                     SELECT 1 FROM alone a
                      WHERE (SELECT v.value FROM awards_metricvalue v WHERE v.nominee_id = a.nominee_id
                                AND v.year = a.year AND v.metric_id = a.part_id) > a.value)'
           INTO found;
    END IF;
    IF found THEN
        RAISE EXCEPTION '{previous_0004.MESSAGE_ABOVE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_CHECK_FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(previous_0007.POSTGRES_CHECK_FUNCTION)


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0012_postgres_nominee_region_statement_check'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
