"""A reproducible synthetic national edition, and a timed full re-rank of it (`manage.py bench_ranking`).

The data is generated inside the database (INSERT … SELECT over a number series) from a hash of each
row's index, so N = 800,000 builds in minutes and the same N gives the same data on SQLite and on
PostgreSQL: the printed checksum of every rank and score must then be equal on both engines.
"""
import hashlib
import time
from dataclasses import dataclass
from decimal import Decimal
from decimal import Decimal as D

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.models import (
    Assignment,
    Category,
    Criterion,
    Edition,
    MetricDefinition,
    Nomination,
    Nominee,
    Region,
    Round,
    Score,
    Stage,
    Standing,
    StandingGroup,
)
from awards.scoring.ranking import rank_edition

YEAR = 2090
PROVINCES = 38
SECTORS = ["finance", "trade_services", "mining_manufacturing_construction", "agriculture_fisheries",
           "education", "health"]


class BenchRefused(Exception):
    pass


# --------------------------------------------------------------------------- the synthetic rules

def _employer_criteria():
    return [
        dict(code="coverage", rule="target", metric="employees_registered", denominator="employees_total",
             target_value=100, weight=25, tie_break_rank=1),
        dict(code="programs", rule="linear", metric="programs_enrolled", low=0, high=5, weight=15),
        dict(code="wages", rule="target", metric="wages_reported_pct", target_value=100, weight=10),
        dict(code="on-time", rule="bands", metric="contributions_on_time_months",
             bands=[["0", "0"], ["6", "50"], ["10", "80"], ["12", "100"]], weight=10),
        dict(code="daily", rule="linear", metric="daily_workers_registered", denominator="daily_workers_total",
             low=0, high=100, weight=10),
        dict(code="vendors", rule="relative", metric="vendors_registered", denominator="vendors_total", weight=10),
        dict(code="csr", rule="relative", metric="csr_vulnerable_protected", weight=5),
        dict(code="size", rule="bands", metric="employees_total", bands=[["0", "0"], ["100", "50"], ["1000", "100"]],
             weight=5),
        dict(code="enrolled", rule="boolean", metric="programs_enrolled", weight=5),
        dict(code="csr-any", rule="boolean", metric="csr_vulnerable_protected", weight=5),
    ]


def _government_criteria(village):
    part, whole = ("village_officials_protected", "village_officials_total") if village else \
        ("non_asn_protected", "non_asn_total")
    part2, whole2 = ("village_cadres_protected", "village_cadres_total") if village else \
        ("rt_rw_protected", "rt_rw_total")
    return [
        dict(code="coverage", rule="target", metric="workers_protected", denominator="workers_total",
             target_metric="coverage_target_pct", weight=20, tie_break_rank=1),
        dict(code="staff", rule="linear", metric=part, denominator=whole, low=0, high=100, weight=20),
        dict(code="cadres", rule="linear", metric=part2, denominator=whole2, low=10, high=90, weight=10),
        dict(code="vulnerable", rule="relative", metric="vulnerable_workers_protected",
             denominator="vulnerable_workers_total", weight=15),
        dict(code="vulnerable-target", rule="target", metric="vulnerable_workers_protected",
             denominator="vulnerable_workers_total", target_value="12.5", weight=5),
        dict(code="regulation", rule="boolean", metric="has_regulation", weight=10),
        dict(code="budget", rule="bands", metric="protection_budget_idr",
             bands=[["0", "0"], ["50000000", "40"], ["250000000", "70"], ["1000000000", "100"]], weight=10),
        dict(code="budget-rel", rule="relative", metric="protection_budget_idr", weight=5),
        dict(code="workers", rule="bands", metric="workers_total", bands=[["0", "0"], ["500", "60"], ["5000", "100"]],
             weight=5, tie_break_rank=2),
    ]


JUDGED = [("vision", 0, 100, 30), ("practice", 1, 10, 20)]

# metric code -> (nominee kinds, SQL value expression over the hash columns h1..h3 and the total t)
GOV = ("province_government", "regency_government", "village")
EMP = ("business", "umkm")


