import hashlib
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from awards.imports import metrics_diff
from awards.imports import metrics_import as importer_module
from awards.imports.metrics_import import Problem, metrics_import
from awards.models import AuditEvent, MetricDefinition, MetricValue, Nominee

from .conftest import EMPLOYER_HEADER, database_state, national_committee, values_of

GOVERNMENT_HEADER = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "workers_total",
                     "workers_protected", "coverage_target_pct", "has_regulation"]
PT_MAJU = ["NPP001", "business", "PT Maju", "18.72", "large", "finance", "120", "100", "95.5", "12"]
UD_SENTOSA = ["NPP002", "umkm", "UD Sentosa", "18.72", "micro", "trade_services", "8", "8", "", "10"]


def run(path, **options):
    options.setdefault("acting_user", national_committee())
    return metrics_import(path=path, year=options.pop("year", 2024), **options)


def test_import_creates_nominees_and_values(regions, write_csv):
    result = run(write_csv([PT_MAJU, UD_SENTOSA]))

    assert (result.ok, result.applied, result.rows) == (True, True, 2)
    assert (result.nominees_new, result.nominees_changed, result.nominees_unchanged) == (2, 0, 0)
    assert (result.values_new, result.values_changed, result.values_unchanged, result.values_removed) == (7, 0, 0, 0)
    assert list(Nominee.objects.order_by("code").values_list(
        "code", "kind", "name", "region_id", "province_id", "employer_number", "size", "sector")) == [
        ("NPP001", "business", "PT Maju", "18.72", "18", "NPP001", "large", "finance"),
        ("NPP002", "umkm", "UD Sentosa", "18.72", "18", "NPP002", "micro", "trade_services"),
    ]
    assert values_of("NPP001") == {"employees_total": Decimal("120"), "employees_registered": Decimal("100"),
                                   "wages_reported_pct": Decimal("95.5"), "contributions_on_time_months": Decimal("12")}
    # An empty cell is "not reported": no row, not a zero.
    assert values_of("NPP002") == {"employees_total": Decimal("8"), "employees_registered": Decimal("8"),
                                   "contributions_on_time_months": Decimal("10")}
    assert list(AuditEvent.objects.values_list("action", "object_type", "object_id")) == [
        ("metrics_import", "awards.metricvalue", "2024")]


@pytest.mark.parametrize("language", ["id", "en"])
def test_kinds_sizes_and_sectors_are_read_as_the_pages_name_them(regions, write_csv, language):
    """The committee's own words, whatever the reader's language: Indonesian or English names in any case
    and spacing, `&` for `dan`, or the codes."""
    from django.utils import translation

    rows = [["NPP001", "Badan Usaha", "PT Maju", "18.72", " BESAR ", "perdagangan & jasa", "120", "100", "", ""],
            ["NPP002", "usaha mikro atau kecil (umkm)", "UD Sentosa", "18.72", "Micro", "Pertambangan, manufaktur & "
             "konstruksi", "8", "8", "", ""],
            ["NPP003", "business", "CV Tani", "18.72", "menengah", "Agriculture and fisheries", "5", "5", "", ""],
            ["NPP004", "BUSINESS", "PT Dana", "18.72", "large", "  keuangan", "5", "5", "", ""]]
    with translation.override(language):
        result = run(write_csv(rows))
    assert (result.ok, result.problems) == (True, [])
    assert list(Nominee.objects.order_by("code").values_list("kind", "size", "sector")) == [
        ("business", "large", "trade_services"), ("umkm", "micro", "mining_manufacturing_construction"),
        ("business", "medium", "agriculture_fisheries"), ("business", "large", "finance")]


def test_a_wrong_word_lists_the_accepted_names_in_the_readers_language(regions, write_csv):
    from django.utils import translation

    with translation.override("id"):
        result = run(write_csv([["NPP001", "Badan Usaha", "PT Maju", "18.72", "raksasa", "", "1", "1", "", ""]]))
    assert [(p.column, p.message) for p in result.problems] == [
        ("size", "“raksasa” tidak termasuk: Besar (large), Menengah (medium), Kecil (small), Mikro (micro).")]


