"""Reading and writing the numbers of a metrics file: plain (`1234567.5`) or Indonesian (`1.234.567,5`)."""
import re
from decimal import Decimal, InvalidOperation

# Plain: digits with an optional "." decimal part. Indonesian: "." groups thousands, "," marks decimals.
PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
INDONESIAN = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d*)?$")

# The number formats a metrics file may use; AUTO reads it from the file's own numbers (classify_number).
AUTO, INDONESIAN_FORMAT, PLAIN_FORMAT = "auto", "id", "plain"
EITHER = "either"  # a number both formats read, differently: "1.234" is 1234 or 1.234
# Only Indonesian: a decimal comma (24,5; 1.234,5) or two or more groups of thousands (1.234.567).
ONLY_INDONESIAN = re.compile(r"^[+-]?(\d+,\d+|\d{1,3}(\.\d{3})+,\d+|\d{1,3}(\.\d{3}){2,})$")
# Both: one dot before exactly three digits, after one to three digits not starting with 0.
BOTH_FORMATS = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")


def parse_decimal(text, *, indonesian=False):
    """The Decimal a cell holds, or raise ValueError; `text` is a string or a number read from XLSX.

    With `indonesian`, `1.234.567` is one million and more and `24,5` is twenty-four and a half;
    otherwise `1.5` is one and a half and a comma is refused (it would be ambiguous).
    """
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        # repr() gives the shortest text that reads back as the same float: 24.5, not 24.499999…
        return Decimal(repr(text))
    if isinstance(text, Decimal):
        return text
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if indonesian:
        if not INDONESIAN.match(cleaned):
            raise ValueError(text)
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif not PLAIN.match(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the patterns above only let numbers through
        raise ValueError(text) from error


def classify_number(text):
    """Which format a cell's number is written in: INDONESIAN_FORMAT ("24,5", "1.234.567"), PLAIN_FORMAT
    ("24.5", "0.125", "1234.5"), EITHER ("1.234") or None (a whole number without separators, which reads
    the same in both, or no number at all)."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if ONLY_INDONESIAN.match(cleaned):
        return INDONESIAN_FORMAT
    if BOTH_FORMATS.match(cleaned):
        return EITHER
    if PLAIN.match(cleaned) and "." in cleaned:
        return PLAIN_FORMAT
    return None


def format_decimal(value):
    """A value as plain text without trailing zeros: Decimal("24.5000") -> "24.5", 7 -> "7"."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f")


def decimal_for_xlsx(value):
    """An int or float when a spreadsheet keeps the number exactly (15 significant digits), else the text."""
    if value is None:
        return None
    if len(value.normalize().as_tuple().digits) > 15:
        return format_decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)
