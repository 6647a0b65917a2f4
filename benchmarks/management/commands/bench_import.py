"""Benchmark the metrics import against the engine's fastest raw load of the same values."""
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from awards.permissions import command_actor

from ...imports import bench_run


class Command(BaseCommand):
    help = (
        "Write a synthetic employer file of N rows x 10 metrics, import it, then load the same values raw "
        "(COPY / executemany) and print both. Use a scratch database: it adds region 99 and BENCH* nominees "
        "(removed at the end)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10000)
        parser.add_argument("--year", type=int, default=2024)
        parser.add_argument("--file", help="Where to write the synthetic CSV (default: a temporary directory).")
        parser.add_argument("--reimport", action="store_true", help="Also time importing the same file again.")
        parser.add_argument("--export", action="store_true", help="Also time the CSV and XLSX exports.")
        parser.add_argument("--page", action="store_true",
                            help="Also time the file through the upload page and a job worker process.")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--by", metavar="USERNAME", help="Required: the national committee member importing.")

    def handle(self, *args, rows, year, file=None, reimport=False, export=False, no_progress=False, by=None,
               page=False, **options):
        actor = command_actor(by)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(file) if file else Path(tmp) / "bench-metrics.csv"
            bar = tqdm(total=rows, unit=" rows", disable=no_progress, leave=False, mininterval=1)
            figures = bench_run(rows=rows, path=path, year=year, reimport=reimport, export=export, acting_user=actor, page=page,
                                progress=lambda done, total, **_counts: bar.update(done - bar.n))
            bar.close()
        out = self.stdout.write
        out(f"engine           {connection.vendor}")
        out(f"rows             {figures.rows:,} nominees x 10 metrics = {figures.values:,} values")
        out(f"write file       {figures.write_file_seconds:.1f} s")
        out(f"import           {figures.import_seconds:.1f} s   peak RSS {figures.import_peak_mb:.0f} MB")
        if figures.reimport_seconds is not None:
            out(f"re-import        {figures.reimport_seconds:.1f} s   (same file, nothing changes)")
        out(f"raw load         {figures.raw_seconds:.1f} s   ({'COPY' if connection.vendor == 'postgresql' else 'executemany'}, one transaction)")
        out(f"import / raw     {figures.ratio:.2f}x")
        if figures.export_csv_seconds is not None:
            out(f"export CSV       {figures.export_csv_seconds:.2f} s   first bytes after "
                f"{figures.export_csv_first_byte_seconds:.2f} s")
            out(f"export XLSX      {figures.export_xlsx_seconds:.1f} s")
        if figures.page:
            web = figures.page
            out(f"check (command)  {figures.check_seconds:.1f} s")
            out(f"upload request   {web['upload_seconds']:.2f} s   (the page answers; the check is queued)")
            out(f"check (worker)   {web['check_seconds']:.1f} s   = {web['check_seconds'] / figures.check_seconds:.2f}x "
                f"the command   (worker process {web['check_worker_seconds']:.1f} s)")
            out(f"import (worker)  {web['import_seconds']:.1f} s   = {web['import_seconds'] / figures.import_seconds:.2f}x "
                f"the command   (worker process {web['import_worker_seconds']:.1f} s)")
            out(f"worker peak RSS  {web['worker_peak_mb']:.0f} MB")
        for note in figures.notes:
            out(f"note             {note}")
