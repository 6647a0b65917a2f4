"""The protection-metrics export: one edition year, optionally one kind and one province, as CSV or XLSX.

One query, read through a server-side cursor (PostgreSQL) or SQLite's own cursor in blocks of FETCH
rows, so memory stays constant whatever the size: each nominee's row carries its values of the year
aggregated into one text (`metric_id=value,…`), already in plain number form. The columns are those
the importer reads, so an export imports back unchanged.
"""
import re
from dataclasses import dataclass
from decimal import Context, Decimal

from django.db import connection, transaction

from .. import permissions
from ..models import MetricDefinition, Region, Role
from .numbers import format_decimal
from .tabular import BOM, CsvStreamWriter, csv_style, neutralise, xlsx_workbook

NOMINEE_HEADER = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "size", "sector"]
FETCH = 2000  # rows per round trip of the export's query
QUANTUM = Decimal("0.0001")
DECIMAL_CONTEXT = Context(prec=20)  # the column is numeric(20, 4)
SQLITE_DIGITS = Context(prec=15)  # what Django reads of an SQLite value
# In SQLite's "id=value,…": a value with an exponent, a ".0", more than 4 decimals or 16 characters.
SQLITE_UNUSUAL = re.compile(r"e|\.0(,|$)|\.\d{5}|[\d.]{16}")


@dataclass(frozen=True)
class MetricsExport:
    """What to export: the assessment year, and optionally a nominee kind and a province code."""

    year: int
    kind: str | None = None
    province: str | None = None

    def filename(self, extension):
        parts = ["metrics", str(self.year), self.kind, self.province]
        return "-".join(p for p in parts if p) + "." + extension


def export_provinces_for(user):
    """The provinces `user` may export: their own for a provincial committee, else every province."""
    provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")
    if permissions.role_of(user) == Role.PROVINCIAL_COMMITTEE:
        return provinces.filter(code=permissions.province_of(user))
    return provinces


def export_metrics(spec):
    """The metric definitions exported (in position order) for `spec`."""
    definitions = MetricDefinition.objects.order_by("position", "code")
    metrics = list(definitions.values_list("id", "code", "kinds"))
    if spec.kind:
        metrics = [m for m in metrics if spec.kind in (m[2] or ())]
    return [(m[0], m[1]) for m in metrics]


def export_header(spec):
    return NOMINEE_HEADER + [code for _id, code in export_metrics(spec)]


def export_query(spec):
    """The export's SQL and parameters: nominees by code, each with `metric_id=value,…` of the year (or NULL).

    The kind and province filters are written `column || '' = %s` so that neither engine uses their
    index: walking the code index and filtering streams rows in order from the first one, where the
    province index would have to sort a whole province before the first row (seconds at 100,000).
    Nominees without a value that year come back with NULL values and are skipped by the caller.
    """
    if connection.vendor == "postgresql":
        # trim_scale: 24.5000 -> 24.5, 120.0000 -> 120 (the text format_decimal gives).
        pairs = "string_agg(v.metric_id || '=' || trim_scale(v.value), ',')"
    else:
        # SQLite keeps a value as INTEGER or REAL (15 significant digits); its text is "24.5", "120".
        pairs = "group_concat(v.metric_id || '=' || v.value, ',')"
    where, params = [], [spec.year]
    if spec.kind:
        where.append("n.kind || '' = %s")
        params.append(spec.kind)
    if spec.province:
        where.append("n.province_id || '' = %s")
        params.append(spec.province)
    sql = (
        "SELECT n.code, n.kind, n.name, n.region_id, n.size, n.sector, "
        f"(SELECT {pairs} FROM awards_metricvalue v WHERE v.nominee_id = n.id AND v.year = %s) "
        "FROM awards_nominee n"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY n.code"
    )
    return sql, params


def sqlite_number_text(text):
    """SQLite's text of a stored value as format_decimal gives the value Django reads:
    "120.0" -> "120", "1.0e+15" -> "1000000000000000".

    SQLite prints a REAL with 15 significant digits, as Django rounds it; only an exponent, a ".0",
    more than 4 decimals or more than 15 characters (an INTEGER Django rounds to 15 digits) take the
    slow way, which is Django's own conversion.
    """
    point = text.find(".")
    if "e" in text or len(text) > 15 or (point >= 0 and (text.endswith(".0") or len(text) - point > 5)):
        number = float(text) if point >= 0 or "e" in text else int(text)
        value = SQLITE_DIGITS.create_decimal_from_float(number).quantize(QUANTUM, context=DECIMAL_CONTEXT)
        return format_decimal(value)
    return text


