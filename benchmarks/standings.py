"""How soon stored standings are fresh again (`manage.py bench_standings`), on bench_ranking's synthetic
edition: every group of the edition after a national metrics import, the largest metric group and a judged
group of 1,000 nominations × 9 reviewers × 6 criteria after one change each; and the checksum of every
stored rank, score and flag, which must equal bench_ranking's (the engine's)."""
import hashlib
import time

from django.db import connection, transaction
from django.db.models import Count

from awards.models import Edition, Nomination, Stage, Standing, StandingGroup
from awards.scoring import default_stage
from awards.services.standings import group_recompute, groups_create_missing, standings_changed, standings_refresh

from .ranking import YEAR, bench_judged_group


def stored_checksum(edition):
    """The checksum bench_run prints, from the stored rows of each group at its round's default stage."""
    stages = {}
    for stage in Stage.objects.filter(round__edition=edition):
        stages.setdefault(stage.round_id, []).append(stage)
    defaults = {round_id: default_stage(found).id for round_id, found in stages.items()
                if any(s.kind != "screening" for s in found)}
    groups = [g for g in StandingGroup.objects.filter(round__edition=edition).select_related("category", "round")
              if defaults.get(g.round_id) == g.stage_id]
    digest = hashlib.sha256()
    rows = 0
    for group in sorted(groups, key=lambda g: (g.category.code, str(g.round.key))):
        for s in Standing.objects.filter(group=group).select_related("nomination__nominee").order_by("position"):
            digest.update(f"{group.category.code}|{group.round.key}|{s.nomination.nominee.code}|{s.rank}|"
                          f"{s.round_score}|{','.join(s.flags)}\n".encode())
            rows += 1
    return digest.hexdigest(), rows


def _timed_fresh(group):
    """Mark one group changed and time its recompute (what the job does for it after the commit)."""
    standings_changed(rounds=[group.round_id], categories=[group.category_id])
    started = time.perf_counter()
    group_recompute(group.pk)
    return time.perf_counter() - started


def bench_standings(log=print):
    edition = Edition.objects.get(year=YEAR)
    log(f"engine: {connection.vendor}")
    groups_create_missing()
    count = StandingGroup.objects.filter(round__edition=edition).count()
    # A national metrics import marks every group of the edition's year; the job then recomputes them all.
    standings_changed(years=[YEAR])
    started = time.perf_counter()
    done = standings_refresh()
    seconds = time.perf_counter() - started
    log(f"every standing of the edition: {done} of {count} groups recomputed in {seconds:.1f} s")
    checksum, rows = stored_checksum(edition)
    log(f"stored checksum of every rank, score and flag ({rows} rows at the default stages): {checksum}")

    largest = (Nomination.objects.filter(round__edition=edition).values("round_id", "category_id")
               .annotate(n=Count("id")).order_by("-n").first())
    group = StandingGroup.objects.get(round_id=largest["round_id"], category_id=largest["category_id"],
                                      stage__kind="assessment")
    timings = [_timed_fresh(group) for _run in range(3)]
    log(f"largest metric group ({group.category.code}, {largest['n']} nominations): fresh again "
        f"{min(timings):.2f} s after one change (best of 3; worst {max(timings):.2f} s)")

    with transaction.atomic():
        category, round_, stage = bench_judged_group()
        groups_create_missing()
        judged = StandingGroup.objects.get(round=round_, category=category, stage=stage)
        group_recompute(judged.pk)
        timings = [_timed_fresh(judged) for _run in range(3)]
        log(f"judged group (1,000 nominations × 9 reviewers × 6 criteria): fresh again {min(timings):.2f} s "
            f"after one change (best of 3; worst {max(timings):.2f} s)")
        transaction.set_rollback(True)
    return {"all_seconds": seconds, "checksum": checksum}
