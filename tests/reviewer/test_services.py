"""Saving, submitting and conflicts: the rules of awards/services/reviews.py, refusals included."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from awards.models import AssignmentStatus, AuditEvent, Conflict, Score, Stage
from awards.services.reviews import ReviewError, assignment_declare_conflict, assignment_save_scores

from .factories import reviewer, scoring_setup


@pytest.fixture
def setup(db):
    return scoring_setup(judged=2)


def save(setup, values, *, submit=False, notes=None, user=None):
    a, b = setup["criteria"]
    return assignment_save_scores(
        assignment=setup["assignment"], values={a.id: values[0], b.id: values[1]},
        notes=notes or {}, submit=submit, acting_user=user or setup["reviewer"])


def stored(setup):
    return dict(Score.objects.filter(assignment=setup["assignment"]).values_list("criterion__code", "value"))


def test_save_draft_stores_values_and_marks_draft(setup):
    outcome = save(setup, [Decimal("75.5"), None], notes={setup["criteria"][0].id: " good plan "})
    assert (outcome.status, outcome.changed) == (AssignmentStatus.DRAFT, True)
    assert stored(setup) == {"nilai-0": Decimal("75.5000")}
    assert Score.objects.get(criterion=setup["criteria"][0]).note == "good plan"
    setup["assignment"].refresh_from_db()
    assert (setup["assignment"].status, setup["assignment"].submitted_at) == (AssignmentStatus.DRAFT, None)


def test_empty_draft_changes_nothing(setup):
    outcome = save(setup, [None, None])
    assert (outcome.status, outcome.changed) == (AssignmentStatus.NOT_STARTED, False)
    assert AuditEvent.objects.count() == 0


def test_every_change_is_audited_with_old_and_new(setup):
    save(setup, [Decimal("70"), None])
    save(setup, [Decimal("80"), Decimal("7")], submit=True)
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor__username", "object_id", "changes"))
    pk = str(setup["assignment"].pk)
    assert events[0] == ("assignment_scores_save", "rina", pk, {
        "nilai-0.value": [None, "70.0000"], "status": ["not_started", "draft"]})
    action, actor, object_id, changes = events[1]
    assert (action, actor, object_id) == ("assignment_submit", "rina", pk)
    submitted_at = changes.pop("submitted_at")
    assert submitted_at[0] is None and submitted_at[1].startswith(str(setup["assignment"].created_at.year))
    assert changes == {"nilai-0.value": ["70.0000", "80.0000"], "nilai-1.value": [None, "7.0000"],
                       "status": ["draft", "submitted"]}


def test_submit_needs_every_value(setup):
    with pytest.raises(ReviewError) as error:
        save(setup, [Decimal("80"), None], submit=True)
    assert str(error.value) == "Enter a value for every criterion before submitting; missing: nilai-1."
    assert stored(setup) == {}


def test_values_outside_the_scale_are_refused_with_the_scale(setup):
    with pytest.raises(ReviewError) as error:
        save(setup, [Decimal("50"), Decimal("11")])
    assert str(error.value) == "nilai-1: enter a value from 1 to 10."
    with pytest.raises(ReviewError) as error:
        save(setup, [Decimal("-0.5"), Decimal("1")])
    assert str(error.value) == "nilai-0: enter a value from 0 to 100."
    with pytest.raises(ReviewError) as error:
        save(setup, [Decimal("50.12345"), Decimal("1")])
    assert str(error.value) == "nilai-0: use at most 4 decimal places."
    assert stored(setup) == {}


def test_submitted_scores_may_change_until_the_stage_closes_and_stay_submitted(setup):
    save(setup, [Decimal("80"), Decimal("7")], submit=True)
    outcome = save(setup, [Decimal("85"), Decimal("7")], submit=True)
    assert (outcome.status, outcome.changed) == (AssignmentStatus.SUBMITTED, True)
    assert stored(setup) == {"nilai-0": Decimal("85.0000"), "nilai-1": Decimal("7.0000")}
    assert AuditEvent.objects.filter(action="assignment_submit").count() == 2


def test_a_repeated_submit_changes_nothing(setup):
    save(setup, [Decimal("80"), Decimal("7")], submit=True)
    setup["assignment"].refresh_from_db()
    first_time = setup["assignment"].submitted_at
    outcome = save(setup, [Decimal("80.0"), Decimal("7")], submit=True)
    assert (outcome.status, outcome.changed) == (AssignmentStatus.SUBMITTED, False)
    setup["assignment"].refresh_from_db()
    assert setup["assignment"].submitted_at == first_time
    assert AuditEvent.objects.count() == 1


def test_a_submitted_assignment_does_not_go_back_to_draft(setup):
    save(setup, [Decimal("80"), Decimal("7")], submit=True)
    with pytest.raises(ReviewError) as error:
        save(setup, [Decimal("10"), Decimal("7")])
    assert str(error.value).startswith("These scores are already submitted")
    assert stored(setup) == {"nilai-0": Decimal("80.0000"), "nilai-1": Decimal("7.0000")}


@pytest.mark.parametrize(("status", "message"), [
    ("closed", "The stage is closed: scores can no longer change."),
    ("draft", "The stage is not open yet: scores cannot be entered."),
])
def test_nothing_changes_unless_the_stage_is_open(setup, status, message):
    save(setup, [Decimal("80"), Decimal("7")], submit=True)
    Stage.objects.filter(pk=setup["stage"].pk).update(status=status)
    with pytest.raises(ReviewError) as error:
        save(setup, [Decimal("10"), Decimal("2")], submit=True)
    assert str(error.value) == message
    with pytest.raises(ReviewError):
        assignment_declare_conflict(assignment=setup["assignment"], reason="family", acting_user=setup["reviewer"])
    assert stored(setup) == {"nilai-0": Decimal("80.0000"), "nilai-1": Decimal("7.0000")}
    assert Conflict.objects.count() == 0


def test_only_the_assigned_reviewer_may_save(setup):
    with pytest.raises(PermissionDenied):
        save(setup, [Decimal("10"), None], user=reviewer("someone"))
    assert stored(setup) == {}


def test_criteria_of_another_category_or_stage_are_a_programming_error(setup):
    from tests.scoring import factories as f

    interview = f.judged_criterion(setup["category"], "wawancara", stage_kind="interview")
    with pytest.raises(ValueError):
        assignment_save_scores(assignment=setup["assignment"], values={interview.id: Decimal(5)}, notes={},
                               submit=False, acting_user=setup["reviewer"])


def test_conflict_is_declared_with_a_reason_and_blocks_scoring(setup):
    save(setup, [Decimal("80"), None])
    conflict = assignment_declare_conflict(assignment=setup["assignment"], reason="  I advise this regency ",
                                           acting_user=setup["reviewer"])
    assert (conflict.nomination_id, conflict.reviewer_id, conflict.reason) == (
        setup["nomination"].pk, setup["reviewer"].pk, "I advise this regency")
    event = AuditEvent.objects.get(action="conflict_declare")
    assert (event.actor_id, event.object_id, event.changes) == (
        setup["reviewer"].pk, str(conflict.pk), {"reason": [None, "I advise this regency"]})
    with pytest.raises(ReviewError) as error:
        save(setup, [Decimal("90"), None])
    assert str(error.value) == "You declared a conflict of interest on this nomination: you cannot score it."
    with pytest.raises(ReviewError):
        assignment_declare_conflict(assignment=setup["assignment"], reason="again", acting_user=setup["reviewer"])
    assert Conflict.objects.count() == 1


def test_conflict_needs_a_reason(setup):
    with pytest.raises(ReviewError) as error:
        assignment_declare_conflict(assignment=setup["assignment"], reason="   ", acting_user=setup["reviewer"])
    assert str(error.value) == "Give the reason for the conflict of interest."
    assert Conflict.objects.count() == 0


def test_conflicted_reviewer_stops_counting_in_the_scoring_engine(setup):
    from awards.scoring import rank_group

    save(setup, [Decimal("100"), Decimal("10")], submit=True)
    nomination = setup["nomination"]

    def judged_score():
        ranking = rank_group(setup["category"], setup["round"], setup["stage"])
        judged = ranking.results["assessment"].judged.get(nomination.pk, {})
        return judged.get(setup["criteria"][0].id)

    assert judged_score().score == Decimal(100)
    assignment_declare_conflict(assignment=setup["assignment"], reason="family", acting_user=setup["reviewer"])
    assert judged_score() is None
