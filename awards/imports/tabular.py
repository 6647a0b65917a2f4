"""Rows in and out of CSV and XLSX files, streamed, with spreadsheet formula injection neutralised."""
import codecs
import csv
import io
import os
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import limits
from .limits import UnreadableFile

# A cell a spreadsheet would run as a formula; OWASP also lists tab and carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Signs a spreadsheet may read as one of those after trimming the cell or folding wide forms: full-width
# and small forms fold to them under NFKC; the minus sign and dashes do not, so they are named.
FORMULA_LOOKALIKES = ("\u2212", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2796", "\u2795")
SNIFF_BYTES = 64 * 1024
# A metrics row is well under 1 kB; a longer line or cell is not a table. The cell limit is csv's own default,
# stated so that it does not depend on what else in the process changed it.
LINE_MAX = 1024 * 1024
FIELD_MAX = 128 * 1024
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _runs_as_formula(text):
    """Whether a spreadsheet could evaluate `text`: it starts with a formula sign or a control character,
    or does so once leading spaces and line breaks are trimmed and wide or small sign forms folded."""
    if not text:
        return False
    if text.startswith(FORMULA_STARTS) or text[0] in "\n\x0b\x0c":
        return True
    rest = text.lstrip()
    if not rest:
        return False
    first = unicodedata.normalize("NFKC", rest[0])
    return first.startswith(FORMULA_STARTS) or rest[0] in FORMULA_LOOKALIKES


def neutralise(text):
    """Text that a spreadsheet shows as written rather than runs: a leading ' before anything that could
    start a formula (see _runs_as_formula)."""
    if _runs_as_formula(text):
        return "'" + text
    return text


def unneutralise(text):
    """Undo `neutralise`, so that an exported file imports back to the same text."""
    if len(text) > 1 and text[0] == "'" and _runs_as_formula(text[1:]):
        return text[1:]
    return text


@dataclass
class Table:
    """A header and an iterator of (row number, cells); row 1 is the header, as a spreadsheet counts."""

    header: list
    rows: object
    total_rows: int | None
    close: object

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_table(path):
    """Open a CSV or XLSX file by its content (not its name) and return a `Table`; UnreadableFile when it is
    neither, is damaged, or is over a limit (limits.py: checked before the content is parsed)."""
    path = Path(path)
    size = path.stat().st_size
    limits.check_size(size)
    if size == 0:
        raise UnreadableFile(_("The file is empty; upload a CSV or XLSX file with a header row and data rows."))
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"PK\x03\x04"):
        limits.check_xlsx(path)
        return _open_xlsx(path)
    if magic.startswith(OLD_EXCEL):
        raise UnreadableFile(_("The file is an old Excel workbook (.xls); save it as XLSX or CSV UTF-8 and upload "
                               "it again."))
    return _open_csv(path)


def detect_delimiter(sample):
    """`;` when the header line has more semicolons than commas outside quotes, else `,`."""
    line = sample.splitlines()[0] if sample else ""
    counts = {",": 0, ";": 0}
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


def count_lines(path):
    """Lines in a file, counted in binary blocks (a progress bar's total; quoted newlines count too)."""
    lines = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
    return lines


def not_utf8():
    return UnreadableFile(_("The CSV file is not UTF-8 text; save it as \"CSV UTF-8\" and upload it again."))


def _lines(handle):
    """The file's lines, refusing one longer than LINE_MAX characters before it is held in memory whole."""
    for line in iter(partial(handle.readline, LINE_MAX), ""):
        if len(line) == LINE_MAX and line[-1] not in "\r\n":
            raise UnreadableFile(_(
                "A line of the CSV file is longer than %(limit)s characters; it is not a table of rows. Check "
                "that it was saved as CSV with one row per line.") % {"limit": LINE_MAX})
        yield line


def _csv_error(reader, error):
    return UnreadableFile(_("The CSV file is malformed near line %(line)s (%(error)s); correct it there or save "
                            "it again as CSV UTF-8 from a spreadsheet program.")
                          % {"line": reader.line_num, "error": error})


