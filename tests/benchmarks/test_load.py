"""bench_load at a tiny size against gunicorn on the PostgreSQL test database: every reviewer signs in and
submits, nothing is lost, and the load reviewers' work is removed afterwards."""
import re

import pytest
from django.core.management import call_command
from django.db import connection

from awards.models import Assignment

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn's processes reach the test database "
                                                                  "on PostgreSQL only"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_bench_load_scores_through_gunicorn_and_loses_nothing(capsys, settings):
    from django.conf import global_settings

    from awards.services.demo import demo_seed

    # The servers check passwords with the real hashers, not the test suite's fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    demo_seed()
    call_command("bench_load", "--reviewers", "3", "--assignments", "2", "--workers", "2", "--port", "8799")
    out = capsys.readouterr().out
    assert re.search(r"^requests +24 in ", out, re.M), out
    assert re.search(r"^errors +0$", out, re.M) and re.search(r"^lost updates +0$", out, re.M), out
    assert [line.split()[0] for line in out.splitlines()[3:8]] == ["sign-in", "sign", "scoring", "save", "submit"]
    assert Assignment.objects.filter(reviewer__username__startswith="load_reviewer_").count() == 0