def sqlite_pairs(pairs):
    """SQLite's "id=value,…" with each value as sqlite_number_text gives it."""
    out = []
    for pair in pairs.split(","):
        metric_id, _sep, value = pair.partition("=")
        out.append(f"{metric_id}={sqlite_number_text(value)}")
    return ",".join(out)


def xlsx_number(text):
    """A plain number text as an int or float when a spreadsheet keeps it exactly (15 significant digits),
    else the text itself (as numbers.decimal_for_xlsx decides for a Decimal)."""
    if "." in text:
        return float(text) if len(text) <= 16 else text  # at most 15 digits and the point
    return int(text) if len(text.rstrip("0")) <= 15 else text


def export_blocks(spec, *, for_xlsx=False, decimal_mark="."):
    """Yield the export's rows (lists of cells) in blocks of at most FETCH rows; the header is the first
    row of the first block (which may hold nothing else). Text cells are neutralised; a metric cell is
    its value as text without grouping, with `decimal_mark` (CSV), or as `xlsx_number` gives it, and empty
    ("" / None) when not reported."""
    metrics = export_metrics(spec)
    header = NOMINEE_HEADER + [code for _id, code in metrics]
    position = {str(metric_id): index for index, (metric_id, _code) in enumerate(metrics)}
    empty_cells = [None if for_xlsx else ""] * len(metrics)
    postgres = connection.vendor == "postgresql"
    plain_mark = decimal_mark == "."
    sql, params = export_query(spec)
    block = [header]
    # In a transaction: outside one, PostgreSQL's server-side cursor is declared WITH HOLD, and a
    # holdable cursor is run to its end (materialised) before the first row comes back.
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH):
            for *texts, pairs in rows:
                if pairs is None:
                    continue
                if not postgres and SQLITE_UNUSUAL.search(pairs):
                    pairs = sqlite_pairs(pairs)
                cells = empty_cells.copy()
                flat = iter(pairs.replace("=", ",").split(","))
                for metric_id, value in zip(flat, flat, strict=True):
                    index = position.get(metric_id)  # a value of a metric the kind has not: not exported
                    if index is not None:
                        cells[index] = (xlsx_number(value) if for_xlsx else value if plain_mark
                                        else value.replace(".", decimal_mark))
                block.append([neutralise(t) if t else "" for t in texts] + cells)
            if block:
                yield block
                block = []
    if block:
        yield block


def export_rows(spec, *, for_xlsx=False):
    """Yield the rows (lists of cells) of the export, header first; text cells are neutralised."""
    for block in export_blocks(spec, for_xlsx=for_xlsx):
        yield from block


def export_csv_chunks(spec, style=None):
    """The CSV export as text chunks (UTF-8 BOM first, then one chunk per block of rows), for a
    StreamingHttpResponse or a file, in `style` (by default the active language's, read now: the chunks
    may be produced after the request's language is gone)."""
    writer = CsvStreamWriter(style or csv_style())

    def chunks():
        yield BOM
        for block in export_blocks(spec, decimal_mark=writer.style.decimal_mark):
            writer.writer.writerows(block)
            yield writer.flush()

    return chunks()


def export_csv_file(spec, path):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for chunk in export_csv_chunks(spec):
            handle.write(chunk)


def export_xlsx_file(spec, path):
    """Write the XLSX export to `path` with XlsxWriter in constant-memory mode (each row goes to disk as
    it is written). Text is always written as text: no conversion to formulas, numbers or links."""
    workbook = xlsx_workbook(str(path))
    try:
        sheet = workbook.add_worksheet(f"metrics {spec.year}")
        sheet.freeze_panes(1, 1)  # B2: the header row and the code column stay in view
        write_string, write_number = sheet.write_string, sheet.write_number
        row = 0
        for block in export_blocks(spec, for_xlsx=True):
            for cells in block:
                for column, cell in enumerate(cells):
                    if cell is None or cell == "":
                        continue
                    if cell.__class__ is str:
                        write_string(row, column, cell)
                    else:
                        write_number(row, column, cell)
                row += 1
    finally:
        workbook.close()
