"""Row locks where they matter (PostgreSQL): a stage closing mid-save and a double submit, from two connections."""
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from awards.models import AuditEvent, Score, Stage
from awards.services.reviews import ReviewError, assignment_save_scores

from .factories import scoring_setup

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def in_thread(target):
    """Run `target` in a thread on its own connection; return (thread, results list)."""
    results = []

    def run():
        try:
            results.append(target())
        except Exception as error:  # noqa: BLE001 - handed back to the test
            results.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, results


def submit(setup):
    return assignment_save_scores(assignment=setup["assignment"], values={c.id: c.scale_max for c in setup["criteria"]},
                                  notes={}, submit=True, acting_user=setup["reviewer"])


def test_a_save_waits_for_a_stage_closing_and_then_refuses(transactional_db, django_db_serialized_rollback):
    setup = scoring_setup(judged=2)
    locked = threading.Event()

    def close_stage():
        with transaction.atomic():
            stage = Stage.objects.select_for_update().get(pk=setup["stage"].pk)
            locked.set()
            time.sleep(0.5)
            stage.status = "closed"
            stage.save(update_fields=["status"])

    thread, _results = in_thread(close_stage)
    assert locked.wait(5)
    with pytest.raises(ReviewError) as error:
        submit(setup)
    thread.join()
    assert str(error.value) == "The stage is closed: scores can no longer change."
    assert Score.objects.count() == 0


def test_two_simultaneous_submits_write_once(transactional_db, django_db_serialized_rollback):
    setup = scoring_setup(judged=2)
    start = threading.Barrier(2)

    def submit_together():
        start.wait(5)
        return submit(setup)

    threads = [in_thread(submit_together) for _ in range(2)]
    for thread, _results in threads:
        thread.join()
    outcomes = sorted((results[0].changed, results[0].status) for _thread, results in threads)
    assert outcomes == [(False, "submitted"), (True, "submitted")]
    assert dict(Score.objects.values_list("criterion__code", "value")) == {
        "nilai-0": Decimal("100.0000"), "nilai-1": Decimal("10.0000")}
    assert AuditEvent.objects.filter(action="assignment_submit").count() == 1
