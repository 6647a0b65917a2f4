"""Write an edition's rules (categories, rounds, stages, criteria) as JSON, for reuse the next year."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...imports.edition_file import edition_as_data
from ...models import Edition
from ...scoring.output import as_json


class Command(BaseCommand):
    help = "Print the rules of the edition of YEAR as JSON (docs/edition-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="The assessment year, e.g. 2024.")

    def handle(self, *args, year, **options):
        edition = Edition.objects.filter(year=year).first()
        if edition is None:
            raise CommandError(_("There is no edition %(year)s.") % {"year": year})
        self.stdout.write(as_json(edition_as_data(edition)), ending="")
