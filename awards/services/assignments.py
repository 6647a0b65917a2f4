"""Assigning reviewers to nominations at a stage: by hand, a panel in bulk, or automatically with a
balanced load and a per-reviewer cap; never a reviewer with a declared conflict, never outside the
round's panels (so a provincial panel only ever reviews its own province)."""
from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    Eligibility,
    Nomination,
    Panel,
    Stage,
    StageKind,
    StageStatus,
)
from ..people import name_from, person_name
from .audit import audit_record
from .messages import assignments_notify


class AssignmentError(Exception):
    """An assignment the award's rules refuse; the message says why."""


def _lock_stage(stage):
    """The stage, locked for the transaction: two committee members assigning in one stage at once take
    turns, so the second sees the first's assignments instead of colliding with them."""
    return Stage.objects.select_for_update().get(pk=stage.pk)


def _check_stage(round_, stage):
    if stage.round_id != round_.id:
        raise AssignmentError(_("That stage belongs to another round."))
    if stage.kind == StageKind.SCREENING:
        raise AssignmentError(_("Reviewers score the assessment and interview stages, not the screening."))
    if stage.status == StageStatus.CLOSED:
        raise AssignmentError(_("The stage is closed: reopen it before assigning reviewers."))


def round_reviewer_ids(round_):
    """The members of the round's panels: the only reviewers who may be assigned in the round."""
    return set(Panel.members.through.objects.filter(panel__round=round_).values_list("user_id", flat=True))


def ranked_nominations(round_, category, stage):
    """The nominations that take part in `stage`: eligible and not eliminated before it."""
    return (Nomination.objects.filter(round=round_, category=category, eligibility=Eligibility.ELIGIBLE)
            .filter(Q(eliminated_after__isnull=True) | Q(eliminated_after__position__gte=stage.position))
            .order_by("nominee__code"))


AUDIT_SUMMARY = gettext_lazy("%(reviewer)s → %(nominee)s · %(stage)s")


def _audit_params(assignment_ids):
    """{assignment id: its audit summary's parameters}: who, whose nomination, which stage (one query)."""
    rows = Assignment.objects.filter(pk__in=assignment_ids).values_list(
        "pk", "reviewer__first_name", "reviewer__last_name", "reviewer__username", "nomination__nominee__name",
        "stage__kind")
    return {pk: {"reviewer": name_from(first, last, username), "nominee": nominee, "stage": StageKind(kind).label}
            for pk, first, last, username, nominee, kind in rows}


def _create(assignments, acting_user, action):
    try:
        # A savepoint: the unique constraint is the last word if an assignment appeared meanwhile.
        with transaction.atomic():
            created = Assignment.objects.bulk_create(assignments)
    except IntegrityError:
        raise AssignmentError(_("Another committee member assigned reviewers here at the same time; nothing was "
                                "changed. Look at the assignments again and repeat if still needed.")) from None
    params = _audit_params([assignment.pk for assignment in created])
    for assignment in created:
        audit_record(actor=acting_user, action=action, obj=assignment,
                     changes={"reviewer": [None, str(assignment.reviewer_id)]},
                     summary=AUDIT_SUMMARY, summary_params=params[assignment.pk])
    assignments_notify(assignments=created, acting_user=acting_user)  # one message per reviewer, after the commit
    return created


