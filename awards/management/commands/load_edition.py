"""Create or update an edition from a rules file written by export_edition (docs/edition-format.md)."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...imports.edition_file import EditionFileError, edition_load
from ...permissions import command_actor


class Command(BaseCommand):
    help = "Load an edition's rules from a JSON file; all-or-nothing, every problem reported."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The edition JSON file.")
        parser.add_argument("--update", action="store_true",
                            help="Update the edition of that year if it exists (nothing is deleted).")
        parser.add_argument("--by", metavar="USERNAME",
                            help="Required: the national committee member loading it (recorded in the audit trail).")

    def handle(self, *args, file, update=False, by=None, **options):
        actor = command_actor(by)
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from error
        except json.JSONDecodeError as error:
            raise CommandError(_("%(file)s is not valid JSON: line %(line)d, column %(column)d: %(message)s")
                               % {"file": file, "line": error.lineno, "column": error.colno, "message": error.msg}) from error
        try:
            edition, notes = edition_load(data=data, update=update, acting_user=actor)
        except EditionFileError as error:
            raise CommandError(_("Nothing was loaded. Fix these problems in %(file)s:\n%(errors)s")
                               % {"file": file, "errors": "\n".join(f"  - {e}" for e in error.errors)}) from error
        for note in notes:
            self.stdout.write(_("Note: %(note)s") % {"note": note})
        self.stdout.write(_("Loaded edition %(year)s: %(categories)d categories, %(rounds)d rounds.")
                          % {"year": edition.year, "categories": edition.categories.count(),
                             "rounds": edition.rounds.count()})
