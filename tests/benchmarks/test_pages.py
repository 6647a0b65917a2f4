"""bench_pages on a small synthetic edition: every page answers, and a list page's queries do not depend on the page."""
import re

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_pages_times_every_page_with_a_query_count_independent_of_the_page(capsys):
    from awards.models import AuditEvent, Edition

    call_command("bench_pages", "--nominees", "3000", "--runs", "2", "--audit-events", "300")
    lines = capsys.readouterr().out.splitlines()
    table = {m[1].strip(): (float(m[2]), float(m[3]), int(m[4]))
             for m in (re.match(r"(.{58}) +([\d.]+) +([\d.]+) +(\d+) +(\d+) +([\d.]+)$", line) for line in lines) if m}
    assert len(table) == 11
    # The first and the largest metric category of the round: the same queries, whatever their rows.
    metric_leaderboards = {count for name, (_p50, _p95, count) in table.items()
                           if name.startswith("leaderboard ") and "judged" not in name}
    assert len([name for name in table if name.startswith("leaderboard ")]) == 3 and len(metric_leaderboards) == 1
    queries = {name: count for name, (_p50, _p95, count) in table.items()}
    assert queries["nominations, provincial round XP0"] == queries["nominations, provincial round XP0, page 10"]
    assert queries["audit trail"] == queries["audit trail, page 100"]
    assert all(p50 <= p95 for p50, p95, _count in table.values())
    # What the command added for the measurement is rolled back; the dataset stays for the next run.
    assert (AuditEvent.objects.count(), Edition.objects.get().name) == (0, "Bench N=3000")
