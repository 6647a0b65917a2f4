"""Reads for the committee's day-to-day work: a round's assignments one by one, who may take one over, and
what needs attention across the rounds a committee member may read (the home page)."""
from django.db.models import Count, F, Q
from django.utils import timezone

from ..models import Assignment, AssignmentStatus, Conflict, Stage, StageKind, StageStatus
from .committee import panel_members, rounds_visible_to
from .standings import flag_counts


def round_assignments(round_):
    """The round's assignments at its scored stages, with what the assignments list shows."""
    return (Assignment.objects.filter(stage__round=round_)
            .select_related("nomination__nominee", "nomination__category", "stage", "reviewer"))


def assignment_of_round(round_, assignment_id):
    """One assignment of the round, or None (an id of another round is not found here)."""
    return round_assignments(round_).filter(pk=assignment_id).first()


def reassign_candidates(assignment):
    """Who may take `assignment` over: members of the round's panels other than its reviewer, without a
    conflict declared on the nomination and not assigned to it at the stage yet: [(id, name)] by name."""
    nomination = assignment.nomination
    excluded = set(Conflict.objects.filter(nomination=nomination).values_list("reviewer_id", flat=True))
    excluded |= set(Assignment.objects.filter(nomination=nomination, stage=assignment.stage)
                    .values_list("reviewer_id", flat=True))
    return panel_members(nomination.round_id, exclude=excluded)


def attention(user):
    """The open stages of the rounds `user` may read, soonest deadline first, each with its assignments
    still to submit, whether its deadline passed with some unsubmitted, the conflicts of interest its
    reviewers declared and the flagged rows of its stored standings. Three queries, whatever the number
    of rounds."""
    now = timezone.now()
    stages = list(Stage.objects.filter(round__in=rounds_visible_to(user), status=StageStatus.OPEN)
                  .exclude(kind=StageKind.SCREENING)
                  .select_related("round__edition", "round__province")
                  .annotate(total=Count("assignments", distinct=True),
                            unsubmitted=Count("assignments", distinct=True,
                                              filter=~Q(assignments__status=AssignmentStatus.SUBMITTED)))
                  .order_by("deadline", "round__edition__year", "round__level", "round__province_id", "position"))
    conflicts = dict(Assignment.objects.filter(stage__in=[s.id for s in stages],
                                               nomination__conflicts__reviewer_id=F("reviewer_id"))
                     .values_list("stage_id").annotate(count=Count("id", distinct=True)).order_by())
    flags = flag_counts([s.id for s in stages])
    for stage in stages:
        stage.late = stage.deadline is not None and stage.deadline < now and stage.unsubmitted > 0
        stage.conflicts = conflicts.get(stage.id, 0)
        stage.flags = flags.get(stage.id, 0)
    return stages

