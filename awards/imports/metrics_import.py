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
import json
import math
import sys
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import psycopg
from django.db import connection, transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import BusinessSize, MetricDefinition, MetricUnit, MetricValue, Nominee, NomineeKind, Region, Sector
from ..services.audit import audit_record
from .numbers import format_decimal, parse_decimal
from .tabular import Problem, ProblemCount, UnreadableFile, open_table, unneutralise

NOMINEE_COLUMNS = ("nominee_code", "nominee_kind", "nominee_name", "region_code")
BUSINESS_COLUMNS = ("size", "sector")
GOVERNMENT_LEVEL = {
    NomineeKind.PROVINCE_GOVERNMENT: Region.Level.PROVINCE,
    NomineeKind.REGENCY_GOVERNMENT: Region.Level.REGENCY,
    NomineeKind.VILLAGE: Region.Level.VILLAGE,
}
EMPLOYER_KINDS = frozenset(NomineeKind.employers())
# Django's Choices.values builds a new list on every access: the row loop reads these sets instead.
KINDS = frozenset(NomineeKind.values)
SIZES = frozenset(BusinessSize.values)
SECTORS = frozenset(Sector.values)
COUNT, PERCENT, MONTHS, YES_NO = (str(u.value) for u in (MetricUnit.COUNT, MetricUnit.PERCENT, MetricUnit.MONTHS,
                                                        MetricUnit.YES_NO))
YES = {"1", "ya", "y", "yes", "true", "benar"}
NO = {"0", "tidak", "t", "no", "n", "false", "salah"}
CHUNK_ROWS = 2000
LOOKUPS_AHEAD = 1  # chunks parsed and looked up before the oldest is checked
WRITES_AHEAD = 2  # chunks handed to the database thread and not yet written
SWITCH_INTERVAL = 0.0005  # seconds; Python's default is 0.005
PROBLEMS_KEPT = 1000
CHANGES_KEPT = 200
MAX_VALUE = Decimal(10) ** 16  # Decimal(20, 4)
NAME_MAX = Nominee._meta.get_field("name").max_length
CODE_MAX = Nominee._meta.get_field("code").max_length
INSERT_NOMINEE_COLUMNS = ("code", "kind", "name", "region_id", "province_id", "employer_number", "size", "sector")


@dataclass
class NomineeChange:
    """One nominee the import creates or changes, for the preview: [(column, old, new), ...]."""

    row: int
    code: str
    name: str
    status: str  # "new" or "changed"
    fields: list


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

    @property
    def has_changes(self):
        return bool(self.nominees_new or self.nominees_changed)

    @property
    def changed_anything(self):
        return bool(self.nominees_new or self.nominees_changed or self.values_new or self.values_changed
                    or self.values_removed)


