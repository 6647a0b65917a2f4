"""Limits on an uploaded file, checked before it is parsed, so that no file can keep a worker busy for long
(docs/metrics-format.md, "Limits"). Each refusal is an UnreadableFile whose message says what to do."""
import re
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


class UnreadableFile(Exception):
    """The file cannot be imported as a whole (not a CSV or XLSX, damaged, or over a limit); `message`
    says what to do."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# A real workbook's parts shrink 5-15 times in the zip (the national file's sheet: 9.5); a part that shrinks
# more than this is repeated filler, the shape of a zip bomb. Small parts may compress as they like.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
SHEET_HEAD_BYTES = 16 * 1024  # where a worksheet's <dimension ref="A1:J725001"/> stands, before the rows
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*(\d*)(?::[A-Z]*(\d+))?"')
WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
SHARED_STRINGS = "xl/sharedstrings.xml"


def upload_max_bytes():
    return settings.PARITRANA_UPLOAD_MAX_BYTES


def max_rows():
    """Data rows a file may have (the header not counted)."""
    return settings.PARITRANA_IMPORT_MAX_ROWS


def size_refusal(size):
    """The message refusing a file of `size` bytes, or None when it is within the upload limit."""
    limit = upload_max_bytes()
    if size <= limit:
        return None
    return _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files and import each.") % {
        "size": filesizeformat(size), "limit": filesizeformat(limit)}


def check_size(size):
    message = size_refusal(size)
    if message is not None:
        raise UnreadableFile(message)


def rows_refusal(rows):
    limit = max_rows()
    if rows <= limit:
        return None
    return _("The file has more than %(limit)s data rows; split it into smaller files and import each.") % {
        "limit": number_format(limit, force_grouping=True)}


def check_rows(rows):
    message = rows_refusal(rows)
    if message is not None:
        raise UnreadableFile(message)


def check_xlsx(path):
    """Refuse a workbook whose parts expand too far, before openpyxl reads any of it: only the zip's
    directory and the first few kilobytes of each worksheet are read."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableFile(_("The file looks like an XLSX workbook but is damaged (%(error)s); save it again "
                               "as XLSX or CSV UTF-8 and upload it again.") % {"error": error}) from error
    with archive:
        members = archive.infolist()
        total = sum(member.file_size for member in members)
        if total > settings.PARITRANA_XLSX_MAX_UNCOMPRESSED_BYTES:
            raise UnreadableFile(_(
                "The XLSX workbook expands to %(size)s, more than the limit of %(limit)s; split it into smaller "
                "files, or save it as CSV UTF-8.") % {
                "size": filesizeformat(total),
                "limit": filesizeformat(settings.PARITRANA_XLSX_MAX_UNCOMPRESSED_BYTES)})
        for member in members:
            if member.file_size >= RATIO_CHECKED_FROM and \
                    member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
                raise UnreadableFile(_(
                    "The XLSX workbook is not an ordinary spreadsheet: its part %(part)s expands %(ratio)s times. "
                    "Save the data again from a spreadsheet program as XLSX or CSV UTF-8.") % {
                    "part": member.filename, "ratio": member.file_size // max(member.compress_size, 1)})
            name = member.filename.lower()
            if name == SHARED_STRINGS and member.file_size > settings.PARITRANA_XLSX_MAX_SHARED_STRINGS_BYTES:
                raise UnreadableFile(_(
                    "The XLSX workbook's text cells take %(size)s, more than the limit of %(limit)s; split it "
                    "into smaller files, or save it as CSV UTF-8.") % {
                    "size": filesizeformat(member.file_size),
                    "limit": filesizeformat(settings.PARITRANA_XLSX_MAX_SHARED_STRINGS_BYTES)})
        sheets = [m for m in members if WORKSHEET.match(str(PurePosixPath(m.filename)).lower())]
        if not sheets:
            raise no_worksheet()
        for member in sheets:
            check_rows(declared_rows(archive, member) - 1)


def declared_rows(archive, member):
    """The last row a worksheet's dimension names (0 without one). The parse counts rows again, as the
    dimension may be wrong; this refuses an honest oversized sheet before parsing starts."""
    with archive.open(member) as handle:
        head = handle.read(SHEET_HEAD_BYTES)
    match = DIMENSION.search(head)
    if not match:
        return 0
    return int(match.group(2) or match.group(1) or 0)


def no_worksheet():
    return UnreadableFile(_("The XLSX workbook has no worksheet; put the data on the first sheet and upload "
                            "it again."))
