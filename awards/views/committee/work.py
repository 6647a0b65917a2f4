"""Assignments (by hand, a panel in bulk, automatic) with the load per reviewer, and the progress dashboard."""
from html import escape as html_escape

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ... import permissions
from ...filters import RoundAssignmentFilter
from ...models import Assignment, Conflict, Nomination, Panel, Stage
from ...people import person_name
from ...scoring import ScoringError, default_stage
from ...selectors import committee as selectors
from ...selectors import work as work_selectors
from ...selectors.standings import round_behind, round_flagged
from ...services import assignments as service
from ...tables import FLAG_LABELS, RoundAssignmentTable
from .results import CommitteeMixin


class AssignmentsView(CommitteeMixin, SingleTableMixin, FilterView):
    """The load per reviewer, the forms that assign, and every assignment of the round one by one, each
    with a link to remove it or give it to another reviewer."""

    template_name = "awards/committee/assignments.html"
    table_class = RoundAssignmentTable
    filterset_class = RoundAssignmentFilter
    table_pagination = {"per_page": 50}
    strict = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.round = selectors.access_round(request.user, kwargs["round_id"])
            self.can_manage = permissions.can_manage_round(request.user, self.round)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return work_selectors.round_assignments(self.round)

    def get_filterset_kwargs(self, filterset_class):
        self.loads = selectors.reviewer_loads(self.round)
        self.categories = list(selectors.categories_of_round(self.round))
        return {**super().get_filterset_kwargs(filterset_class), "reviewers": self.loads,
                "categories": self.categories}

    def get_table_kwargs(self):
        return {"can_manage": self.can_manage}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.round, loads=self.loads, panels=selectors.round_panels(self.round), categories=self.categories,
            stages=[s for s in selectors.stages_of_round(self.round) if s.kind != "screening"],
            can_manage=self.can_manage, **kwargs)


class AssignmentView(CommitteeMixin, TemplateView):
    """One assignment: what it holds, and the two ways to change it (another reviewer, or removed)."""

    template_name = "awards/committee/assignment.html"

    def get_context_data(self, **kwargs):
        round_ = selectors.access_round(self.request.user, self.kwargs["round_id"], manage=True)
        assignment = work_selectors.assignment_of_round(round_, self.kwargs["assignment_id"])
        if assignment is None:
            raise Http404
        return super().get_context_data(
            round=round_, assignment=assignment, drafts=assignment.scores.exclude(value=None).count(),
            conflict=Conflict.objects.filter(nomination=assignment.nomination, reviewer=assignment.reviewer).first(),
            reviewers=work_selectors.reassign_candidates(assignment), **kwargs)


