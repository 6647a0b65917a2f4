"""The committee workspace under /panitia/: overview, rounds, stages, leaderboards, charts, audit (frozen results
are in frozen.py)."""
import io
from contextlib import nullcontext
from itertools import chain
from types import SimpleNamespace

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.validators import EMPTY_VALUES
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ... import permissions
from ...filters import AuditFilter, LeaderboardFilter
from ...forms import StageScheduleForm
from ...imports.tabular import SCORE_FORMAT, WHOLE_FORMAT, CsvStreamWriter, neutralise, xlsx_table_write
from ...models import JobKind, Stage, StageKind
from ...people import name_from
from ...scoring import ScoringError, default_stage, explain, rank_group
from ...scoring.judged import shared_cache as judged_cache
from ...scoring.ranking import collector_paused
from ...selectors import committee as selectors
from ...selectors.charts import province_coverage
from ...services import stages as stages_service
from ...services.jobs import job_start
from ...tables import FLAG_LABELS, AuditTable, LeaderboardTable, explanation_url, flag_text, leaderboard_records


class CollectorPausedMixin:
    """A page that builds a large ranking: the collector is paused from the view to the rendered page.

    Once the page is rendered the view lets go of everything it holds. Django's View.setup stores
    `self.head = self.get`, so every view instance sits in a reference cycle, and what it holds (here a
    whole ranking: 58,000 objects for 11,570 rows) was freed only by a generation-1 collection, about
    1 s every dozen requests. A django-tables2 table is cyclic too (its columns and page point back at
    it), so it lets go of its records as well (its page keeps the rows shown and the count). Cleared,
    the data goes with the response, by reference counting."""

    def dispatch(self, request, *args, **kwargs):
        response = None
        try:
            with collector_paused():
                response = super().dispatch(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                return response
        finally:
            for value in (getattr(response, "context_data", None) or {}).values():
                if isinstance(value, tables.Table):
                    value.data.data = []  # the rendered page keeps its own rows and its count
            self.__dict__.clear()


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
    stage_id = request.GET.get("tahap")
    if stage_id:
        for stage in stages:
            if str(stage.id) == stage_id and stage.kind != "screening":
                return stage
        raise Http404
    return default_stage(stages)


class GroupMixin:
    """Resolves the ranking group in the URL (round, category) and the chosen stage, and ranks it.

    Pages that show only scores and flags set `shared_cache`: the judged scores of a large group then
    come from the cache shared by all processes while their inputs are unchanged (scoring/judged.py)."""

    shared_cache = False

    def load_group(self):
        self.round = selectors.access_round(self.request.user, self.kwargs["round_id"])
        self.category = selectors.round_category(self.round, self.kwargs["category_id"])
        self.stages = selectors.stages_of_round(self.round)
        try:
            self.stage = chosen_stage(self.request, self.stages)
            with judged_cache() if self.shared_cache else nullcontext():
                self.ranking = rank_group(self.category, self.round, self.stage)
            self.scoring_error = None
        except ScoringError as error:
            self.ranking, self.scoring_error = None, str(error)
            self.stage = getattr(self, "stage", None)

    def stage_columns(self):
        if self.ranking is None:
            return []
        return [(s.kind, s.get_kind_display()) for s in self.ranking.stages]


class LeaderboardView(CollectorPausedMixin, CommitteeMixin, GroupMixin, SingleTableMixin, FilterView):
    template_name = "awards/committee/leaderboard.html"
    table_class = LeaderboardTable
    filterset_class = LeaderboardFilter
    table_pagination = {"per_page": 50}
    strict = False
    shared_cache = True

    def get(self, request, *args, **kwargs):
        self.load_group()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.group_nominations(self.round, self.category)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "round_": self.round}

    def get_table_data(self):
        if self.ranking is None:
            return []
        return filtered_records(self.ranking, self.object_list, self.filterset, areas=False)

    def get_table(self, **kwargs):
        """The table, paginated; the region shown (not orderable) is read for the page's rows only."""
        table = super().get_table(**kwargs)
        records = [row.record for row in table.page.object_list] if hasattr(table, "page") else []
        if records:
            areas = dict(self.object_list.filter(id__in=[r["nomination_id"] for r in records]).order_by()
                         .values_list("id", "nominee__region__name"))
            for record in records:
                record["area"] = areas.get(record["nomination_id"], "")
        return table

    def get_table_kwargs(self):
        return {"stage_columns": self.stage_columns(),
                "explain_url": explanation_url(self.round.id, self.category.id, self.stage.id) if self.stage else None}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.round, category=self.category, stage=self.stage, stages=self.stages,
            scored_stages=[s for s in self.stages if s.kind != "screening"], scoring_error=self.scoring_error,
            can_manage=permissions.can_manage_round(self.request.user, self.round),
            current_snapshot=selectors.current_snapshot(self.round, self.category), **kwargs,
        )


