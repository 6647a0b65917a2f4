"""Reads of the reviewer portal: my assignments, my progress and one assignment's scoring page."""
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Assignment,
    AssignmentStatus,
    Category,
    Conflict,
    Criterion,
    CriterionKind,
    Eligibility,
    MetricDefinition,
    MetricValue,
    NomineeKind,
    Round,
    Score,
    StageStatus,
)
from ..people import person_name
from ..scoring import display_score, nomination_metric_scores
from ..scoring.rules import coverage_percent
from ..services.reviews import locked_reason

CONFLICT = "conflict"  # "my status" of an assignment whose nomination I declared a conflict on
MY_STATUS_CHOICES = [*AssignmentStatus.choices, (CONFLICT, gettext_lazy("Conflict of interest"))]
HUNDRED = Decimal(100)
PROGRAMS_TOTAL = 5  # JKK, JKM, JHT, JP, JKP
MONTHS_TOTAL = 12


def _conflicts():
    return Conflict.objects.filter(nomination_id=OuterRef("nomination_id"), reviewer_id=OuterRef("reviewer_id"))


def with_my_status(assignments):
    """Annotate `has_conflict` and `my_status` (the assignment's status, or "conflict")."""
    return assignments.annotate(has_conflict=Exists(_conflicts())).annotate(
        my_status=Case(When(has_conflict=True, then=Value(CONFLICT)), default="status", output_field=CharField()),
    )


def reviewer_assignments(user):
    """Every assignment of `user` with what the work list shows; conflicted ones included (the filter
    decides whether they show)."""
    return with_my_status(Assignment.objects.filter(reviewer=user)).select_related(
        "nomination__nominee", "nomination__category", "nomination__round__edition",
        "nomination__round__province", "stage",
    ).order_by("stage__deadline", "nomination__nominee__name", "pk")


def next_assignment_id(user, current_id):
    """The reviewer's next assignment still to score — not submitted, no conflict declared, its stage open —
    in the work list's order after `current_id` (from the top again at the end), or None."""
    rows = list(reviewer_assignments(user).values_list("pk", "status", "has_conflict", "stage__status"))
    order = [pk for pk, *_rest in rows]
    position = order.index(current_id) if current_id in order else -1
    to_score = {pk for pk, status, conflict, stage_status in rows
                if status != AssignmentStatus.SUBMITTED and not conflict and stage_status == StageStatus.OPEN}
    following = [pk for pk in order[position + 1:] + order[:position + 1] if pk in to_score and pk != current_id]
    return following[0] if following else None


def reviewer_progress(user):
    """{"submitted": n, "total": m} over my assignments, leaving out those I declared a conflict on."""
    counts = Assignment.objects.filter(reviewer=user).exclude(Exists(_conflicts())).aggregate(
        total=Count("pk"), submitted=Count("pk", filter=Q(status=AssignmentStatus.SUBMITTED)))
    return counts


def reviewer_categories(user):
    """The categories of my assignments (the work list's category filter)."""
    return Category.objects.filter(nominations__assignments__reviewer=user).distinct().order_by("position", "code")


def reviewer_rounds(user):
    """The rounds of my assignments (the work list's round filter)."""
    return (Round.objects.filter(nominations__assignments__reviewer=user).distinct()
            .select_related("edition", "province").order_by("edition__year", "-level", "province_id"))


def access_assignment(user, pk):
    """The assignment `pk` if it is `user`'s, with everything its scoring page shows; else 404."""
    try:
        return with_my_status(Assignment.objects.filter(reviewer=user)).annotate(
            conflict_reason=Subquery(_conflicts().values("reason")[:1]),
        ).select_related(
            "nomination__nominee__region", "nomination__nominee__province", "nomination__category__edition",
            "nomination__round__edition", "nomination__round__province", "stage",
        ).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class JudgedItem:
    criterion: Criterion
    score: Score | None  # mine
    others: list = field(default_factory=list)  # [(reviewer label, Score)] when the stage shows them


