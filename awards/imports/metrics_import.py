"""The protection-metrics importer: one file for one year, checked row by row, written all or nothing.

The upload page and `import_metrics` both call `metrics_import`. The file is read once, in chunks of
rows; each chunk is checked against the metric definitions and what the database already holds, and,
unless it is a dry run, its differences are written at once inside the one transaction of the whole
import. The first problem stops the writing (the rest of the file is still checked, so that every
problem is reported) and the transaction is rolled back at the end: a bad file, or a killed process,
leaves the database as it was.

Writing is `ChunkWriter`'s: on PostgreSQL on a thread of its own, while the next chunk is read. The
database's own checks on metric values (migrations 0002, 0005, 0007) stay in force; a valid file never
trips them.
"""
import csv
import json
import math
import queue
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils.translation import gettext as _

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


def metrics_import(*, path, year, indonesian_numbers=False, dry_run=False, acting_user=None, progress=None,
                   problems_path=None):
    """Check and (unless `dry_run`) import the metrics file at `path` for assessment `year`.

    Returns an ImportResult; nothing is written when `result.ok` is false. `progress(done, total)`
    is called after every chunk of rows. With `problems_path`, every problem is also written there
    as CSV (row, column, problem); the file is removed when there are none.
    """
    importer = MetricImport(
        year=year, indonesian_numbers=indonesian_numbers, dry_run=dry_run, acting_user=acting_user,
        progress=progress, problems_path=problems_path,
    )
    return importer.run(Path(path))


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
        self.progress = progress
        self.problems_path = Path(problems_path) if problems_path else None
        self.problems_writer = None
        self.problems_handle = None
        self.result = ImportResult(year=year, dry_run=dry_run)
        self.first_row_of = {}  # nominee code -> the row that first named it
        self.regions = {}  # region code -> (level, province code), or None when unknown
        self.metrics = self._load_metrics()
        self.db_lock = threading.Lock()  # the writer thread and the lookups share one connection
        self.writer = None

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
        try:
            if self.dry_run:
                self._read(path)
            else:
                with transaction.atomic():
                    try:
                        self._read(path)
                    finally:
                        if self.writer is not None:
                            self.writer.finish()  # re-raises what the writer met
                    if self.result.ok:
                        self._audit(path)
                        self.result.applied = True
                    else:
                        transaction.set_rollback(True)
        finally:
            if self.problems_handle is not None:
                self.problems_handle.close()
        self.result.seconds = time.perf_counter() - started
        return self.result

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
            chunk = []
            try:
                for number, cells in table.rows:
                    row = self._parse_row(number, cells, columns)
                    if row is None:
                        continue
                    chunk.append(row)
                    if len(chunk) >= CHUNK_ROWS:
                        self._process_chunk(chunk, columns)
                        chunk = []
                        if self.progress:
                            self.progress(self.result.rows, table.total_rows)
            except UnreadableFile as error:
                self.problem(self.result.rows + 2, "", error.message)
            if chunk:
                self._process_chunk(chunk, columns)
            if self.progress:
                self.progress(self.result.rows, table.total_rows)

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
        columns.metric_ids = frozenset(m.id for _index, m in columns.metrics)
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
        for position, metric in columns.metrics:
            text = texts[position]
            if not text:
                values[metric.id] = None  # not reported
                continue
            cell = cells[position] if position < width else None
            if metric.id in applicable and cell.__class__ is str and text.isdigit() and text.isascii():
                # The common case, a plain whole number within the metric's bounds: no further checks.
                number = int(text)
                if metric.int_low <= number <= metric.int_high:
                    values[metric.id] = number
                    continue
            values[metric.id] = self._parse_value(row, metric, cell, text)
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
    def _process_chunk(self, rows, columns):
        self._load_regions({r.region_code for r in rows if r.region_code} - self.regions.keys())
        codes = [r.code for r in rows if r.code]
        existing = {n[1]: n for n in self._select(
            "SELECT id, code, kind, name, region_id, size, sector FROM awards_nominee WHERE code {}", codes)}
        new_employer_codes = [r.code for r in rows if r.kind in EMPLOYER_KINDS and r.code and r.code not in existing]
        npp_holders = dict(self._select(
            # Written as the partial unique index's own condition, so that SQLite uses that index (a
            # scan of every nominee per chunk made the import quadratic).
            "SELECT employer_number, code FROM awards_nominee WHERE NOT (employer_number = '') AND employer_number {}",
            new_employer_codes
        )) if new_employer_codes else {}
        stored = {}  # nominee id -> {metric id: value}
        if existing:
            for nominee_id, metric_id, value in self._select(
                    "SELECT nominee_id, metric_id, value FROM awards_metricvalue WHERE year = %s AND nominee_id {}",
                    [n[0] for n in existing.values()], [self.year]):
                # SQLite hands a decimal column back as int or float (15 significant digits, like Django).
                stored.setdefault(nominee_id, {})[metric_id] = (
                    value if value.__class__ is Decimal else Decimal(repr(value)) if value.__class__ is float
                    else Decimal(value))

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
        self._write(writes)

    def _load_regions(self, codes):
        codes = list(codes)
        for code in codes:
            self.regions[code] = None
        for code, level, province_id in self._select(
                "SELECT code, level, province_id FROM awards_region WHERE code {}", codes):
            self.regions[code] = (level, province_id or code)

    def _select(self, sql, values, params=()):
        """Rows of `sql`, whose `{}` becomes "IN the list `values`" (`in_list`)."""
        if not values:
            return []
        condition, value = in_list(values, postgres=connection.vendor == "postgresql")
        with self.db_lock, connection.cursor() as cursor:
            cursor.execute(sql.format(condition), [*params, value])
            return cursor.fetchall()

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
            values = [(metric_id, value) for metric_id, value in row.values.items() if value is not None]
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

    # -- writing --------------------------------------------------------------------------------
    def _write(self, writes):
        """Hand a checked chunk to the writer; it is written while the next chunk is read and checked."""
        if self.writer is None:
            self.writer = ChunkWriter(self.year, self.db_lock)
        self.writer.submit(writes)

    def _audit(self, path):
        result = self.result
        counts = {name: [None, str(getattr(result, name))] for name in (
            "rows", "nominees_new", "nominees_changed", "nominees_unchanged", "values_new", "values_changed",
            "values_unchanged", "values_removed")}
        # One audit row for the whole import, keyed by its year: the rows it touched can be millions.
        audit_record(
            actor=self.acting_user, action="metrics_import",
            obj=SimpleNamespace(_meta=MetricValue._meta, pk=self.year),
            changes=counts,
            summary=_("Imported metrics for %(year)s from %(file)s") % {"year": self.year, "file": path.name},
        )