def _pct_expr(h):
    """A percentage with 3 decimals (0-100) from a hash, the same number on both engines."""
    if connection.vendor == "postgresql":
        return f"(CAST(({h}) % 100001 AS NUMERIC) / 1000)"
    return f"((({h}) % 100001) / 1000.0)"


def _metric_sql():
    """[(metric code, kinds, value expression, missing-every)] — totals first, parts scaled from them."""
    return [
        ("workers_total", GOV, "(200 + h1 % 20000)", 0),
        ("workers_protected", GOV, "((200 + h1 % 20000) * (h2 % 101) / 100)", 29),
        ("coverage_target_pct", GOV, "(10 + h3 % 60)", 41),
        ("non_asn_total", GOV, "(h2 % 3000)", 0),
        ("non_asn_protected", GOV, "((h2 % 3000) * (h3 % 101) / 100)", 31),
        ("rt_rw_total", GOV, "(h3 % 1500)", 0),
        ("rt_rw_protected", GOV, "((h3 % 1500) * (h1 % 101) / 100)", 37),
        ("village_officials_total", GOV, "(5 + h2 % 40)", 0),
        ("village_officials_protected", GOV, "((5 + h2 % 40) * (h1 % 101) / 100)", 23),
        ("village_cadres_total", GOV, "(h1 % 60)", 0),
        ("village_cadres_protected", GOV, "((h1 % 60) * (h3 % 41) / 100)", 43),
        ("vulnerable_workers_total", GOV, "(50 + h3 % 9000)", 0),
        ("vulnerable_workers_protected", GOV, "((50 + h3 % 9000) * (h2 % 31) / 100)", 19),
        ("has_regulation", GOV, "(h1 % 3 % 2)", 47),
        ("protection_budget_idr", GOV, "((h2 % 2000) * 1000000)", 17),
        ("employees_total", EMP, "(1 + h1 % 3000)", 0),
        ("employees_registered", EMP, "((1 + h1 % 3000) * (h2 % 101) / 100)", 29),
        ("programs_enrolled", EMP, "(h3 % 6)", 53),
        ("wages_reported_pct", EMP, _pct_expr("h2"), 31),
        ("contributions_on_time_months", EMP, "(h1 % 13)", 37),
        ("daily_workers_total", EMP, "(h2 % 200)", 0),
        ("daily_workers_registered", EMP, "((h2 % 200) * (h3 % 101) / 100)", 41),
        ("vendors_total", EMP, "(h3 % 80)", 0),
        ("vendors_registered", EMP, "((h3 % 80) * (h1 % 101) / 100)", 43),
        ("csr_vulnerable_protected", EMP, "(h1 % 7 * (h2 % 500))", 23),
    ]


@dataclass
class Sizes:
    nominees: int
    provinces: int
    regencies: int
    villages: int
    businesses: int

    @classmethod
    def for_total(cls, n):
        provinces = PROVINCES
        regencies = max(PROVINCES, round(514 * n / 800_000))
        villages = round(84_000 * n / 800_000)
        businesses = n - provinces - regencies - villages
        if businesses < 1:
            raise BenchRefused(f"--nominees must be at least {provinces + regencies + villages + 1}")
        return cls(n, provinces, regencies, villages, businesses)


# --------------------------------------------------------------------------- building

def _series(n):
    if connection.vendor == "postgresql":
        return f"(SELECT generate_series(0, {n - 1}) AS i) s"
    return f"(WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < {n - 1}) SELECT i FROM g) s"


def _guard():
    others = Edition.objects.exclude(year=YEAR)
    if others.exists():
        raise BenchRefused("this database holds real editions; run the benchmark on its own database "
                           "(DATABASE_URL=… for a scratch SQLite file or PostgreSQL database)")


def bench_exists(n):
    edition = Edition.objects.filter(year=YEAR).first()
    return edition is not None and edition.name == f"Bench N={n}"


