from decimal import Decimal

import openpyxl
import pytest

from awards.imports.metrics_export import MetricsExport, export_csv_chunks, export_rows, export_xlsx_file
from awards.imports.metrics_import import metrics_import

from .conftest import EMPLOYER_HEADER, database_state, national_committee

EMPLOYER_METRICS = ["employees_total", "employees_registered", "programs_enrolled", "wages_reported_pct",
                    "contributions_on_time_months", "daily_workers_total", "daily_workers_registered",
                    "vendors_total", "vendors_registered", "csr_vulnerable_protected"]
HEADER = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "size", "sector"] + EMPLOYER_METRICS


@pytest.fixture
def loaded(regions, write_csv):
    rows = [
        ["NPP001", "business", "=HYPERLINK(\"http://x\")", "18.72", "large", "finance", "120", "100", "95.5", "12"],
        ["NPP002", "umkm", "-Koperasi Maju", "18.72", "micro", "", "8", "8", "", "10"],
        ["NPP003", "business", "PT Jakarta", "31.71", "medium", "health", "1000000", "", "24.25", ""],
    ]
    result = metrics_import(acting_user=national_committee(), path=write_csv(rows), year=2024)
    assert result.problems == []
    header = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "employees_total"]
    metrics_import(acting_user=national_committee(), path=write_csv([rows[0][:4] + ["5"]], header=header, name="y.csv"), year=2023)
    return result


def test_export_rows_by_kind_with_formulas_neutralised(loaded):
    rows = list(export_rows(MetricsExport(year=2024, kind="business")))
    empty = [""] * 5
    assert rows == [
        HEADER,
        ["NPP001", "business", "'=HYPERLINK(\"http://x\")", "18.72", "large", "finance", "120", "100", "", "95.5",
         "12"] + empty,
        ["NPP003", "business", "PT Jakarta", "31.71", "medium", "health", "1000000", "", "", "24.25", ""] + empty,
    ]


def test_export_by_province_and_year(loaded):
    rows = list(export_rows(MetricsExport(year=2024, province="18")))
    assert [r[:3] for r in rows[1:]] == [["NPP001", "business", "'=HYPERLINK(\"http://x\")"],
                                        ["NPP002", "umkm", "'-Koperasi Maju"]]
    assert len(rows[0]) == 6 + 29  # no kind: every metric has a column
    assert [r[0] for r in export_rows(MetricsExport(year=2023))][1:] == ["NPP001"]
    assert list(export_rows(MetricsExport(year=2022))) == [rows[0]]


def test_export_csv_is_streamed_in_chunks_with_a_bom(loaded):
    chunks = list(export_csv_chunks(MetricsExport(year=2024, kind="umkm")))
    assert chunks == [
        "\ufeff",
        ",".join(HEADER) + "\r\n" + "NPP002,umkm,'-Koperasi Maju,18.72,micro,,8,8,,,10,,,,,\r\n",
    ]


def test_export_reads_the_same_queries_whatever_the_size(loaded, django_assert_num_queries, write_csv):
    # the definitions, then one query read in blocks (inside a savepoint: a cursor without hold)
    with django_assert_num_queries(4):
        assert len(list(export_rows(MetricsExport(year=2024)))) == 4
    more = [[f"NPP1{i:02d}", "business", f"PT {i}", "18.72", "", "", "1", "", "", ""] for i in range(30)]
    metrics_import(acting_user=national_committee(), path=write_csv(more, name="more.csv"), year=2024)
    with django_assert_num_queries(4):
        assert len(list(export_rows(MetricsExport(year=2024)))) == 34


def test_export_reads_in_blocks_and_streams_a_chunk_per_block(loaded, monkeypatch):
    from awards.imports import metrics_export

    whole = list(export_rows(MetricsExport(year=2024)))
    monkeypatch.setattr(metrics_export, "FETCH", 2)
    assert list(export_rows(MetricsExport(year=2024))) == whole
    assert [r[0] for r in whole] == ["nominee_code", "NPP001", "NPP002", "NPP003"]
    chunks = list(export_csv_chunks(MetricsExport(year=2024)))
    assert len(chunks) == 3 and chunks[1].startswith("nominee_code,") and chunks[2].startswith("NPP003,")