def test_import_same_file_again_changes_nothing(regions, write_csv):
    path = write_csv([PT_MAJU, UD_SENTOSA])
    run(path)
    before = database_state()

    result = run(path)

    assert (result.nominees_new, result.nominees_changed, result.nominees_unchanged) == (0, 0, 2)
    assert (result.values_new, result.values_changed, result.values_unchanged, result.values_removed) == (0, 0, 7, 0)
    assert result.changes == []
    assert database_state() == before
    assert AuditEvent.objects.count() == 1  # the first import's: one that changes nothing records nothing


def test_import_governments_by_region_code(regions, write_csv):
    rows = [["18", "province_government", "Pemerintah Provinsi Lampung", "", "1000", "245", "40", "ya"],
            ["18.72", "regency_government", "Pemerintah Kota Metro", "18.72", "500", "400", "", "0"],
            ["18.72.01.1001", "village", "Kelurahan Metro", "", "", "", "", "tidak"]]
    result = run(write_csv(rows, header=GOVERNMENT_HEADER))

    assert result.problems == []
    assert list(Nominee.objects.order_by("code").values_list("code", "region_id", "province_id", "employer_number")) == [
        ("18", "18", "18", ""), ("18.72", "18.72", "18", ""), ("18.72.01.1001", "18.72.01.1001", "18", "")]
    assert values_of("18") == {"workers_total": Decimal("1000"), "workers_protected": Decimal("245"),
                               "coverage_target_pct": Decimal("40"), "has_regulation": Decimal("1")}
    assert values_of("18.72.01.1001") == {"has_regulation": Decimal("0")}


def test_import_updates_changed_names_and_values_only(regions, write_csv):
    run(write_csv([PT_MAJU, UD_SENTOSA]))
    renamed = ["NPP001", "business", "PT Maju Jaya", "18.72", "large", "finance", "150", "100", "95.5", "11"]

    result = run(write_csv([renamed, UD_SENTOSA], name="second.csv"))

    assert (result.nominees_new, result.nominees_changed, result.nominees_unchanged) == (0, 1, 1)
    assert (result.values_new, result.values_changed, result.values_unchanged, result.values_removed) == (0, 2, 5, 0)
    assert [(c.row, c.code, c.status, c.fields) for c in result.changes] == [
        (2, "NPP001", "changed", [("nominee_name", "PT Maju", "PT Maju Jaya"), ("employees_total", "120", "150"),
                                  ("contributions_on_time_months", "12", "11")])]
    assert Nominee.objects.get(code="NPP001").name == "PT Maju Jaya"
    assert values_of("NPP001")["employees_total"] == Decimal("150")


@pytest.mark.parametrize("old, new", [(("100", "80"), ("50", "40")), (("100", "80"), ("200", "150")),
                                      (("100", "80"), ("90", "80")), (("100", "80"), ("100", "100"))])
def test_import_changes_total_and_part_in_an_order_the_triggers_accept(regions, write_csv, old, new):
    def row(total, part):
        return ["NPP001", "business", "PT Maju", "18.72", "large", "finance", total, part, "", ""]

    run(write_csv([row(*old)]))
    result = run(write_csv([row(*new)], name="again.csv"))

    assert result.problems == []
    assert values_of("NPP001") == {"employees_total": Decimal(new[0]), "employees_registered": Decimal(new[1])}


