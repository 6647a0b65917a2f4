"""Time the metrics export (CSV and XLSX) at N rows x 10 metrics."""
from django.core.management.base import BaseCommand
from django.db import connection

from ...exports import export_bench_run


class Command(BaseCommand):
    help = (
        "Load N synthetic employers x 10 metrics raw, then time the CSV export (first block and total) and "
        "the XLSX export. Use a scratch database: it adds region 99 and BENCH* nominees (removed at the end "
        "unless --keep, which also lets the next run skip the load)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100000)
        parser.add_argument("--year", type=int, default=2024)
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark nominees for the next run.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Only this format.")

    def handle(self, *args, rows, year, keep=False, format=None, **options):
        formats = (format,) if format else ("csv", "xlsx")
        figures = export_bench_run(rows=rows, year=year, keep=keep, formats=formats)
        out = self.stdout.write
        out(f"engine           {connection.vendor}")
        out(f"rows             {figures.rows:,} nominees x 10 metrics")
        if figures.load_seconds is not None:
            out(f"load (raw)       {figures.load_seconds:.1f} s   (not part of the export)")
        if "csv" in formats:
            out(f"export CSV       {figures.csv_seconds:.2f} s   first bytes after "
                f"{figures.csv_first_byte_seconds:.2f} s   (CPU {figures.csv_cpu_seconds:.2f} s)   "
                f"{figures.csv_bytes / 1e6:.1f} MB   peak RSS {figures.csv_peak_mb:.0f} MB")
        if "xlsx" in formats:
            out(f"export XLSX      {figures.xlsx_seconds:.2f} s   (CPU {figures.xlsx_cpu_seconds:.2f} s)   "
                f"{figures.xlsx_bytes / 1e6:.1f} MB")