@pytest.mark.parametrize("text", ["0", "0.0001", "7", "24.5", "24.25", "1000000", "100000000000000",
                                  "99999999999.9999", "1234567890123456", "1234567890123456.25", "0.1"])
def test_export_writes_a_value_as_the_database_reads_it(regions, text):
    # Every value through the export's own text path against the ORM's reading of it (SQLite keeps
    # 15 significant digits): CSV text as format_decimal, XLSX as decimal_for_xlsx.
    from awards.imports.numbers import decimal_for_xlsx, format_decimal
    from awards.models import MetricDefinition, MetricValue, Nominee

    nominee = Nominee.objects.create(code="18", kind="province_government", name="Lampung", region_id="18",
                                     province_id="18")
    metric = MetricDefinition.objects.get(code="protection_budget_idr")
    MetricValue.objects.create(nominee=nominee, year=2024, metric=metric, value=Decimal(text))
    stored = MetricValue.objects.get(nominee=nominee, year=2024, metric=metric).value
    spec = MetricsExport(year=2024, kind="province_government")
    column = next(export_rows(spec)).index("protection_budget_idr")
    assert list(export_rows(spec))[1][column] == format_decimal(stored)
    cell = list(export_rows(spec, for_xlsx=True))[1][column]
    assert cell == decimal_for_xlsx(stored) and type(cell) is type(decimal_for_xlsx(stored))


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(loaded, tmp_path, extension):
    spec = MetricsExport(year=2024)
    path = tmp_path / f"export.{extension}"
    if extension == "xlsx":
        export_xlsx_file(spec, path)
    else:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(export_csv_chunks(spec))
    before = database_state()

    result = metrics_import(acting_user=national_committee(), path=path, year=2024)

    assert result.problems == []
    assert (result.nominees_new, result.nominees_changed, result.nominees_unchanged) == (0, 0, 3)
    assert (result.values_new, result.values_changed, result.values_unchanged, result.values_removed) == (0, 0, 9, 0)
    assert database_state() == before


def test_export_xlsx_cells_are_numbers_and_neutralised_text(loaded, tmp_path):
    path = tmp_path / "x.xlsx"
    export_xlsx_file(MetricsExport(year=2024, kind="business"), path)
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert rows[1][:10] == ["NPP001", "business", "'=HYPERLINK(\"http://x\")", "18.72", "large", "finance", 120, 100,
                            None, 95.5]
    assert rows[2][6] == 1000000 and rows[2][9] == 24.25
    assert Decimal(repr(rows[2][9])) == Decimal("24.25")


def test_export_header_matches_import_header(loaded):
    rows = list(export_rows(MetricsExport(year=2024, kind="business")))
    assert set(EMPLOYER_HEADER) <= set(rows[0])


def test_export_csv_for_an_indonesian_spreadsheet_imports_back(loaded, tmp_path):
    """In Indonesian the export separates cells with ";" and writes "95,5": what Indonesian Excel opens in
    columns, and what the import reads back without being told (the format is read from the numbers)."""
    from django.utils import translation

    spec = MetricsExport(year=2024, kind="business")
    with translation.override("id"):
        chunks = export_csv_chunks(spec)  # the style is the active language's when the export is asked for
    text = "".join(chunks)
    assert text.splitlines()[:2] == [
        "\ufeff" + ";".join(HEADER),
        "NPP001;business;\"'=HYPERLINK(\"\"http://x\"\")\";18.72;large;finance;120;100;;95,5;12" + ";" * 5]
    path = tmp_path / "export-id.csv"
    path.write_text(text, encoding="utf-8")
    before = database_state()

    result = metrics_import(acting_user=national_committee(), path=path, year=2024)

    assert (result.problems, result.number_format, result.number_format_evidence) == (
        [], "id", (2, "wages_reported_pct", "95,5"))
    assert (result.nominees_unchanged, result.values_unchanged, result.values_changed) == (2, 6, 0)
    assert database_state() == before
