"""PostgreSQL: a nominee's region and province checked once per statement, not once per nominee.

A national import writes 725,000 nominees. Their two foreign keys to awards_region were deferred row
checks: 1.45 million lookups, each locking the region row, all run at COMMIT (5.2 s of a 725,000-row load,
after every row was written, so nothing could overlap them). They are replaced, as migration 0005 did for
metric values, by a statement trigger that checks the distinct region codes a statement wrote (a chunk
of 2,000 nominees of one regency is one lookup), and by guards on awards_region that refuse to delete a
region, or change its code, while a nominee names it. Same rule, now checked at the end of each
statement rather than at commit.

The model keeps its ForeignKey (Django checks PROTECT itself before it deletes a region, so the app
never meets the guards). SQLite keeps its REFERENCES clauses: it checks them in the row it writes.

Every statement trigger here plans its query when it runs (EXECUTE). PL/pgSQL otherwise keeps the plan
made at a session's first call for the whole session, and a plan made while awards_metricvalue was
empty (a sequential scan) made the guards of 0005 take minutes once it held millions of rows: those two
guards are replaced by the same checks, planned per statement.
"""
import importlib

from django.db import migrations

previous_0005 = importlib.import_module("awards.migrations.0005_metricvalue_composite_key")

MESSAGE_UNKNOWN = "nominee_unknown_region"
MESSAGE_REFERENCED = "nominees_still_refer_to_it"
FOREIGN_KEYS = ("region_id", "province_id")

POSTGRES_FORWARD = [
    f"""
CREATE FUNCTION awards_nominee_check_regions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found boolean;
BEGIN
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM (SELECT region_id AS code FROM nominee_new
                                           UNION SELECT province_id FROM nominee_new) n
                             WHERE NOT EXISTS (SELECT 1 FROM awards_region r WHERE r.code = n.code))' INTO found;
    IF found THEN
        RAISE EXCEPTION '{MESSAGE_UNKNOWN}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
""",
    *[f"CREATE TRIGGER awards_nominee_regions_{event.lower()} AFTER {event} ON awards_nominee "
      "REFERENCING NEW TABLE AS nominee_new FOR EACH STATEMENT EXECUTE FUNCTION awards_nominee_check_regions()"
      for event in ("INSERT", "UPDATE")],
    f"""
CREATE FUNCTION awards_region_keeps_nominees() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found boolean;
BEGIN
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM gone_region g JOIN awards_nominee n ON n.region_id = g.code)
                 OR EXISTS (SELECT 1 FROM gone_region g JOIN awards_nominee n ON n.province_id = g.code)' INTO found;
    IF found THEN
        RAISE EXCEPTION '{MESSAGE_REFERENCED}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
""",
    "CREATE TRIGGER awards_region_keeps_nominees AFTER DELETE ON awards_region "
    "REFERENCING OLD TABLE AS gone_region FOR EACH STATEMENT EXECUTE FUNCTION awards_region_keeps_nominees()",
    f"""
CREATE FUNCTION awards_region_keeps_nominees_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM awards_nominee WHERE region_id = OLD.code)
       OR EXISTS (SELECT 1 FROM awards_nominee WHERE province_id = OLD.code) THEN
        RAISE EXCEPTION '{MESSAGE_REFERENCED}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
""",
    *[f"""
CREATE OR REPLACE FUNCTION awards_keeps_metric_values_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found boolean;
BEGIN
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM gone_{table} g JOIN awards_metricvalue v ON v.{column} = g.id)'
       INTO found;
    IF found THEN
        RAISE EXCEPTION '{previous_0005.MESSAGE_REFERENCED}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
""" for table, column in (("nominee", "nominee_id"), ("metricdefinition", "metric_id"))],
    "CREATE TRIGGER awards_region_keeps_nominees_code BEFORE UPDATE OF code ON awards_region "
    "FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION awards_region_keeps_nominees_code()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS awards_nominee_regions_insert ON awards_nominee",
    "DROP TRIGGER IF EXISTS awards_nominee_regions_update ON awards_nominee",
    "DROP TRIGGER IF EXISTS awards_region_keeps_nominees ON awards_region",
    "DROP TRIGGER IF EXISTS awards_region_keeps_nominees_code ON awards_region",
    "DROP FUNCTION IF EXISTS awards_nominee_check_regions()",
    "DROP FUNCTION IF EXISTS awards_region_keeps_nominees()",
    "DROP FUNCTION IF EXISTS awards_region_keeps_nominees_code()",
]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "awards_nominee")
    for name, info in constraints.items():
        if info["foreign_key"] and info["columns"][0] in FOREIGN_KEYS:
            schema_editor.execute(f'ALTER TABLE awards_nominee DROP CONSTRAINT "{name}"')
    for sql in POSTGRES_FORWARD:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in POSTGRES_BACKWARD:
        schema_editor.execute(sql)
    for column in FOREIGN_KEYS:
        schema_editor.execute(
            f"ALTER TABLE awards_nominee ADD CONSTRAINT awards_nominee_{column}_fk_awards_region_code "
            f"FOREIGN KEY ({column}) REFERENCES awards_region (code) DEFERRABLE INITIALLY DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0011_postgres_scoring_version_slots'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
