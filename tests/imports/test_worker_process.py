"""The job worker as production runs it: `manage.py db_worker`, a process of its own, taking the jobs the
upload page queued from the PostgreSQL database (the SQLite test database lives in this process's memory,
where no other process can reach it)."""
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from awards.models import Job, JobState

from .conftest import values_of
from .test_views import ROWS, client_for, csv_upload

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
                                reason="another process reaches the test database on PostgreSQL only")


def worker_process(settings):
    """Run one worker until the queue is empty, against this test's database and files."""
    database = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                                         f"{database['NAME']}", "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    result = subprocess.run([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
                             "--no-reload"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_checks_then_imports_what_the_page_queued(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(users["committee"])
    started = client.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})
    check = Job.objects.get()

    worker_process(settings)

    check.refresh_from_db()
    assert (check.state, check.result["ok"], check.result["values_new"]) == (JobState.DONE, True, 6)
    assert check.rows_checked == 2 and check.started_at <= check.finished_at
    assert values_of("NPP001") == {}
    confirmed = client.post(reverse("job-confirm", args=[check.pk]))
    worker_process(settings)

    done = client.get(confirmed["Location"])
    assert done.context["job"].state == JobState.DONE and started.status_code == 302
    assert values_of("NPP001")["employees_total"] == Decimal("120")