def metrics_import(*, path, year, acting_user, indonesian_numbers=False, dry_run=False, progress=None,
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
    """
    permissions.require(permissions.is_committee(acting_user))
    importer = MetricImport(
        year=year, indonesian_numbers=indonesian_numbers, dry_run=dry_run, acting_user=acting_user,
        progress=progress, problems_path=problems_path,
    )
    importer.file_name = file_name
    return importer.run(Path(path))


def file_sha256(path):
    """The SHA-256 of a file's bytes, in hex (read in blocks; a few hundred MB a second)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_problems_csv(problems, path):
    """Write problems as CSV: row, column, problem (header in the active language)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([_("row"), _("column"), _("problem")])
        writer.writerows([p.row, p.column, p.message] for p in problems)


@dataclass(slots=True)
class Row:
    number: int
    code: str = ""
    kind: str = ""
    name: str = ""
    region_code: str = ""
    size: str | None = None  # None: no such column in the file
    sector: str | None = None
    values: dict = field(default_factory=dict)  # metric id -> Decimal or None (not reported)
    bad: bool = False


class Metric(SimpleNamespace):
    """A metric definition as the importer needs it (plain attributes, no queries)."""


class MetricImport:
    def __init__(self, *, year, indonesian_numbers, dry_run, acting_user, progress, problems_path):
        self.year = year
        self.indonesian = indonesian_numbers
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
                self.problems_writer = csv.writer(self.problems_handle, lineterminator="\r\n")
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

    def _read_header(self, header):
        names = [(str(cell).strip().lower() if cell is not None else "") for cell in header]
        if not any(names):
            self.problem(1, "", _("The file has no header row; the first row must name the columns."))
            return None
        columns = SimpleNamespace(index={}, metrics=[], width=len(names))
        ok = True
        for index, name in enumerate(names):
            if not name:
                continue
            if name in columns.index:
                self.problem(1, name, _("Column \"%(column)s\" appears more than once.") % {"column": name})
                ok = False
                continue
            if name in NOMINEE_COLUMNS or name in BUSINESS_COLUMNS:
                columns.index[name] = index
            elif name in self.metrics:
                columns.index[name] = index
                columns.metrics.append((index, self.metrics[name]))
            else:
                self.problem(1, name, _(
                    "Unknown column \"%(column)s\": it is neither a nominee column nor a metric code."
                ) % {"column": name})
                ok = False
        for name in NOMINEE_COLUMNS:
            if name not in columns.index:
                self.problem(1, name, _("The required column \"%(column)s\" is missing.") % {"column": name})
                ok = False
        # What the row loop reads for each metric column, unpacked once instead of once per cell.
        columns.metric_cells = [(index, m.id, m.int_low, m.int_high, m) for index, m in columns.metrics]
        return columns if ok else None

    # -- one row, on its own -----------------------------------------------------------------
    def _parse_row(self, number, cells, columns):
        # CSV cells are strings; only a cell beginning with ' can be a neutralised formula start.
        texts = [(c.strip() if c[:1] != "'" else _cell_text(c)) if c.__class__ is str else _cell_text(c)
                 for c in cells]
        if not any(texts):
            return None  # blank lines are not rows
        self.result.rows += 1
        if len(texts) > columns.width and any(texts[columns.width:]):
            self.problem(number, "", _("The row has more cells than the header has columns."))
        texts.extend([""] * (columns.width - len(texts)))
        index = columns.index
        row = Row(number=number)
        row.code = texts[index["nominee_code"]]
        row.kind = texts[index["nominee_kind"]].lower()
        row.name = texts[index["nominee_name"]]
        row.region_code = texts[index["region_code"]]
        if "size" in index:
            row.size = texts[index["size"]].lower()
        if "sector" in index:
            row.sector = texts[index["sector"]].lower()
        self._check_nominee_cells(row)
        values = row.values
        applicable = self.applicable.get(row.kind, ())
        width = len(cells)
        for position, metric_id, low, high, metric in columns.metric_cells:
            text = texts[position]
            if not text:
                values[metric_id] = None  # not reported
                continue
            cell = cells[position] if position < width else None
            if cell.__class__ is str and metric_id in applicable and text.isdigit() and text.isascii():
                # The common case, a plain whole number within the metric's bounds: no further checks.
                number = int(text)
                if low <= number <= high:
                    values[metric_id] = number
                    continue
            values[metric_id] = self._parse_value(row, metric, cell, text)
        return row

    def _check_nominee_cells(self, row):
        if row.kind not in KINDS:
            self.row_problem(row, "nominee_kind", _("Unknown nominee kind \"%(value)s\"; use one of: %(choices)s.") % {
                "value": row.kind, "choices": ", ".join(NomineeKind.values)})
        employer = row.kind in EMPLOYER_KINDS
        if not row.code:
            if employer:
                self.row_problem(row, "nominee_code", _(
                    "A business or UMKM needs its employer number (NPP) as nominee_code."))
            else:
                self.row_problem(row, "nominee_code", _("The nominee code is empty."))
        elif len(row.code) > CODE_MAX:
            self.row_problem(row, "nominee_code", _("The nominee code is longer than %(max)s characters.") % {
                "max": CODE_MAX})
        elif row.code in self.first_row_of:
            self.row_problem(row, "nominee_code", _(
                "Nominee %(code)s appears more than once: it is already on row %(row)s.") % {
                "code": row.code, "row": self.first_row_of[row.code]})
        else:
            self.first_row_of[row.code] = row.number
        if not row.name:
            self.row_problem(row, "nominee_name", _("The nominee name is empty."))
        elif len(row.name) > NAME_MAX:
            self.row_problem(row, "nominee_name", _("The nominee name is longer than %(max)s characters.") % {
                "max": NAME_MAX})
        if employer:
            if not row.region_code:
                self.row_problem(row, "region_code", _("The region code is empty."))
        elif row.kind in GOVERNMENT_LEVEL:
            if not row.region_code:
                row.region_code = row.code
            elif row.code and row.region_code != row.code:
                self.row_problem(row, "region_code", _(
                    "A government or village is identified by its region: region_code must equal nominee_code."))
                row.region_code = ""  # checked no further
        for column, value, choices, ordered in (("size", row.size, SIZES, BusinessSize),
                                                ("sector", row.sector, SECTORS, Sector)):
            if not value:
                continue
            if not employer and row.kind in KINDS:
                self.row_problem(row, column, _("Size and sector apply only to businesses and UMKM; leave it empty."))
            elif value not in choices:
                self.row_problem(row, column, _("Unknown value \"%(value)s\"; use one of: %(choices)s.") % {
                    "value": value, "choices": ", ".join(ordered.values)})

    def row_problem(self, row, column, message):
        row.bad = True
        self.problem(row.number, column, message)

    def _parse_value(self, row, metric, raw, text):
        if not text:
            return None  # not reported
        if row.kind in KINDS and row.kind not in metric.kinds:
            self.row_problem(row, metric.code, _(
                "Metric %(metric)s does not apply to a nominee of kind %(kind)s; leave the cell empty.") % {
                "metric": metric.code, "kind": row.kind})
            return None
        if text.isdigit() and text.isascii() and raw.__class__ is str:
            # The common case, a plain whole number: int() is several times cheaper than Decimal().
            value = int(text)
        elif raw.__class__ is str and not self.indonesian and _plain_fraction(text):
            value = Decimal(text)  # "24.5": what parse_decimal gives, without its regular expression
        else:
            value = self._parse_general(row, metric, raw, text)
            if value is None:
                return None
        message = self._value_problem(metric, value)
        if message:
            self.row_problem(row, metric.code, message)
            return None
        return value

    def _parse_general(self, row, metric, raw, text):
        if isinstance(raw, bool):
            raw = int(raw)
        if metric.unit == YES_NO and not isinstance(raw, (int, float)):
            word = text.lower()
            if word in YES:
                text = "1"
            elif word in NO:
                text = "0"
        try:
            return parse_decimal(raw if isinstance(raw, (int, float)) else text, indonesian=self.indonesian)
        except ValueError:
            if "," in text and not self.indonesian:
                message = _("\"%(value)s\" is not a number; write decimals with a point, or choose the "
                            "Indonesian number format (1.234.567,5).") % {"value": text}
            else:
                message = _("\"%(value)s\" is not a number.") % {"value": text}
            self.row_problem(row, metric.code, message)
            return None

    def _value_problem(self, metric, value):
        """Why `value` (an int for plain whole numbers, else a Decimal) breaks the metric's rules, or None."""
        if value < 0:
            return _("A value may not be negative.")
        if value >= MAX_VALUE:
            return _("The value is too large.")
        if value.__class__ is not int:
            if value.as_tuple().exponent < -4:
                return _("A value may have at most 4 decimal places.")
            if metric.unit == COUNT and value != value.to_integral_value():
                return _("A count must be a whole number.")
        unit = metric.unit
        if unit == PERCENT and value > 100:
            return _("A percentage must be between 0 and 100.")
        if unit == MONTHS and value > 12:
            return _("A number of months must be between 0 and 12.")
        if unit == YES_NO and value not in (0, 1):
            return _("Write 1 (yes) or 0 (no).")
        if (metric.min is not None and value < metric.min) or (metric.max is not None and value > metric.max):
            if metric.max is None:
                return _("The value must be at least %(min)s.") % {"min": format_decimal(metric.min)}
            return _("The value must be between %(min)s and %(max)s.") % {
                "min": format_decimal(metric.min or Decimal(0)), "max": format_decimal(metric.max)}
        return None

    # -- a chunk of rows, against the database -------------------------------------------------
    # Each chunk is looked up (its regions, the nominees it names and their stored values) by a job
    # submitted as soon as the chunk is parsed (to the lookup connection, or else to the database thread);
    # it is checked and diffed when the next chunk has been parsed, and its writes go to the database
    # thread, which writes chunk N while Python reads chunk N + 1. A chunk's lookups may run before the
    # previous chunk is written: nothing a chunk writes can be what a later chunk looks up (a code the
    # file repeats is refused).
    def _lookup_job(self, rows):
        region_codes = {r.region_code for r in rows if r.region_code} - self.regions_requested
        self.regions_requested |= region_codes
        codes = [r.code for r in rows if r.code]
        # Ids are reserved only for an import that writes: a preview would use up the sequence.
        new_rows = sum(1 for r in rows if r.code) if self.db.postgres and not self.dry_run else 0
        employer_codes = [r.code for r in rows if r.kind in EMPLOYER_KINDS and r.code]
        year = self.year

        def job(cursor):
            lookup = ChunkLookup()
            lookup.regions = {code: (level, province_id or code) for code, level, province_id in self.db.select(
                cursor, "SELECT code, level, province_id FROM awards_region WHERE code {}", region_codes)}
            for code in region_codes:
                lookup.regions.setdefault(code, None)
            lookup.existing = {n[1]: n for n in self.db.select(
                cursor, "SELECT id, code, kind, name, region_id, size, sector FROM awards_nominee WHERE code {}",
                codes)}
            new_employer_codes = [code for code in employer_codes if code not in lookup.existing]
            lookup.npp_holders = dict(self.db.select(
                # Written as the partial unique index's own condition, so that SQLite uses that index (a
                # scan of every nominee per chunk made the import quadratic).
                cursor, "SELECT employer_number, code FROM awards_nominee "
                "WHERE NOT (employer_number = '') AND employer_number {}", new_employer_codes))
            if lookup.existing:
                stored = lookup.stored
                for nominee_id, metric_id, value in self.db.select(
                        cursor, "SELECT nominee_id, metric_id, value FROM awards_metricvalue "
                        "WHERE year = %s AND nominee_id {}", [n[0] for n in lookup.existing.values()], [year]):
                    # SQLite hands a decimal column back as int or float (15 significant digits, like Django).
                    stored.setdefault(nominee_id, {})[metric_id] = (
                        value if value.__class__ is Decimal else Decimal(repr(value)) if value.__class__ is float
                        else Decimal(value))
            wanted = new_rows - len(lookup.existing)
            if wanted > 0:
                # PostgreSQL: ids for the chunk's new nominees from the table's own sequence, so that their
                # values need no read-back (ids of rows that turn out bad are simply not used).
                cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                               [self.db.nominee_sequence, wanted])
                lookup.new_ids = [r[0] for r in cursor.fetchall()]
            return lookup

        return job

    def _settle(self, rows, lookup):
        """Check a looked-up chunk against the database's state, count its changes and hand over its writes."""
        lookup = lookup.result()
        self.rows_checked += len(rows)
        for code, region in lookup.regions.items():
            self.regions[code] = region
        existing, npp_holders, stored = lookup.existing, lookup.npp_holders, lookup.stored
        writes = ChunkWrites()
        for row in rows:
            before = existing.get(row.code)
            region = self._check_region(row)
            if before is not None and row.kind in KINDS and before[2] != row.kind:
                self.row_problem(row, "nominee_kind", _(
                    "Nominee %(code)s already exists as kind %(existing)s, not %(kind)s.") % {
                    "code": row.code, "existing": before[2], "kind": row.kind})
            if before is None and row.code in npp_holders:
                self.row_problem(row, "nominee_code", _(
                    "Employer number %(npp)s already belongs to nominee %(other)s.") % {
                    "npp": row.code, "other": npp_holders[row.code]})
            old_values = stored.get(before[0], {}) if before else {}
            self._check_totals(row, old_values)
            if row.bad:
                continue
            self._diff(row, before, region, old_values, writes)

        if self.dry_run or not self.result.ok:
            return
        if self.db.postgres:
            writes.new_ids = lookup.new_ids[:len(writes.new_nominees)]
            writes.prepare_copy(self.year)
        self.written.append((self.db.submit(writes.job(self.year, self.db.postgres)), len(rows)))
        while len(self.written) > WRITES_AHEAD:
            self._wait_written()

    def _check_region(self, row):
        if not row.region_code:
            return None
        region = self.regions.get(row.region_code)
        if region is None:
            self.row_problem(row, "region_code", _("Unknown region code \"%(code)s\".") % {"code": row.region_code})
            return None
        expected = GOVERNMENT_LEVEL.get(row.kind)
        if expected is not None and region[0] != expected:
            self.row_problem(row, "region_code", _(
                "Region %(code)s is a %(level)s, but a nominee of kind %(kind)s needs a %(expected)s.") % {
                "code": row.region_code, "level": Region.Level(region[0]).label, "kind": row.kind,
                "expected": Region.Level(expected).label})
            return None
        return region

    def _check_totals(self, row, old_values):
        """A part may not exceed its total, as the file leaves them: the file's value, else the stored one."""
        for metric_id, value in row.values.items():
            metric = self.metric_by_id[metric_id]
            if value is None or metric.not_above is None:
                continue
            if metric.not_above in row.values:
                bound, stored = row.values[metric.not_above], False
            else:
                bound, stored = old_values.get(metric.not_above), True
            if bound is not None and value > bound:
                total = self.metric_by_id[metric.not_above]
                params = {"metric": metric.code, "value": format_decimal(value), "total": total.code,
                          "bound": format_decimal(bound), "year": self.year}
                if stored:
                    message = _("%(metric)s (%(value)s) is more than %(total)s (%(bound)s, already stored for "
                                "%(year)s).") % params
                else:
                    message = _("%(metric)s (%(value)s) is more than %(total)s (%(bound)s).") % params
                self.row_problem(row, metric.code, message)

    def _diff(self, row, before, region, old_values, writes):
        result = self.result
        if before is None:
            # A new nominee: every reported value is new (the common case of a national load).
            values = [item for item in row.values.items() if item[1] is not None]  # (metric id, value)
            result.nominees_new += 1
            result.values_new += len(values)
            writes.new_nominees.append(((row.code, row.kind, row.name, row.region_code, region[1],
                                         row.code if row.kind in EMPLOYER_KINDS else "", row.size or "",
                                         row.sector or ""), values))
            if len(result.changes) < CHANGES_KEPT:
                result.changes.append(NomineeChange(row=row.number, code=row.code, name=row.name, status="new",
                                                    fields=[]))
            return
        fields = []
        nominee_id, _code, _kind, name, region_id, size, sector = before
        new_size = size if row.size is None else row.size
        new_sector = sector if row.sector is None else row.sector
        for column, old, new in (("nominee_name", name, row.name), ("region_code", region_id, row.region_code),
                                 ("size", size, new_size), ("sector", sector, new_sector)):
            if old != new:
                fields.append((column, old, new))
        if fields:
            writes.updates.append((row.name, row.region_code, region[1], new_size, new_sector, nominee_id))
        for metric_id, value in row.values.items():
            old = old_values.get(metric_id)
            if old is None:
                if value is None:
                    continue
                result.values_new += 1
            elif value is None:
                result.values_removed += 1
                writes.deletes.append((nominee_id, metric_id))
            elif old == value:
                result.values_unchanged += 1
                continue
            else:
                result.values_changed += 1
                writes.deletes.append((nominee_id, metric_id))
            fields.append((self.metric_by_id[metric_id].code, format_decimal(old) if old is not None else "",
                           format_decimal(value)))
            if value is not None:
                writes.values.append((nominee_id, metric_id, value))
        if not fields:
            result.nominees_unchanged += 1
            return
        result.nominees_changed += 1
        if len(result.changes) < CHANGES_KEPT:
            result.changes.append(NomineeChange(row=row.number, code=row.code, name=row.name, status="changed",
                                                fields=fields))

    # -- the audit trail ----------------------------------------------------------------------
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
            summary=_("Imported metrics for %(year)s from %(file)s") % {"year": self.year, "file": name},
        )


