"""Files that must not reach the parser: oversized, zip bombs and malformed files, each refused with a message
on both importers (page and command), the database unchanged and the upload gone; and the purge of previews."""
import io
import os
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from awards.imports.tabular import Problem
from awards.imports.uploads import upload_store
from awards.models import Edition, Nomination, Round
from tests.jobs import run_worker

from .conftest import EMPLOYER_HEADER, database_state

NEITHER = "The file is neither a CSV file nor an XLSX workbook; upload a CSV (UTF-8) or XLSX file."
NOT_UTF8 = 'The CSV file is not UTF-8 text; save it as "CSV UTF-8" and upload it again.'
NO_WORKSHEET = "The XLSX workbook has no worksheet; put the data on the first sheet and upload it again."


def workbook_bytes(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezipped(data, replace=None, drop=()):
    """The workbook `data` with members replaced ({name: bytes}) or dropped, every member deflated."""
    replace = replace or {}
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name in source.namelist():
            if name not in drop:
                out.writestr(name, replace.get(name, source.read(name)))
        for name, content in replace.items():
            if name not in source.namelist():
                out.writestr(name, content)
    return target.getvalue()


def sheet_xml(rows_xml, dimension="A1"):
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData>'
            '</worksheet>').encode()


def row_bomb():
    """A workbook of a few kilobytes whose sheet is 300,000 identical rows (about 14 MB of XML)."""
    rows = '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 300_000
    return rezipped(workbook_bytes([["a"]]), {"xl/worksheets/sheet1.xml": sheet_xml(rows)})


def shared_strings_bomb():
    """A workbook whose shared strings are 200,000 copies of one long text."""
    strings = "<si><t>" + "y" * 100 + "</t></si>"
    xml = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           f'2006/main" count="200000" uniqueCount="200000">{strings * 200_000}</sst>').encode()
    return rezipped(workbook_bytes([["a"]]), {"xl/sharedStrings.xml": xml})


CSV_HEADER = ",".join(EMPLOYER_HEADER).encode()

# (name, a function building the file's bytes, the message)
CASES = [
    ("row bomb", row_bomb, "The XLSX workbook is not an ordinary spreadsheet: its part xl/worksheets/sheet1.xml "
                           "expands {ratio} times. Save the data again from a spreadsheet program as XLSX or CSV "
                           "UTF-8."),
    ("shared strings bomb", shared_strings_bomb,
     "The XLSX workbook is not an ordinary spreadsheet: its part xl/sharedStrings.xml expands {ratio} times. Save "
     "the data again from a spreadsheet program as XLSX or CSV UTF-8."),
    ("no worksheet", lambda: rezipped(workbook_bytes([["a"]]), drop={"xl/worksheets/sheet1.xml"}), NO_WORKSHEET),
    ("zip of something else", lambda: rezipped(workbook_bytes([]), drop=set(zipfile.ZipFile(
        io.BytesIO(workbook_bytes([]))).namelist()), replace={"notes.txt": b"hello"}), NO_WORKSHEET),
    ("damaged zip", lambda: b"PK\x03\x04" + b"\x00" * 200,
     "The file looks like an XLSX workbook but is damaged (File is not a zip file); save it again as XLSX or CSV "
     "UTF-8 and upload it again."),
    ("header of one 10 MB field", lambda: b"x" * 10_000_000 + b"\n",
     "A line of the CSV file is longer than 1048576 characters; it is not a table of rows. Check that it was "
     "saved as CSV with one row per line."),
    ("header cell over the cell limit", lambda: b'"' + b"x" * 200_000 + b'"\n',
     "The CSV file is malformed near line 1 (field larger than field limit (131072)); correct it there or save "
     "it again as CSV UTF-8 from a spreadsheet program."),
    ("UTF-16", lambda: "\ufeffnominee_code,nominee_kind\n".encode("utf-16-le"),
     'The CSV file is UTF-16 text; save it as "CSV UTF-8" and upload it again.'),
    ("Latin-1", lambda: CSV_HEADER + "\nNPP001,business,Café\n".encode("latin-1"), NOT_UTF8),
    ("a picture", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NEITHER),
    ("old Excel", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     "The file is an old Excel workbook (.xls); save it as XLSX or CSV UTF-8 and upload it again."),
    ("empty", lambda: b"", "The file is empty; upload a CSV or XLSX file with a header row and data rows."),
]


