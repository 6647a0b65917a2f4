"""The version of the metric scoring inputs on PostgreSQL (migration 0011), with two connections. In its own
module: the demo edition of the other committee tests is seeded in a module-wide transaction."""
import pytest
from django.db import connection

from awards.models import Nominee

from .test_metric_cache import version


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_writer_does_not_wait_on_another_for_the_version_and_each_commit_changes_it():
    """Migration 0011: while one transaction has written (its counter held until it commits), another writes
    and commits without waiting; the version grows at each commit, not before."""
    import threading

    from django.db import connections, transaction

    from ..scoring import factories

    first, second = factories.nominee().pk, factories.nominee().pk
    written, release, errors = threading.Event(), threading.Event(), []

    def long_writer():
        try:
            with transaction.atomic():
                Nominee.objects.filter(pk=first).update(name="Long")
                written.set()
                release.wait(10)
        except Exception as error:  # noqa: BLE001 - handed back to the test
            errors.append(error)
        finally:
            connections.close_all()

    before = int(version())
    thread = threading.Thread(target=long_writer)
    thread.start()
    assert written.wait(10)
    try:
        with transaction.atomic():
            connection.cursor().execute("SET LOCAL lock_timeout = '2s'")  # waiting would fail, not hang
            Nominee.objects.filter(pk=second).update(name="Short")
        after_short = int(version())
    finally:
        release.set()
        thread.join()
    assert errors == []
    assert before < after_short < int(version())
