"""A table for the judged scores of a ranking group, shared by every process (awards.scoring.judged).

Not a model: nothing but the scoring engine reads or writes it, by raw SQL. A row holds the judged
scores of one (category, round, stage) and the fingerprint of the inputs they were computed from; a
row whose fingerprint no longer matches is recomputed and replaced, never shown.
"""
from django.db import migrations

CREATE = (
    "CREATE TABLE awards_judgedscorescache ("
    "group_key VARCHAR(100) NOT NULL PRIMARY KEY, "
    "fingerprint VARCHAR(200) NOT NULL, "
    "content TEXT NOT NULL)"
)


class Migration(migrations.Migration):
    dependencies = [("awards", "0005_metricvalue_composite_key")]

    operations = [migrations.RunSQL(CREATE, "DROP TABLE awards_judgedscorescache")]