def bench_clear():
    """Remove a previous benchmark dataset (the database holds nothing else: see _guard)."""
    with connection.cursor() as cursor:
        for model in (Standing, StandingGroup, Score, Assignment, Nomination, Criterion, Stage, Category, Round,
                      Edition):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
        cursor.execute("DELETE FROM awards_metricvalue WHERE year = %s", [YEAR])
        cursor.execute("DELETE FROM awards_nominee WHERE code LIKE 'B-%%'")
        cursor.execute("DELETE FROM awards_region WHERE code LIKE 'XR%%'")
        cursor.execute("DELETE FROM awards_region WHERE code LIKE 'XP%%'")
    get_user_model().objects.filter(username__startswith="bench-reviewer-").delete()


def _without_metric_triggers(fn):
    """Bulk-load metric values without the per-row validation triggers (the generated data satisfies
    them by construction: every part is total · k ÷ 100 with k ≤ 100); they are restored afterwards."""
    import importlib

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            fn()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        return
    triggers = importlib.import_module("awards.migrations.0010_sqlite_metricvalue_without_rowid")
    with connection.cursor() as cursor:
        for sql in triggers.SQLITE_BACKWARD:
            cursor.execute(sql)
    try:
        fn()
    finally:
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_FORWARD:
                cursor.execute(sql)


def bench_build(n, log=print):
    _guard()
    sizes = Sizes.for_total(n)
    started = time.perf_counter()
    with transaction.atomic():
        bench_clear()
        edition = Edition.objects.create(year=YEAR, name=f"Bench N={n}")
        _build_regions(sizes)
        _build_rules(edition)
        log(f"  rules and regions: {time.perf_counter() - started:.1f} s")
        _build_nominees(sizes)
        log(f"  {n} nominees: {time.perf_counter() - started:.1f} s")
        _without_metric_triggers(lambda: _build_metrics(sizes))
        log(f"  metric values: {time.perf_counter() - started:.1f} s")
        _build_nominations(edition)
        _build_judged(edition)
        log(f"  nominations and scores: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"  built in {time.perf_counter() - started:.1f} s")
    return edition


def _build_regions(sizes):
    provinces = [Region(code=f"XP{p}", name=f"Provinsi Bench {p}", level=1, type="provinsi")
                 for p in range(sizes.provinces)]
    Region.objects.bulk_create(provinces)
    Region.objects.bulk_create([
        Region(code=f"XR{r}", name=f"Kabupaten Bench {r}", level=2, type="kabupaten",
               parent_id=f"XP{r % PROVINCES}", province_id=f"XP{r % PROVINCES}") for r in range(sizes.regencies)])


def _build_rules(edition):
    metrics = {m.code: m for m in MetricDefinition.objects.all()}
    categories = [("pemprov", "province_government", "", "", True), ("pemkab", "regency_government", "", "", False),
                  ("desa", "village", "", "", False), ("umkm", "umkm", "", "", False)]
    categories += [(f"bu-{size}-{sector}", "business", size, sector, False)
                   for size in ("large", "medium") for sector in SECTORS]
    for position, (code, kind, size, sector, national_only) in enumerate(categories):
        category = Category.objects.create(edition=edition, code=code, name_id=code, name_en=code, nominee_kind=kind,
                                           size=size, sector=sector, national_only=national_only, position=position)
        specs = _employer_criteria() if kind in EMP else _government_criteria(kind == "village")
        for i, spec in enumerate(specs):
            spec = dict(spec)
            for key in ("metric", "denominator", "target_metric"):
                if key in spec:
                    spec[key] = metrics[spec[key]]
            for key in ("target_value", "low", "high", "weight"):
                if key in spec:
                    spec[key] = Decimal(str(spec[key]))
            Criterion.objects.create(category=category, stage_kind="assessment", kind="metric", name_id=spec["code"],
                                     name_en=spec["code"], position=i, **spec)
        for i, (code, lo, hi, weight) in enumerate(JUDGED):
            Criterion.objects.create(category=category, stage_kind="interview", kind="judged", code=code,
                                     name_id=code, name_en=code, position=20 + i, weight=weight, scale_min=lo,
                                     scale_max=hi)
    rounds = [Round.objects.create(edition=edition, level="national")]
    rounds += Round.objects.bulk_create([Round(edition=edition, level="provincial", province_id=f"XP{p}")
                                         for p in range(PROVINCES)])
    stages = []
    for round_ in Round.objects.filter(edition=edition):
        national = round_.level == "national"
        stages += [
            Stage(round=round_, kind="screening", position=1, weight=0, status="closed"),
            Stage(round=round_, kind="assessment", position=2, weight=60, status="closed" if national else "open"),
            Stage(round=round_, kind="interview", position=3, weight=40, status="open" if national else "draft",
                  calibrate=True, aggregation="trimmed_mean"),
        ]
    Stage.objects.bulk_create(stages)


def _build_nominees(sizes):
    p, r, v = sizes.provinces, sizes.regencies, sizes.villages
    first_business = p + r + v
    large, medium = first_business + sizes.businesses // 10, first_business + sizes.businesses * 4 // 10
    kind = (f"CASE WHEN i < {p} THEN 'province_government' WHEN i < {p + r} THEN 'regency_government' "
            f"WHEN i < {first_business} THEN 'village' WHEN i < {medium} THEN 'business' ELSE 'umkm' END")
    region = (f"CASE WHEN i < {p} THEN 'XP' || i WHEN i < {p + r} THEN 'XR' || (i - {p}) "
              f"ELSE 'XR' || (i % {r}) END")
    province = (f"CASE WHEN i < {p} THEN 'XP' || i WHEN i < {p + r} THEN 'XP' || ((i - {p}) % {PROVINCES}) "
                f"ELSE 'XP' || ((i % {r}) % {PROVINCES}) END")
    size = f"CASE WHEN i < {first_business} THEN '' WHEN i < {large} THEN 'large' WHEN i < {medium} THEN 'medium' ELSE 'small' END"
    sector = "CASE " + " ".join(f"WHEN i % 6 = {k} THEN '{s}'" for k, s in enumerate(SECTORS)) + " END"
    sector = f"CASE WHEN i < {first_business} OR i >= {medium} THEN '' ELSE {sector} END"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO awards_nominee (code, kind, name, region_id, province_id, employer_number, size, sector) "
            f"SELECT 'B-' || i, {kind}, 'Bench nominee ' || i, {region}, {province}, "
            f"CASE WHEN i >= {first_business} THEN 'NPP-' || i ELSE '' END, {size}, {sector} "
            f"FROM {_series(sizes.nominees)} ORDER BY i")


