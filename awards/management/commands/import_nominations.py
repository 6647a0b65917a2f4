"""Import nominations (category, round, nominee per row) for an edition from a CSV or XLSX file, all or nothing."""
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from ...imports.nominations import nominations_import
from ...imports.tabular import problem_lines
from ...models import Edition
from ...permissions import command_actor, is_committee_member


class Command(BaseCommand):
    help = ("Import nominations for an edition (docs/nominations-format.md). A file with any problem imports "
            "nothing; every problem is printed with its row and column.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV (comma or semicolon) or XLSX file.")
        parser.add_argument("--edition", type=int, required=True, help="The assessment year, e.g. 2025.")
        parser.add_argument("--by", metavar="USERNAME",
                            help="Required: the committee member importing (their scope applies; recorded in the "
                                 "audit trail).")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument("--language", choices=["id", "en"], help="Language of the messages (default: id).")

    def handle(self, *args, file, edition, by=None, dry_run=False, language=None, **options):
        with translation.override(language or translation.get_language() or "id"):
            self.run(Path(file), edition, by, dry_run)

    def run(self, path, year, username, dry_run):
        actor = command_actor(username, allowed=is_committee_member, refusal=_(
            "%(username)s is not a committee member and may not add nominations."))
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        edition = Edition.objects.filter(year=year).first()
        if edition is None:
            raise CommandError(_("There is no edition %(year)s.") % {"year": year})
        try:
            result = nominations_import(path=path, edition=edition, acting_user=actor, dry_run=dry_run)
        except PermissionDenied as error:
            raise CommandError(_("%(username)s is not a committee member and may not add nominations.")
                               % {"username": username}) from error
        if not result.ok:
            for line in problem_lines(result):
                self.stderr.write(line)
            raise CommandError(_("%(count)s problems in %(file)s; nothing was imported.")
                               % {"count": result.problem_count, "file": path.name})
        rounds = ", ".join(f"{round_.key}: {count}" for round_, count in result.per_round())
        if dry_run:
            self.stdout.write(_("%(count)s nominations would be added (%(rounds)s). Dry run: nothing was written.")
                              % {"count": len(result.created), "rounds": rounds})
        else:
            self.stdout.write(_("%(count)s nominations added, pending screening (%(rounds)s).")
                              % {"count": len(result.created), "rounds": rounds})
