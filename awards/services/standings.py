"""Stored standings kept fresh (models/standings.py): a change marks the ranking groups it touches, in the
transaction that makes it; after the commit a job recomputes every group whose rows are behind.

Marking is one UPDATE of the touched groups' counters (their rows locked in id order, so that two
changes never wait on each other in a cycle). Recomputing ranks a group with the scoring engine and
replaces its rows in one transaction; readers see the old rows until it commits. On PostgreSQL an
advisory lock per group keeps two workers from ranking the same group at once.
"""
import json
from contextlib import closing

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone, translation

from ..imports.metrics_writes import database_cursor, insert_rows
from ..models import Category, Nomination, Round, RoundLevel, Stage, StageKind, StageStatus, Standing, StandingGroup
from ..scoring import ScoringError, default_stage, rank_group, round_score
from ..scoring.ranking import is_large, rank_groups

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
    changes, a category at a time (rank_groups reads its inputs once for all its groups). Returns the
    number of groups recomputed."""
    groups_create_missing()
    stale = {}
    for group_id, category_id in (StandingGroup.objects.filter(computed_changes__lt=F("changes"))
                                  .order_by("category_id", "id").values_list("id", "category_id")):
        stale.setdefault(category_id, []).append(group_id)
    counts = _nomination_counts()
    return sum(_recompute(group_ids, counts) for group_ids in stale.values())


def group_recompute(group_id):
    """Recompute one group (if it is behind and no other worker is at it); whether it did."""
    return _recompute([group_id], _nomination_counts()) == 1


def groups_create_missing():
    """One group per category and rankable stage of every round the category is judged in. A stage is
    rankable once it has opened, and a round's first scored stage before any has (its default stage):
    a draft stage has no scores yet, and its ranking starts when it opens (opening marks the round)."""
    rounds = list(Round.objects.all())
    rankable, draft = {}, []
    by_round = {}
    for stage in Stage.objects.all():
        by_round.setdefault(stage.round_id, []).append(stage)
    for round_id, stages in by_round.items():
        try:
            first = default_stage(stages)
        except ScoringError:
            continue
        for stage in stages:
            if stage.kind == StageKind.SCREENING:
                continue
            if stage.status != StageStatus.DRAFT or stage.id == first.id:
                rankable.setdefault(round_id, []).append(stage)
            else:
                draft.append(stage.id)
    # A round's default stage moves on when a later one opens; a group of a draft stage (made while it was
    # the default) goes.
    StandingGroup.objects.filter(stage_id__in=draft).delete()
    categories = {}
    for category in Category.objects.all():
        categories.setdefault(category.edition_id, []).append(category)
    existing = set(StandingGroup.objects.values_list("round_id", "category_id", "stage_id"))
    missing = [StandingGroup(round_id=round_.id, category_id=category.id, stage_id=stage.id)
               for round_ in rounds for category in categories.get(round_.edition_id, ())
               if not (category.national_only and round_.level != RoundLevel.NATIONAL)
               for stage in rankable.get(round_.id, ())
               if (round_.id, category.id, stage.id) not in existing]
    StandingGroup.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _claimed(group_ids):
    """The groups of `group_ids` this worker may recompute now: on PostgreSQL those whose advisory lock it
    takes (another worker holds the others' and computes them), elsewhere all (one writer at a time)."""
    if connection.vendor != "postgresql":
        return group_ids
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM unnest(%s::bigint[]) AS id WHERE pg_try_advisory_xact_lock(%s, id::integer)",
                       [list(group_ids), ADVISORY_LOCK_SPACE])
        return [row[0] for row in cursor.fetchall()]


