"""The import benchmark: a synthetic employer file, imported by `metrics_import` and, for comparison,
loaded raw (PostgreSQL COPY, SQLite executemany in one transaction) into the same tables."""
import csv
import resource
import time
from contextlib import closing
from dataclasses import dataclass, field

from django.db import connection, transaction

from awards.imports.metrics_export import MetricsExport, export_csv_chunks, export_xlsx_file
from awards.imports.metrics_import import metrics_import
from awards.imports.metrics_writes import INSERT_NOMINEE_COLUMNS, insert_rows
from awards.models import MetricDefinition, Region

BENCH_PROVINCE = "99"
BENCH_REGENCY = "99.99"
BENCH_PREFIX = "BENCH"
METRICS = [
    "employees_total", "employees_registered", "programs_enrolled", "wages_reported_pct",
    "contributions_on_time_months", "daily_workers_total", "daily_workers_registered", "vendors_total",
    "vendors_registered", "csr_vulnerable_protected",
]


@dataclass
class BenchFigures:
    rows: int
    values: int = 0
    write_file_seconds: float = 0.0
    import_seconds: float = 0.0
    import_peak_mb: float = 0.0
    reimport_seconds: float | None = None
    raw_seconds: float = 0.0
    export_csv_first_byte_seconds: float | None = None
    export_csv_seconds: float | None = None
    export_xlsx_seconds: float | None = None
    check_seconds: float | None = None  # the command's dry run of the same file
    page: dict | None = None  # the upload page and the worker (bench_page_path)
    notes: list = field(default_factory=list)

    @property
    def ratio(self):
        return self.import_seconds / self.raw_seconds if self.raw_seconds else None


def bench_code(index):
    return f"{BENCH_PREFIX}{index:09d}"


def bench_values(index):
    """Ten consistent employer figures for synthetic row `index` (parts never above totals)."""
    employees = 10 + index % 500
    daily = index % 40
    vendors = index % 20
    return [employees, employees - index % 7, index % 6, f"{50 + index % 50}.5", index % 13, daily, daily // 2,
            vendors, vendors // 3, index % 100]


def bench_write_file(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["nominee_code", "nominee_kind", "nominee_name", "region_code", "size", "sector", *METRICS])
        for index in range(rows):
            writer.writerow([bench_code(index), "business", f"PT Bench {index}", BENCH_REGENCY, "large", "finance",
                             *bench_values(index)])


def bench_prepare():
    province, _created = Region.objects.get_or_create(
        code=BENCH_PROVINCE, defaults={"name": "Benchmark", "level": 1, "type": "provinsi"})
    Region.objects.get_or_create(
        code=BENCH_REGENCY,
        defaults={"name": "Benchmark", "level": 2, "type": "kabupaten", "parent": province, "province": province})
    bench_clear()


def bench_clear():
    """Remove the benchmark's nominees and their values (not timed)."""
    # Plain SQL: the ORM would collect 725,000 nominees for its cascade; these have nothing but values.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM awards_metricvalue WHERE nominee_id IN "
                       "(SELECT id FROM awards_nominee WHERE code LIKE %s)", [BENCH_PREFIX + "%"])
        cursor.execute("DELETE FROM awards_nominee WHERE code LIKE %s", [BENCH_PREFIX + "%"])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Each run starts from tables as autovacuum keeps them, not behind millions of dead rows of the
        # runs before (which autovacuum had not reached: they made each run slower than the last).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) awards_metricvalue, awards_nominee")


