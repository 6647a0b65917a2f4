"""Background jobs and messages; each account's language; a stage's reminder option.

The stage's new column is added in place on SQLite (ALTER TABLE ADD COLUMN): Django's usual way there
rebuilds the table, which would drop the triggers 0009 keeps on it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class AddColumnInPlace(migrations.AddField):
    """AddField that never rebuilds the table on SQLite (the column has a constant default)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        quote = schema_editor.quote_name
        schema_editor.execute(f"ALTER TABLE {quote(model._meta.db_table)} ADD COLUMN {quote(field.column)} "
                              f"{definition}", params)


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0015_results_chain_interim_and_guards'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='profile',
            name='language',
            field=models.CharField(choices=[('id', 'Indonesian'), ('en', 'English')], default='id', max_length=8, verbose_name='language'),
        ),
        AddColumnInPlace(
            model_name='stage',
            name='reminder_days',
            field=models.PositiveSmallIntegerField(default=3, help_text='Reviewers with unsubmitted assignments are reminded this many days before the deadline; 0: no reminder.', verbose_name='reminder before the deadline (days)'),
        ),
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('metrics_check', 'Checking a metrics file'), ('metrics_import', 'Importing a metrics file'), ('nominations_check', 'Checking a nominations file'), ('nominations_import', 'Importing a nominations file'), ('export', 'Preparing a download')], max_length=24, verbose_name='kind')),
                ('state', models.CharField(choices=[('queued', 'Waiting for a worker'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=8, verbose_name='state')),
                ('language', models.CharField(default='id', max_length=8, verbose_name='language')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='started at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='running since')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('beat_at', models.DateTimeField(blank=True, null=True, verbose_name='last sign of life')),
                ('lock_key', models.CharField(blank=True, max_length=64, verbose_name='lock')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                ('phase', models.CharField(blank=True, max_length=16, verbose_name='phase')),
                ('rows_total', models.PositiveIntegerField(blank=True, null=True, verbose_name='rows in the file')),
                ('rows_read', models.PositiveIntegerField(default=0, verbose_name='rows read')),
                ('rows_checked', models.PositiveIntegerField(default=0, verbose_name='rows checked')),
                ('rows_written', models.PositiveIntegerField(default=0, verbose_name='rows written')),
                ('result', models.JSONField(blank=True, null=True, verbose_name='result')),
                ('error', models.TextField(blank=True, verbose_name='why it failed')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
                ('follow_up', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='awards.job', verbose_name='next job')),
            ],
            options={
                'verbose_name': 'background job',
                'verbose_name_plural': 'background jobs',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['created_by', 'kind'], name='awards_job_created_dd2e7a_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state__in', ('queued', 'running')), models.Q(('lock_key', ''), _negated=True)), fields=('lock_key',), name='job_one_active_per_lock')],
            },
        ),
        migrations.CreateModel(
            name='Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('invitation', 'Invitation'), ('assignments', 'New assignments'), ('stage_open', 'Stage opened'), ('reminder', 'Deadline reminder'), ('manual_reminder', 'Reminder from the committee'), ('password_reset', 'Password reset link')], max_length=16, verbose_name='kind')),
                ('email', models.EmailField(max_length=254, verbose_name='email address')),
                ('subject', models.CharField(max_length=300, verbose_name='subject')),
                ('summary', models.CharField(blank=True, max_length=300, verbose_name='what')),
                ('batch_key', models.CharField(blank=True, max_length=80, verbose_name='batch')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                ('status', models.CharField(choices=[('queued', 'Waiting to be sent'), ('sent', 'Delivered to the mail server'), ('failed', 'Failed')], default='queued', max_length=8, verbose_name='status')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('province', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='awards.region', verbose_name='province')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='messages_received', to=settings.AUTH_USER_MODEL, verbose_name='to')),
                ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
                ('stage', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='awards.stage', verbose_name='stage')),
            ],
            options={
                'verbose_name': 'message',
                'verbose_name_plural': 'messages',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('batch_key', ''), _negated=True), fields=('batch_key', 'recipient'), name='message_once_per_batch')],
            },
        ),
    ]