def _build_metrics(sizes):
    # Hashes of the nominee's index (from its code, so they do not depend on database ids).
    index = "CAST(SUBSTR(n.code, 3) AS INTEGER)" if connection.vendor != "postgresql" else "CAST(SUBSTR(n.code, 3) AS BIGINT)"
    hashes = (f"({index} * 1103515245 + 12345) % 2147483647 AS h1, "
              f"({index} * 69069 + 1) % 2147483629 AS h2, ({index} * 48271 + 7) % 2147483647 AS h3")
    definitions = dict(MetricDefinition.objects.values_list("code", "id"))
    specs = list(enumerate(_metric_sql()))
    with connection.cursor() as cursor:
        for kinds in (GOV, EMP):
            mine = [(salt, code, expression, every) for salt, (code, k, expression, every) in specs if k == kinds]
            metrics = " UNION ALL ".join(f"SELECT {salt} AS salt, {definitions[code]} AS metric_id, {every} AS every"
                                         for salt, code, _e, every in mine)
            value = "CASE m.salt " + " ".join(f"WHEN {salt} THEN {expression}" for salt, _c, expression, _e in mine) + " END"
            kind_list = ", ".join(f"'{k}'" for k in kinds)
            # A nominee's values are written together, as an import of one row per nominee would write them.
            cursor.execute(
                "INSERT INTO awards_metricvalue (nominee_id, year, metric_id, value) "
                f"SELECT q.id, {YEAR}, m.metric_id, {value} FROM "
                f"(SELECT n.id, {hashes} FROM awards_nominee n WHERE n.code LIKE 'B-%' AND n.kind IN ({kind_list})) q "
                f"CROSS JOIN ({metrics}) m WHERE m.every = 0 OR (q.h1 + m.salt) % m.every <> 0 "
                "ORDER BY q.id, m.metric_id")