def _recompute(group_ids, counts):
    """Rank the groups `group_ids` (all of one category) from their inputs and replace their rows, in one
    transaction; returns how many it recomputed. `counts`: _nomination_counts()."""
    with transaction.atomic():
        groups = list(StandingGroup.objects.filter(id__in=_claimed(group_ids), computed_changes__lt=F("changes"))
                      .select_related("round__edition", "round__province", "category__edition").order_by("id"))
        if not groups:
            return 0
        category = groups[0].category
        stages = {}
        for stage in Stage.objects.filter(round__in={g.round_id for g in groups}):
            stages.setdefault(stage.round_id, []).append(stage)
        for group in groups:
            group.stage = next(s for s in stages[group.round_id] if s.id == group.stage_id)
        try:
            rankings = rank_groups(category, [(g.round, g.stage, stages[g.round_id]) for g in groups],
                                   large=_large(category, counts), every_round=_every_round(category, groups))
            outcomes = [(group, _rows(group, ranking), {}) for group, ranking in zip(groups, rankings, strict=True)]
        except ScoringError:  # which groups cannot be ranked, and why, one at a time
            outcomes = [(group, *_rank(group, stages[group.round_id])) for group in groups]
        Standing.objects.filter(group__in=groups).delete()
        _insert([row for _group, rows, _error in outcomes for row in rows])
        now = timezone.now()
        for group, rows, error in outcomes:
            award = [row[2] for row in rows if row[3] <= category.awards_count]
            advancing = [row[2] for row in rows if row[3] <= category.advance_count] \
                if group.round.level == RoundLevel.PROVINCIAL and not category.national_only else []
            # The changes this computation covers: a change committed meanwhile leaves the group behind again.
            StandingGroup.objects.filter(pk=group.pk).update(
                computed_changes=group.changes, computed_at=now, error=error,
                award_position=max(award, default=None), advance_position=max(advancing, default=None))
    return len(groups)


def _nomination_counts():
    """{(edition id, category id): nominations} in one query: what `_large` compares."""
    return {(edition_id, category_id): count for edition_id, category_id, count in
            Nomination.objects.values_list("category__edition_id", "category_id").annotate(count=Count("id"))
            .values_list("category__edition_id", "category_id", "count").order_by()}


def _large(category, counts):
    """rank_edition's choice for a category holding a large share of its edition's nominations."""
    edition = sum(count for (edition_id, _c), count in counts.items() if edition_id == category.edition_id)
    return is_large(counts.get((category.edition_id, category.id), 0), edition)


def _every_round(category, groups):
    rounds = set(StandingGroup.objects.filter(category=category).values_list("round_id", flat=True))
    return rounds == {g.round_id for g in groups}


COLUMNS = ("group_id", "nomination_id", "position", "rank", "round_score", "stage_scores", "incomplete",
           "disagreement", "award_tie", "advancement_tie", "flagged", "missing", "disagreements")


def _rows(group, ranking):
    """The group's rows as tuples in COLUMNS order."""
    return [(group.pk, row.nomination_id, position, row.rank, row.round_score,
             json.dumps({kind: str(score) for kind, score in row.stage_scores.items()}), row.incomplete,
             bool(row.disagreements), row.award_tie, row.advancement_tie, bool(row.flags),
             json.dumps([str(item) for item in row.missing]),
             json.dumps([[kind, code, str(round_score(spread))] for kind, code, spread in row.disagreements]))
            for position, row in enumerate(ranking.rows, 1)]


def _insert(rows):
    """Many rows at the speed of the engine's plainest insert (COPY on PostgreSQL): a national recompute
    writes about 1.5 million."""
    if not rows:
        return
    postgres = connection.vendor == "postgresql"
    connection.ensure_connection()
    with closing(database_cursor(connection.connection, postgres=postgres)) as cursor:
        insert_rows(cursor, Standing._meta.db_table, COLUMNS, rows, postgres=postgres)


def _rank(group, stages):
    """One group's rows and {} — or no rows and why it cannot be ranked, in each language of the site."""
    try:
        return _rows(group, rank_group(group.category, group.round, group.stage, stages=stages)), {}
    except ScoringError:
        error = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                try:
                    rank_group(group.category, group.round, group.stage, stages=stages)
                except ScoringError as refusal:
                    error[language] = str(refusal)
        return [], error