def bench_raw_load(rows, year):
    """Load the same nominees and values as plainly and quickly as the engine allows, in one transaction."""
    metric_ids = dict(MetricDefinition.objects.filter(code__in=METRICS).values_list("code", "id"))
    columns = [metric_ids[code] for code in METRICS]
    postgres = connection.vendor == "postgresql"
    started = time.perf_counter()
    with transaction.atomic():
        connection.ensure_connection()
        with closing(connection.connection.cursor()) as cursor:
            insert_rows(cursor, "awards_nominee", INSERT_NOMINEE_COLUMNS, (
                (bench_code(i), "business", f"PT Bench {i}", BENCH_REGENCY, BENCH_PROVINCE, bench_code(i), "large",
                 "finance") for i in range(rows)), postgres=postgres)
            cursor.execute("SELECT id FROM awards_nominee WHERE code LIKE 'BENCH%' ORDER BY code")
            ids = [r[0] for r in cursor.fetchall()]
            insert_rows(cursor, "awards_metricvalue", ("nominee_id", "year", "metric_id", "value"), (
                (nominee_id, year, metric_id, value)
                for index, nominee_id in enumerate(ids)
                for metric_id, value in zip(columns, bench_values(index), strict=True)
            ), postgres=postgres)
    return time.perf_counter() - started


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_run(*, rows, path, acting_user, year=2024, reimport=False, export=False, progress=None, page=False):
    """Run the benchmark, importing as `acting_user` (the national committee), and return its figures;
    leaves no benchmark nominees behind. With `page`, the same file also goes through the upload page and
    a worker process (bench_page_path)."""
    figures = BenchFigures(rows=rows, values=rows * len(METRICS))
    bench_prepare()
    started = time.perf_counter()
    bench_write_file(path, rows)
    figures.write_file_seconds = time.perf_counter() - started
    if page:
        figures.check_seconds = metrics_import(path=path, year=year, acting_user=acting_user, dry_run=True).seconds

    result = metrics_import(path=path, year=year, acting_user=acting_user, progress=progress)
    if not result.ok:
        raise RuntimeError(f"benchmark file refused: {result.problems[:5]}")
    figures.import_seconds = result.seconds
    figures.import_peak_mb = peak_mb()
    if reimport:
        again = metrics_import(path=path, year=year, acting_user=acting_user)
        figures.reimport_seconds = again.seconds
        if again.values_new or again.values_changed or again.nominees_changed:
            figures.notes.append("re-import changed something")
    if export:
        spec = MetricsExport(year=year, province=BENCH_PROVINCE)
        started = time.perf_counter()
        chunks = export_csv_chunks(spec)
        next(chunks)  # the BOM
        next(chunks)  # the first block of rows
        figures.export_csv_first_byte_seconds = time.perf_counter() - started
        for _chunk in chunks:
            pass
        figures.export_csv_seconds = time.perf_counter() - started
        started = time.perf_counter()
        export_xlsx_file(spec, str(path) + ".export.xlsx")
        figures.export_xlsx_seconds = time.perf_counter() - started
    bench_clear()
    if page:
        figures.page = bench_page_path(path=path, year=year, acting_user=acting_user)
        bench_clear()
    figures.raw_seconds = bench_raw_load(rows, year)
    bench_clear()
    return figures


def bench_page_path(*, path, year, acting_user):
    """The same file through the upload page (Django's test client, in this process) and a job worker (a
    process of its own, `manage.py db_worker --batch`): the upload request's time, then the check's and
    the import's time on the worker, and the worker's peak memory."""
    import subprocess
    import sys

    from django.conf import settings
    from django.test import Client, override_settings
    from django.urls import reverse

    from awards.models import Job

    def worker():
        # The worker runs until the queue is empty; its peak memory is this process's largest child's.
        started = time.perf_counter()
        subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker", "--batch",
                        "--no-startup-delay", "--no-reload"], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started

    figures = {}
    with override_settings(PARITRANA_REQUIRE_SECOND_FACTOR=False, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(acting_user)
        with open(path, "rb") as handle:
            started = time.perf_counter()
            response = client.post(reverse("metrics-import"), {"file": handle, "year": year})
            figures["upload_seconds"] = time.perf_counter() - started
        if response.status_code != 302:
            raise RuntimeError(f"the upload page answered {response.status_code}")
        check = Job.objects.latest("pk")
        figures["check_worker_seconds"] = worker()
        check.refresh_from_db()
        figures["check_seconds"] = (check.finished_at - check.started_at).total_seconds()
        client.post(reverse("job-confirm", args=[check.pk]))
        check.refresh_from_db()
        figures["import_worker_seconds"] = worker()
        done = Job.objects.get(pk=check.follow_up_id)
        figures["import_seconds"] = (done.finished_at - done.started_at).total_seconds()
        if done.state != "done" or not done.result.get("applied"):
            raise RuntimeError(f"the page's import did not apply: {done.state} {done.error}")
    figures["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures
