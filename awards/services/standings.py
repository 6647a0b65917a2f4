"""Stored standings kept fresh (models/standings.py): a change marks the ranking groups it touches, in the
transaction that makes it; after the commit a job recomputes every group whose rows are behind.

Marking is one UPDATE of the touched groups' counters (their rows locked in id order, so that two
changes never wait on each other in a cycle). Recomputing ranks a group with the scoring engine and
replaces its rows in one transaction; readers see the old rows until it commits. On PostgreSQL an
advisory lock per group keeps two workers from ranking the same group at once.
"""
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from ..models import Category, Round, RoundLevel, Stage, StageKind, Standing, StandingGroup
from ..scoring import ScoringError, rank_group, round_score

ADVISORY_LOCK_SPACE = 0x5354  # "ST": the first key of pg_try_advisory_xact_lock(space, group id)


def standings_changed(*, rounds=(), categories=(), editions=(), years=()):
    """Mark as changed every ranking group of `rounds` (Round objects or ids) ∩ `categories` ∩ `editions`
    ∩ metric `years` (an empty argument does not narrow), and have them recomputed after the commit.
    Call it inside the transaction that changes an input of their rankings."""
    groups = StandingGroup.objects.all()
    if rounds:
        groups = groups.filter(round__in=rounds)
    if categories:
        groups = groups.filter(category__in=categories)
    if editions:
        groups = groups.filter(round__edition__in=editions)
    if years:
        groups = groups.filter(round__edition__year__in=years)
    with transaction.atomic():
        ids = list(groups.order_by("id").select_for_update().values_list("id", flat=True))
        if ids:
            StandingGroup.objects.filter(id__in=ids).update(changes=F("changes") + 1)
        transaction.on_commit(request_refresh)


def request_refresh():
    """Queue a recompute of whatever is behind (also new groups: a round or category just created)."""
    from ..tasks import refresh_standings

    refresh_standings.enqueue()


def standings_refresh():
    """Create the ranking groups that do not exist yet, then recompute every group whose rows are behind its
    changes, once each. Returns the number of groups recomputed."""
    groups_create_missing()
    done = 0
    for group_id in (StandingGroup.objects.filter(computed_changes__lt=F("changes"))
                     .order_by("computed_at", "id").values_list("id", flat=True)):
        done += group_recompute(group_id)
    return done


def groups_create_missing():
    """One group per category and scored stage of every round the category is judged in."""
    rounds = list(Round.objects.all())
    stages = {}
    for stage in Stage.objects.exclude(kind=StageKind.SCREENING):
        stages.setdefault(stage.round_id, []).append(stage)
    categories = {}
    for category in Category.objects.all():
        categories.setdefault(category.edition_id, []).append(category)
    existing = set(StandingGroup.objects.values_list("round_id", "category_id", "stage_id"))
    missing = [StandingGroup(round_id=round_.id, category_id=category.id, stage_id=stage.id)
               for round_ in rounds for category in categories.get(round_.edition_id, ())
               if not (category.national_only and round_.level != RoundLevel.NATIONAL)
               for stage in stages.get(round_.id, ())
               if (round_.id, category.id, stage.id) not in existing]
    StandingGroup.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def group_recompute(group_id):
    """Rank one group from its inputs and store its rows; False if another worker is at it or it is fresh."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_SPACE, group_id])
                if not cursor.fetchone()[0]:
                    return False
        group = (StandingGroup.objects.select_related("round__edition", "round__province", "category__edition", "stage")
                 .filter(pk=group_id).first())
        if group is None or not group.stale:
            return False
        reflects = group.changes  # what this computation covers; a change meanwhile leaves it behind again
        stages = list(Stage.objects.filter(round=group.round_id))
        stage = next(s for s in stages if s.id == group.stage_id)
        rows, error = _rank(group, stage, stages)
        Standing.objects.filter(group=group).delete()
        Standing.objects.bulk_create(rows, batch_size=2000)
        category = group.category
        award = [s.position for s in rows if s.rank <= category.awards_count]
        advancing = [s.position for s in rows if s.rank <= category.advance_count] \
            if group.round.level == RoundLevel.PROVINCIAL and not category.national_only else []
        StandingGroup.objects.filter(pk=group.pk).update(
            computed_changes=reflects, computed_at=timezone.now(), error=error,
            award_position=max(award, default=None), advance_position=max(advancing, default=None))
    return True


def _rank(group, stage, stages):
    """The group's rows as Standing instances, and {} — or no rows and why it cannot be ranked, per language."""
    try:
        ranking = rank_group(group.category, group.round, stage, stages=stages)
    except ScoringError:
        error = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                try:
                    rank_group(group.category, group.round, stage, stages=stages)
                except ScoringError as refusal:
                    error[language] = str(refusal)
        return [], error
    return [Standing(group=group, nomination_id=row.nomination_id, position=position, rank=row.rank,
                     round_score=row.round_score, stage_scores={k: str(v) for k, v in row.stage_scores.items()},
                     incomplete=row.incomplete, disagreement=bool(row.disagreements), award_tie=row.award_tie,
                     advancement_tie=row.advancement_tie, flagged=bool(row.flags),
                     missing=[str(item) for item in row.missing],
                     disagreements=[[kind, code, str(round_score(spread))] for kind, code, spread in row.disagreements])
            for position, row in enumerate(ranking.rows, 1)], {}
