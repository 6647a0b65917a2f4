"""The export benchmark: N synthetic employers x 10 metrics, loaded raw, then exported as CSV and XLSX.

Only the exports are timed (the load uses the import benchmark's raw load, `bench.bench_raw_load`).
"""
import os
import resource
import tempfile
import time
from dataclasses import dataclass

from awards.imports.metrics_export import MetricsExport, export_csv_chunks, export_xlsx_file
from awards.models import Nominee

from .imports import BENCH_PREFIX, BENCH_PROVINCE, bench_clear, bench_prepare, bench_raw_load


@dataclass
class ExportFigures:
    rows: int
    load_seconds: float | None = None
    csv_first_byte_seconds: float = 0.0
    csv_seconds: float = 0.0
    csv_cpu_seconds: float = 0.0
    csv_bytes: int = 0
    csv_peak_mb: float = 0.0
    xlsx_seconds: float = 0.0
    xlsx_cpu_seconds: float = 0.0
    xlsx_bytes: int = 0


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_bench_load(rows, year):
    """Make sure exactly `rows` benchmark employers with values for `year` exist; the seconds it took, or
    None when they were already there (a kept earlier run)."""
    present = Nominee.objects.filter(code__startswith=BENCH_PREFIX, metric_values__year=year).distinct().count()
    if present == rows and Nominee.objects.filter(code__startswith=BENCH_PREFIX).count() == rows:
        return None
    bench_prepare()
    return bench_raw_load(rows, year)


def time_csv(spec, figures, path):
    """Time the CSV export as the page streams it (wall clock, and this process's CPU time: the machine
    may be shared): the first block of rows, then the rest, into `path`."""
    started, cpu = time.perf_counter(), time.process_time()
    size = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        chunks = export_csv_chunks(spec)
        for chunk in chunks:
            handle.write(chunk)
            size += len(chunk)
            if len(chunk) > 1:  # the BOM comes alone, then the header with the first rows
                break
        figures.csv_first_byte_seconds = time.perf_counter() - started
        for chunk in chunks:
            handle.write(chunk)
            size += len(chunk)
    figures.csv_seconds = time.perf_counter() - started
    figures.csv_cpu_seconds = time.process_time() - cpu
    figures.csv_bytes = os.path.getsize(path)
    figures.csv_peak_mb = peak_mb()


def export_bench_run(*, rows, year=2024, keep=False, directory=None, formats=("csv", "xlsx")):
    """Load (unless kept from an earlier run) and time the exports of province 99; returns ExportFigures."""
    figures = ExportFigures(rows=rows)
    figures.load_seconds = export_bench_load(rows, year)
    spec = MetricsExport(year=year, province=BENCH_PROVINCE)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        if "csv" in formats:
            time_csv(spec, figures, os.path.join(tmp, "export.csv"))
        if "xlsx" in formats:
            path = os.path.join(tmp, "export.xlsx")
            started, cpu = time.perf_counter(), time.process_time()
            export_xlsx_file(spec, path)
            figures.xlsx_seconds = time.perf_counter() - started
            figures.xlsx_cpu_seconds = time.process_time() - cpu
            figures.xlsx_bytes = os.path.getsize(path)
    if not keep:
        bench_clear()
    return figures