@dataclass
class ChunkWrites:
    """What one checked chunk changes: nominee updates, new nominees with their values, values of
    known nominees to insert and (nominee id, metric id) pairs to delete for the import's year."""

    updates: list = field(default_factory=list)
    new_nominees: list = field(default_factory=list)  # [(nominee columns, [(metric id, value)])]
    values: list = field(default_factory=list)  # [(nominee id, metric id, value)]
    deletes: list = field(default_factory=list)


class ChunkWriter:
    """Writes chunks on a thread of its own, in order, on the import's connection and transaction.

    The database does its part of the work (index and trigger checks) while the importer reads the next
    chunk. Lookups and writes take `lock` in turn, so the connection never serves both at once. The
    first error stops the writing and is raised again by `submit` or `finish`, inside the import's
    transaction, which is then rolled back.
    """

    def __init__(self, year, lock):
        self.year = year
        self.lock = lock
        connection.ensure_connection()
        self.raw = connection.connection
        self.postgres = connection.vendor == "postgresql"
        self.error = None
        self.thread = None
        if self.postgres:
            # SQLite works inside the Python process and would only trade the GIL back and forth with
            # the reader (its executemany releases and retakes it for every row): it writes inline.
            self.queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._run, name="metrics-import-writer", daemon=True)
            self.thread.start()

    def submit(self, writes):
        self._raise()
        if self.thread is None:
            with self.lock, closing(self.raw.cursor()) as cursor:
                self._write(cursor, writes)
        else:
            self.queue.put(writes)

    def finish(self):
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        self._raise()

    def _raise(self):
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _run(self):
        while True:
            writes = self.queue.get()
            if writes is None:
                return
            if self.error is not None:
                continue  # drain: nothing more is written after an error
            try:
                with self.lock, closing(self.raw.cursor()) as cursor:
                    self._write(cursor, writes)
            except BaseException as error:  # noqa: BLE001 - handed to the importing thread
                self.error = error

    def _write(self, cursor, writes):
        postgres, year = self.postgres, self.year
        mark = "%s" if postgres else "?"
        if writes.updates:
            cursor.executemany(
                f"UPDATE awards_nominee SET name = {mark}, region_id = {mark}, province_id = {mark}, "
                f"size = {mark}, sector = {mark} WHERE id = {mark}", writes.updates)
        if writes.deletes:
            cursor.executemany(
                f"DELETE FROM awards_metricvalue WHERE nominee_id = {mark} AND year = {mark} AND metric_id = {mark}",
                [(nominee_id, year, metric_id) for nominee_id, metric_id in writes.deletes])
        values = writes.values
        if writes.new_nominees:
            if postgres:
                # Ids from the table's own sequence, so the values need no read-back of the new rows.
                cursor.execute("SELECT nextval(pg_get_serial_sequence('awards_nominee', 'id')) "
                               "FROM generate_series(1, %s)", [len(writes.new_nominees)])
                ids = [r[0] for r in cursor.fetchall()]
                insert_rows(cursor, "awards_nominee", ("id", *INSERT_NOMINEE_COLUMNS),
                            [(i, *n) for i, (n, _v) in zip(ids, writes.new_nominees, strict=True)], postgres=True)
            else:
                insert_rows(cursor, "awards_nominee", INSERT_NOMINEE_COLUMNS,
                            [n for n, _v in writes.new_nominees], postgres=False)
                condition, codes = in_list([n[0] for n, _v in writes.new_nominees], postgres=False, mark="?")
                cursor.execute(f"SELECT code, id FROM awards_nominee WHERE code {condition}", [codes])
                by_code = dict(cursor.fetchall())
                ids = [by_code[n[0]] for n, _v in writes.new_nominees]
            values = values + [(nominee_id, metric_id, value)
                               for nominee_id, (_n, pairs) in zip(ids, writes.new_nominees, strict=True)
                               for metric_id, value in pairs]
        if values:
            if postgres:
                # COPY text built here: cheaper than a tuple per value through write_row.
                text = "".join(f"{nominee_id}\t{year}\t{metric_id}\t{value}\n" for nominee_id, metric_id, value in values)
                with cursor.copy("COPY awards_metricvalue (nominee_id, year, metric_id, value) FROM STDIN") as copy:
                    copy.write(text)
            else:
                insert_rows(cursor, "awards_metricvalue", ("nominee_id", "year", "metric_id", "value"),
                            [(nominee_id, year, metric_id, value) for nominee_id, metric_id, value in values],
                            postgres=False)


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


def _cell_text(cell):
    if cell is None:
        return ""
    if isinstance(cell, str):
        return unneutralise(cell.strip())
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()