@dataclass
class ChunkLookup:
    """What the database holds for one chunk: its regions (code -> (level, province code) or None), its
    known nominees by code, the nominees holding its new employer numbers, their stored values for the
    year (nominee id -> {metric id: Decimal}) and, on PostgreSQL, ids reserved for its new nominees."""

    regions: dict = field(default_factory=dict)
    existing: dict = field(default_factory=dict)
    npp_holders: dict = field(default_factory=dict)
    stored: dict = field(default_factory=dict)
    new_ids: list = field(default_factory=list)


# COPY's text format: a backslash, tab, newline or carriage return inside a value is escaped.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass
class ChunkWrites:
    """What one checked chunk changes: nominee updates, new nominees with their values, values of
    known nominees to insert and (nominee id, metric id) pairs to delete for the import's year."""

    updates: list = field(default_factory=list)
    new_nominees: list = field(default_factory=list)  # [(nominee columns, [(metric id, value)])]
    values: list = field(default_factory=list)  # [(nominee id, metric id, value)]
    deletes: list = field(default_factory=list)
    new_ids: list = field(default_factory=list)  # PostgreSQL: the new nominees' reserved ids, in order
    copy_nominees: str = ""
    copy_values: str = ""

    def prepare_copy(self, year):
        """PostgreSQL: the COPY text of the new nominees and of every value, built by the importing
        thread, so that the database thread needs Python (and the GIL) for little but sending it."""
        rows = [columns for columns, _values in self.new_nominees]
        if _copy_safe("".join("".join(columns) for columns in rows)):
            lines = ("\t".join(columns) for columns in rows)  # the usual case: nothing to escape
        else:
            lines = ("\t".join(cell.translate(COPY_ESCAPES) for cell in columns) for columns in rows)
        self.copy_nominees = "".join(
            f"{nominee_id}\t{line}\n" for nominee_id, line in zip(self.new_ids, lines, strict=True))
        values = [f"{nominee_id}\t{year}\t{metric_id}\t{value}\n" for nominee_id, metric_id, value in self.values]
        values.extend(f"{nominee_id}\t{year}\t{metric_id}\t{value}\n"
                      for nominee_id, (_columns, pairs) in zip(self.new_ids, self.new_nominees, strict=True)
                      for metric_id, value in pairs)
        self.copy_values = "".join(values)

    def job(self, year, postgres):
        """The database job that writes the chunk: updates, deletes, new nominees, then values."""
        def write(cursor):
            mark = "%s" if postgres else "?"
            if self.updates:
                cursor.executemany(
                    f"UPDATE awards_nominee SET name = {mark}, region_id = {mark}, province_id = {mark}, "
                    f"size = {mark}, sector = {mark} WHERE id = {mark}", self.updates)
            if self.deletes:
                cursor.executemany(
                    f"DELETE FROM awards_metricvalue WHERE nominee_id = {mark} AND year = {mark} "
                    f"AND metric_id = {mark}", [(nominee_id, year, metric_id) for nominee_id, metric_id in self.deletes])
            if postgres:
                if self.copy_nominees:
                    with cursor.copy(f"COPY awards_nominee (id, {', '.join(INSERT_NOMINEE_COLUMNS)}) FROM STDIN") as copy:
                        copy.write(self.copy_nominees)
                if self.copy_values:
                    with cursor.copy("COPY awards_metricvalue (nominee_id, year, metric_id, value) FROM STDIN") as copy:
                        copy.write(self.copy_values)
                return
            rows = [(nominee_id, year, metric_id, value) for nominee_id, metric_id, value in self.values]
            if self.new_nominees:
                insert_rows(cursor, "awards_nominee", INSERT_NOMINEE_COLUMNS,
                            [n for n, _v in self.new_nominees], postgres=False)
                condition, codes = in_list([n[0] for n, _v in self.new_nominees], postgres=False, mark="?")
                cursor.execute(f"SELECT code, id FROM awards_nominee WHERE code {condition}", [codes])
                by_code = dict(cursor.fetchall())
                for columns, pairs in self.new_nominees:
                    nominee_id = by_code[columns[0]]
                    rows.extend([(nominee_id, year, metric_id, value) for metric_id, value in pairs])
            if rows:
                insert_rows(cursor, "awards_metricvalue", ("nominee_id", "year", "metric_id", "value"), rows,
                            postgres=False)

        return write


