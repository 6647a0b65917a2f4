"""Metric values keyed by (nominee, year, metric), with their references checked by triggers.

A national load writes millions of values. Before, each one maintained three B-trees (the surrogate
id, the unique key, the (metric, year) index) and, on PostgreSQL, two foreign-key checks that lock the
referenced nominee and definition rows once per value: together several times the cost of the data
itself. Now the unique key is the primary key (one B-tree), and the references are checked by triggers:

* PostgreSQL: the statement trigger of 0004 also checks, once per INSERT/UPDATE statement and set-based,
  that every written value names an existing nominee and metric definition;
* SQLite: row triggers (SQLite has no statement triggers) beside 0002's range and total checks;
* both: deleting a nominee or a definition that still has values, or changing its id, is refused
  (the ORM's CASCADE / PROTECT run first, so the app never meets this; raw SQL does).
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

MESSAGE_NOMINEE = "metric_value_unknown_nominee"
MESSAGE_METRIC = "metric_value_unknown_metric"
MESSAGE_REFERENCED = "metric_values_still_refer_to_it"

previous_0002 = importlib.import_module("awards.migrations.0002_metricvalue_triggers")
previous_0004 = importlib.import_module("awards.migrations.0004_metricvalue_lean_indexes_statement_trigger")

# -- SQLite -----------------------------------------------------------------------------------------
SQLITE_TABLE = [
    'CREATE TABLE "new__awards_metricvalue" ("year" smallint unsigned NOT NULL CHECK ("year" >= 0), '
    '"value" decimal NOT NULL, "metric_id" bigint NOT NULL, "nominee_id" bigint NOT NULL, '
    'CONSTRAINT "metricvalue_non_negative" CHECK ("value" >= \'0\'), '
    'CONSTRAINT "metricvalue_year_sane" CHECK (("year" >= 2000 AND "year" <= 2100)), '
    'PRIMARY KEY ("nominee_id", "year", "metric_id"))',
    'INSERT INTO "new__awards_metricvalue" ("year", "value", "metric_id", "nominee_id") '
    'SELECT "year", "value", "metric_id", "nominee_id" FROM "awards_metricvalue"',
    'DROP TABLE "awards_metricvalue"',
    'ALTER TABLE "new__awards_metricvalue" RENAME TO "awards_metricvalue"',
]
SQLITE_REFERENCES_BODY = f"""
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE_NOMINEE}')
     WHERE NOT EXISTS (SELECT 1 FROM awards_nominee WHERE id = NEW.nominee_id);
    SELECT RAISE(ABORT, '{MESSAGE_METRIC}')
     WHERE NOT EXISTS (SELECT 1 FROM awards_metricdefinition WHERE id = NEW.metric_id);
END;
"""
# Every trigger on awards_metricvalue (a bulk loader that drops them must restore all of these).
SQLITE_FORWARD = previous_0002.SQLITE_FORWARD + [
    "CREATE TRIGGER awards_metricvalue_references_insert BEFORE INSERT ON awards_metricvalue"
    + SQLITE_REFERENCES_BODY,
    "CREATE TRIGGER awards_metricvalue_references_update BEFORE UPDATE OF nominee_id, metric_id "
    "ON awards_metricvalue" + SQLITE_REFERENCES_BODY,
]
SQLITE_BACKWARD = previous_0002.SQLITE_BACKWARD + [
    "DROP TRIGGER IF EXISTS awards_metricvalue_references_insert",
    "DROP TRIGGER IF EXISTS awards_metricvalue_references_update",
]
SQLITE_GUARDS = [
    f"""CREATE TRIGGER awards_{table}_keeps_metric_values BEFORE DELETE ON awards_{table}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE_REFERENCED}')
     WHERE EXISTS (SELECT 1 FROM awards_metricvalue WHERE {column} = OLD.id);
END;"""
    for table, column in (("nominee", "nominee_id"), ("metricdefinition", "metric_id"))
] + [
    f"""CREATE TRIGGER awards_{table}_keeps_metric_values_id BEFORE UPDATE OF id ON awards_{table}
WHEN OLD.id <> NEW.id
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE_REFERENCED}')
     WHERE EXISTS (SELECT 1 FROM awards_metricvalue WHERE {column} = OLD.id);
