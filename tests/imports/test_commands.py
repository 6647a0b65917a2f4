from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from awards.models import MetricValue, Nominee

from .conftest import values_of

ROW = ["NPP001", "business", "PT Maju", "18.72", "large", "finance", "120", "100", "95.5", "12"]


def test_import_metrics_command_imports_and_summarises(users, write_csv, capsys):
    call_command("import_metrics", str(write_csv([ROW])), "--year", "2024", "--by", "pusat", "--no-progress", "--language", "en")
    out = capsys.readouterr().out
    assert out.startswith("1 rows in ")
    assert out.split(" s. ", 1)[1] == ("Nominees: 1 new, 0 changed, 0 unchanged. Values: 4 new, 0 changed, "
                                        "0 unchanged, 0 removed.\nNumbers were read in the plain (1234567.5) "
                                        'format, detected from the file: "95.5" on row 2, column '
                                        "wages_reported_pct.\n")
    assert values_of("NPP001")["employees_total"] == Decimal("120")


def test_import_metrics_command_takes_a_number_format(users, write_csv, capsys):
    row = ROW[:6] + ["1.234", "1.000", "", ""]  # "1.234" reads both ways: the choice decides
    call_command("import_metrics", str(write_csv([row])), "--year", "2024", "--by", "pusat", "--no-progress",
                 "--language", "en", "--number-format", "id")
    assert capsys.readouterr().out.splitlines()[1] == "Numbers were read in the Indonesian (1.234.567,5) format, as chosen."
    assert values_of("NPP001") == {"employees_total": Decimal("1234"), "employees_registered": Decimal("1000")}


def test_import_metrics_command_fails_with_every_problem_and_writes_them_beside_the_file(users, write_csv, capsys):
    bad = ["NPP002", "business", "PT Rugi", "18.72", "", "", "-1", "", "101", ""]
    path = write_csv([ROW, bad])

    with pytest.raises(CommandError) as caught:
        call_command("import_metrics", str(path), "--year", "2024", "--by", "pusat", "--no-progress", "--language", "en")

    problems = path.with_name("metrics.csv.problems.csv")
    assert str(caught.value) == (f"2 problems in metrics.csv; nothing was imported. The full list is in {problems}.")
    assert capsys.readouterr().err == (
        "row 3, column employees_total: A value may not be negative.\n"
        "row 3, column wages_reported_pct: A percentage must be between 0 and 100.\n")
    assert problems.read_bytes().decode("utf-8-sig").splitlines() == [
        "row,column,problem", "3,employees_total,A value may not be negative.",
        "3,wages_reported_pct,A percentage must be between 0 and 100."]
    assert (Nominee.objects.count(), MetricValue.objects.count()) == (0, 0)


def test_import_metrics_command_dry_run(users, write_csv, capsys):
    call_command("import_metrics", str(write_csv([ROW])), "--year", "2024", "--by", "pusat", "--dry-run", "--no-progress",
                 "--language", "en")
    assert capsys.readouterr().out.splitlines()[0].endswith("0 removed. Dry run: nothing was written.")
    assert Nominee.objects.count() == 0


def test_import_metrics_command_refuses_a_missing_file(users, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("import_metrics", str(tmp_path / "none.csv"), "--year", "2024", "--by", "pusat", "--language", "en")
    assert str(caught.value) == f"No such file: {tmp_path / 'none.csv'}"


def test_export_metrics_command_writes_csv_and_xlsx_that_import_back(users, write_csv, tmp_path, capsys):
    call_command("import_metrics", str(write_csv([ROW])), "--year", "2024", "--by", "pusat", "--no-progress")
    call_command("export_metrics", str(tmp_path / "out.csv"), "--year", "2024", "--kind", "business",
                 "--province", "18")
    call_command("export_metrics", str(tmp_path / "out.xlsx"), "--year", "2024")

    assert (tmp_path / "out.csv").read_bytes().decode("utf-8-sig").splitlines()[1] == (
        "NPP001,business,PT Maju,18.72,large,finance,120,100,,95.5,12,,,,,")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True).worksheets[0]
    assert [list(r)[:8] for r in sheet.iter_rows(values_only=True)][1] == [
        "NPP001", "business", "PT Maju", "18.72", "large", "finance", None, None]
    call_command("import_metrics", str(tmp_path / "out.xlsx"), "--year", "2024", "--by", "pusat", "--no-progress", "--language", "en")
    assert "Values: 0 new, 0 changed, 4 unchanged, 0 removed." in capsys.readouterr().out


def test_export_metrics_command_refuses_an_unknown_province(users, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("export_metrics", str(tmp_path / "out.csv"), "--year", "2024", "--province", "18.72")
    assert str(caught.value) == "Unknown province code 18.72."