class DatabaseThread:
    """Runs the import's database jobs in the order they are submitted, on the import's connection (so
    inside its transaction): on PostgreSQL on a thread of its own, so that the server works while Python
    parses the next chunk; on SQLite at once (it works inside this process, and would only trade the GIL
    back and forth with the parser).

    `submit(job)` returns a Future of `job(cursor)`. After a job fails, every later one fails with the
    same error without touching the database, and the error reaches the importer through its Future,
    inside the import's transaction, which is then rolled back. Django's connection object belongs to the
    thread that opened it, so jobs use its underlying DB-API connection; the importer leaves it alone
    until the thread has stopped.
    """

    def __init__(self):
        connection.ensure_connection()
        self.raw = connection.connection
        self.postgres = connection.vendor == "postgresql"
        self.mark = "%s" if self.postgres else "?"
        self.error = None
        self.executor = None
        if self.postgres:
            with closing(self.raw.cursor()) as cursor:
                # Looked up once: pg_get_serial_sequence() in the select list would run once per id.
                cursor.execute("SELECT pg_get_serial_sequence('awards_nominee', 'id')")
                self.nominee_sequence = cursor.fetchone()[0]
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="metrics-import-db")

    def __enter__(self):
        if self.executor is not None:
            # The database thread needs the GIL for a moment after each answer from the server, and the
            # parser holds it: by default it would wait up to 5 ms each time (a third of the writing).
            self.switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        return self

    def __exit__(self, *exc):
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            sys.setswitchinterval(self.switch_interval)

    def submit(self, job):
        if self.executor is not None:
            return self.executor.submit(self._run, job)
        return run_now(self._run, job)

    def _run(self, job):
        if self.error is not None:
            raise self.error
        try:
            with closing(database_cursor(self.raw, postgres=self.postgres)) as cursor:
                return job(cursor)
        except BaseException as error:
            self.error = error
            raise

    def select(self, cursor, sql, values, params=()):
        """Rows of `sql` (written with %s), whose `{}` becomes "IN the list `values`" (`in_list`)."""
        if not values:
            return []
        condition, value = in_list(values, postgres=self.postgres, mark=self.mark)
        cursor.execute(sql.format(condition).replace("%s", self.mark), [*params, value])
        return cursor.fetchall()