END;"""
    for table, column in (("nominee", "nominee_id"), ("metricdefinition", "metric_id"))
]

# -- PostgreSQL -------------------------------------------------------------------------------------
POSTGRES_CHECK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION awards_metricvalue_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM metricvalue_new n
                WHERE NOT EXISTS (SELECT 1 FROM awards_nominee o WHERE o.id = n.nominee_id)) THEN
        RAISE EXCEPTION '{MESSAGE_NOMINEE}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM metricvalue_new n
                WHERE NOT EXISTS (SELECT 1 FROM awards_metricdefinition d WHERE d.id = n.metric_id)) THEN
        RAISE EXCEPTION '{MESSAGE_METRIC}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM metricvalue_new n JOIN awards_metricdefinition d ON d.id = n.metric_id
                WHERE (d.min_value IS NOT NULL AND n.value < d.min_value)
                   OR (d.max_value IS NOT NULL AND n.value > d.max_value)) THEN
        RAISE EXCEPTION '{previous_0004.MESSAGE_RANGE}' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM metricvalue_new n
                 JOIN awards_metricdefinition d ON d.id = n.metric_id AND d.not_above_id IS NOT NULL
                 JOIN awards_metricvalue t ON t.metric_id = d.not_above_id AND t.nominee_id = n.nominee_id
                                          AND t.year = n.year
                WHERE n.value > t.value) THEN
        RAISE EXCEPTION '{previous_0004.MESSAGE_ABOVE}' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM metricvalue_new n
                 JOIN awards_metricdefinition d ON d.not_above_id = n.metric_id
                 JOIN awards_metricvalue p ON p.metric_id = d.id AND p.nominee_id = n.nominee_id
                                          AND p.year = n.year
                WHERE p.value > n.value) THEN
        RAISE EXCEPTION '{previous_0004.MESSAGE_ABOVE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
"""
POSTGRES_GUARDS = [
    f"""
CREATE FUNCTION awards_keeps_metric_values_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gone_{table} g JOIN awards_metricvalue v ON v.{column} = g.id) THEN
        RAISE EXCEPTION '{MESSAGE_REFERENCED}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
"""
    for table, column in (("nominee", "nominee_id"), ("metricdefinition", "metric_id"))
] + [
    f"CREATE TRIGGER awards_{table}_keeps_metric_values AFTER DELETE ON awards_{table} "
    f"REFERENCING OLD TABLE AS gone_{table} FOR EACH STATEMENT EXECUTE FUNCTION awards_keeps_metric_values_{table}()"
    for table in ("nominee", "metricdefinition")
] + [
    f"""
CREATE FUNCTION awards_keeps_metric_values_id_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM awards_metricvalue WHERE {column} = OLD.id) THEN
        RAISE EXCEPTION '{MESSAGE_REFERENCED}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
"""
    for table, column in (("nominee", "nominee_id"), ("metricdefinition", "metric_id"))
] + [
    f"CREATE TRIGGER awards_{table}_keeps_metric_values_id BEFORE UPDATE OF id ON awards_{table} "
    f"FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION awards_keeps_metric_values_id_{table}()"
    for table in ("nominee", "metricdefinition")
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "awards_metricvalue")
        for name, info in constraints.items():
            if info["foreign_key"]:
                schema_editor.execute(f'ALTER TABLE awards_metricvalue DROP CONSTRAINT "{name}"')
        for sql in [
            "ALTER TABLE awards_metricvalue DROP CONSTRAINT metricvalue_unique",
            "DROP INDEX IF EXISTS metricvalue_metric_year",
            "ALTER TABLE awards_metricvalue DROP COLUMN id",
            "ALTER TABLE awards_metricvalue ADD CONSTRAINT awards_metricvalue_pkey "
            "PRIMARY KEY (nominee_id, year, metric_id)",
            POSTGRES_CHECK_FUNCTION,
            *POSTGRES_GUARDS,
        ]:
            schema_editor.execute(sql)
    else:
        for sql in SQLITE_TABLE + SQLITE_FORWARD + SQLITE_GUARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    """Not reversible: going back would need the surrogate ids this migration drops."""

    dependencies = [
        ('awards', '0004_metricvalue_lean_indexes_statement_trigger'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward)],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='metricvalue',
                    name='metricvalue_unique',
                ),
                migrations.RemoveIndex(
                    model_name='metricvalue',
                    name='metricvalue_metric_year',
                ),
                migrations.RemoveField(
                    model_name='metricvalue',
                    name='id',
                ),
                migrations.AddField(
                    model_name='metricvalue',
                    name='pk',
                    field=models.CompositePrimaryKey('nominee', 'year', 'metric', blank=True, editable=False, primary_key=True, serialize=False),
                ),
                migrations.AlterField(
                    model_name='metricvalue',
                    name='metric',
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='values', to='awards.metricdefinition', verbose_name='metric'),
                ),
                migrations.AlterField(
                    model_name='metricvalue',
                    name='nominee',
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='metric_values', to='awards.nominee', verbose_name='nominee'),
                ),
            ],
        ),
    ]