def filtered_records(ranking, nominations, filterset, areas=True):
    """Ranking rows restricted to the filtered nominations, then to the chosen flag; with `areas`, each with
    its region (one query). Every ranked row is a nomination of the group, so without an active filter
    (django-filter skips empty values) and without `areas` no query is needed."""
    valid = filterset.form.is_valid()
    data = getattr(filterset.form, "cleaned_data", {})  # a bound form's valid fields filter, as django-filter does
    filtered = any(data.get(name) not in EMPTY_VALUES for name in filterset.filters if name != "flag")
    if areas:
        areas = dict(nominations.order_by().values_list("id", "nominee__region__name"))
        records = [r for r in leaderboard_records(ranking, areas) if r["nomination_id"] in areas]
    else:
        records = leaderboard_records(ranking, {})
        if filtered:
            kept = set(nominations.order_by().values_list("id", flat=True))
            records = [r for r in records if r["nomination_id"] in kept]
    flag = data.get("flag") if valid else None
    if flag:
        records = [r for r in records if flag in r["flags"]]
    return records


class LeaderboardExportView(CommitteeMixin, GroupMixin, View):
    """The leaderboard with the page's filters: CSV streamed now; XLSX prepared by a job worker (a national
    category has thousands of rows), whose page offers it when ready."""

    shared_cache = True

    def get(self, request, round_id, category_id, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        if fmt == "xlsx":
            round_ = selectors.access_round(request.user, round_id)
            category = selectors.round_category(round_, category_id)
            job = job_start(kind=JobKind.EXPORT, acting_user=request.user, params={
                "export": "leaderboard_xlsx", "round": round_.id, "category": category.id,
                "query": request.GET.urlencode(), "filename": f"peringkat-{category.code}-{round_.key}.xlsx"})
            return redirect("job", job.pk)
        name, header, rows, _formats = leaderboard_export(self, request.GET)
        return csv_response(name, header, rows)


class LeaderboardGroup(GroupMixin):
    """A leaderboard's group as a job worker resolves it: for the person who asked, with their query."""

    shared_cache = True

    def __init__(self, *, user, round_id, category_id, query):
        self.request = SimpleNamespace(user=user, GET=query)
        self.kwargs = {"round_id": round_id, "category_id": category_id}


def leaderboard_export(group, query):
    """(file name, header, rows, XLSX number formats) of the leaderboard of `group` (a GroupMixin) filtered by
    `query`: ranks and scores as numbers (the stored 4 decimals), for CSV and XLSX alike."""
    group.load_group()
    if group.ranking is None:
        raise Http404
    filterset = LeaderboardFilter(query or None, queryset=selectors.group_nominations(group.round, group.category),
                                  round_=group.round)
    records = filtered_records(group.ranking, filterset.qs, filterset)
    header = [_("Rank"), _("Code"), _("Nominee"), _("Region"), _("Round score"),
              *[label for _kind, label in group.stage_columns()], _("Flags")]
    kinds = [kind for kind, _label in group.stage_columns()]
    rows = ([r["rank"], r["nominee_code"], r["nominee_name"], r["area"], r["round_score"],
             *[r["stage_scores"].get(kind) for kind in kinds], flag_text(r["flags"])] for r in records)
    number_formats = {0: WHOLE_FORMAT, **{column: SCORE_FORMAT for column in range(4, 5 + len(kinds))}}
    return f"peringkat-{group.category.code}-{group.round.key}-{group.stage.kind}", header, rows, number_formats


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