def _open_csv(path):
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(UTF16_BOMS):
        raise UnreadableFile(_("The CSV file is UTF-16 text; save it as \"CSV UTF-8\" and upload it again."))
    if b"\x00" in head:
        raise UnreadableFile(_("The file is neither a CSV file nor an XLSX workbook; upload a CSV (UTF-8) or "
                               "XLSX file."))
    try:
        # An incremental decoder accepts a multi-byte character cut at the end of the sample.
        sample = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError as error:
        raise not_utf8() from error
    # The lines were counted for the progress bar anyway; the same count refuses a file over the row limit.
    total = max(count_lines(path) - 1, 0)
    limits.check_rows(total)
    csv.field_size_limit(FIELD_MAX)
    delimiter = detect_delimiter(sample)
    handle = open(path, encoding="utf-8-sig", newline="")
    reader = csv.reader(_lines(handle), delimiter=delimiter)
    try:
        header = next(reader, [])
    except UnicodeDecodeError as error:
        handle.close()
        raise not_utf8() from error
    except csv.Error as error:
        handle.close()
        raise _csv_error(reader, error) from error
    except UnreadableFile:
        handle.close()
        raise

    def rows():
        try:
            yield from enumerate(reader, start=2)
        except UnicodeDecodeError as error:
            raise not_utf8() from error
        except csv.Error as error:
            raise _csv_error(reader, error) from error

    return Table(header=header, rows=rows(), total_rows=total, close=handle.close)


def _unreadable_xlsx(error):
    return UnreadableFile(_("The XLSX workbook cannot be read (%(error)s); save it again as XLSX or CSV UTF-8 and "
                            "upload it again.") % {"error": error})


def _open_xlsx(path):
    from openpyxl import load_workbook

    handle = open(path, "rb")  # a handle, as openpyxl refuses a path not ending in .xlsx
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged archive
        handle.close()
        raise _unreadable_xlsx(error) from error

    def close():
        workbook.close()
        handle.close()

    if not workbook.worksheets:
        close()
        raise limits.no_worksheet()
    sheet = workbook.worksheets[0]
    total = max(sheet.max_row - 1, 0) if sheet.max_row else None
    sheet.reset_dimensions()  # read every row, not only those a (possibly wrong) dimension tag names
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = ["" if cell is None else str(cell) for cell in next(iterator, ())]
    except Exception as error:  # a damaged sheet fails only when read
        close()
        raise _unreadable_xlsx(error) from error
    last_row = limits.max_rows() + 1

    def rows():
        # The dimension was checked before parsing, but it may understate the rows: they are counted too.
        try:
            for number, cells in enumerate(iterator, start=2):
                if number > last_row:
                    limits.check_rows(number - 1)
                yield number, list(cells)
        except UnreadableFile:
            raise
        except Exception as error:  # a damaged sheet fails only when read
            raise _unreadable_xlsx(error) from error

    return Table(header=header, rows=rows(), total_rows=total, close=close)