def test_import_empty_cell_removes_a_stored_value_and_absent_column_keeps_it(regions, write_csv):
    run(write_csv([PT_MAJU]))
    header = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "employees_registered",
              "wages_reported_pct"]

    result = run(write_csv([["NPP001", "business", "PT Maju", "18.72", "", "90"]], header=header, name="b.csv"))

    assert (result.values_changed, result.values_removed, result.nominees_changed) == (1, 1, 1)
    assert values_of("NPP001") == {"employees_total": Decimal("120"), "wages_reported_pct": Decimal("90"),
                                   "contributions_on_time_months": Decimal("12")}
    # size and sector were not in the file: kept as stored.
    assert Nominee.objects.filter(code="NPP001").values_list("size", "sector").get() == ("large", "finance")


def test_import_part_above_the_stored_total_is_refused(regions, write_csv):
    run(write_csv([PT_MAJU]))
    before = database_state()
    header = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "employees_registered"]

    result = run(write_csv([["NPP001", "business", "PT Maju", "18.72", "121"]], header=header, name="b.csv"))

    assert result.problems == [Problem(2, "employees_registered",
                                       "employees_registered (121) is more than employees_total (120, already stored "
                                       "for 2024).")]
    assert database_state() == before


BAD_CASES = {
    "unknown column": (
        EMPLOYER_HEADER + ["employes_total"], [PT_MAJU + ["3"]],
        [Problem(1, "employes_total",
                 'Unknown column "employes_total": it is neither a nominee column nor a metric code.')]),
    "missing column": (
        ["nominee_code", "nominee_kind", "nominee_name", "employees_total"], [["NPP001", "business", "PT", "3"]],
        [Problem(1, "region_code", 'The required column "region_code" is missing.')]),
    "unknown region": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.99", "", "", "1", "", "", ""]],
        [Problem(2, "region_code", 'Unknown region code "18.99".')]),
    "business without employer number": (
        EMPLOYER_HEADER, [["", "business", "PT Maju", "18.72", "", "", "1", "", "", ""]],
        [Problem(2, "nominee_code", "A business or UMKM needs its employer number (NPP) as nominee_code.")]),
    "not a number": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.72", "", "", "banyak", "", "", ""]],
        [Problem(2, "employees_total", '"banyak" is not a number.')]),
    "numbers written two ways": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.72", "", "", "", "", "24,5", ""],
                          ["NPP003", "business", "PT Tiga", "18.72", "", "", "", "", "95.5", ""]],
        # (rows 3 and 4 once the valid row of the test is put first)
        [Problem(3, "wages_reported_pct", '"95.5" is not a number in the Indonesian (1.234.567,5) format of this '
                                          'file, which "24,5" on row 3, column wages_reported_pct, shows. Write '
                                          'every number of the file the same way, or choose its number format on '
                                          'the upload form.')]),
    "negative": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.72", "", "", "-3", "", "", ""]],
        [Problem(2, "employees_total", "A value may not be negative.")]),
    "percentage above 100": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.72", "", "", "", "", "100.5", ""]],
        [Problem(2, "wages_reported_pct", "A percentage must be between 0 and 100.")]),
    "months above 12": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.72", "", "", "", "", "", "13"]],
        [Problem(2, "contributions_on_time_months", "A number of months must be between 0 and 12.")]),
    "fractional count": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.72", "", "", "3.5", "", "", ""]],
        [Problem(2, "employees_total", "A count must be a whole number.")]),
    "protected above total": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.72", "", "", "10", "11", "", ""]],
        [Problem(2, "employees_registered", "employees_registered (11) is more than employees_total (10).")]),
    "duplicate nominee": (
        EMPLOYER_HEADER, [PT_MAJU, UD_SENTOSA, PT_MAJU],
        # (row 3 once the valid row of the test is put first)
        [Problem(4, "nominee_code", "Nominee NPP001 appears more than once: it is already on row 3.")]),
    "metric of another kind": (
        EMPLOYER_HEADER + ["workers_total"], [PT_MAJU + ["5"]],
        [Problem(2, "workers_total",
                 "Metric workers_total does not apply to a nominee of kind Business; leave the cell empty.")]),
    "unknown kind": (
        EMPLOYER_HEADER, [["NPP001", "company", "PT Maju", "18.72", "", "", "", "", "", ""]],
        [Problem(2, "nominee_kind", "Unknown nominee kind: “company” is not one of: Provincial government "
                                    "(province_government), Regency/city government (regency_government), "
                                    "Village/urban village government (village), Business (business), "
                                    "Micro or small enterprise (UMKM) (umkm).")]),
    "unknown size": (
        EMPLOYER_HEADER, [["NPP001", "business", "PT Maju", "18.72", "huge", "", "", "", "", ""]],
        [Problem(2, "size", "“huge” is not one of: Large (large), Medium (medium), Small (small), Micro (micro).")]),
    "government at the wrong level": (
        GOVERNMENT_HEADER, [["18.72", "province_government", "Kota Metro", "", "", "", "", ""]],
        [Problem(2, "region_code", "Region 18.72 is a Regency/city, but a nominee of kind Provincial government "
                                   "needs a Province.")]),
    "government with another region": (
        GOVERNMENT_HEADER, [["18.72", "regency_government", "Kota Metro", "18", "", "", "", ""]],
        [Problem(2, "region_code", "A government or village is identified by its region: region_code must equal "
                                   "nominee_code.")]),
    "empty name and too many cells": (
        EMPLOYER_HEADER, [["NPP001", "business", "", "18.72", "", "", "", "", "", "", "extra"]],
        [Problem(2, "", "The row has more cells than the header has columns."),
         Problem(2, "nominee_name", "The nominee name is empty.")]),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_bad_input_imports_nothing_and_names_row_and_column(regions, write_csv, case):
    run(write_csv([UD_SENTOSA], name="existing.csv"))
    before = database_state()
    header, rows, problems = BAD_CASES[case]
    # A valid row first: it is checked and would be written, but must be rolled back too.
    rows = [["NPP009", "business", "PT Valid", "18.72", "", "", "", "", "", ""]] + rows if header == EMPLOYER_HEADER \
        else rows
    shift = 1 if header == EMPLOYER_HEADER else 0

    result = run(write_csv(rows, header=header))

    expected = [Problem(p.row + shift if p.row > 1 else p.row, p.column, p.message) for p in problems]
    assert (result.problems, result.problem_count, result.applied) == (expected, len(expected), False)
    assert database_state() == before
    assert AuditEvent.objects.count() == 1


