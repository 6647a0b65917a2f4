"""The protection-metrics importer: one file for one year, checked row by row, written all or nothing.

The upload page and `import_metrics` both call `metrics_import`. The file is read once, in chunks of
rows; each chunk is checked against the metric definitions and what the database already holds, and,
unless it is a dry run, its differences are written at once inside the one transaction of the whole
import. The first problem stops the writing (the rest of the file is still checked, so that every
problem is reported) and the transaction is rolled back at the end: a bad file, or a killed process,
leaves the database as it was.

The writes are `DatabaseThread`'s: on PostgreSQL on a thread of its own, so that the server writes one
chunk while Python reads the next. On PostgreSQL outside a caller's transaction the lookups run on a
second connection (`SeparateLookups`), so that the import's connection only writes. The database's own
checks (migrations 0002, 0005, 0007, 0012, 0013) stay in force; a valid file never trips them.
"""
import csv
import hashlib
import math
import time
from collections import deque
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import MetricDefinition, MetricValue
from ..services.audit import audit_record
from ..services.standings import standings_changed
from .metrics_diff import ChunkChecking, NomineeChange  # noqa: F401  (NomineeChange: the preview's rows)
from .metrics_rows import KINDS, MAX_VALUE, MONTHS, PERCENT, YES_NO, Metric, RowParsing, number_format_note
from .metrics_writes import DatabaseThread, SeparateLookups
from .numbers import AUTO, INDONESIAN_FORMAT, PLAIN_FORMAT
from .tabular import Problem, ProblemCount, UnreadableFile, csv_style, open_table

CHUNK_ROWS = 2000
LOOKUPS_AHEAD = 1  # chunks parsed and looked up before the oldest is checked
PROBLEMS_KEPT = 1000



@dataclass
class ImportResult(ProblemCount):
    year: int
    dry_run: bool
    rows: int = 0
    nominees_new: int = 0
    nominees_changed: int = 0
    nominees_unchanged: int = 0
    values_new: int = 0
    values_changed: int = 0
    values_unchanged: int = 0
    values_removed: int = 0
    problem_count: int = 0
    problems: list = field(default_factory=list)  # the first PROBLEMS_KEPT
    changes: list = field(default_factory=list)  # the first CHANGES_KEPT
    applied: bool = False
    seconds: float = 0.0
    number_format: str = INDONESIAN_FORMAT  # the format the file's numbers were read in
    number_format_detected: bool = False  # read from the file's numbers, not chosen
    number_format_evidence: tuple | None = None  # (row, column, text) of the number that decided it
    number_format_either: tuple | None = None  # (row, column, text) of a "1.234" read by default, undecided

    @property
    def number_format_note(self):
        return number_format_note(self.number_format, detected=self.number_format_detected,
                                  evidence=self.number_format_evidence, either=self.number_format_either)

    @property
    def has_changes(self):
        return bool(self.nominees_new or self.nominees_changed)

    @property
    def changed_anything(self):
        return bool(self.nominees_new or self.nominees_changed or self.values_new or self.values_changed
                    or self.values_removed)


def metrics_import(*, path, year, acting_user, number_format=AUTO, dry_run=False, progress=None,
                   problems_path=None, file_name=None):
    """Check and (unless `dry_run`) import the metrics file at `path` for assessment `year`, as
    `acting_user` (the national committee; PermissionDenied otherwise, even for a dry run).

    Returns an ImportResult; nothing is written when `result.ok` is false. An import writes in one
    transaction and records one audit row: the counts, the year, the file's name (`file_name`, by
    default the path's) and its SHA-256; an import that changes nothing records none.
    `progress(read, total, checked=…, written=…)` is called after every chunk of rows with the rows read,
    the rows in the file (None when unknown), and the rows checked and written so far.
    With `problems_path`, every problem is also written there as CSV (row, column, problem); the file is
    removed when there are none.
    `number_format` says how text numbers are written: "id" (1.234.567,5), "plain" (1234567.5) or "auto",
    read from the file's own numbers (docs/metrics-format.md, "Values"); the result says which was used.
    """
    permissions.require(permissions.is_committee(acting_user))
    importer = MetricImport(
        year=year, number_format=number_format, dry_run=dry_run, acting_user=acting_user,
        progress=progress, problems_path=problems_path,
    )
    importer.file_name = file_name
    return importer.run(Path(path))


