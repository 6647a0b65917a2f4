"""bench_import at a tiny N: every figure printed, nothing left behind."""
from django.core.management import call_command

from awards.models import Nominee


def test_bench_import_prints_both_timings_and_leaves_nothing_behind(users, capsys):
    call_command("bench_import", "--rows", "30", "--reimport", "--export", "--no-progress", "--by", "pusat")
    labels = [line.split("  ")[0] for line in capsys.readouterr().out.splitlines()]
    assert labels == ["engine", "rows", "write file", "import", "re-import", "raw load", "import / raw",
                      "export CSV", "export XLSX"]
    assert Nominee.objects.filter(code__startswith="BENCH").count() == 0