class SeparateLookups:
    """PostgreSQL: the chunks' lookups on a connection of their own (autocommit), so that the database
    thread's connection does nothing but write. A lookup then sees what is committed, not this import's
    own writes, which is all it needs: a chunk looks up the codes it names, and a code the file names
    twice is refused, so no chunk looks up what an earlier chunk of the import wrote (new nominees' ids
    come from the sequence, which is not transactional). Inside a caller's transaction the import's data
    may be uncommitted, so there the import's own connection (the DatabaseThread) looks up.
    The connection lives as long as the import.
    """

    def __init__(self):
        self.raw = connection.get_new_connection(connection.get_connection_params())
        self.raw.autocommit = True
        # Its lookups are always a few thousand keys of a unique index. With statistics taken while the
        # tables were empty, the planner scanned the whole nominee table for each chunk instead, and that
        # table grows with the import's own (invisible) rows: 10.6 s of lookups at 725,000 rows, not 4.
        # The connection is this import's alone and closed with it, so the setting goes with it.
        self.raw.execute("SET enable_seqscan = off")

    @staticmethod
    def possible():
        return connection.vendor == "postgresql" and not connection.in_atomic_block

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.raw.close()

    def submit(self, job):
        """Run `job(cursor)` at once, on this thread; a Future of its result, as DatabaseThread gives."""
        return run_now(self._run, job)

    def _run(self, job):
        with closing(database_cursor(self.raw, postgres=True)) as cursor:
            return job(cursor)