def file_sha256(path):
    """The SHA-256 of a file's bytes, in hex (read in blocks; a few hundred MB a second)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_problems_csv(problems, path):
    """Write problems as CSV: row, column, problem (header, separator and words in the active language)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=csv_style().delimiter, lineterminator="\r\n")
        writer.writerow([_("row"), _("column"), _("problem")])
        writer.writerows([p.row, p.column, p.message] for p in problems)


class MetricImport(RowParsing, ChunkChecking):
    def __init__(self, *, year, number_format, dry_run, acting_user, progress, problems_path):
        if number_format not in (AUTO, INDONESIAN_FORMAT, PLAIN_FORMAT):
            raise ValueError(number_format)
        self.year = year
        self.number_format_detected = number_format == AUTO
        self.number_format = None if self.number_format_detected else number_format  # None: not decided yet
        self.format_evidence = None  # (row, column, text) of the number that decided the format
        self.first_either = None  # (row, column, text) of the first "1.234" read before the format was decided
        self.dry_run = dry_run
        self.acting_user = acting_user
        self.file_name = None  # the name the audit row records, when not the path's (an upload's own name)
        self.progress = progress
        self.problems_path = Path(problems_path) if problems_path else None
        self.problems_writer = None
        self.problems_handle = None
        self.result = ImportResult(year=year, dry_run=dry_run)
        self.first_row_of = {}  # nominee code -> the row that first named it
        self.regions = {}  # region code -> (level, province code), or None when unknown
        self.metrics = self._load_metrics()
        self.regions_requested = set()  # region codes a submitted lookup asks for
        self.db = None  # the DatabaseThread of the run
        self.lookups = None  # where the chunks are looked up: the DatabaseThread, or SeparateLookups
        self.written = deque()  # (future, rows) of the submitted writes, oldest first
        self.rows_checked = 0
        self.rows_written = 0

    # -- definitions ---------------------------------------------------------------------------
    def _load_metrics(self):
        definitions = list(MetricDefinition.objects.values_list(
            "id", "code", "unit", "kinds", "min_value", "max_value", "not_above_id", "label_id", "label_en"))
        by_id = {
            d[0]: Metric(id=d[0], code=d[1], unit=d[2], kinds=frozenset(d[3] or ()), min=d[4], max=d[5],
                         not_above=d[6])
            for d in definitions
        }
        for metric in by_id.values():
            # The whole numbers the metric accepts without a closer look (see _parse_row).
            high = int(MAX_VALUE) - 1
            for unit, bound in ((PERCENT, 100), (MONTHS, 12), (YES_NO, 1)):
                if metric.unit == unit:
                    high = min(high, bound)
            if metric.max is not None:
                high = min(high, math.floor(metric.max))
            metric.int_high = high
            metric.int_low = max(0, math.ceil(metric.min)) if metric.min is not None else 0
        self.metric_by_id = by_id
        self.applicable = {
            kind: frozenset(m.id for m in by_id.values() if kind in m.kinds) for kind in KINDS
        }
        return {m.code: m for m in by_id.values()}

    # -- problems ----------------------------------------------------------------------------
    def problem(self, row, column, message):
        result = self.result
        result.problem_count += 1
        if len(result.problems) < PROBLEMS_KEPT:
            result.problems.append(Problem(row, column, str(message)))
        if self.problems_path is not None:
            if self.problems_writer is None:
                self.problems_handle = open(self.problems_path, "w", encoding="utf-8-sig", newline="")
                self.problems_writer = csv.writer(self.problems_handle, delimiter=csv_style().delimiter,
                                                  lineterminator="\r\n")
                self.problems_writer.writerow([_("row"), _("column"), _("problem")])
            self.problems_writer.writerow([row, column, str(message)])

    # -- the run -----------------------------------------------------------------------------
    def run(self, path):
        started = time.perf_counter()
        if self.problems_path is not None and self.problems_path.exists():
            self.problems_path.unlink()
        separate = SeparateLookups.possible()  # asked before this run opens its own transaction
        try:
            if self.dry_run:
                self._read_on_database(path, separate=separate)
            else:
                with transaction.atomic():
                    self._read_on_database(path, separate=separate)
                    if self.result.ok:
                        if self.result.changed_anything:
                            self._audit(path)  # an import that changes nothing is no change to record
                        self.result.applied = True
                    else:
                        transaction.set_rollback(True)
        finally:
            if self.problems_handle is not None:
                self.problems_handle.close()
        self.result.seconds = time.perf_counter() - started
        self.result.number_format = self.number_format or INDONESIAN_FORMAT
        self.result.number_format_detected = self.number_format_detected
        self.result.number_format_evidence = self.format_evidence
        self.result.number_format_either = None if self.format_evidence else self.first_either
        return self.result

    def _read_on_database(self, path, *, separate):
        """`_read` with the database thread running, and lookups on a connection of their own if `separate`."""
        with DatabaseThread() as self.db:
            with SeparateLookups() if separate else nullcontext(self.db) as self.lookups:
                self._read(path)

    def _read(self, path):
        try:
            table = open_table(path)
        except UnreadableFile as error:
            self.problem(1, "", error.message)
            return
        with table:
            columns = self._read_header(table.header)
            if columns is None:
                return
            looked_up = deque()  # (rows, lookup) of parsed chunks, oldest first

            def chunk_parsed(rows):
                looked_up.append((rows, self.lookups.submit(self._lookup_job(rows))))
                if len(looked_up) > LOOKUPS_AHEAD:
                    self._settle(*looked_up.popleft())
                    self._report(table)

            chunk = []
            try:
                for number, cells in table.rows:
                    row = self._parse_row(number, cells, columns)
                    if row is None:
                        continue
                    chunk.append(row)
                    if len(chunk) >= CHUNK_ROWS:
                        chunk_parsed(chunk)
                        chunk = []
            except UnreadableFile as error:
                self.problem(self.result.rows + 2, "", error.message)
            if chunk:
                chunk_parsed(chunk)
            while looked_up:
                self._settle(*looked_up.popleft())
            while self.written:
                self._wait_written()
            self._report(table)

    def _report(self, table):
        if self.progress:
            self.progress(self.result.rows, table.total_rows, checked=self.rows_checked, written=self.rows_written)

    def _wait_written(self):
        future, rows = self.written.popleft()
        future.result()  # raises what the database met
        self.rows_written += rows


    def _audit(self, path):
        result = self.result
        counts = {name: [None, str(getattr(result, name))] for name in (
            "rows", "nominees_new", "nominees_changed", "nominees_unchanged", "values_new", "values_changed",
            "values_unchanged", "values_removed")}
        name = self.file_name or path.name
        # One audit row for the whole import, keyed by its year: the rows it touched can be millions. The
        # file's digest says which file it was, byte for byte.
        audit_record(
            actor=self.acting_user, action="metrics_import",
            obj=SimpleNamespace(_meta=MetricValue._meta, pk=self.year),
            changes={**counts, "year": [None, str(self.year)], "file": [None, name],
                     "sha256": [None, file_sha256(path)]},
            summary=gettext_lazy("Imported metrics for %(year)s from %(file)s"),
            summary_params={"year": self.year, "file": name},
        )
        standings_changed(years=[self.year])  # every ranking of the editions of that year