class AssignmentRemoveView(CommitteeMixin, View):
    def post(self, request, round_id, assignment_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        assignment = work_selectors.assignment_of_round(round_, assignment_id)
        if assignment is None:
            messages.error(request, _("This assignment was removed already."))
            return redirect("committee-assignments", round_id)
        if not request.POST.get("confirm"):
            messages.error(request, _("Tick the box to confirm the removal."))
            return redirect("committee-assignment", round_id, assignment_id)
        try:
            service.assignment_remove(assignment=assignment, acting_user=request.user)
        except service.AssignmentError as error:
            messages.error(request, str(error))
            return redirect("committee-assignment", round_id, assignment_id)
        messages.success(request, _("%(nominee)s (%(stage)s) is no longer assigned to %(reviewer)s.") % {
            "nominee": assignment.nomination.nominee.name, "stage": assignment.stage.get_kind_display(),
            "reviewer": person_name(assignment.reviewer)})
        return redirect("committee-assignments", round_id)


def _positive(value, default):
    return int(value) if value and value.isdigit() and int(value) > 0 else default


class AssignmentActionView(CommitteeMixin, View):
    def post(self, request, round_id, mode):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        stage = get_object_or_404(Stage, pk=request.POST.get("stage") or 0, round=round_)
        try:
            if mode == "hand":
                nomination = get_object_or_404(Nomination.objects.select_related("round"), round=round_,
                                               nominee__code=(request.POST.get("nominee") or "").strip(),
                                               category_id=request.POST.get("category") or 0)
                reviewer = get_object_or_404(get_user_model(), username=request.POST.get("reviewer", ""))
                service.assignment_add(nomination=nomination, stage=stage, reviewer=reviewer, acting_user=request.user)
                created, short = 1, []
            elif mode == "bulk":
                panel = get_object_or_404(Panel.objects.select_related("round"), pk=request.POST.get("panel") or 0,
                                          round=round_)
                category = selectors.round_category(round_, request.POST.get("category") or 0)
                outcome = service.assignments_bulk(panel=panel, category=category, stage=stage,
                                                   acting_user=request.user)
                created, short = len(outcome.created), outcome.short
            elif mode == "auto":
                category = selectors.round_category(round_, request.POST.get("category") or 0)
                outcome = service.assignments_auto(
                    round_=round_, category=category, stage=stage,
                    per_nomination=_positive(request.POST.get("per_nomination"), 3),
                    cap=_positive(request.POST.get("cap"), 1000), acting_user=request.user)
                created, short = len(outcome.created), outcome.short
            else:
                return redirect("committee-assignments", round_id)
        except service.AssignmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(count)s assignments made.") % {"count": created})
            if short:
                messages.warning(request, _("%(count)s nominations still have fewer reviewers than asked: "
                                            "add reviewers to the panel or raise the cap.") % {"count": len(short)})
        return redirect("committee-assignments", round_id)


class ProgressView(CommitteeMixin, TemplateView):
    template_name = "awards/committee/progress.html"

    def get_context_data(self, **kwargs):
        round_ = selectors.access_round(self.request.user, self.kwargs["round_id"])
        can_manage = permissions.can_manage_round(self.request.user, round_)
        conflicts = selectors.round_conflicts(round_)
        reviewers = selectors.conflict_reassignments(round_, conflicts) if can_manage and conflicts else []
        try:
            stage = default_stage(selectors.stages_of_round(round_))
        except ScoringError:
            stage = None
        flagged = round_flagged(round_, stage) if stage else []
        return super().get_context_data(round=round_, progress=selectors.round_progress(round_),
                                        can_manage=can_manage, flag_items=flag_items(round_, flagged),
                                        flags_stage=stage, flags_behind=stage is not None and round_behind(round_, stage),
                                        conflicts=conflicts, reviewers=reviewers, **kwargs)


def flag_items(round_, flagged):
    """The flags list's <li> items as one HTML string: a large round has thousands of flagged rows
    (4,406 in the benchmark's), which took 0.4 s through the template engine, a {% url %} each.
    The link of a row is its category's explanation URL with the nomination id in place of a marker."""
    marker = "2147483647"
    heads, spans, items = {}, {}, []
    for standing in flagged:
        category, stage = standing.group.category, standing.group.stage
        head = heads.get(category.id)
        if head is None:
            prefix, suffix = reverse("committee-explanation", args=[round_.id, category.id, marker]).rsplit(marker, 1)
            head = heads[category.id] = (escape(prefix), escape(f"{suffix}?tahap={stage.id}"), escape(category.name))
        prefix, suffix, name = head
        codes = tuple(standing.flags)
        html = spans.get(codes)
        if html is None:
            html = spans[codes] = "".join(f'<span class="flag flag-{escape(code)}">{escape(FLAG_LABELS[code])}</span>'
                                          for code in codes)
        # html.escape is what django.utils.html.escape does, without a SafeString per name.
        items.append(f'<li><a href="{prefix}{standing.nomination_id}{suffix}">{name} · '
                     f"{html_escape(standing.nomination.nominee.name)}</a> — {html}</li>")
    return mark_safe("\n".join(items))  # every part above is escaped


class AssignmentReassignView(CommitteeMixin, View):
    """Give an assignment (typically one whose reviewer declared a conflict) to another reviewer."""

    def post(self, request, round_id, assignment_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        assignment = get_object_or_404(Assignment.objects.select_related("nomination__round", "stage", "reviewer"),
                                       pk=assignment_id, stage__round=round_)
        reviewer = get_object_or_404(get_user_model(), pk=request.POST.get("reviewer") or 0)
        try:
            service.assignment_reassign(assignment=assignment, reviewer=reviewer, acting_user=request.user)
        except service.AssignmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(nominee)s (%(stage)s) is now assigned to %(reviewer)s.") % {
                "nominee": assignment.nomination.nominee.name, "stage": assignment.stage.get_kind_display(),
                "reviewer": person_name(reviewer)})
        return redirect("committee-assignments" if request.POST.get("back") == "assignments" else "committee-progress",
                        round_id)
