"""Row locks where they matter (PostgreSQL), from separate connections: saves in one stage run side by side, a
stage closing waits for a save in flight, a save after the close is refused, a double submit writes once."""
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import translation

from awards.models import Assignment, AuditEvent, Role, Score, Stage
from awards.services.reviews import ReviewError, assignment_save_scores
from awards.services.stages import stage_close

from .factories import reviewer, scoring_setup

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


def submit(setup, assignment=None):
    assignment = assignment or setup["assignment"]
    return assignment_save_scores(assignment=assignment, values={c.id: c.scale_max for c in setup["criteria"]},
                                  notes={}, submit=True, acting_user=assignment.reviewer)


def save_and_hold(setup, held, release):
    """Reviewer A's submit inside a transaction kept open (its locks held) until `release`; returns whether
    the release came before the wait gave up."""
    def run():
        with transaction.atomic():
            submit(setup)
            held.set()
            return release.wait(20)
    return run


def waiting_for_a_lock():
    """Whether another connection is waiting for a row lock right now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0] > 0


def second_assignment(setup):
    return Assignment.objects.create(nomination=setup["other_nomination"], stage=setup["stage"],
                                     reviewer=reviewer("budi"))


def test_saves_in_one_stage_do_not_wait_for_each_other(transactional_db, django_db_serialized_rollback):
    setup = scoring_setup(judged=2)
    other = second_assignment(setup)
    held, release = threading.Event(), threading.Event()
    thread, results = in_thread(save_and_hold(setup, held, release))
    assert held.wait(10)
    try:
        outcome = submit(setup, other)  # reviewer B, while A's transaction holds its locks
    finally:
        release.set()
        thread.join()
    assert results == [True]  # A was still holding when B's save returned
    assert (outcome.changed, outcome.status) == (True, "submitted")
    assert Score.objects.count() == 4


def test_closing_a_stage_waits_for_a_save_in_flight(transactional_db, django_db_serialized_rollback, make_user):
    setup = scoring_setup(judged=2)
    committee = make_user("ketua", Role.COMMITTEE)
    held, release = threading.Event(), threading.Event()
    saving, save_results = in_thread(save_and_hold(setup, held, release))
    assert held.wait(10)
    closing, close_results = in_thread(lambda: stage_close(stage=setup["stage"], acting_user=committee))
    try:
        for _attempt in range(200):
            if waiting_for_a_lock():
                break
            time.sleep(0.05)
        else:
            pytest.fail("the close did not wait for the save")
        assert Stage.objects.get(pk=setup["stage"].pk).status == "open"
    finally:
        release.set()
        saving.join()
        closing.join()
    assert save_results == [True]
    assert close_results[0].status == "closed"
    # The save landed before the close, which then found it submitted (no "closed with … unsubmitted").
    with translation.override(settings.LANGUAGE_CODE):  # the language of the closing thread
        assert AuditEvent.objects.get(action="stage_close").summary_text() == str(setup["stage"])
    assert Score.objects.count() == 2
    with pytest.raises(ReviewError) as error:
        submit(setup, second_assignment(setup))
    assert str(error.value) == "The stage is closed: scores can no longer change."


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