@dataclass
class CoverageRow:
    definition: MetricDefinition  # the protected/registered metric
    total: MetricDefinition
    part_value: Decimal | None
    total_value: Decimal | None
    ratio: Decimal | None  # percent
    median: Decimal | None  # the category's median ratio in this round
    target: Decimal | None  # the nominee's own target, for overall worker coverage

    @property
    def gap_to_median(self):
        return None if self.ratio is None or self.median is None else self.ratio - self.median

    @property
    def gap_to_target(self):
        return None if self.ratio is None or self.target is None else self.ratio - self.target


CHART_WIDTH = 340  # SVG units for 100 %
CHART_ROW = 36


@dataclass
class ChartBar:
    """One coverage ratio in the SVG chart, in SVG units (100 % = CHART_WIDTH)."""

    label: str
    y: int
    width: Decimal
    median_x: Decimal | None
    target_x: Decimal | None
    ratio: Decimal | None


@dataclass
class ScoringPage:
    assignment: Assignment
    judged: list  # [JudgedItem]
    metric_criteria: list  # [MetricCriterionRow], scored by the scoring engine
    metrics: list  # [(MetricDefinition, value or None)] of the assessment year
    coverage: list  # [CoverageRow]
    compliance: list  # [(label, value, out_of)] for businesses and UMKM
    chart: list  # [ChartBar]
    chart_height: int
    others_visible: bool

    @property
    def stage(self):
        return self.assignment.stage

    @property
    def nomination(self):
        return self.assignment.nomination

    @property
    def nominee(self):
        return self.assignment.nomination.nominee

    @property
    def version(self):
        """The server's state of my scores, for the page's script that keeps unsaved typing."""
        times = [item.score.updated_at for item in self.judged if item.score is not None]
        latest = max(times).isoformat() if times else ""
        return f"{self.assignment.status}/{latest}"

    @property
    def status_label(self):
        return dict(MY_STATUS_CHOICES)[self.assignment.my_status]

    @property
    def locked_reason(self):
        """Why the form is read-only, or "" when the reviewer may save."""
        return locked_reason(stage=self.assignment.stage, has_conflict=self.assignment.has_conflict)

    @property
    def editable(self):
        return not self.locked_reason


def others_visible(assignment):
    """Blind option: other reviewers' scores show once the stage closes, or at once if the stage allows it."""
    return assignment.stage.status == StageStatus.CLOSED or not assignment.stage.hide_other_scores


def _coverage(year, nomination, definitions, values):
    """Coverage rows (protected ÷ the total its definition names) with the category's median in this round,
    for the ratios that the nominee or someone in its group reports."""
    pairs = [d for d in definitions if d.not_above_id is not None]
    if not pairs:
        return []
    ids = {d.id for d in pairs} | {d.not_above_id for d in pairs}
    group = {}
    for nominee_id, metric_id, value in MetricValue.objects.filter(
        year=year, metric_id__in=ids, nominee__nominations__round_id=nomination.round_id,
        nominee__nominations__category_id=nomination.category_id,
        nominee__nominations__eligibility=Eligibility.ELIGIBLE,
    ).values_list("nominee_id", "metric_id", "value"):
        group.setdefault(nominee_id, {})[metric_id] = value
    by_id = {d.id: d for d in definitions}
    target = values.get("coverage_target_pct")
    rows = []
    for d in pairs:
        ratios = [r for r in (coverage_percent(v.get(d.id), v.get(d.not_above_id)) for v in group.values()) if r is not None]
        part, total = values.get(d.code), values.get(by_id[d.not_above_id].code)
        if not ratios and part is None:
            continue  # nobody in the group reports it
        rows.append(CoverageRow(
            definition=d, total=by_id[d.not_above_id], part_value=part, total_value=total,
            ratio=coverage_percent(part, total), median=statistics.median(ratios) if ratios else None,
            target=target if d.code == "workers_protected" else None,
        ))
    return rows