def assignment_add(*, nomination, stage, reviewer, acting_user):
    round_ = nomination.round
    permissions.require(permissions.can_manage_round(acting_user, round_))
    _check_stage(round_, stage)
    if reviewer.id not in round_reviewer_ids(round_):
        raise AssignmentError(_("%(reviewer)s is not a member of a panel of this round.")
                              % {"reviewer": person_name(reviewer)})
    if Conflict.objects.filter(nomination=nomination, reviewer=reviewer).exists():
        raise AssignmentError(_("%(reviewer)s declared a conflict of interest on this nomination.")
                              % {"reviewer": person_name(reviewer)})
    if nomination.eligibility != Eligibility.ELIGIBLE:
        raise AssignmentError(_("Only eligible nominations are reviewed."))
    with transaction.atomic():
        _check_stage(round_, _lock_stage(stage))
        if Assignment.objects.filter(nomination=nomination, stage=stage, reviewer=reviewer).exists():
            raise AssignmentError(_("%(reviewer)s is already assigned to this nomination.")
                                  % {"reviewer": person_name(reviewer)})
        try:
            [assignment] = _create([Assignment(nomination=nomination, stage=stage, reviewer=reviewer)], acting_user,
                                   "assignment_add")
        except AssignmentError:
            raise AssignmentError(_("%(reviewer)s is already assigned to this nomination.")
                                  % {"reviewer": person_name(reviewer)}) from None
    return assignment


@dataclass
class AssignOutcome:
    created: list = field(default_factory=list)
    short: list = field(default_factory=list)  # nominations left with fewer reviewers than asked


def assignments_bulk(*, panel, category, stage, acting_user):
    """Every member of `panel` to every eligible nomination of `category` in the panel's round, except where
    a member declared a conflict or is already assigned."""
    round_ = panel.round
    permissions.require(permissions.can_manage_round(acting_user, round_))
    _check_stage(round_, stage)
    with transaction.atomic():
        _check_stage(round_, _lock_stage(stage))
        nominations = list(ranked_nominations(round_, category, stage).values_list("id", flat=True))
        members = list(panel.members.order_by("username").values_list("id", flat=True))
        taken = set(Assignment.objects.filter(stage=stage, nomination_id__in=nominations)
                    .values_list("nomination_id", "reviewer_id"))
        taken |= set(Conflict.objects.filter(nomination_id__in=nominations).values_list("nomination_id", "reviewer_id"))
        new = [Assignment(nomination_id=n, stage=stage, reviewer_id=r)
               for n in nominations for r in members if (n, r) not in taken]
        return AssignOutcome(created=_create(new, acting_user, "assignment_bulk"))


def assignments_auto(*, round_, category, stage, per_nomination, cap, acting_user):
    """Bring every eligible nomination of the category up to `per_nomination` reviewers from the round's
    panels, each time choosing the least loaded reviewer (load = assignments at this stage, all categories;
    ties by user name) below `cap`, never one with a declared conflict or already assigned."""
    permissions.require(permissions.can_manage_round(acting_user, round_))
    _check_stage(round_, stage)
    if per_nomination < 1 or cap < 1:
        raise AssignmentError(_("The number of reviewers per nomination and the cap must be at least 1."))
    with transaction.atomic():
        _check_stage(round_, _lock_stage(stage))
        reviewers = dict(Panel.members.through.objects.filter(panel__round=round_)
                         .values_list("user_id", "user__username"))
        if not reviewers:
            raise AssignmentError(_("The round has no panel with members yet."))
        load = Counter(dict.fromkeys(reviewers, 0))
        load.update(Assignment.objects.filter(stage=stage, reviewer_id__in=list(reviewers))
                    .values_list("reviewer_id", flat=True))
        nominations = list(ranked_nominations(round_, category, stage).values_list("id", flat=True))
        assigned = {}
        for nomination_id, reviewer_id in Assignment.objects.filter(stage=stage, nomination_id__in=nominations) \
                .values_list("nomination_id", "reviewer_id"):
            assigned.setdefault(nomination_id, set()).add(reviewer_id)
        conflicted = {}
        for nomination_id, reviewer_id in Conflict.objects.filter(nomination_id__in=nominations) \
                .values_list("nomination_id", "reviewer_id"):
            conflicted.setdefault(nomination_id, set()).add(reviewer_id)
        outcome, new = AssignOutcome(), []
        for nomination_id in nominations:
            have = assigned.get(nomination_id, set())
            excluded = have | conflicted.get(nomination_id, set())
            while len(have) < per_nomination:
                candidates = [r for r in reviewers if r not in excluded and load[r] < cap]
                if not candidates:
                    outcome.short.append(nomination_id)
                    break
                chosen = min(candidates, key=lambda r: (load[r], reviewers[r]))
                new.append(Assignment(nomination_id=nomination_id, stage=stage, reviewer_id=chosen))
                load[chosen] += 1
                have = have | {chosen}
                excluded = excluded | {chosen}
        outcome.created = _create(new, acting_user, "assignment_auto")
    return outcome


