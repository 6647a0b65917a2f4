"""Remove uploaded metrics files previewed but never confirmed, once older than the retention period; run it
as a scheduled job (README, "Scheduled jobs")."""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ...imports.uploads import upload_purge


class Command(BaseCommand):
    help = ("Remove uploads previewed on the metrics page but never confirmed, once older than "
            "PARITRANA_UPLOAD_RETENTION_HOURS. Safe to run at any time and as often as wanted.")

    def handle(self, *args, **options):
        removed = upload_purge()
        for token in removed:
            self.stdout.write(_("Removed upload %(token)s.") % {"token": token})
        self.stdout.write(_("%(count)s uploads older than %(hours)s hours removed.")
                          % {"count": len(removed), "hours": settings.PARITRANA_UPLOAD_RETENTION_HOURS})