def test_a_problem_after_written_chunks_rolls_everything_back(regions, write_csv, monkeypatch):
    monkeypatch.setattr(importer_module, "CHUNK_ROWS", 2)
    rows = [[f"NPP{i:03d}", "business", f"PT {i}", "18.72", "", "", "5", "4", "", ""] for i in range(7)]
    rows[6][7] = "6"  # registered above total, in the last chunk

    result = run(write_csv(rows))

    assert result.problems == [Problem(8, "employees_registered",
                                       "employees_registered (6) is more than employees_total (5).")]
    assert (Nominee.objects.count(), MetricValue.objects.count()) == (0, 0)


def test_a_failed_write_after_written_chunks_leaves_nothing(regions, write_csv, monkeypatch):
    """The database refusing a chunk (or the writer dying) mid-import: the error reaches the caller and
    the chunks already written are rolled back with the rest (on PostgreSQL they are written by the
    database thread, inside the import's transaction)."""
    from django.db import DatabaseError

    monkeypatch.setattr(importer_module, "CHUNK_ROWS", 2)
    written = []
    real_job = metrics_diff.ChunkWrites.job

    def failing_job(self, year, postgres):
        write = real_job(self, year, postgres)

        def failing_write(cursor):
            if len(written) == 2:
                raise DatabaseError("disk full")
            write(cursor)
            written.append(self)

        return failing_write

    monkeypatch.setattr(metrics_diff.ChunkWrites, "job", failing_job)
    rows = [[f"NPP{i:03d}", "business", f"PT {i}", "18.72", "", "", "5", "4", "", ""] for i in range(7)]

    with pytest.raises(DatabaseError, match="disk full"):
        run(write_csv(rows))

    assert len(written) == 2
    assert (Nominee.objects.count(), MetricValue.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


def test_every_problem_of_the_file_is_reported_not_only_the_first(regions, write_csv, monkeypatch):
    monkeypatch.setattr(importer_module, "CHUNK_ROWS", 2)
    rows = [["NPP001", "business", "PT 1", "18.72", "", "", "-1", "", "", ""],
            ["NPP002", "business", "PT 2", "18.72", "", "", "1", "", "", ""],
            ["NPP003", "business", "PT 3", "99", "", "", "x", "", "", "13"]]

    result = run(write_csv(rows))

    assert result.problems == [
        Problem(2, "employees_total", "A value may not be negative."),
        Problem(4, "employees_total", '"x" is not a number.'),
        Problem(4, "contributions_on_time_months", "A number of months must be between 0 and 12."),
        Problem(4, "region_code", 'Unknown region code "99".'),
    ]


def test_existing_nominee_of_another_kind_is_refused(regions, write_csv):
    run(write_csv([PT_MAJU]))
    before = database_state()
    result = run(write_csv([["NPP001", "umkm", "PT Maju", "18.72", "", "", "", "", "", ""]], name="b.csv"))
    assert result.problems == [Problem(2, "nominee_kind", "Nominee NPP001 already exists as kind Business, not Micro or small enterprise (UMKM).")]
    assert database_state() == before


def test_indonesian_numbers_are_read_without_an_option(regions, write_csv):
    row = ["NPP001", "business", "PT Maju", "18.72", "", "", "1.234.567", "1.200.000", "24,5", "12"]
    result = run(write_csv([row], delimiter=";"))
    assert (result.problems, result.number_format, result.number_format_detected) == ([], "id", True)
    assert result.number_format_evidence == (2, "employees_total", "1.234.567")
    assert values_of("NPP001") == {"employees_total": Decimal("1234567"), "employees_registered": Decimal("1200000"),
                                   "wages_reported_pct": Decimal("24.5"), "contributions_on_time_months": Decimal("12")}


def test_plain_numbers_are_read_without_an_option(regions, write_csv):
    result = run(write_csv([PT_MAJU]))
    assert (result.problems, result.number_format, result.number_format_evidence) == (
        [], "plain", (2, "wages_reported_pct", "95.5"))
    assert values_of("NPP001")["wages_reported_pct"] == Decimal("95.5")


def test_a_number_both_formats_read_is_read_the_indonesian_way_and_said_so(regions, write_csv):
    row = ["NPP001", "business", "PT Maju", "18.72", "", "", "1.250", "1.200", "", "12"]
    result = run(write_csv([row]))
    assert (result.problems, result.number_format, result.number_format_evidence) == ([], "id", None)
    assert result.number_format_note == (
        'Numbers were read in the Indonesian (1.234.567,5) format, the default, as no number in the file decides it: '
        '"1.250" on row 2, column employees_total, was read as 1250. If that is wrong, choose the number format on '
        'the upload form.')
    assert values_of("NPP001")["employees_total"] == Decimal("1250")


def test_a_plain_number_after_a_number_read_the_indonesian_way_is_refused(regions, write_csv):
    """"12.500" was read as twelve thousand five hundred before "95.5" showed the file is plain: nothing is
    imported read the wrong way."""
    rows = [["NPP001", "business", "PT Maju", "18.72", "", "", "", "", "12.500", ""],
            ["NPP002", "business", "PT Dua", "18.72", "", "", "", "", "95.5", ""]]
    result = run(write_csv(rows))
    assert result.problems == [Problem(2, "wages_reported_pct", "A percentage must be between 0 and 100."),
                               Problem(3, "wages_reported_pct", (
        '"95.5" is written the plain way (24.5), but "12.500" on row 2, column wages_reported_pct, was read the '
        'Indonesian way (12500). Write every number of the file the same way, or choose its number format on the '
        'upload form.'))]
    assert run(write_csv(rows, name="plain.csv"), number_format="plain").problems == []
    assert values_of("NPP001")["wages_reported_pct"] == Decimal("12.5")


def test_a_chosen_format_is_kept_and_named_when_a_number_breaks_it(regions, write_csv):
    row = ["NPP001", "business", "PT Maju", "18.72", "", "", "", "", "24,5", ""]
    result = run(write_csv([row]), number_format="plain")
    assert (result.problems, result.number_format_note) == (
        [Problem(2, "wages_reported_pct", '"24,5" is not a number in the plain (1234567.5) format chosen for this '
                                          'file.')],
        "Numbers were read in the plain (1234567.5) format, as chosen.")


def test_semicolon_csv_is_detected(regions, write_csv):
    result = run(write_csv([PT_MAJU], delimiter=";"))
    assert (result.problems, result.values_new) == ([], 4)


def test_xlsx_import(regions, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(EMPLOYER_HEADER)
    sheet.append(["NPP001", "business", "PT Maju", "18.72", "large", "finance", 120, 100, 95.5, 12])
    sheet.append([None] * 10)
    sheet.append([12345, "umkm", "'=Koperasi", "18.72", None, None, 3, None, None, None])
    path = tmp_path / "metrics.xlsx"
    workbook.save(path)

    result = run(path)

    assert result.problems == []
    assert values_of("NPP001") == {"employees_total": Decimal("120"), "employees_registered": Decimal("100"),
                                   "wages_reported_pct": Decimal("95.5"), "contributions_on_time_months": Decimal("12")}
    assert Nominee.objects.get(code="12345").name == "=Koperasi"


def test_dry_run_counts_and_writes_nothing(regions, write_csv):
    result = run(write_csv([PT_MAJU, UD_SENTOSA]), dry_run=True)
    assert (result.ok, result.applied, result.nominees_new, result.values_new) == (True, False, 2, 7)
    assert [(c.code, c.status) for c in result.changes] == [("NPP001", "new"), ("NPP002", "new")]
    assert (Nominee.objects.count(), MetricValue.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


def test_problems_are_written_as_csv_and_removed_when_gone(regions, write_csv, tmp_path):
    problems_path = tmp_path / "problems.csv"
    run(write_csv([["NPP001", "business", "PT", "18.72", "", "", "-1", "", "", ""]]), problems_path=problems_path)
    assert problems_path.read_bytes().decode("utf-8-sig") == (
        "row,column,problem\r\n2,employees_total,A value may not be negative.\r\n")

    run(write_csv([PT_MAJU]), problems_path=problems_path)
    assert not problems_path.exists()


def test_new_metric_definitions_are_imported_without_code(regions, write_csv):
    MetricDefinition.objects.create(code="interns_total", label_id="Magang", label_en="Interns", unit="count",
                                    kinds=["business"], min_value=0, position=99)
    header = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "interns_total"]
    result = run(write_csv([["NPP001", "business", "PT Maju", "18.72", "4"]], header=header))
    assert (result.problems, values_of("NPP001")) == ([], {"interns_total": Decimal("4")})


def test_unreadable_file_is_one_problem(regions, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x00\x01binary")
    result = run(path)
    assert result.problems == [Problem(1, "", "The file is neither a CSV file nor an XLSX workbook; upload a CSV (UTF-8) or XLSX file.")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second connection: PostgreSQL")
def test_outside_a_transaction_postgresql_looks_up_on_a_connection_of_its_own(
        transactional_db, django_db_serialized_rollback, regions, write_csv, monkeypatch):
    """What the import's own connection wrote is not visible to the lookup connection; nothing needs it."""
    opened = []
    real_init = importer_module.SeparateLookups.__init__

    def counting_init(self):
        real_init(self)
        opened.append(self)

    monkeypatch.setattr(importer_module.SeparateLookups, "__init__", counting_init)
    monkeypatch.setattr(importer_module, "CHUNK_ROWS", 1)
    path = write_csv([PT_MAJU, UD_SENTOSA])

    first = run(path)
    again = run(path)
    changed = run(write_csv([PT_MAJU[:6] + ["121", "100", "95.5", "12"]], name="changed.csv"))
    Nominee.objects.create(code="X9", kind="business", name="PT Lain", region_id="18.72", province_id="18",
                           employer_number="NPP003")
    clash = run(write_csv([["NPP003", "business", "PT Baru", "18.72", "", "", "5", "", "", ""]], name="clash.csv"))

    assert [r.ok for r in (first, again, changed, clash)] == [True, True, True, False]
    assert len(opened) == 4 and all(lookups.raw.closed for lookups in opened)
    assert (first.nominees_new, again.nominees_unchanged, again.values_unchanged) == (2, 2, 7)
    assert (changed.nominees_changed, changed.values_changed, changed.values_unchanged) == (1, 1, 3)
    assert values_of("NPP001")["employees_total"] == Decimal("121")
    assert clash.problems == [Problem(2, "nominee_code", "Employer number NPP003 already belongs to nominee X9.")]


def test_names_with_backslashes_tabs_and_line_breaks_are_stored_as_written(regions, write_csv):
    """On PostgreSQL new nominees go in through COPY's text format, which escapes these characters."""
    names = ["CV Maju\\Jaya", "PT Satu\tDua", "UD Baris\nBaru"]
    rows = [[f"NPP00{i}", "business", name, "18.72", "", "", "5", "", "24.5", ""] for i, name in enumerate(names)]

    result = run(write_csv(rows))

    assert (result.ok, result.nominees_new) == (True, 3)
    assert list(Nominee.objects.order_by("code").values_list("name", flat=True)) == names
    assert values_of("NPP000")["wages_reported_pct"] == Decimal("24.5")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="nominee ids from a sequence: PostgreSQL")
def test_a_preview_reserves_no_nominee_ids(regions, write_csv):
    def sequence_state():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('awards_nominee', 'id')")
            cursor.execute(f"SELECT last_value, is_called FROM {cursor.fetchone()[0]}")
            return cursor.fetchone()

    before = sequence_state()
    result = run(write_csv([PT_MAJU, UD_SENTOSA]), dry_run=True)

    assert (result.ok, result.nominees_new, result.applied) == (True, 2, False)
    assert sequence_state() == before


def test_one_audit_row_per_import_with_counts_year_file_and_digest(regions, write_csv):
    path = write_csv([PT_MAJU, UD_SENTOSA])
    run(path, file_name="data-bpjs.csv")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor.username, event.summary_text()) == (
        "metrics_import", "importer", "Imported metrics for 2024 from data-bpjs.csv")
    assert event.changes == {
        "rows": [None, "2"], "nominees_new": [None, "2"], "nominees_changed": [None, "0"],
        "nominees_unchanged": [None, "0"], "values_new": [None, "7"], "values_changed": [None, "0"],
        "values_unchanged": [None, "0"], "values_removed": [None, "0"], "year": [None, "2024"],
        "file": [None, "data-bpjs.csv"], "sha256": [None, hashlib.sha256(path.read_bytes()).hexdigest()]}


@pytest.mark.parametrize("role", ["provincial_committee", "reviewer", "observer"])
def test_only_the_national_committee_imports_metrics(users, write_csv, role):
    for dry_run in (True, False):
        with pytest.raises(PermissionDenied):
            run(write_csv([PT_MAJU]), acting_user=users[role], dry_run=dry_run)
    with pytest.raises(PermissionDenied):
        run(write_csv([PT_MAJU]), acting_user=None)
    assert (Nominee.objects.count(), MetricValue.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)
