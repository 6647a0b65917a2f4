"""Import judged scores typed in from paper jury sheets (docs/score-sheet-format.md), all-or-nothing."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...permissions import command_actor
from ...scoring.score_sheet import ScoreSheetError, scores_import


class Command(BaseCommand):
    help = "Import a CSV of judged scores; nothing is saved unless every row is valid."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8; comma or semicolon separated).")
        parser.add_argument("--overwrite-submitted", action="store_true",
                            help="Allow changing scores a reviewer already submitted (each change is audited).")
        parser.add_argument("--by", metavar="USERNAME", help="Who typed the sheets in (recorded in the audit trail).")

    def handle(self, *args, file, overwrite_submitted=False, by=None, **options):
        actor = command_actor(by)
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from error
        except UnicodeDecodeError as error:
            raise CommandError(_("%(file)s is not UTF-8 text; save it as CSV UTF-8.") % {"file": file}) from error
        try:
            result = scores_import(text=text, overwrite_submitted=overwrite_submitted, acting_user=actor)
        except ScoreSheetError as error:
            raise CommandError(_("Nothing was imported. Fix these problems in %(file)s:\n%(errors)s")
                               % {"file": file, "errors": "\n".join(f"  - {e}" for e in error.errors)}) from error
        self.stdout.write(_("Imported: %(created)d new scores, %(changed)d changed, %(unchanged)d unchanged; "
                            "%(assignments)d new assignments, %(submitted)d sheets submitted, "
                            "%(overwritten)d submitted sheets overwritten.")
                          % {"created": result.scores_created, "changed": result.scores_changed,
                             "unchanged": result.scores_unchanged, "assignments": result.assignments_created,
                             "submitted": result.assignments_submitted, "overwritten": len(result.overwritten)})
