"""The metrics importer's lookup and diff: what the database holds for a chunk of rows, checked against
the rows, counted, and turned into the chunk's writes."""
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..display import metric_text
from ..models import BusinessSize, MetricDefinition, NomineeKind, Region, Sector
from .metrics_rows import EMPLOYER_KINDS, GOVERNMENT_LEVEL, KINDS
from .metrics_writes import WRITES_AHEAD, ChunkLookup, ChunkWrites
from .numbers import format_decimal

CHANGES_KEPT = 200
NOMINEE_FIELDS = {"nominee_name": (gettext_lazy("Name"), None), "region_code": (gettext_lazy("Region"), None),
                  "size": (gettext_lazy("Size"), BusinessSize), "sector": (gettext_lazy("Sector"), Sector)}


@dataclass
class NomineeChange:
    """One nominee the import creates or changes, for the preview: [(column, old, new), ...]."""

    row: int
    code: str
    name: str
    status: str  # "new" or "changed"
    fields: list


class ChunkChecking:
    """MetricImport's lookup of each chunk and its check and diff against the database."""

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
                    "code": row.code, "existing": NomineeKind(before[2]).label, "kind": NomineeKind(row.kind).label})
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
                "code": row.region_code, "level": Region.Level(region[0]).label, "kind": NomineeKind(row.kind).label,
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


def preview_changes(changes):
    """A preview's changed nominees (a check job's result: [{"row", "code", "name", "status", "fields"}]) as the
    reader reads them: each field by its name in the reader's language, a metric by its label and its values by
    its unit ("Rp 11.250.000.000 → Rp 12.500.000.000"), a size or sector by its label. One query."""
    definitions = {d.code: d for d in MetricDefinition.objects.only("code", "label_id", "label_en", "unit")}
    shown = []
    for change in changes:
        fields = []
        for column, old, new in change["fields"]:
            definition = definitions.get(column)
            if definition is not None:
                label = definition.label
                old, new = (metric_text(Decimal(v), definition.unit) if v else "" for v in (old, new))
            else:
                label, choices = NOMINEE_FIELDS.get(column, (column, None))
                if choices is not None:
                    old, new = (choices(v).label if v in choices.values else v for v in (old, new))
            fields.append({"code": column, "label": label, "old": old, "new": new})
        shown.append({**change, "fields": fields})
    return shown
