from django.core.management import call_command

from awards.models import Nominee


def test_bench_export_times_both_formats_and_leaves_nothing_behind(db, capsys):
    call_command("bench_export", "--rows", "30")
    out = capsys.readouterr().out
    for label in ["engine", "rows             30 nominees", "load (raw)", "export CSV", "first bytes after",
                  "export XLSX"]:
        assert label in out
    assert not Nominee.objects.filter(code__startswith="BENCH").exists()


def test_bench_export_keep_reuses_the_loaded_rows(db, capsys):
    call_command("bench_export", "--rows", "20", "--keep", "--format", "csv")
    assert Nominee.objects.filter(code__startswith="BENCH").count() == 20
    capsys.readouterr()
    call_command("bench_export", "--rows", "20", "--format", "csv")
    out = capsys.readouterr().out
    assert "load (raw)" not in out and "export CSV" in out and "export XLSX" not in out
    assert not Nominee.objects.filter(code__startswith="BENCH").exists()