def _build_nominations(edition):
    now = timezone.now()
    with connection.cursor() as cursor:
        # From the nominee's index (its code), not from database ids, so both engines build the same data.
        index = "CAST(SUBSTR(n.code, 3) AS BIGINT)"
        eligibility = (f"CASE WHEN {index} %% 50 = 7 THEN 'ineligible' WHEN {index} %% 97 = 3 THEN 'pending' "
                       "ELSE 'eligible' END")
        reason = f"CASE WHEN {index} %% 50 = 7 THEN 'documents incomplete' ELSE '' END"
        category = ("CASE n.kind WHEN 'regency_government' THEN 'pemkab' WHEN 'village' THEN 'desa' "
                    "WHEN 'umkm' THEN 'umkm' WHEN 'business' THEN 'bu-' || n.size || '-' || n.sector END")
        cursor.execute(
            "INSERT INTO awards_nomination (round_id, category_id, nominee_id, eligibility, eligibility_reason, "
            "created_at) "
            f"SELECT r.id, c.id, n.id, {eligibility}, {reason}, %s FROM awards_nominee n "
            "JOIN awards_round r ON r.edition_id = %s AND r.level = 'provincial' AND r.province_id = n.province_id "
            f"JOIN awards_category c ON c.edition_id = %s AND c.code = {category} "
            "WHERE n.code LIKE 'B-%%' AND n.kind <> 'province_government' ORDER BY n.id",
            [now, edition.id, edition.id])
        national = Round.objects.get(edition=edition, level="national")
        # National round: every province government, and each province's first eligible nomination per category.
        cursor.execute(
            "INSERT INTO awards_nomination (round_id, category_id, nominee_id, eligibility, eligibility_reason, "
            "created_at, advanced_from_id) "
            "SELECT %s, m.category_id, m.nominee_id, 'eligible', '', %s, m.id FROM awards_nomination m "
            "WHERE m.id IN (SELECT MIN(x.id) FROM awards_nomination x JOIN awards_round r ON r.id = x.round_id "
            "WHERE r.edition_id = %s AND r.level = 'provincial' AND x.eligibility = 'eligible' "
            "GROUP BY x.round_id, x.category_id)",
            [national.id, now, edition.id])
        cursor.execute(
            "INSERT INTO awards_nomination (round_id, category_id, nominee_id, eligibility, eligibility_reason, created_at) "
            "SELECT %s, c.id, n.id, 'eligible', '', %s FROM awards_nominee n "
            "JOIN awards_category c ON c.edition_id = %s AND c.code = 'pemprov' "
            "WHERE n.code LIKE 'B-%%' AND n.kind = 'province_government' ORDER BY n.id",
            [national.id, now, edition.id])


def _build_judged(edition):
    """Five reviewers score every national-round nomination at the interview (one declares a conflict)."""
    User = get_user_model()
    reviewers = [User.objects.create_user(username=f"bench-reviewer-{k}") for k in range(5)]
    national = Round.objects.get(edition=edition, level="national")
    interview = Stage.objects.get(round=national, kind="interview")
    criteria = {}
    for c in Criterion.objects.filter(category__edition=edition, kind="judged"):
        criteria.setdefault(c.category_id, []).append(c)
    now = timezone.now()
    nominations = list(Nomination.objects.filter(round=national).order_by("nominee__code"))
    assignments = Assignment.objects.bulk_create([
        Assignment(nomination=nom, stage=interview, reviewer=reviewer,
                   status="submitted" if (i + k) % 9 else "draft", submitted_at=now)
        for i, nom in enumerate(nominations) for k, reviewer in enumerate(reviewers)])
    scores = []
    for j, a in enumerate(assignments):
        for c in criteria[a.nomination.category_id]:
            span = int(c.scale_max - c.scale_min)
            scores.append(Score(assignment=a, criterion=c, value=c.scale_min + (j * 37 + c.position * 11) % (span + 1)))
    Score.objects.bulk_create(scores, batch_size=2000)


# --------------------------------------------------------------------------- timing

