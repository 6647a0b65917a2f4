"""Reviewers' state changes: saving and submitting scores (from the reviewer's page, or from a paper
score sheet a committee member enters for them), declaring a conflict of interest."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    Criterion,
    CriterionKind,
    Panel,
    Role,
    Score,
    Stage,
    StageKind,
    StageStatus,
)
from ..people import person_name
from .audit import audit_record, diff_fields
from .standings import standings_changed

FOUR_PLACES = Decimal("0.0001")


class ReviewError(Exception):
    """A change a reviewer asked for that the award's rules refuse; the message says why.

    `field` names the part of the request at fault ("round", "stage", "reviewer", "submitted", "overwrite"…) so
    that a score sheet can point at the column; "" when it is the request as a whole."""

    def __init__(self, message, *, field=""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SaveOutcome:
    status: str  # the assignment's status afterwards
    changed: bool  # False when the request changed nothing (a repeated save or submit)
    changes: dict = field(default_factory=dict)  # what the audit row records, {name: [old, new]}
    overwritten: bool = False  # submitted scores were replaced by someone other than the reviewer


def _lock_assignment(assignment):
    """The assignment row, locked for this save, with its stage row held FOR SHARE.

    Saves in one stage share the stage lock and so run side by side; closing the stage takes the row
    FOR UPDATE (services/stages.py), which waits for the saves in flight, and a save that comes after
    the close reads the stage closed and is refused. The stage is locked first so that the status read
    with the assignment is the one that holds until commit. Django has no FOR SHARE, hence the SQL;
    SQLite has no row locks, and its single writer (BEGIN IMMEDIATE) already serialises the two.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(Stage._meta.db_table)} WHERE id = %s FOR SHARE",
                           [assignment.stage_id])
    return (Assignment.objects.select_for_update(no_key=True, of=("self",))
            .select_related("stage__round", "nomination__nominee", "reviewer__profile").get(pk=assignment.pk))


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


def _audit_summary(assignment, source=""):
    """(summary, parameters) of an assignment's audit row: whose nomination, at which stage, from which sheet."""
    params = {"nominee": assignment.nomination.nominee.name, "stage": StageKind(assignment.stage.kind).label}
    if source:
        return gettext_lazy("%(nominee)s · %(stage)s · %(source)s"), {**params, "source": source}
    return gettext_lazy("%(nominee)s · %(stage)s"), params


def assignment_save_scores(*, assignment, values, notes, submit, acting_user):
    """Save the reviewer's values and notes ({criterion id: value or None}, {criterion id: text}) as a
    draft, or submit them (every judged criterion needs a value). A submitted assignment may change
    until its stage closes but stays submitted. Every change is audited with old → new."""
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if acting_user is None or acting_user.pk != assignment.reviewer_id:
            raise PermissionDenied
        _check_open(assignment)
        criteria = _criteria_for(assignment, set(values) | set(notes))
        return _scores_write(
            assignment=assignment, criteria=criteria, submit=submit, acting_user=acting_user,
            values={c.id: values.get(c.id) for c in criteria},
            notes={c.id: notes.get(c.id) for c in criteria},
            summary=_audit_summary(assignment))


SHEET_NOT_IN_SCOPE = gettext_lazy("%(user)s may not manage this round (%(round)s): a provincial committee manages "
                                  "only its own province's provincial round.")
SHEET_NOT_A_REVIEWER = gettext_lazy("%(reviewer)s is not a reviewer (Penilai/Juri): only a reviewer's scores count.")
SHEET_NOT_ON_PANEL = gettext_lazy("%(reviewer)s is not a member of a panel of this round.")
SHEET_CONFLICT = gettext_lazy("%(reviewer)s declared a conflict of interest on this nomination: their scores cannot "
                              "be entered.")


def sheet_entry_refusal(*, acting_user, stage, nomination, reviewer):
    """Why `acting_user` may not enter `reviewer`'s scores on `nomination` at `stage` now, as
    (field, message), or None when they may. The rules of the reviewer's own page, seen from the
    committee: in the committee member's scope, the stage open, the account a reviewer on one of
    the round's panels, no declared conflict."""
    round_ = stage.round
    if not permissions.can_manage_round(acting_user, round_):
        return "round", SHEET_NOT_IN_SCOPE % {"user": person_name(acting_user), "round": round_}
    if stage.status == StageStatus.CLOSED:
        return "stage", str(STAGE_CLOSED)
    if stage.status != StageStatus.OPEN:
        return "stage", str(STAGE_NOT_OPEN)
    if permissions.role_of(reviewer) != Role.REVIEWER:
        return "reviewer", SHEET_NOT_A_REVIEWER % {"reviewer": person_name(reviewer)}
    if not Panel.members.through.objects.filter(panel__round_id=round_.id, user_id=reviewer.id).exists():
        return "reviewer", SHEET_NOT_ON_PANEL % {"reviewer": person_name(reviewer)}
    if Conflict.objects.filter(nomination_id=nomination.id, reviewer_id=reviewer.id).exists():
        return "reviewer", SHEET_CONFLICT % {"reviewer": person_name(reviewer)}
    return None


