"""Reviewers' state changes: saving and submitting scores, declaring a conflict of interest."""
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Assignment, AssignmentStatus, Conflict, Criterion, CriterionKind, Score, StageStatus
from .audit import audit_record, diff_fields

FOUR_PLACES = Decimal("0.0001")


class ReviewError(Exception):
    """A change a reviewer asked for that the award's rules refuse; the message says why."""


@dataclass(frozen=True)
class SaveOutcome:
    status: str  # the assignment's status afterwards
    changed: bool  # False when the request changed nothing (a repeated save or submit)


def _lock_assignment(assignment):
    """The assignment row, locked with its stage, so that saves and a stage closing never interleave."""
    return (Assignment.objects.select_for_update(no_key=True, of=("self", "stage"))
            .select_related("stage", "nomination").get(pk=assignment.pk))


STAGE_CLOSED = gettext_lazy("The stage is closed: scores can no longer change.")
STAGE_NOT_OPEN = gettext_lazy("The stage is not open yet: scores cannot be entered.")
CONFLICT_DECLARED = gettext_lazy("You declared a conflict of interest on this nomination: you cannot score it.")


def locked_reason(*, stage, has_conflict):
    """Why nothing may change on an assignment now, or "" when it may."""
    if has_conflict:
        return CONFLICT_DECLARED
    if stage.status == StageStatus.CLOSED:
        return STAGE_CLOSED
    if stage.status != StageStatus.OPEN:
        return STAGE_NOT_OPEN
    return ""


def _check_open(assignment):
    has_conflict = Conflict.objects.filter(nomination_id=assignment.nomination_id,
                                           reviewer_id=assignment.reviewer_id).exists()
    reason = locked_reason(stage=assignment.stage, has_conflict=has_conflict)
    if reason:
        raise ReviewError(str(reason))


def judged_criteria_of(assignment):
    """The judged criteria a reviewer scores on this assignment, in display order."""
    return Criterion.objects.filter(
        category_id=assignment.nomination.category_id, stage_kind=assignment.stage.kind, kind=CriterionKind.JUDGED,
    ).order_by("position", "code")


def validate_value(criterion, value):
    """`value` as stored (4 decimals), or ReviewError naming the criterion and its scale."""
    if value is None:
        return None
    value = Decimal(value)
    if not value.is_finite() or value < criterion.scale_min or value > criterion.scale_max:
        raise ReviewError(_("%(criterion)s: enter a value from %(min)s to %(max)s.") % {
            "criterion": criterion.name, "min": scale_text(criterion.scale_min),
            "max": scale_text(criterion.scale_max)})
    if value != value.quantize(FOUR_PLACES):
        raise ReviewError(_("%(criterion)s: use at most 4 decimal places.") % {"criterion": criterion.name})
    return value.quantize(FOUR_PLACES)


def scale_text(number):
    """A scale bound without trailing zeros (10, 7.5), for messages."""
    number = Decimal(number)
    return str(number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize())


def assignment_save_scores(*, assignment, values, notes, submit, acting_user):
    """Save the reviewer's values and notes ({criterion id: value or None}, {criterion id: text}) as a
    draft, or submit them (every judged criterion needs a value). A submitted assignment may change
    until its stage closes but stays submitted. Every change is audited with old → new."""
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if acting_user is None or acting_user.pk != assignment.reviewer_id:
            raise PermissionDenied
        _check_open(assignment)
        criteria = list(judged_criteria_of(assignment))
        known = {c.id for c in criteria}
        unknown = (set(values) | set(notes)) - known
        if unknown:
            raise ValueError(f"criteria {sorted(unknown)} are not judged criteria of assignment {assignment.pk}")
        was_submitted = assignment.status == AssignmentStatus.SUBMITTED
        if was_submitted and not submit:
            raise ReviewError(_("These scores are already submitted; save your changes as submitted scores "
                                "(a submitted assignment does not go back to draft)."))
        cleaned = {c.id: validate_value(c, values.get(c.id)) for c in criteria}
        if submit:
            missing = [c.name for c in criteria if cleaned[c.id] is None]
            if missing:
                raise ReviewError(_("Enter a value for every criterion before submitting; missing: %(names)s.")
                                  % {"names": ", ".join(missing)})

        now = timezone.now()
        existing = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment)}
        changes, created, updated = {}, [], []
        for criterion in criteria:
            new = {"value": cleaned[criterion.id], "note": (notes.get(criterion.id) or "").strip()}
            score = existing.get(criterion.id)
            old = {"value": score.value, "note": score.note} if score else {"value": None, "note": ""}
            diff = diff_fields(old, new, ["value", "note"])
            if not diff:
                continue
            for field, pair in diff.items():
                changes[f"{criterion.code}.{field}"] = pair
            if score is None:
                created.append(Score(assignment=assignment, criterion=criterion, **new))
            else:
                score.value, score.note, score.updated_at = new["value"], new["note"], now
                updated.append(score)
        Score.objects.bulk_create(created)
        Score.objects.bulk_update(updated, ["value", "note", "updated_at"])

        if submit:
            status = AssignmentStatus.SUBMITTED
        else:
            status = AssignmentStatus.DRAFT if changes else assignment.status
        if status != assignment.status or (submit and changes):
            if status != assignment.status:
                changes["status"] = [assignment.status, status]
            if submit:
                changes["submitted_at"] = [None if assignment.submitted_at is None else assignment.submitted_at.isoformat(),
                                           now.isoformat()]
                assignment.submitted_at = now
            assignment.status = status
            assignment.save(update_fields=["status", "submitted_at"])
        if not changes:
            return SaveOutcome(status=assignment.status, changed=False)
        action = "assignment_submit" if submit else "assignment_scores_save"
        audit_record(actor=acting_user, action=action, obj=assignment, changes=changes,
                     summary=f"{assignment.nomination_id} · {assignment.stage.kind}")
    return SaveOutcome(status=assignment.status, changed=True)


def assignment_declare_conflict(*, assignment, reason, acting_user):
    """Declare a conflict of interest on the assignment's nomination: its scores stop counting (the scoring
    engine ignores the reviewer there) and it leaves the work list. Refused once the stage is closed."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Give the reason for the conflict of interest."))
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if acting_user is None or acting_user.pk != assignment.reviewer_id:
            raise PermissionDenied
        _check_open(assignment)
        conflict = Conflict.objects.create(nomination_id=assignment.nomination_id, reviewer=acting_user,
                                           reason=reason)
        audit_record(actor=acting_user, action="conflict_declare", obj=conflict,
                     changes={"reason": [None, reason]},
                     summary=f"{assignment.nomination_id} · {assignment.stage.kind}")
    return conflict
