"""Export protection metrics of one assessment year as CSV or XLSX, in the format the import reads."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from ...imports.metrics_export import MetricsExport, export_csv_file, export_xlsx_file
from ...models import NomineeKind, Region


class Command(BaseCommand):
    help = "Export the metrics of an assessment year (optionally one nominee kind and one province)."

    def add_arguments(self, parser):
        parser.add_argument("output", help="The file to write; .xlsx writes a workbook, anything else CSV.")
        parser.add_argument("--year", type=int, required=True, help="The assessment year, e.g. 2024.")
        parser.add_argument("--kind", choices=NomineeKind.values, help="Only this nominee kind.")
        parser.add_argument("--province", help="Only this province (Kemendagri code, e.g. 18).")
        parser.add_argument("--language", choices=["id", "en"],
                            help="Whose spreadsheet opens the CSV (default: id): id separates cells with ; and "
                                 "writes 24,5; en separates with , and writes 24.5. The import reads both.")

    def handle(self, *args, output, year, kind=None, province=None, language=None, **options):
        with translation.override(language or translation.get_language() or "id"):
            self.export(output, year, kind, province)

    def export(self, output, year, kind, province):
        if province and not Region.objects.filter(code=province, level=Region.Level.PROVINCE).exists():
            raise CommandError(_("Unknown province code %(code)s.") % {"code": province})
        spec = MetricsExport(year=year, kind=kind, province=province)
        path = Path(output)
        if path.suffix.lower() == ".xlsx":
            export_xlsx_file(spec, path)
        else:
            export_csv_file(spec, path)
        self.stdout.write(_("Written %(path)s.") % {"path": path})