def run_now(fn, *args):
    """A Future of `fn(*args)`, called at once on this thread: what an executor's Future would hold."""
    future = Future()
    try:
        future.set_result(fn(*args))
    except Exception as error:  # noqa: BLE001 - handed over through the Future, as from a thread
        future.set_exception(error)
    return future


def database_cursor(raw, *, postgres):
    """A cursor of the DB-API connection `raw`. On PostgreSQL one that sends parameters apart from the
    statement: Django's connections quote them into it in Python, a few thousand codes per lookup."""
    return psycopg.Cursor(raw) if postgres else raw.cursor()


def in_list(values, *, postgres, mark="%s"):
    """(condition, parameter) for "column IN `values`" passed as one parameter, on either engine.

    (An IN list of thousands of placeholders costs more to build and parse than the lookup itself.)
    """
    if postgres:
        return f"= ANY({mark})", list(values)
    return f"IN (SELECT value FROM json_each({mark}))", json.dumps(list(values))


def insert_rows(cursor, table, columns, rows, *, postgres):
    """The fastest plain insert the engine has: COPY on PostgreSQL, executemany on SQLite.

    `cursor` is a DB-API cursor of Django's current connection (so inside its transaction).
    """
    names = ", ".join(columns)
    if postgres:
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        # Django's SQLite backend registers the Decimal -> str adapter that its own inserts use.
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _plain_fraction(text):
    """Whether `text` is digits, a point and digits (ASCII), a number Decimal() reads as written."""
    whole, point, fraction = text.partition(".")
    return bool(point) and whole.isdigit() and fraction.isdigit() and text.isascii()


def _copy_safe(text):
    """Whether `text` holds nothing COPY's text format would need escaped."""
    return "\\" not in text and "\t" not in text and "\n" not in text and "\r" not in text


def _cell_text(cell):
    if cell is None:
        return ""
    if isinstance(cell, str):
        return unneutralise(cell.strip())
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()
