"""Reads of the stored standings (models/standings.py): a group's rows sorted and paginated by the database,
the flagged rows of a round, flag counts per round. None of them ranks anything."""
from django.db.models import Count, F

from ..models import Standing, StandingGroup


def standing_group(round_, category, stage):
    """The ranking group of `category` in `round_` at `stage`, or None before it is first created."""
    return StandingGroup.objects.filter(round=round_, category=category, stage=stage).first()


def group_standings(group):
    """The group's rows in the engine's order, with what lists show beside the scores."""
    if group is None:
        return Standing.objects.none()
    return (Standing.objects.filter(group=group)
            .select_related("nomination__nominee__region").order_by("position"))


def round_flagged(round_, stage):
    """Every flagged row of the round's groups at `stage`, by category, in rank order."""
    return (Standing.objects.filter(group__round=round_, group__stage=stage, flagged=True)
            .select_related("group__category", "group__stage", "nomination__nominee")
            .order_by("group__category__position", "group__category__code", "position"))


def flag_counts(stages):
    """{stage id: number of flagged rows} for the groups at each of `stages` (one query)."""
    return dict(Standing.objects.filter(group__stage__in=stages, flagged=True)
                .values_list("group__stage").annotate(count=Count("id")).order_by())


def round_behind(round_, stage):
    """Whether some group of the round at `stage` has a change not yet taken into its rows."""
    return StandingGroup.objects.filter(round=round_, stage=stage, computed_changes__lt=F("changes")).exists()
