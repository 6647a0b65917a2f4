"""The scheduled round of deadline reminders (README "Background jobs": run it hourly from cron or a
systemd timer): each reviewer with unsubmitted assignments in an open stage whose deadline is within the
stage's reminder days gets one reminder per stage and deadline, however often this runs."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...services.messages import reminders_send_due


class Command(BaseCommand):
    help = "Queue the deadline reminders that are due (safe to run as often as wanted)."

    def handle(self, *args, **options):
        count = reminders_send_due()
        self.stdout.write(_("%(count)s reminders queued for sending.") % {"count": count})
