"""The reviewer portal: my assignments, the scoring page of one assignment and a conflict declaration."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ..filters import AssignmentFilter
from ..forms import ConflictForm, ScoreForm
from ..models import AssignmentStatus
from ..selectors.reviews import (
    access_assignment,
    next_assignment_id,
    reviewer_assignments,
    reviewer_progress,
    scoring_page,
)
from ..services.reviews import ReviewError, assignment_declare_conflict, assignment_save_scores
from ..tables import AssignmentTable


class AssignmentListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """My work list, filtered and sorted in the database, with my progress on top."""

    template_name = "awards/reviewer/assignments.html"
    table_class = AssignmentTable
    filterset_class = AssignmentFilter
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return reviewer_assignments(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["progress"] = reviewer_progress(self.request.user)
        return context


def score_form(page, data=None):
    return ScoreForm(data, criteria=[item.criterion for item in page.judged],
                     scores={item.criterion.id: item.score for item in page.judged if item.score})


def render_scoring(request, page, form, *, confirming=False, status=200):
    return render(request, "awards/reviewer/scoring.html",
                  {"page": page, "form": form, "rows": form.rows(page.judged), "confirming": confirming,
                   "submitted": page.assignment.status == AssignmentStatus.SUBMITTED,
                   "next_id": next_assignment_id(request.user, page.assignment.pk)}, status=status)


class AssignmentScoreView(LoginRequiredMixin, View):
    """GET shows the dossier and the form; POST saves a draft, asks to confirm a submission, or submits.

    A refused save answers with the form as typed and the reason (400 for what the reviewer can fix,
    409 when the stage or a conflict forbids any change)."""

    def get(self, request, pk):
        page = scoring_page(access_assignment(request.user, pk))
        return render_scoring(request, page, score_form(page))

    def post(self, request, pk):
        page = scoring_page(access_assignment(request.user, pk))
        form = score_form(page, request.POST)
        if not page.editable:
            form.is_valid()
            form.add_error(None, str(page.locked_reason))
            return render_scoring(request, page, form, status=409)
        if not form.is_valid():
            return render_scoring(request, page, form, status=400)
        if form.editing:
            return render_scoring(request, page, form)
        if form.wants_submit and not form.confirmed:
            return render_scoring(request, page, form, confirming=True)
        try:
            outcome = assignment_save_scores(assignment=page.assignment, values=form.values(), notes=form.notes(),
                                             submit=form.wants_submit, acting_user=request.user)
        except ReviewError as error:
            form.add_error(None, str(error))
            return render_scoring(request, page, form, status=409)
        if not outcome.changed:
            messages.info(request, _("Nothing changed."))
        elif outcome.status == AssignmentStatus.SUBMITTED:
            messages.success(request, _("Your scores are submitted. You may still change them until the stage closes."))
        else:
            messages.success(request, _("Draft saved."))
        if request.POST.get("then") == "next":
            return redirect("reviewer-assignment", pk=next_assignment_id(request.user, page.assignment.pk)
                            or page.assignment.pk)
        return redirect("reviewer-assignment", pk=page.assignment.pk)


class AssignmentConflictView(LoginRequiredMixin, View):
    """Declare a conflict of interest on one of my assignments, with a reason."""

    template_name = "awards/reviewer/conflict.html"

    def get(self, request, pk):
        assignment = access_assignment(request.user, pk)
        return render(request, self.template_name, {"assignment": assignment, "form": ConflictForm()})

    def post(self, request, pk):
        assignment = access_assignment(request.user, pk)
        form = ConflictForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"assignment": assignment, "form": form}, status=400)
        try:
            assignment_declare_conflict(assignment=assignment, reason=form.cleaned_data["reason"],
                                        acting_user=request.user)
        except ReviewError as error:
            form.add_error(None, str(error))
            return render(request, self.template_name, {"assignment": assignment, "form": form}, status=409)
        messages.success(request, _("Conflict of interest declared on %(nominee)s. The assignment has left your "
                                    "work list and your scores on it do not count.")
                         % {"nominee": assignment.nomination.nominee.name})
        return redirect("reviewer-assignments")
