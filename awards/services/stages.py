"""A round's stages: open, close and reopen (with a reason), and their options; each change audited."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import Assignment, AssignmentStatus, Stage, StageStatus
from .audit import audit_record, diff_fields
from .messages import stage_opened_notify
from .standings import standings_changed


class StageError(Exception):
    """A stage change the committee asked for that the process does not allow; the message says why."""


def stage_unsubmitted_count(*, stage):
    """Assignments of the stage not yet submitted: closing leaves them out of the ranking."""
    return Assignment.objects.filter(stage=stage).exclude(status=AssignmentStatus.SUBMITTED).count()


def _locked(stage):
    return Stage.objects.select_for_update().select_related("round").get(pk=stage.pk)


def _change(stage, new_status, acting_user, action, summary="", summary_params=None):
    old = stage.status
    stage.status = new_status
    stage.save(update_fields=["status"])
    audit_record(actor=acting_user, action=action, obj=stage, changes={"status": [old, new_status]},
                 summary=summary or stage, summary_params=summary_params)
    # Which stage a round ranks at by default, and whether a boundary tie is final, follow the status.
    standings_changed(rounds=[stage.round_id])
    return stage


def stage_open(*, stage, acting_user):
    """Draft → open. The stages before it must be closed first: they decide who takes part."""
    permissions.require(permissions.can_manage_round(acting_user, stage.round))
    with transaction.atomic():
        stage = _locked(stage)
        if stage.status != StageStatus.DRAFT:
            raise StageError(_("Only a draft stage can be opened; a closed stage is reopened with a reason."))
        earlier = Stage.objects.filter(round_id=stage.round_id, position__lt=stage.position).exclude(
            status=StageStatus.CLOSED)
        if earlier.exists():
            raise StageError(_("Close the earlier stages of the round before opening this one."))
        _change(stage, StageStatus.OPEN, acting_user, "stage_open")
        stage_opened_notify(stage=stage, acting_user=acting_user)
        return stage


def stage_close(*, stage, acting_user):
    """Open → closed. Returns the stage; unsubmitted assignments stay out of the ranking (the page warns)."""
    permissions.require(permissions.can_manage_round(acting_user, stage.round))
    with transaction.atomic():
        stage = _locked(stage)
        if stage.status != StageStatus.OPEN:
            raise StageError(_("Only an open stage can be closed."))
        unsubmitted = stage_unsubmitted_count(stage=stage)
        if unsubmitted:
            return _change(stage, StageStatus.CLOSED, acting_user, "stage_close",
                           gettext_lazy("%(stage)s: closed with %(count)s unsubmitted assignments"),
                           {"stage": stage, "count": unsubmitted})
        return _change(stage, StageStatus.CLOSED, acting_user, "stage_close")


def stage_reopen(*, stage, reason, acting_user):
    """Closed → open again, with the reason recorded; later stages must still be drafts."""
    permissions.require(permissions.can_manage_round(acting_user, stage.round))
    reason = (reason or "").strip()
    if not reason:
        raise StageError(_("Give the reason for reopening the stage; it is kept in the audit trail."))
    with transaction.atomic():
        stage = _locked(stage)
        if stage.status != StageStatus.CLOSED:
            raise StageError(_("Only a closed stage can be reopened."))
        later = Stage.objects.filter(round_id=stage.round_id, position__gt=stage.position).exclude(
            status=StageStatus.DRAFT)
        if later.exists():
            raise StageError(_("A later stage has already opened; it must not run beside a reopened earlier stage."))
        return _change(stage, StageStatus.OPEN, acting_user, "stage_reopen", reason)


# What a stage's options are: everything about it but its round, kind, order and status.
STAGE_OPTIONS = ("weight", "deadline", "calibrate", "aggregation", "disagreement_threshold", "hide_other_scores",
                 "hide_reviewer_names", "reminder_days")
# How a stage's scores are computed. Fixed once the stage opens: reviewers score knowing them, and a
# change would silently move a ranking that is already live. The deadline and what reviewers see may
# still change until the stage closes; nothing changes once it is closed.
STAGE_SCORING = ("position", "weight", "calibrate", "aggregation", "disagreement_threshold")


def stage_change_refusal(stage, changed):
    """Why the stage's fields `changed` may not change now, or "" when they may (the edition file and the
    stage's own page both ask here)."""
    if not changed:
        return ""
    if stage.status == StageStatus.CLOSED:
        return _("The stage is closed: its options no longer change.")
    fixed = [name for name in changed if name in STAGE_SCORING]
    if stage.status != StageStatus.DRAFT and fixed:
        return _("The stage has opened: how it scores (%(fields)s) no longer changes; its deadline and what "
                 "reviewers see still can until it closes.") % {"fields": ", ".join(fixed)}
    return ""


def stage_update_options(*, stage, changes, acting_user):
    """Change a stage's options ({field: new value}, fields of STAGE_OPTIONS): how it scores while it is a
    draft, its deadline and what reviewers see until it is closed.

    The status never changes here: it moves only by opening, closing and reopening the stage."""
    permissions.require(permissions.can_manage_round(acting_user, stage.round))
    if set(changes) - set(STAGE_OPTIONS):
        raise StageError(_("Only a stage's options change here; its status changes by opening, closing or "
                           "reopening it on the round page."))
    with transaction.atomic():
        stage = _locked(stage)
        before = {name: getattr(stage, name) for name in changes}
        for name, value in changes.items():
            setattr(stage, name, value)
        try:
            stage.full_clean()
        except ValidationError as error:
            raise StageError(" ".join(error.messages)) from error
        diff = diff_fields(before, stage, list(changes))
        refusal = stage_change_refusal(stage, list(diff))
        if refusal:
            raise StageError(refusal)
        if diff:
            stage.save(update_fields=list(diff))
            audit_record(actor=acting_user, action="stage_options", obj=stage, changes=diff, summary=stage)
            if set(diff) & set(STAGE_SCORING):
                standings_changed(rounds=[stage.round_id])
    return stage
