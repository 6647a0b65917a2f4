"""Reads for the committee workspace and the public results page, scoped to the user."""
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.db.models.query import ModelIterable
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Category,
    Conflict,
    Edition,
    Eligibility,
    Nomination,
    Panel,
    ResultSnapshot,
    Role,
    Round,
    RoundLevel,
    Stage,
    StageKind,
    StageStatus,
)
from ..people import name_from
from ..scoring.metric_sql import fetch_with_settings


def rounds_visible_to(user):
    """The rounds a committee member or observer may read: all, or a provincial committee's own."""
    rounds = Round.objects.select_related("edition", "province")
    role = permissions.role_of(user)
    if role in (Role.COMMITTEE, Role.OBSERVER):
        return rounds
    if role == Role.PROVINCIAL_COMMITTEE:
        return rounds.filter(level=RoundLevel.PROVINCIAL, province_id=permissions.province_of(user))
    return rounds.none()


def committee_overview(user):
    """Editions with the rounds this user may read, each with its stages and nomination counts."""
    rounds = list(
        rounds_visible_to(user)
        .annotate(
            nomination_count=Count("nominations", distinct=True),
            eligible_count=Count("nominations", filter=Q(nominations__eligibility=Eligibility.ELIGIBLE), distinct=True),
        )
        .order_by("-edition__year", "level", "province_id")
    )
    stages = {}
    for stage in Stage.objects.filter(round__in=[r.id for r in rounds]).order_by("position"):
        stages.setdefault(stage.round_id, []).append(stage)
    editions = {}
    for round_ in rounds:
        round_.stage_list = stages.get(round_.id, [])
        editions.setdefault(round_.edition, []).append(round_)
    return [{"edition": edition, "rounds": items} for edition, items in editions.items()]


def access_round(user, round_id, *, manage=False):
    """The round, if the user may read it (or manage it, with manage=True); 404 or 403 otherwise."""
    round_ = get_object_or_404(Round.objects.select_related("edition", "province"), pk=round_id)
    permissions.require(permissions.can_manage_round(user, round_) if manage else permissions.can_read_round(user, round_))
    return round_


def categories_of_round(round_):
    """The categories ranked in this round (national-only ones only in the national round), with counts.

    Each count is a subquery on the (category, round, eligibility) index: it reads the category's
    nominations in this round only, not the category's nominations in every round joined and grouped."""
    categories = Category.objects.filter(edition_id=round_.edition_id).select_related("edition")
    if round_.level != RoundLevel.NATIONAL:
        categories = categories.filter(national_only=False)

    def count(**extra):
        nominations = Nomination.objects.filter(category=OuterRef("pk"), round=round_, **extra).order_by()
        return Subquery(nominations.values("category").annotate(n=Count("*")).values("n"))

    return categories.annotate(
        nomination_count=Coalesce(count(), 0),
        eligible_count=Coalesce(count(eligibility=Eligibility.ELIGIBLE), 0),
    ).order_by("position", "code")


def round_category(round_, category_id):
    """A category ranked in `round_`, or 404."""
    return get_object_or_404(categories_of_round(round_), pk=category_id)


def stages_of_round(round_):
    return list(Stage.objects.filter(round=round_).order_by("position"))


def group_nominations(round_, category):
    """The nominations of one ranking group, with what the leaderboard shows beside the scores."""
    return (
        Nomination.objects.filter(round=round_, category=category)
        .select_related("nominee__region")
        .order_by("nominee__code")
    )


def snapshots_of_round(round_):
    """Every frozen result of the round, newest first, with who froze it and what it corrects."""
    return (
        ResultSnapshot.objects.filter(round=round_)
        .select_related("category", "stage", "frozen_by", "supersedes", "superseded_by")
        .order_by("category__position", "category__code", "-frozen_at", "-id")
    )