def bench_run(log=print):
    """Re-rank the synthetic edition, print the time, the queries and a checksum of every rank, score and
    flag (equal on both engines for the same N); return them with the rankings."""
    edition = Edition.objects.get(year=YEAR)
    nominations = Nomination.objects.filter(round__edition=edition).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM awards_metricvalue WHERE year = %s", [YEAR])
        metric_values = cursor.fetchone()[0]
    log(f"engine: {connection.vendor}; {nominations} nominations, {metric_values} metric values, year {YEAR}")

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        rankings = rank_edition(edition)
    engine_seconds = time.perf_counter() - started
    query_count = len(queries)
    ranked = sum(len(r.rows) for r in rankings)
    digest = hashlib.sha256()
    for ranking in sorted(rankings, key=lambda r: (r.category.code, str(r.round.key))):
        for row in ranking.rows:
            digest.update(f"{ranking.category.code}|{ranking.round.key}|{row.nominee_code}|{row.rank}|"
                          f"{row.round_score}|{','.join(row.flags)}\n".encode())
    log(f"ranked {ranked} nominations in {len(rankings)} ranking groups")
    log(f"engine: {engine_seconds:.2f} s, {query_count} queries")
    log(f"checksum of every rank, score and flag: {digest.hexdigest()}")
    return {"engine_seconds": engine_seconds, "queries": query_count, "checksum": digest.hexdigest(),
            "ranked": ranked, "rankings": rankings}


def bench_judged_group(nominations=1000, reviewers=9, criteria=6):
    """One provincial category of `nominations` businesses, each scored (submitted) by `reviewers` reviewers
    on `criteria` judged assessment criteria, calibrated, trimmed mean: (category, round, stage). Call it
    inside a transaction that is rolled back afterwards."""
    edition = Edition.objects.get(year=YEAR)
    round_ = Round.objects.get(edition=edition, level="provincial", province_id="XP0")
    stage = Stage.objects.get(round=round_, kind="assessment")
    stage.calibrate, stage.aggregation = True, "trimmed_mean"
    stage.save()
    category = Category.objects.create(edition=edition, code="bench-judged", name_id="x", name_en="x",
                                       nominee_kind="business")
    judged = [Criterion.objects.create(category=category, stage_kind="assessment", kind="judged", code=f"j{k}",
                                       name_id="j", name_en="j", weight=k + 1, scale_min=0, scale_max=10)
              for k in range(criteria)]
    people = list(Nominee.objects.filter(code__startswith="B-").order_by("id").values_list("id", flat=True)[:nominations])
    Nomination.objects.bulk_create([Nomination(round=round_, category=category, nominee_id=pid,
                                               eligibility="eligible") for pid in people])
    User = get_user_model()
    users = [User.objects.create_user(username=f"bench-judge-{k}") for k in range(reviewers)]
    now = timezone.now()
    assignments = Assignment.objects.bulk_create([
        Assignment(nomination=n, stage=stage, reviewer=u, status="submitted", submitted_at=now)
        for n in Nomination.objects.filter(category=category) for u in users])
    Score.objects.bulk_create([
        Score(assignment=a, criterion=c, value=D((i * 7 + k * 3 + i // 9) % 101) / 10)
        for i, a in enumerate(assignments) for k, c in enumerate(judged)], batch_size=5000)
    if connection.vendor == "postgresql":
        # As autovacuum would: without statistics on the fresh rows the planner guesses 1 row per table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE awards_nomination, awards_assignment, awards_score, awards_criterion")
    return category, round_, stage


def bench_judged(log=print, nominations=1000, reviewers=9, criteria=6):
    """Time rank_group on one category of 1,000 nominations, 9 reviewers × 6 judged criteria (calibrated,
    trimmed mean), built in a transaction that is rolled back afterwards."""
    from awards.scoring.ranking import rank_group

    with transaction.atomic():
        category, round_, stage = bench_judged_group(nominations, reviewers, criteria)
        scores = Score.objects.filter(criterion__category=category).count()
        timings = []
        for _run in range(3):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                ranking = rank_group(category, round_, stage)
            timings.append(time.perf_counter() - started)
        log(f"judged: {len(ranking.rows)} nominations × {reviewers} reviewers × {criteria} criteria "
            f"({scores} scores): best {min(timings):.3f} s of 3, {len(queries)} queries")
        transaction.set_rollback(True)
    return min(timings)
