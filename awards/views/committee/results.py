"""The committee workspace under /panitia/: overview, rounds, stages, leaderboards, charts, audit (frozen results
are in frozen.py)."""
import io
from itertools import chain

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ... import permissions
from ...filters import AuditFilter
from ...forms import StageScheduleForm
from ...imports.leaderboard_export import stage_of
from ...imports.tabular import CsvStreamWriter, neutralise, xlsx_table_write
from ...models import Stage, StageKind
from ...people import name_from
from ...scoring import ScoringError, explain, rank_group
from ...selectors import committee as selectors
from ...selectors.charts import province_coverage
from ...services import stages as stages_service
from ...tables import FLAG_LABELS, AuditTable


class CommitteeMixin(LoginRequiredMixin):
    """Signed-in committee members and observers only; reviewers get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            permissions.require(permissions.can_read_results(request.user))
        return super().dispatch(request, *args, **kwargs)


class OverviewView(CommitteeMixin, TemplateView):
    template_name = "awards/committee/overview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(editions=selectors.committee_overview(self.request.user),
                                         can_manage_accounts=permissions.is_committee_member(self.request.user),
                                         **kwargs)


class RoundView(CommitteeMixin, TemplateView):
    template_name = "awards/committee/round.html"

    def get_context_data(self, **kwargs):
        round_ = selectors.access_round(self.request.user, self.kwargs["round_id"])
        stages = selectors.stages_of_round(round_)
        return super().get_context_data(
            round=round_, stages=stages, categories=list(selectors.categories_of_round(round_)),
            snapshots=list(selectors.snapshots_of_round(round_)),
            can_manage=permissions.can_manage_round(self.request.user, round_),
            scored_stages=[s for s in stages if s.kind != "screening"],
            coverage=province_coverage(round_.province_id, round_.edition.year) if round_.province_id else None,
            **kwargs,
        )


def chosen_stage(request, stages):
    """The stage named by ?tahap=<id>, or the latest opened scored stage."""
    return stage_of(stages, request.GET.get("tahap"))


class GroupMixin:
    """Resolves the ranking group in the URL (round, category) and the chosen stage, and ranks it from its
    inputs (the explanation and the charts need the engine's whole breakdown, which is not stored)."""

    def load_group(self):
        self.round = selectors.access_round(self.request.user, self.kwargs["round_id"])
        self.category = selectors.round_category(self.round, self.kwargs["category_id"])
        self.stages = selectors.stages_of_round(self.round)
        try:
            self.stage = chosen_stage(self.request, self.stages)
            self.ranking = rank_group(self.category, self.round, self.stage)
            self.scoring_error = None
        except ScoringError as error:
            self.ranking, self.scoring_error = None, str(error)
            self.stage = getattr(self, "stage", None)

    def stage_columns(self):
        if self.ranking is None:
            return []
        return [(s.kind, s.get_kind_display()) for s in self.ranking.stages]


def safe_cells(row):
    """Names come from nominees' data: a cell a spreadsheet would run as a formula is written as text."""
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in row]