def expected(message, data):
    """The message with a bomb's expansion ratio, which depends on zlib's output."""
    if "{ratio}" not in message:
        return message
    archive = zipfile.ZipFile(io.BytesIO(data))
    member = max(archive.infolist(), key=lambda m: m.file_size)
    return message.format(ratio=member.file_size // member.compress_size)


@pytest.fixture(params=CASES, ids=[case[0] for case in CASES])
def bad_file(request):
    _name, build, message = request.param
    data = build()
    return data, expected(message, data)


PAGE_CASES = [case for case in CASES if case[0] != "empty"]  # an empty upload is the form's to refuse


@pytest.fixture(params=PAGE_CASES, ids=[case[0] for case in PAGE_CASES])
def bad_upload(request):
    _name, build, message = request.param
    data = build()
    return data, expected(message, data)


@pytest.fixture
def too_big(settings):
    """A 200-byte CSV over a 100-byte limit."""
    settings.PARITRANA_UPLOAD_MAX_BYTES = 100
    return CSV_HEADER + b"\n" + b"x" * (199 - len(CSV_HEADER)), (
        "The file is 200\xa0bytes; the limit is 100\xa0bytes. Split it into smaller files and import each.")


@pytest.fixture
def edition(users):
    edition = Edition.objects.create(year=2025, name="Paritrana Award 2025")
    Round.objects.create(edition=edition, level="national")
    return edition


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """Where the nominations page puts its copy of the upload, to see it gone afterwards."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def client_for(user):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def stored_uploads():
    root = Path(settings.MEDIA_ROOT) / "uploads"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) if root.exists() else []


# -- the metrics importer ---------------------------------------------------------------------------------
def test_metrics_page_refuses_a_bad_file_and_keeps_only_its_problems(users, bad_upload):
    data, message = bad_upload
    before = database_state()
    client = client_for(users["committee"])
    started = client.post(reverse("metrics-import"), {"file": SimpleUploadedFile("metrics.csv", data), "year": 2024})
    run_worker()
    response = client.get(started["Location"])
    result, token = response.context["result"], response.context["params"]["token"]
    assert (result["ok"], result["problems"]) == (False, [{"row": 1, "column": "", "message": message}])
    assert escape(message) in response.content.decode()
    assert stored_uploads() == [token, f"{token}/problems.csv"]
    assert database_state() == before


@pytest.mark.parametrize("case", ["too big", "empty"])
def test_metrics_page_refuses_an_oversized_or_empty_file_before_storing_it(users, too_big, case):
    data, message = too_big if case == "too big" else (b"", "The submitted file is empty.")
    response = client_for(users["committee"]).post(
        reverse("metrics-import"), {"file": SimpleUploadedFile("metrics.csv", data), "year": 2024})
    assert (response.status_code, response.context["upload_form"].errors["file"]) == (400, [message])
    assert stored_uploads() == []
    assert database_state() == ([], {})


def test_metrics_command_refuses_a_bad_file(users, bad_file, tmp_path, capsys):
    data, message = bad_file
    path = tmp_path / "metrics.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="^1 problems in metrics.csv; nothing was imported"):
        call_command("import_metrics", str(path), "--year", "2024", "--no-progress", "--by", "pusat", "--language", "en")
    assert capsys.readouterr().err == f"row 1, column -: {message}\n"
    assert database_state() == ([], {})


def test_metrics_command_refuses_an_oversized_file(users, too_big, tmp_path, capsys):
    data, message = too_big
    path = tmp_path / "metrics.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="^1 problems in metrics.csv; nothing was imported"):
        call_command("import_metrics", str(path), "--year", "2024", "--no-progress", "--by", "pusat", "--language", "en")
    assert capsys.readouterr().err == f"row 1, column -: {message}\n"


# -- the nominations importer -----------------------------------------------------------------------------
def test_nominations_page_refuses_a_bad_file_and_removes_it(users, edition, bad_upload, temp_dir):
    data, message = bad_upload
    round_ = edition.rounds.get()
    client = client_for(users["committee"])
    started = client.post(reverse("committee-nomination-import", args=[round_.id]),
                          {"file": SimpleUploadedFile("nominations.csv", data)})
    run_worker()
    response = client.get(started["Location"])
    assert response.context["result"]["problems"] == [{"row": 1, "column": "", "message": message}]
    assert escape(message) in response.content.decode()
    assert (Nomination.objects.count(), stored_uploads(), list(temp_dir.iterdir())) == (0, [], [])


@pytest.mark.parametrize("case", ["too big", "empty"])
def test_nominations_page_refuses_an_oversized_or_empty_file(users, edition, too_big, temp_dir, case):
    data, message = too_big if case == "too big" else (b"", "The submitted file is empty.")
    round_ = edition.rounds.get()
    response = client_for(users["committee"]).post(
        reverse("committee-nomination-import", args=[round_.id]),
        {"file": SimpleUploadedFile("nominations.csv", data)})
    assert (response.status_code, response.context["upload_form"].errors["file"]) == (400, [message])
    assert (Nomination.objects.count(), list(temp_dir.iterdir())) == (0, [])


def test_nominations_command_refuses_a_bad_file(users, edition, bad_file, tmp_path, capsys):
    data, message = bad_file
    path = tmp_path / "nominations.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="^1 problems in nominations.csv; nothing was imported.$"):
        call_command("import_nominations", str(path), "--edition", "2025", "--by", "pusat", "--language", "en")
    assert capsys.readouterr().err == f"row 1, column -: {message}\n"
    assert Nomination.objects.count() == 0


def test_nominations_command_refuses_an_oversized_file(users, edition, too_big, tmp_path, capsys):
    data, message = too_big
    path = tmp_path / "nominations.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="^1 problems in nominations.csv; nothing was imported.$"):
        call_command("import_nominations", str(path), "--edition", "2025", "--by", "pusat", "--language", "en")
    assert capsys.readouterr().err == f"row 1, column -: {message}\n"


# -- rows and expansion over the limits ---------------------------------------------------------------------
@pytest.mark.parametrize("importer", ["metrics", "nominations"])
@pytest.mark.parametrize("shape", ["csv", "xlsx", "xlsx with a wrong dimension"])
def test_a_file_over_the_row_limit_is_refused_on_both_importers(users, edition, settings, tmp_path, shape,
                                                                 importer):
    from awards.imports.metrics_import import metrics_import
    from awards.imports.nominations import nominations_import

    settings.PARITRANA_IMPORT_MAX_ROWS = 5
    if importer == "metrics":
        rows = [EMPLOYER_HEADER] + [[f"NPP{i:03d}", "business", "PT", "18.72"] + [""] * 6 for i in range(6)]
    else:
        rows = [["category", "round", "nominee"]] + [["pemkab", "national", f"18.{i:02d}"] for i in range(6)]
    if shape == "csv":
        data = "\n".join(",".join(row) for row in rows).encode() + b"\n"
    else:
        data = workbook_bytes(rows)
        if shape == "xlsx with a wrong dimension":  # the rows are counted as they are read, too
            sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
            last = b"J7" if importer == "metrics" else b"C7"
            data = rezipped(data, {"xl/worksheets/sheet1.xml": sheet.replace(b":" + last + b'"', b':A1"')})
    path = tmp_path / "file"
    path.write_bytes(data)
    if importer == "metrics":
        result = metrics_import(path=path, year=2024, acting_user=users["committee"])
    else:
        result = nominations_import(path=path, edition=edition, acting_user=users["committee"])
    counted = shape == "xlsx with a wrong dimension"
    assert result.problems == [Problem(7 if counted and importer == "metrics" else 1, "",
                                       "The file has more than 5 data rows; split it into smaller files and import "
                                       "each.")]
    assert (database_state(), Nomination.objects.count()) == (([], {}), 0)


@pytest.mark.parametrize("setting, message", [
    ("PARITRANA_XLSX_MAX_UNCOMPRESSED_BYTES", "The XLSX workbook expands to {size}, more than the limit of "
                                              "1000\xa0bytes; split it into smaller files, or save it as CSV UTF-8."),
    ("PARITRANA_XLSX_MAX_SHARED_STRINGS_BYTES", "The XLSX workbook's text cells take {size}, more than the limit "
                                                "of 1000\xa0bytes; split it into smaller files, or save it as CSV "
                                                "UTF-8."),
])
def test_an_xlsx_expanding_over_a_limit_is_refused(users, settings, tmp_path, setting, message):
    from django.template.defaultfilters import filesizeformat

    from awards.imports.metrics_import import metrics_import

    setattr(settings, setting, 1000)
    strings = "".join(f"<si><t>{i * 7919 % 100_003}</t></si>" for i in range(200))
    data = rezipped(workbook_bytes([["nominee_code"]] + [[f"NPP{i:04d}"] for i in range(100)]),
                    {"xl/sharedStrings.xml": f'<sst count="200">{strings}</sst>'.encode()})
    archive = zipfile.ZipFile(io.BytesIO(data))
    size = (sum(m.file_size for m in archive.infolist()) if setting.endswith("UNCOMPRESSED_BYTES")
            else archive.getinfo("xl/sharedStrings.xml").file_size)
    path = tmp_path / "metrics.xlsx"
    path.write_bytes(data)
    result = metrics_import(path=path, year=2024, acting_user=users["committee"])
    assert result.problems == [Problem(1, "", message.format(size=filesizeformat(size)))]


def test_a_nominations_file_over_its_row_limit_is_refused(users, edition, tmp_path, monkeypatch):
    from awards.imports import nominations

    monkeypatch.setattr(nominations, "MAX_ROWS", 2)
    path = tmp_path / "nominations.csv"
    path.write_text("category,round,nominee\na,national,1\nb,national,2\nc,national,3\n")
    result = nominations.nominations_import(path=path, edition=edition, acting_user=users["committee"])
    assert result.problems == [Problem(1, "", "The file has more than 2 nomination rows; split it into smaller "
                                             "files and import each.")]


# -- the purge -------------------------------------------------------------------------------------------
def test_purge_removes_only_previews_past_the_retention_and_can_run_again(users, settings, capsys):
    settings.PARITRANA_UPLOAD_RETENTION_HOURS = 24
    stored = [upload_store(SimpleUploadedFile(f"{n}.csv", b"x")) for n in range(3)]
    old, recent = time.time() - 25 * 3600, time.time() - 23 * 3600
    for token, when in zip(stored, [old, recent, old], strict=True):
        os.utime(Path(settings.MEDIA_ROOT) / "uploads" / token / "upload", (when, when))
    gone = sorted((stored[0], stored[2]))

    call_command("purge_uploads")
    assert capsys.readouterr().out.splitlines() == [f"Removed upload {token}." for token in gone] + [
        "2 uploads older than 24 hours removed."]
    assert stored_uploads() == [stored[1], f"{stored[1]}/upload"]

    call_command("purge_uploads")
    assert capsys.readouterr().out == "0 uploads older than 24 hours removed.\n"
    assert stored_uploads() == [stored[1], f"{stored[1]}/upload"]
