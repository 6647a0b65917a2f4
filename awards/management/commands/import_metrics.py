"""Import protection metrics for one assessment year from a CSV or XLSX file, all or nothing."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from ...imports.metrics_import import metrics_import
from ...imports.numbers import AUTO, INDONESIAN_FORMAT, PLAIN_FORMAT
from ...imports.tabular import problem_lines
from ...permissions import command_actor


class Command(BaseCommand):
    help = (
        "Import protection metrics (one row per nominee, one column per metric code) for an assessment "
        "year. A file with any problem imports nothing; the problems are printed and written beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV (comma or semicolon) or XLSX file.")
        parser.add_argument("--year", type=int, required=True, help="The assessment year, e.g. 2024.")
        parser.add_argument("--number-format", choices=[AUTO, INDONESIAN_FORMAT, PLAIN_FORMAT], default=AUTO,
                            help="How the file writes numbers: id (1.234.567,5), plain (1234567.5), or auto "
                                 "(default): read from the file's own numbers.")
        parser.add_argument("--indonesian-numbers", action="store_const", dest="number_format",
                            const=INDONESIAN_FORMAT, help="The same as --number-format id (for older scripts).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")
        parser.add_argument("--problems-csv", help="Where to write the problems (default: FILE.problems.csv).")
        parser.add_argument("--language", choices=["id", "en"], help="Language of the messages (default: id).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")
        parser.add_argument("--by", metavar="USERNAME",
                            help="The national committee member importing (checked; recorded in the audit trail).")

    def handle(self, *args, file, year, number_format=AUTO, dry_run=False, problems_csv=None, language=None,
               no_progress=False, verbosity=1, by=None, **options):
        with translation.override(language or translation.get_language() or "id"):
            actor = command_actor(by)
            self.run(Path(file), year, number_format, dry_run, problems_csv, no_progress or verbosity == 0, actor)

    def run(self, path, year, number_format, dry_run, problems_csv, quiet, actor=None):
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        if not 2000 <= year <= 2100:
            raise CommandError(_("The year must be between 2000 and 2100."))
        problems_path = Path(problems_csv) if problems_csv else path.with_name(path.name + ".problems.csv")
        bar = tqdm(desc=_("Rows"), unit=" " + _("rows"), disable=quiet, leave=False, mininterval=0.5)

        def progress(done, total, **_counts):
            bar.total = total
            bar.update(done - bar.n)

        try:
            result = metrics_import(path=path, year=year, number_format=number_format, dry_run=dry_run,
                                    progress=progress, problems_path=problems_path, acting_user=actor)
        finally:
            bar.close()
        if not result.ok:
            for line in problem_lines(result):
                self.stderr.write(line)
            raise CommandError(_(
                "%(count)s problems in %(file)s; nothing was imported. The full list is in %(problems)s."
            ) % {"count": result.problem_count, "file": path.name, "problems": problems_path})
        self.stdout.write(summary_line(result))
        self.stdout.write(result.number_format_note)


def summary_line(result):
    text = _(
        "%(rows)s rows in %(seconds).1f s. Nominees: %(nominees_new)s new, %(nominees_changed)s changed, "
        "%(nominees_unchanged)s unchanged. Values: %(values_new)s new, %(values_changed)s changed, "
        "%(values_unchanged)s unchanged, %(values_removed)s removed."
    ) % {**vars(result)}
    if result.dry_run:
        text += " " + _("Dry run: nothing was written.")
    return text