def current_snapshot(round_, category):
    """The snapshot of the group that nothing supersedes yet, or None."""
    return (
        ResultSnapshot.objects.filter(round=round_, category=category, superseded_by__isnull=True)
        .select_related("frozen_by", "stage")
        .order_by("-frozen_at", "-id")
        .first()
    )


def access_snapshot(user, snapshot_id, *, manage=False):
    snapshot = get_object_or_404(
        ResultSnapshot.objects.select_related(
            "round__edition", "round__province", "category", "stage", "frozen_by", "supersedes", "superseded_by",
            "previous",
        ),
        pk=snapshot_id,
    )
    round_ = snapshot.round
    permissions.require(permissions.can_manage_round(user, round_) if manage else permissions.can_read_round(user, round_))
    return snapshot


def published_editions():
    """Editions with at least one published result, newest first."""
    return (Edition.objects.filter(rounds__snapshots__published_at__isnull=False, rounds__snapshots__interim=False)
            .distinct().order_by("-year"))


def published_results(edition):
    """The newest published snapshot of each ranking group of the edition, national round first.

    A published correction replaces what was published before it; an unpublished correction does not
    hide the result that is public until it is itself published.
    """
    newest = (
        ResultSnapshot.objects.filter(round=OuterRef("round"), category=OuterRef("category"), published_at__isnull=False,
                                      interim=False)
        .order_by("-frozen_at", "-id")
        .values("id")[:1]
    )
    return (
        ResultSnapshot.objects.filter(round__edition=edition, published_at__isnull=False, interim=False,
                                      id=Subquery(newest))
        .select_related("round__province", "category")
        .order_by("round__level", "round__province_id", "category__position", "category__code")
    )


def published_snapshot(year, snapshot_id):
    """A published final result of the edition of `year`, for its public JSON; 404 for anything else."""
    return get_object_or_404(ResultSnapshot.objects.only("id", "content", "digest"), pk=snapshot_id,
                             round__edition__year=year, published_at__isnull=False, interim=False)


def winners(content):
    """The rows of a frozen result's content that receive an award (rank ≤ the category's number of awards);
    none for an interim result, which names no winners."""
    if content.get("interim"):
        return []
    awards = content["category"]["awards_count"]
    return [row for row in content["ranking"]["rows"] if row["rank"] <= awards]


def audit_events(user):
    """The audit trail the user may read, newest first: everything for the national committee and
    observers; for a provincial committee, the events on its own provincial round and on the stages,
    nominations, assignments (with their scores) and results of that round."""
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    role = permissions.role_of(user)
    if role in (Role.COMMITTEE, Role.OBSERVER):
        return events
    if role != Role.PROVINCIAL_COMMITTEE:
        return events.none()
    rounds = Round.objects.filter(level=RoundLevel.PROVINCIAL, province_id=permissions.province_of(user))

    def ids(queryset):
        return queryset.annotate(key=Cast("id", CharField())).values("key")

    return events.filter(
        Q(object_type="awards.round", object_id__in=ids(rounds))
        | Q(object_type="awards.stage", object_id__in=ids(Stage.objects.filter(round__in=rounds)))
        | Q(object_type="awards.nomination", object_id__in=ids(Nomination.objects.filter(round__in=rounds)))
        | Q(object_type="awards.assignment", object_id__in=ids(Assignment.objects.filter(stage__round__in=rounds)))
        | Q(object_type="awards.resultsnapshot", object_id__in=ids(ResultSnapshot.objects.filter(round__in=rounds)))
    )


