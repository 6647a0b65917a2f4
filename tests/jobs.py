"""Running background jobs in tests the way a worker does: django-tasks-db's own worker loop, in this
thread, until the queue is empty."""
from unittest import mock

from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker


def run_worker():
    """Let the work a test queued run: first the on-commit hooks that a test's own transaction holds back
    (a transactional test has none left), then the real worker loop until no job is ready. Returns how
    many tasks the loop ran."""
    while connection.run_on_commit:
        _savepoints, callback, _robust = connection.run_on_commit.pop(0)
        callback()
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    # The loop closes stale connections between tasks, as a worker process must; inside a test's
    # transaction that would end the test's connection, so it is left open here (as the test client does).
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
    return worker._run_tasks
