"""Database-enforced metric validation that a CHECK constraint cannot express.

A value must lie in its definition's [min_value, max_value], and a value whose definition names a
`not_above` total may not exceed that total for the same nominee and year (checked from both sides:
inserting or raising the part, and inserting or lowering the total).
"""
from django.db import migrations

MESSAGE_RANGE = "metric_value_out_of_range"
MESSAGE_ABOVE = "metric_value_above_total"

SQLITE_BODY = f"""
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE_RANGE}') WHERE EXISTS (
        SELECT 1 FROM awards_metricdefinition d WHERE d.id = NEW.metric_id AND (
            (d.min_value IS NOT NULL AND NEW.value < d.min_value)
            OR (d.max_value IS NOT NULL AND NEW.value > d.max_value)));
    SELECT RAISE(ABORT, '{MESSAGE_ABOVE}') WHERE EXISTS (
        SELECT 1 FROM awards_metricdefinition d
        JOIN awards_metricvalue t ON t.metric_id = d.not_above_id
             AND t.nominee_id = NEW.nominee_id AND t.year = NEW.year
        WHERE d.id = NEW.metric_id AND NEW.value > t.value);
    SELECT RAISE(ABORT, '{MESSAGE_ABOVE}') WHERE EXISTS (
        SELECT 1 FROM awards_metricdefinition d
        JOIN awards_metricvalue p ON p.metric_id = d.id
             AND p.nominee_id = NEW.nominee_id AND p.year = NEW.year
        WHERE d.not_above_id = NEW.metric_id AND p.value > NEW.value);
END;
"""

SQLITE_FORWARD = [
    "CREATE TRIGGER awards_metricvalue_check_insert BEFORE INSERT ON awards_metricvalue" + SQLITE_BODY,
    "CREATE TRIGGER awards_metricvalue_check_update BEFORE UPDATE OF value, metric_id, nominee_id, year "
    "ON awards_metricvalue" + SQLITE_BODY,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS awards_metricvalue_check_insert",
    "DROP TRIGGER IF EXISTS awards_metricvalue_check_update",
]

POSTGRES_FORWARD = [
    f"""
CREATE FUNCTION awards_metricvalue_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d_min numeric; d_max numeric; d_not_above bigint; bound numeric;
BEGIN
    SELECT min_value, max_value, not_above_id INTO d_min, d_max, d_not_above
      FROM awards_metricdefinition WHERE id = NEW.metric_id;
    IF (d_min IS NOT NULL AND NEW.value < d_min) OR (d_max IS NOT NULL AND NEW.value > d_max) THEN
        RAISE EXCEPTION '{MESSAGE_RANGE}' USING ERRCODE = 'check_violation';
    END IF;
    IF d_not_above IS NOT NULL THEN
        SELECT value INTO bound FROM awards_metricvalue
         WHERE metric_id = d_not_above AND nominee_id = NEW.nominee_id AND year = NEW.year;
        IF bound IS NOT NULL AND NEW.value > bound THEN
            RAISE EXCEPTION '{MESSAGE_ABOVE}' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM awards_metricvalue p
                 JOIN awards_metricdefinition d ON d.id = p.metric_id
                WHERE d.not_above_id = NEW.metric_id AND p.nominee_id = NEW.nominee_id
                  AND p.year = NEW.year AND p.value > NEW.value) THEN
        RAISE EXCEPTION '{MESSAGE_ABOVE}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
""",
    "CREATE TRIGGER awards_metricvalue_check BEFORE INSERT OR UPDATE OF value, metric_id, nominee_id, year "
    "ON awards_metricvalue FOR EACH ROW EXECUTE FUNCTION awards_metricvalue_check()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS awards_metricvalue_check ON awards_metricvalue",
    "DROP FUNCTION IF EXISTS awards_metricvalue_check()",
]


def forward(apps, schema_editor):
    statements = POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
