"""Print a demo account's current sign-in code (development only, like seed_demo)."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ...services.demo import DEMO_TOTP_USERS, demo_totp_key
from ...services.second_factor import totp_code


class Command(BaseCommand):
    help = "Print the current 6-digit sign-in code of a demo committee account (panitia, panitia_lampung)."

    def add_arguments(self, parser):
        parser.add_argument("username", choices=DEMO_TOTP_USERS)

    def handle(self, *args, username, **options):
        if not getattr(settings, "DEMO_ALLOWED", False):
            raise CommandError(_("The demo's sign-in codes come from a published secret: this command runs only "
                                 "under the development settings, never in production."))
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not TOTPDevice.objects.filter(user=user, key=demo_totp_key(), confirmed=True).exists():
            raise CommandError(_("%(username)s has no demo authenticator app: run seed_demo first.")
                               % {"username": username})
        self.stdout.write(totp_code(demo_totp_key()))