class PagedByKeys(QuerySet):
    """A queryset whose slices (a table's page) are read in two steps: the page's primary keys by a narrow
    query, which joins only what the filters and the order need, then those rows with everything the page
    shows. Sorting the tens of thousands of rows of a large round then moves ids, not whole joined rows.

    On PostgreSQL the keys and the count are planned with random_page_cost = 1.1 (data in memory or on SSD,
    as for the scoring statements): with the default 4 the planner scans all 800,000 nominees to search or
    sort a round's 20,000 nominations by name, instead of looking up those 20,000. (Reading the total with
    the keys, COUNT(*) OVER (), was tried: it makes the default order read every row, not only the first
    category's, and was slower.) Sequential scans are off for those two statements: they always filter on one
    round, which its index finds, while a search's LIKE '%…%' on the nominee has no statistics (estimated to
    match 0.1 % of names), so the planner weighed scanning all 800,000 nominees as about equal to looking up the
    round's 22,000, and chose it (0.8 s instead of 0.13 s) once the round had grown by 1,000 nominations."""

    def __getitem__(self, k):
        if (isinstance(k, slice) and k.stop is not None and self._result_cache is None
                and self._iterable_class is ModelIterable and not self.query.is_sliced):
            try:
                keys = [key for (key,) in _planned(self.values_list("pk")[k].query)]
            except EmptyResultSet:  # a filter that no row can meet (a round without categories yet)
                return []
            if not keys:
                return []
            # The rows by primary key only: the filters (a search on the nominee) have done their work.
            rows = QuerySet(self.model, using=self.db).filter(pk__in=keys)
            rows.query.select_related = self.query.select_related
            rows = {row.pk: row for row in rows}
            return [rows[key] for key in keys]
        return super().__getitem__(k)

    def count(self):
        if self._result_cache is not None or self.query.is_sliced or connection.vendor != "postgresql":
            return super().count()
        try:
            sql, params = self.values("pk").order_by().query.sql_with_params()
        except EmptyResultSet:
            return 0
        return _planned(None, f"SELECT COUNT(*) FROM ({sql}) counted", params)[0][0]


def _planned(query, sql=None, params=()):
    """Rows of a query, on PostgreSQL in the same statement as the planner settings for it (SET LOCAL)."""
    if sql is None:
        sql, params = query.sql_with_params()
    return fetch_with_settings("SET LOCAL random_page_cost = 1.1; SET LOCAL jit = off; SET LOCAL enable_seqscan = off",
                               sql, params)


def round_nominations(round_):
    """The nominations of a round with what the nominations table shows: a page in two queries (PagedByKeys)."""
    return PagedByKeys(model=Nomination).filter(round=round_).select_related(
        "nominee__region", "category", "advanced_from__round__province")


def round_progress(round_):
    """Assignments of the round's scored stages, submitted against all, per stage, per reviewer and per
    province of the nominee: three aggregate queries, whatever the number of assignments."""
    assignments = Assignment.objects.filter(stage__round=round_)
    submitted = Count("id", filter=Q(status=AssignmentStatus.SUBMITTED))
    per_stage = list(assignments.values("stage__id", "stage__kind", "stage__status", "stage__position")
                     .annotate(total=Count("id"), submitted=submitted).order_by("stage__position"))
    per_reviewer = list(assignments.values("reviewer_id", "reviewer__username", "reviewer__first_name",
                                           "reviewer__last_name", "stage__id", "stage__status", "stage__kind",
                                           "stage__position")
                        .annotate(total=Count("id"), submitted=submitted)
                        .order_by("reviewer__username", "stage__position"))
    for row in per_reviewer:
        row["reviewer_name"] = name_from(row["reviewer__first_name"], row["reviewer__last_name"],
                                         row["reviewer__username"])
    per_province = list(assignments.values("nomination__nominee__province_id", "nomination__nominee__province__name",
                                           "stage__kind", "stage__position")
                        .annotate(total=Count("id"), submitted=submitted)
                        .order_by("nomination__nominee__province_id", "stage__position"))
    for rows in (per_stage, per_reviewer, per_province):
        for row in rows:
            row["open"] = row["total"] - row["submitted"]
            row["stage_label"] = StageKind(row["stage__kind"]).label
            row["percent"] = 100 * row["submitted"] // row["total"] if row["total"] else 0
    return {"per_stage": per_stage, "per_reviewer": per_reviewer, "per_province": per_province}


