"""The metrics importer's reading of rows: the header, each row's nominee cells and metric values, checked
against the metric definitions (no database access)."""
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.utils.translation import gettext as _

from ..models import BusinessSize, MetricUnit, Nominee, NomineeKind, Region, Sector
from .choices import nominee_words
from .numbers import EITHER, INDONESIAN_FORMAT, PLAIN_FORMAT, classify_number, format_decimal, parse_decimal
from .tabular import unneutralise

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
MAX_VALUE = Decimal(10) ** 16  # Decimal(20, 4)
NAME_MAX = Nominee._meta.get_field("name").max_length
CODE_MAX = Nominee._meta.get_field("code").max_length


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



class RowParsing:
    """MetricImport's reading of the header and of each row."""

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
        # Kinds, sizes and sectors as codes or as the names the pages show (imports/choices.py).
        columns.words = nominee_words()
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
        kinds, sizes, sectors = columns.words
        # An unknown word stays as written: the checks below name it with the accepted ones.
        text = texts[index["nominee_kind"]]
        row.kind = kinds.code(text) or text
        row.name = texts[index["nominee_name"]]
        row.region_code = texts[index["region_code"]]
        if "size" in index:
            text = texts[index["size"]]
            row.size = sizes.code(text) or text
        if "sector" in index:
            text = texts[index["sector"]]
            row.sector = sectors.code(text) or text
        self._check_nominee_cells(row, columns.words)
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

    def _check_nominee_cells(self, row, words):
        kinds, sizes, sectors = words
        if row.kind not in KINDS:
            self.row_problem(row, "nominee_kind", _("Unknown nominee kind: %(problem)s") % {
                "problem": kinds.unknown(row.kind)})
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
        for column, value, choices, reader in (("size", row.size, SIZES, sizes), ("sector", row.sector, SECTORS, sectors)):
            if not value:
                continue
            if not employer and row.kind in KINDS:
                self.row_problem(row, column, _("Size and sector apply only to businesses and UMKM; leave it empty."))
            elif value not in choices:
                self.row_problem(row, column, reader.unknown(value))

    def row_problem(self, row, column, message):
        row.bad = True
        self.problem(row.number, column, message)

    def _parse_value(self, row, metric, raw, text):
        if not text:
            return None  # not reported
        if row.kind in KINDS and row.kind not in metric.kinds:
            self.row_problem(row, metric.code, _(
                "Metric %(metric)s does not apply to a nominee of kind %(kind)s; leave the cell empty.") % {
                "metric": metric.code, "kind": NomineeKind(row.kind).label})
            return None
        if text.isdigit() and text.isascii() and raw.__class__ is str:
            # The common case, a plain whole number: int() is several times cheaper than Decimal().
            value = int(text)
        elif raw.__class__ is str and self.number_format == PLAIN_FORMAT and _plain_fraction(text):
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
        if isinstance(raw, (int, float)):
            return parse_decimal(raw)  # an XLSX number cell is a number whatever the file's format
        if self.number_format is None:
            self._detect_number_format(row, metric, text)
        try:
            # Undecided (only whole numbers and "1.234" so far): Indonesian, the committee's own format.
            return parse_decimal(text, indonesian=self.number_format != PLAIN_FORMAT)
        except ValueError:
            self.row_problem(row, metric.code, self._not_a_number(text))
            return None

    # -- the file's number format ----------------------------------------------------------------
    def _detect_number_format(self, row, metric, text):
        """Decide the file's number format on its first number that only one format reads (see
        numbers.classify_number); a "1.234" before it was read the Indonesian way, which a plain decision
        then contradicts: that is reported, so that no number is imported read the wrong way."""
        written = classify_number(text)
        if written == EITHER:
            if self.first_either is None:
                self.first_either = (row.number, metric.code, text)
        elif written is not None:
            self.number_format = written
            self.format_evidence = (row.number, metric.code, text)
            if written == PLAIN_FORMAT and self.first_either is not None:
                either_row, column, example = self.first_either
                self.row_problem(row, metric.code, _(
                    "\"%(value)s\" is written the plain way (24.5), but \"%(example)s\" on row %(row)s, column "
                    "%(column)s, was read the Indonesian way (%(read)s). Write every number of the file the same way, "
                    "or choose its number format on the upload form.") % {
                    "value": text, "example": example, "row": either_row, "column": column,
                    "read": format_decimal(parse_decimal(example, indonesian=True))})

    def _not_a_number(self, text):
        if self.format_evidence is not None:
            row, column, example = self.format_evidence
            return _("\"%(value)s\" is not a number in the %(format)s format of this file, which \"%(example)s\" "
                     "on row %(row)s, column %(column)s, shows. Write every number of the file the same way, or "
                     "choose its number format on the upload form.") % {
                "value": text, "format": number_format_name(self.number_format), "example": example, "row": row,
                "column": column}
        if self.number_format is not None and not self.number_format_detected:
            return _("\"%(value)s\" is not a number in the %(format)s format chosen for this file.") % {
                "value": text, "format": number_format_name(self.number_format)}
        return _("\"%(value)s\" is not a number.") % {"value": text}

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

def number_format_name(number_format):
    """A number format in words, with an example: "Indonesian (1.234.567,5)" or "plain (1234567.5)"."""
    if number_format == INDONESIAN_FORMAT:
        return _("Indonesian (1.234.567,5)")
    return _("plain (1234567.5)")


def number_format_note(number_format, *, detected, evidence=None, either=None):
    """How a file's numbers were read, in words, for the preview and the command: the format, and whether it
    was chosen or detected (with the number that decided it, or the "1.234" read by default)."""
    params = {"format": number_format_name(number_format)}
    if not detected:
        return _("Numbers were read in the %(format)s format, as chosen.") % params
    if evidence:
        row, column, text = evidence
        return _("Numbers were read in the %(format)s format, detected from the file: \"%(text)s\" on row %(row)s, "
                 "column %(column)s.") % {**params, "text": text, "row": row, "column": column}
    if either:
        row, column, text = either
        return _("Numbers were read in the %(format)s format, the default, as no number in the file decides it: "
                 "\"%(text)s\" on row %(row)s, column %(column)s, was read as %(read)s. If that is wrong, choose "
                 "the number format on the upload form.") % {
            **params, "text": text, "row": row, "column": column,
            "read": format_decimal(parse_decimal(text, indonesian=number_format == INDONESIAN_FORMAT))}
    return _("No number in the file depends on its format: whole numbers without separators and XLSX number "
             "cells read the same either way.")


def _plain_fraction(text):
    """Whether `text` is digits, a point and digits (ASCII), a number Decimal() reads as written."""
    whole, point, fraction = text.partition(".")
    return bool(point) and whole.isdigit() and fraction.isdigit() and text.isascii()



def _cell_text(cell):
    if cell is None:
        return ""
    if isinstance(cell, str):
        return unneutralise(cell.strip())
    if isinstance(cell, float):
        return repr(cell)
    return str(cell).strip()