def assignment_reassign(*, assignment, reviewer, acting_user):
    """Give `assignment`'s nomination and stage to `reviewer` instead (a member of the round's panels with no
    conflict declared on it and not assigned to it yet). The old assignment goes if nothing of it counts
    yet (not submitted: its draft scores are removed, their values kept in the audit row); one whose
    reviewer declared a conflict stays, with its conflict, as the record of it (its scores never count).
    Submitted scores without a conflict are never moved: refused. Returns the new assignment."""
    nomination, stage = assignment.nomination, assignment.stage
    round_ = nomination.round
    permissions.require(permissions.can_manage_round(acting_user, round_))
    _check_stage(round_, stage)
    if reviewer.id not in round_reviewer_ids(round_):
        raise AssignmentError(_("%(reviewer)s is not a member of a panel of this round.")
                              % {"reviewer": person_name(reviewer)})
    with transaction.atomic():
        _check_stage(round_, _lock_stage(stage))
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        conflicted = Conflict.objects.filter(nomination=nomination, reviewer_id=assignment.reviewer_id).exists()
        if assignment.status == AssignmentStatus.SUBMITTED and not conflicted:
            raise AssignmentError(_("%(reviewer)s has submitted scores on this nomination; submitted scores are "
                                    "not moved to another reviewer.") % {"reviewer": person_name(assignment.reviewer)})
        if Conflict.objects.filter(nomination=nomination, reviewer=reviewer).exists():
            raise AssignmentError(_("%(reviewer)s declared a conflict of interest on this nomination.")
                                  % {"reviewer": person_name(reviewer)})
        if Assignment.objects.filter(nomination=nomination, stage=stage, reviewer=reviewer).exists():
            raise AssignmentError(_("%(reviewer)s is already assigned to this nomination.")
                                  % {"reviewer": person_name(reviewer)})
        if not conflicted:
            _remove(assignment, acting_user)
        [new] = _create([Assignment(nomination=nomination, stage=stage, reviewer=reviewer)], acting_user,
                        "assignment_reassign")
    return new


def _remove(assignment, acting_user):
    drafts = {str(score.criterion_id): [str(score.value) if score.value is not None else None, None]
              for score in assignment.scores.all()}
    audit_record(actor=acting_user, action="assignment_remove", obj=assignment,
                 changes={"reviewer": [str(assignment.reviewer_id), None], **drafts},
                 summary=AUDIT_SUMMARY, summary_params=_audit_params([assignment.pk])[assignment.pk])
    assignment.scores.all().delete()
    assignment.delete()


def assignment_remove(*, assignment, acting_user):
    """Take a nomination at a stage away from its reviewer (assigned by mistake, or to lighten a load): only
    while nothing of it counts, so never once submitted, and never at a closed stage. Its draft scores go
    with it, their values kept in the audit row; a declared conflict stays on record."""
    round_ = assignment.nomination.round
    permissions.require(permissions.can_manage_round(acting_user, round_))
    _check_stage(round_, assignment.stage)
    with transaction.atomic():
        _check_stage(round_, _lock_stage(assignment.stage))
        locked = Assignment.objects.select_for_update().filter(pk=assignment.pk).order_by("pk").first()
        if locked is None:
            raise AssignmentError(_("This assignment was removed already."))
        if locked.status == AssignmentStatus.SUBMITTED:
            raise AssignmentError(_("%(reviewer)s has submitted scores on this nomination; submitted scores are "
                                    "not removed.") % {"reviewer": person_name(assignment.reviewer)})
        _remove(locked, acting_user)
