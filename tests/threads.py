"""Several people acting at the same instant: each target in its own thread and database connection."""
import threading

from django.db import connections
from django.utils import translation


def at_once(*targets):
    """Run each target in its own thread and connection, released together; their results or errors.

    Each thread reads messages in English, like the tests that call it (the active language is per thread)."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait(10)
            with translation.override("en"):
                results[index] = target()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results