def csv_response(name, header, rows):
    """Rows streamed as CSV in the reader's language's style (UTF-8 with a BOM; tabular.csv_style)."""
    writer = CsvStreamWriter()
    lines = writer.document(safe_cells(row) for row in chain([header], rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def xlsx_response(name, header, rows, number_formats=None):
    buffer = io.BytesIO()
    xlsx_table_write(buffer, name, header, rows, number_formats=number_formats, in_memory=True)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


class ExplanationView(CommitteeMixin, GroupMixin, TemplateView):
    template_name = "awards/committee/explanation.html"

    def get_context_data(self, **kwargs):
        self.load_group()
        if self.ranking is None:
            raise Http404
        try:
            explanation = explain(self.ranking, self.kwargs["nomination_id"])
        except KeyError as error:
            raise Http404 from error
        names = {c.code: c.name for s in explanation.stages for c in s.criteria}
        missing = [f"{StageKind(item.stage_kind).label}: {names.get(item.criterion_code, item.criterion_code)}"
                   for item in explanation.missing]
        return super().get_context_data(round=self.round, category=self.category, stage=self.stage,
                                         explanation=explanation, missing=missing,
                                         flags=[FLAG_LABELS[code] for code in explanation.flags], **kwargs,
                                         stage_explanations=[(StageKind(s.kind).label, s) for s in explanation.stages])


class StageActionView(CommitteeMixin, View):
    """Open, close (after a confirmation that counts unsubmitted assignments) or reopen a stage."""

    def get_stage(self, request, manage=True):
        round_ = selectors.access_round(request.user, self.kwargs["round_id"], manage=manage)
        return get_object_or_404(Stage.objects.select_related("round"), pk=self.kwargs["stage_id"], round=round_)

    def get(self, request, round_id, stage_id, action):
        stage = self.get_stage(request)
        if action not in ("close", "reopen", "options"):
            raise Http404
        return render(request, "awards/committee/stage_confirm.html", {
            "stage": stage, "round": stage.round, "action": action,
            "unsubmitted": stages_service.stage_unsubmitted_count(stage=stage) if action == "close" else 0,
            "form": StageScheduleForm(initial={"deadline": stage.deadline and timezone.localtime(stage.deadline),
                                               "reminder_days": stage.reminder_days}),
        })

    def post(self, request, round_id, stage_id, action):
        stage = self.get_stage(request)
        if action == "options":
            return self.schedule(request, stage)
        try:
            if action == "open":
                stage = stages_service.stage_open(stage=stage, acting_user=request.user)
            elif action == "close":
                stage = stages_service.stage_close(stage=stage, acting_user=request.user)
            elif action == "reopen":
                stage = stages_service.stage_reopen(stage=stage, reason=request.POST.get("reason", ""),
                                                    acting_user=request.user)
            else:
                raise Http404
        except stages_service.StageError as error:
            messages.error(request, str(error))
            if action == "reopen":
                return render(request, "awards/committee/stage_confirm.html",
                              {"stage": stage, "round": stage.round, "action": action, "unsubmitted": 0}, status=400)
        else:
            messages.success(request, _("%(stage)s is now %(status)s.")
                             % {"stage": stage.get_kind_display(), "status": stage.get_status_display()})
        return redirect("committee-round", stage.round_id)


    def schedule(self, request, stage):
        """The stage's deadline and reminder option, through the stage service (refused once it is closed)."""
        form = StageScheduleForm(request.POST)
        if form.is_valid():
            try:
                stages_service.stage_update_options(stage=stage, changes=form.cleaned_data, acting_user=request.user)
            except stages_service.StageError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The deadline and reminder of %(stage)s are saved.")
                                 % {"stage": stage.get_kind_display()})
                return redirect("committee-round", stage.round_id)
        return render(request, "awards/committee/stage_confirm.html",
                      {"stage": stage, "round": stage.round, "action": "options", "form": form}, status=400)


class AuditView(CommitteeMixin, SingleTableMixin, FilterView):
    """The audit trail, scoped like everything else (a provincial committee sees its own round's events)."""

    template_name = "awards/committee/audit.html"
    table_class = AuditTable
    filterset_class = AuditFilter
    table_pagination = {"per_page": 50}
    strict = False

    def get_queryset(self):
        return selectors.audit_events(self.request.user)


class ChartsView(CommitteeMixin, GroupMixin, TemplateView):
    """Score distribution per criterion and reviewer calibration for one ranking group at one stage."""

    template_name = "awards/committee/charts.html"

    def get_context_data(self, **kwargs):
        from django.contrib.auth import get_user_model

        from ...selectors import charts

        self.load_group()
        if self.ranking is None:
            raise Http404
        reviewer_ids = {r.reviewer_id for scores in self.ranking.results[self.stage.kind].judged.values()
                        for judged in scores.values() for r in judged.reviewers}
        names = {user_id: name_from(first, last, username) for user_id, first, last, username in
                 get_user_model().objects.filter(id__in=reviewer_ids).values_list(
                     "id", "first_name", "last_name", "username")}
        return super().get_context_data(
            round=self.round, category=self.category, stage=self.stage,
            distributions=charts.score_distributions(self.ranking),
            calibration=charts.calibration_chart(charts.reviewer_calibration(self.ranking, names), _("panel")),
            **kwargs)
