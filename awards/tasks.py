"""Background jobs (Django's Tasks API through django-tasks; README "Background jobs"): thin, each calls a
service. `manage.py db_worker` runs them; `manage.py send_reminders` queues the reminders' round."""
from django_tasks import task


@task()
def run_job(job_id):
    """A job a page started (an import, a check, a download): its record says what and how far."""
    from .imports.background import RUNNERS
    from .services.jobs import job_run

    return job_run(job_id, RUNNERS)


@task()
def deliver_messages(message_ids):
    """Send the queued messages by email, each in its recipient's language."""
    from .services.messages import messages_deliver

    return messages_deliver(message_ids)


@task()
def send_deadline_reminders():
    """Remind the reviewers with unsubmitted assignments of each open stage whose deadline is near."""
    from .services.messages import reminders_send_due

    return reminders_send_due()


@task()
def refresh_standings():
    """Recompute the stored standings that a change left behind (services/standings.py)."""
    from .services.standings import standings_refresh

    return standings_refresh()