def xlsx_workbook(target, **options):
    """An XlsxWriter workbook writing to `target` (a path, or a BytesIO with in_memory=True) that writes
    text as text: never turned into a formula, a number or a link. By default in constant-memory mode
    (each row goes to disk as it is written)."""
    import xlsxwriter

    return xlsxwriter.Workbook(target, {
        "constant_memory": not options.get("in_memory"), "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False, **options})


# Excel number formats of numeric cells (stored locale-free; a spreadsheet shows them in its own language).
SCORE_FORMAT = "0.00"  # a score: the cell holds the stored 4 decimals, shown with 2
WHOLE_FORMAT = "0"  # a rank, a count, a year


def xlsx_table_write(target, title, header, rows, *, number_formats=None, **options):
    """One sheet named `title`: the header, then `rows` (lists of cells). Text that a spreadsheet could run
    is neutralised; numbers (int, float, Decimal) are numeric cells, shown with `number_formats`
    ({column index: Excel number format}) where given; an empty or None cell stays empty."""
    workbook = xlsx_workbook(target, **options)
    try:
        sheet = workbook.add_worksheet(title[:31])
        shown = {column: workbook.add_format({"num_format": code}) for column, code in (number_formats or {}).items()}
        for column, cell in enumerate(header):
            sheet.write_string(0, column, str(cell))
        for row_number, cells in enumerate(rows, start=1):
            for column, cell in enumerate(cells):
                if cell is None or cell == "":
                    continue
                if isinstance(cell, str):
                    sheet.write_string(row_number, column, neutralise(cell))
                else:
                    number = float(cell) if isinstance(cell, Decimal) else cell
                    sheet.write_number(row_number, column, number, shown.get(column))
    finally:
        workbook.close()


BOM = "\ufeff"  # first in every CSV the app writes: Excel then reads the file as UTF-8


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV file separates its cells and writes a decimal number. A spreadsheet program opens a CSV with
    its own language's list separator and decimal mark (docs/numbers-and-dates.md)."""

    delimiter: str
    decimal_mark: str

    def number(self, value):
        """A Decimal or float as this style writes it: no grouping, every stored decimal kept ("89,8214")."""
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text if self.decimal_mark == "." else text.replace(".", self.decimal_mark)

    def cell(self, value):
        return self.number(value) if isinstance(value, (Decimal, float)) else value


# Indonesian Excel and LibreOffice separate a CSV's cells by ";" (their decimal mark is ","); English ones by ",".
INDONESIAN_CSV = CsvStyle(delimiter=";", decimal_mark=",")
PLAIN_CSV = CsvStyle(delimiter=",", decimal_mark=".")


def csv_style():
    """The CSV style of the active language: the reader's spreadsheet opens the file in columns."""
    return PLAIN_CSV if (get_language() or "id").startswith("en") else INDONESIAN_CSV


class CsvStreamWriter:
    """Format rows as CSV text one at a time, for StreamingHttpResponse and for files alike, in `style` (by
    default the active language's, read when the writer is made): Decimal and float cells are written with
    its decimal mark, text as it is."""

    def __init__(self, style=None):
        self.style = style or csv_style()
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=self.style.delimiter, lineterminator="\r\n")

    def rows_text(self, rows):
        """Yield the CSV text of each block of rows; `rows` yields lists of cells."""
        cell = self.style.cell
        for row in rows:
            self.writer.writerow([cell(value) for value in row])
            if self.buffer.tell() >= 64 * 1024:
                yield self.flush()
        yield self.flush()

    def document(self, rows):
        """The whole file as text chunks: the BOM, then `rows_text(rows)`."""
        yield BOM
        yield from self.rows_text(rows)

    def flush(self):
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def write_csv(path, rows, *, header=None):
    """Write `header` and `rows` to a UTF-8 CSV file (with BOM, so spreadsheets read it as UTF-8), separated
    as the active language's spreadsheets expect (csv_style)."""
    tmp = f"{path}.part"
    with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=csv_style().delimiter, lineterminator="\r\n")
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)


@dataclass(frozen=True)
class Problem:
    """Why one cell, one row or the whole file (row 1, the header) cannot be imported."""

    row: int
    column: str
    message: str


class ProblemCount:
    """What an import result says of its problems; it has `problem_count` and `problems` (the first few)."""

    @property
    def ok(self):
        return self.problem_count == 0

    @property
    def problems_truncated(self):
        return self.problem_count > len(self.problems)


def problem_lines(result):
    """The problems of an import result as lines for a terminal, with a closing line when some were cut."""
    for problem in result.problems:
        yield str(_("row %(row)s, column %(column)s: %(message)s") % {
            "row": problem.row, "column": problem.column or "-", "message": problem.message})
    if result.problems_truncated:
        yield str(_("… and %(count)s more problems.") % {"count": result.problem_count - len(result.problems)})
