"""An audit row's summary parameters: the summary is then an English message shown in the reader's language.

The column is nullable without a default, so SQLite adds it in place (ALTER TABLE ADD COLUMN) and the
triggers that refuse UPDATE and DELETE on audit rows (0015) stay; existing rows keep null (text as written)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0016_jobs_messages_reminders'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='summary_params',
            field=models.JSONField(blank=True, null=True, verbose_name='summary parameters'),
        ),
    ]
