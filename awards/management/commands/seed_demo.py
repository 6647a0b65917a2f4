"""Load the demo edition (assessment year 2025, Lampung) and the demo accounts."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...services.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_TOTP_USERS, DEMO_USERS, demo_seed


class Command(BaseCommand):
    help = "Create or refresh the demo edition for Lampung and the demo accounts (safe to run again)."

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_ALLOWED", False):
            raise CommandError(_("The demo creates accounts with a published password: it runs only under the "
                                 "development settings, never in production."))
        edition = demo_seed()
        self.stdout.write(_("Demo edition ready: %(name)s.") % {"name": edition.name})
        self.stdout.write(_("Demo accounts (password: %(password)s):") % {"password": DEMO_PASSWORD})
        for username, _first, _last, role, province, _staff in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role.label}" + (f" · {province}" if province else ""))
        self.stdout.write(_("%(users)s also enter a code from an authenticator app with the secret %(secret)s "
                            "(or print it: manage.py demo_code USERNAME).")
                          % {"users": ", ".join(DEMO_TOTP_USERS), "secret": DEMO_TOTP_SECRET})