def reviewer_loads(round_):
    """Every member of the round's panels with their assignments at each scored stage (also zero)."""
    members = list(Panel.members.through.objects.filter(panel__round=round_)
                   .values_list("user_id", "user__username", "user__first_name", "user__last_name", "panel__name")
                   .order_by("user__username"))
    counts = {}
    for reviewer_id, kind, total, submitted in (
            Assignment.objects.filter(stage__round=round_).values_list("reviewer_id", "stage__kind")
            .annotate(total=Count("id"), submitted=Count("id", filter=Q(status=AssignmentStatus.SUBMITTED)))
            .values_list("reviewer_id", "stage__kind", "total", "submitted").order_by()):
        counts[(reviewer_id, kind)] = (total, submitted)
    return [{"id": user_id, "username": username, "name": name_from(first, last, username), "panel": panel,
             "stages": {kind: counts.get((user_id, kind), (0, 0)) for kind in ("assessment", "interview")}}
            for user_id, username, first, last, panel in members]


def round_conflicts(round_):
    """Conflicts of interest declared on the round's nominations, newest first, in one query."""
    return list(Conflict.objects.filter(nomination__round=round_)
                .select_related("reviewer", "nomination__nominee", "nomination__category")
                .order_by("-declared_at", "-id"))


def conflict_reassignments(round_, conflicts):
    """For each conflict of `conflicts`: its reviewer's assignments on the nomination at stages not closed
    (what may be given to another reviewer), set as `conflict.reassignable`; and the round's reviewers
    [(id, name)] to give them to. Two queries."""
    pairs = {(c.nomination_id, c.reviewer_id) for c in conflicts}
    found = {}
    if pairs:
        for assignment in (Assignment.objects.filter(stage__round=round_, nomination_id__in={n for n, _r in pairs})
                           .exclude(stage__status=StageStatus.CLOSED).select_related("stage").order_by("stage__position")):
            found.setdefault((assignment.nomination_id, assignment.reviewer_id), []).append(assignment)
    for conflict in conflicts:
        conflict.reassignable = found.get((conflict.nomination_id, conflict.reviewer_id), [])
    return panel_members(round_.id)


def panel_members(round_id, *, exclude=()):
    """The members of the round's panels but `exclude` (user ids): [(id, full name)] by name, one query."""
    members = (Panel.members.through.objects.filter(panel__round_id=round_id).exclude(user_id__in=exclude)
               .values_list("user_id", "user__first_name", "user__last_name", "user__username").distinct())
    return sorted({(uid, name_from(first, last, username)) for uid, first, last, username in members},
                  key=lambda pair: pair[1].lower())


def round_panels(round_):
    return list(Panel.objects.filter(round=round_).order_by("name"))


def published_summaries(edition):
    """What the public page shows of each published result: [{snapshot, content: {category, round},
    winners, verified}]. A frozen result never changes, so its summary is cached under its digest and the
    (large) content is read from the database only for results not summarised yet. A content that no
    longer hashes to its digest (changed in the database behind the application's back) is summarised
    as unverified, and the page names no winners from it."""
    import json

    from django.core.cache import cache

    from ..services.results import content_digest

    snapshots = list(published_results(edition).defer("content"))
    keys = {s.id: f"paritrana:result-summary:{s.digest}" for s in snapshots}
    summaries = cache.get_many(list(keys.values()))
    missing = [s.id for s in snapshots if keys[s.id] not in summaries]
    if missing:
        fresh = {}
        for snapshot_id, text, digest in ResultSnapshot.objects.filter(pk__in=missing).values_list(
                "id", "content", "digest"):
            content = json.loads(text)
            verified = content_digest(text) == digest
            fresh[keys[snapshot_id]] = {"content": {"category": content["category"], "round": content["round"]},
                                        "winners": winners(content) if verified else [], "verified": verified}
        cache.set_many(fresh, timeout=None)
        summaries.update(fresh)
    return [{"snapshot": s, **summaries[keys[s.id]]} for s in snapshots]