def assignment_enter_sheet(*, assignment, values, submit, acting_user, overwrite_reason="", source=""):
    """A committee member enters a reviewer's paper score sheet for them: `values` ({criterion id: value
    or None}) for the criteria the sheet lists (the others keep what they hold), saved as a draft or
    submitted, with the checks of the reviewer's page (see `sheet_entry_refusal`). Scores the reviewer
    already submitted are replaced only by the national committee with an `overwrite_reason`, audited
    as `submitted_scores_overwrite` with old → new and the reason. Raises ReviewError (with its field)."""
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        refusal = sheet_entry_refusal(acting_user=acting_user, stage=assignment.stage,
                                      nomination=assignment.nomination, reviewer=assignment.reviewer)
        if refusal:
            raise ReviewError(refusal[1], field=refusal[0])
        criteria = _criteria_for(assignment, set(values))
        return _scores_write(
            assignment=assignment, criteria=criteria, submit=submit, acting_user=acting_user,
            values=values, notes={}, overwrite_reason=(overwrite_reason or "").strip(),
            summary=_audit_summary(assignment, source))


def _criteria_for(assignment, asked):
    criteria = list(judged_criteria_of(assignment))
    unknown = asked - {c.id for c in criteria}
    if unknown:
        raise ValueError(f"criteria {sorted(unknown)} are not judged criteria of assignment {assignment.pk}")
    return criteria


def _scores_write(*, assignment, criteria, values, notes, submit, acting_user, summary, overwrite_reason=None):
    """The one write of a reviewer's scores, for the page and the score sheet alike. `assignment` is
    locked and open. `values` and `notes` map criterion ids to the new value (None: empty) and note;
    criteria they leave out keep theirs. `overwrite_reason` None: the reviewer themself, who may change
    their submitted scores until the stage closes; a text: someone entering the reviewer's sheet, who
    changes submitted scores only as the national committee, with a reason. `summary` is (message,
    parameters) of its audit row (`_audit_summary`)."""
    by_reviewer = overwrite_reason is None
    was_submitted = assignment.status == AssignmentStatus.SUBMITTED
    if was_submitted and not submit:
        raise ReviewError(_("These scores are already submitted; save your changes as submitted scores "
                            "(a submitted assignment does not go back to draft).") if by_reviewer else
                          _("%(reviewer)s already submitted these scores; a submitted sheet does not go back to "
                            "draft.") % {"reviewer": person_name(assignment.reviewer)}, field="submitted")
    existing = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment)}
    after = {}
    for criterion in criteria:
        score = existing.get(criterion.id)
        old = {"value": score.value, "note": score.note} if score else {"value": None, "note": ""}
        new = dict(old)
        if criterion.id in values:
            new["value"] = validate_value(criterion, values[criterion.id])
        if criterion.id in notes:
            new["note"] = (notes[criterion.id] or "").strip()
        after[criterion.id] = (score, old, new)
    if submit:
        missing = [c.name for c in criteria if after[c.id][2]["value"] is None]
        if missing:
            raise ReviewError(_("Enter a value for every criterion before submitting; missing: %(names)s.")
                              % {"names": ", ".join(missing)}, field="submitted")

    now = timezone.now()
    changes, created, updated = {}, [], []
    for criterion in criteria:
        score, old, new = after[criterion.id]
        diff = diff_fields(old, new, ["value", "note"])
        if not diff:
            continue
        for name, pair in diff.items():
            changes[f"{criterion.code}.{name}"] = pair
        if score is None:
            created.append(Score(assignment=assignment, criterion=criterion, **new))
        else:
            score.value, score.note, score.updated_at = new["value"], new["note"], now
            updated.append(score)
    overwritten = was_submitted and bool(changes) and not by_reviewer
    if overwritten:
        if permissions.role_of(acting_user) != Role.COMMITTEE:
            raise ReviewError(_("%(reviewer)s already submitted these scores; only the national committee may "
                                "replace them.") % {"reviewer": person_name(assignment.reviewer)}, field="overwrite")
        if not overwrite_reason:
            raise ReviewError(_("%(reviewer)s already submitted these scores; replacing them needs a reason, "
                                "kept in the audit trail.") % {"reviewer": person_name(assignment.reviewer)},
                              field="overwrite")
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
    if overwritten:
        action = "submitted_scores_overwrite"
        changes["reason"] = [None, overwrite_reason]
    else:
        action = "assignment_submit" if submit else "assignment_scores_save"
    summary, params = summary
    audit_record(actor=acting_user, action=action, obj=assignment, changes=changes, summary=summary,
                 summary_params=params)
    if assignment.status == AssignmentStatus.SUBMITTED:  # drafts never count in a ranking
        standings_changed(rounds=[assignment.nomination.round_id], categories=[assignment.nomination.category_id])
    return SaveOutcome(status=assignment.status, changed=True, changes=changes, overwritten=overwritten)


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
        summary, params = _audit_summary(assignment)
        audit_record(actor=acting_user, action="conflict_declare", obj=conflict,
                     changes={"reason": [None, reason]}, summary=summary, summary_params=params)
        standings_changed(rounds=[assignment.nomination.round_id], categories=[assignment.nomination.category_id])
    return conflict
