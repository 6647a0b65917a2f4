"""The rankings are stored (0018, models/standings.py): the caches behind fingerprints go, with the
version of the metric scoring inputs that the database kept by triggers on four tables (0006, 0009, 0011).
"""
from django.db import migrations

TABLES = ("metricvalue", "nomination", "nominee", "stage")
SQLITE = [
    *[f"DROP TRIGGER IF EXISTS awards_{table}_scoring_version_{event}" for table in TABLES
      for event in ("insert", "update", "delete")],
    "DROP TABLE IF EXISTS awards_metricrowscache",
    "DROP TABLE IF EXISTS awards_scoringversion",
    "DROP TABLE IF EXISTS awards_judgedscorescache",
]
POSTGRES = [
    *[f"DROP TRIGGER IF EXISTS awards_{table}_scoring_change ON awards_{table}" for table in TABLES],
    "DROP FUNCTION IF EXISTS awards_scoring_change()",
    "DROP TABLE IF EXISTS awards_metricrowscache",
    "DROP TABLE IF EXISTS awards_scoringslot",
    "DROP TABLE IF EXISTS awards_scoringchange",
    "DROP TABLE IF EXISTS awards_judgedscorescache",
]


def forward(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("awards", "0018_standings")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
