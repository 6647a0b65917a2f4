"""Import judged scores typed in from paper jury sheets (docs/score-sheet-format.md), all-or-nothing."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...imports.score_sheet import ScoreSheetError, scores_import
from ...permissions import command_actor, is_committee, is_committee_member


class Command(BaseCommand):
    help = "Import a CSV of judged scores; nothing is saved unless every row is valid."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8; comma or semicolon separated).")
        parser.add_argument("--by", metavar="USERNAME",
                            help="Required: the committee member entering the sheets (national committee, or the "
                                 "provincial committee of the round's province; recorded in the audit trail).")
        parser.add_argument("--overwrite-submitted", action="store_true",
                            help="Replace scores a reviewer already submitted (national committee only, with "
                                 "--reason; each change is audited).")
        parser.add_argument("--reason", default="", help="Why submitted scores are replaced (kept in the audit trail).")

    def handle(self, *args, file, overwrite_submitted=False, reason="", by=None, **options):
        actor = command_actor(by, allowed=is_committee_member, refusal=_(
            "%(username)s is not a committee member and may not enter score sheets."))
        reason = (reason or "").strip()
        if overwrite_submitted and not is_committee(actor):
            raise CommandError(_("Only the national committee may replace submitted scores; %(username)s may not.")
                               % {"username": actor.username})
        if overwrite_submitted and not reason:
            raise CommandError(_('--overwrite-submitted needs --reason "...": why the submitted scores are replaced '
                                 "(kept in the audit trail)."))
        if reason and not overwrite_submitted:
            raise CommandError(_("--reason goes with --overwrite-submitted."))
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from error
        except UnicodeDecodeError as error:
            raise CommandError(_("%(file)s is not UTF-8 text; save it as CSV UTF-8.") % {"file": file}) from error
        try:
            result = scores_import(text=text, acting_user=actor, overwrite_reason=reason,
                                   source=f"score sheet {Path(file).name}")
        except ScoreSheetError as error:
            raise CommandError(_("Nothing was imported. Fix these problems in %(file)s:\n%(errors)s")
                               % {"file": file, "errors": "\n".join(f"  - {e}" for e in error.errors)}) from error
        self.stdout.write(_("Imported: %(created)d new scores, %(changed)d changed, %(unchanged)d unchanged; "
                            "%(assignments)d new assignments, %(submitted)d sheets submitted, "
                            "%(overwritten)d submitted sheets overwritten.")
                          % {"created": result.scores_created, "changed": result.scores_changed,
                             "unchanged": result.scores_unchanged, "assignments": result.assignments_created,
                             "submitted": result.assignments_submitted, "overwritten": len(result.overwritten)})
