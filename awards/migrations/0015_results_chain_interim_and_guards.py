"""Frozen results form a chain per edition (`previous`), an early freeze is an interim record, and the
database refuses to change or delete a frozen result or an audit row, on both engines.

The triggers live in sql/results_guard.<vendor>.sql (sql/results_unguard.<vendor>.sql removes them).
They are created after the fields are added: on SQLite adding a field remakes the table, which would
drop triggers created before it. The one update allowed is setting a result's published_at once.
An audit row's actor is now PROTECT (it was SET_NULL, an update of the audit row): an account that has
acted is deactivated, never deleted.
"""
from pathlib import Path

import django.db.models.deletion
import sqlparse
from django.conf import settings
from django.db import migrations, models

SQL = Path(__file__).resolve().parent / "sql"


def statements(name, vendor):
    """The statements of sql/<name>.<vendor>.sql, in order."""
    text = (SQL / f"{name}.{vendor}.sql").read_text(encoding="utf-8")
    return [s for s in (sqlparse.format(part, strip_comments=True).strip() for part in sqlparse.split(text)) if s]


def run(name):
    def operation(apps, schema_editor):
        for sql in statements(name, schema_editor.connection.vendor):
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0014_nomination_once_per_edition'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='resultsnapshot',
            name='interim',
            field=models.BooleanField(default=False, verbose_name='interim'),
        ),
        migrations.AddField(
            model_name='resultsnapshot',
            name='previous',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='next', to='awards.resultsnapshot', verbose_name='previous result'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AddConstraint(
            model_name='resultsnapshot',
            constraint=models.CheckConstraint(condition=models.Q(('interim', False), ('published_at__isnull', True), _connector='OR'), name='snapshot_interim_never_published'),
        ),
        migrations.RunPython(run("results_guard"), run("results_unguard")),
    ]