def _chart_x(percent):
    if percent is None:
        return None
    return (max(Decimal(0), min(HUNDRED, Decimal(percent))) * CHART_WIDTH / HUNDRED).quantize(Decimal("0.1"))


def _chart(coverage):
    return [ChartBar(label=row.definition.label, y=i * CHART_ROW, width=_chart_x(row.ratio) or Decimal(0),
                     median_x=_chart_x(row.median), target_x=_chart_x(row.target), ratio=row.ratio)
            for i, row in enumerate(coverage)]


@dataclass
class MetricCriterionRow:
    """A metric criterion as the reviewer sees it: the engine's detail and the score as shown (2 decimals)."""

    detail: object  # scoring.MetricDetail
    shown_score: Decimal | None


def _compliance(nominee, values):
    if nominee.kind not in NomineeKind.employers():
        return []
    return [
        (_("Programmes enrolled (JKK, JKM, JHT, JP, JKP)"), values.get("programs_enrolled"), PROGRAMS_TOTAL),
        (_("Months of contributions paid on time"), values.get("contributions_on_time_months"), MONTHS_TOTAL),
        (_("Wages reported (% of actual)"), values.get("wages_reported_pct"), 100),
        (_("Vulnerable workers protected through CSR"), values.get("csr_vulnerable_protected"), None),
    ]


def _reviewer_label(stage, index, user):
    if stage.hide_reviewer_names:
        return _("Reviewer %(number)s") % {"number": index}
    return person_name(user)


def scoring_page(assignment):
    """Everything the scoring page shows, in a number of queries that does not grow with the criteria."""
    nomination, stage = assignment.nomination, assignment.stage
    nominee, year = nomination.nominee, nomination.category.edition.year
    criteria = list(Criterion.objects.filter(
        category_id=nomination.category_id, stage_kind=stage.kind, kind=CriterionKind.JUDGED,
    ).order_by("position", "code"))
    mine = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment)}
    judged = [JudgedItem(criterion=c, score=mine.get(c.id)) for c in criteria]

    visible = others_visible(assignment) and not assignment.has_conflict
    if visible and criteria:
        by_criterion = {item.criterion.id: item for item in judged}
        labels = {}
        others = (Score.objects.filter(assignment__nomination=nomination, assignment__stage=stage,
                                       assignment__status=AssignmentStatus.SUBMITTED, value__isnull=False)
                  .exclude(assignment=assignment)
                  .exclude(Exists(Conflict.objects.filter(nomination_id=OuterRef("assignment__nomination_id"),
                                                          reviewer_id=OuterRef("assignment__reviewer_id"))))
                  .select_related("assignment__reviewer").order_by("assignment__reviewer__username", "criterion_id"))
        for score in others:
            reviewer = score.assignment.reviewer
            label = labels.setdefault(reviewer.pk, _reviewer_label(stage, len(labels) + 1, reviewer))
            by_criterion[score.criterion_id].others.append((label, score))

    details = [MetricCriterionRow(detail=d, shown_score=None if d.score is None else display_score(d.score))
               for d in nomination_metric_scores(nomination, stage)]
    definitions = [d for d in MetricDefinition.objects.order_by("position", "code") if nominee.kind in d.kinds]
    values = dict(MetricValue.objects.filter(nominee=nominee, year=year).values_list("metric__code", "value"))
    metrics = [(d, values.get(d.code)) for d in definitions]
    coverage = _coverage(year, nomination, definitions, values)
    chart = _chart(coverage)
    return ScoringPage(
        assignment=assignment, judged=judged, metric_criteria=details, metrics=metrics, coverage=coverage,
        compliance=_compliance(nominee, values), chart=chart, chart_height=max(len(chart), 1) * CHART_ROW + 4,
        others_visible=visible,
    )

