"""The leaderboard of one ranking group at one stage and its exports: stored standings (models/standings.py)
read with ordinary sorted, paginated queries; while a change is being taken in, the page says so and when
the rows it shows were computed."""
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.views import View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ... import permissions
from ...filters import LeaderboardFilter
from ...imports.leaderboard_export import leaderboard_export, stage_columns, stage_of
from ...models import JobKind
from ...scoring import ScoringError
from ...selectors import committee as selectors
from ...selectors.standings import group_standings, standing_group
from ...services.jobs import job_start
from ...tables import LeaderboardTable, explanation_url
from .results import CommitteeMixin, csv_response


class LeaderboardView(CommitteeMixin, SingleTableMixin, FilterView):
    template_name = "awards/committee/leaderboard.html"
    table_class = LeaderboardTable
    filterset_class = LeaderboardFilter
    table_pagination = {"per_page": 50}
    strict = False

    def get(self, request, *args, **kwargs):
        self.round = selectors.access_round(request.user, kwargs["round_id"])
        self.category = selectors.round_category(self.round, kwargs["category_id"])
        self.stages = selectors.stages_of_round(self.round)
        self.group = self.scoring_error = None
        try:
            self.stage = stage_of(self.stages, request.GET.get("tahap"))
        except ScoringError as error:
            self.stage, self.scoring_error = None, str(error)
        else:
            self.group = standing_group(self.round, self.category, self.stage)
            if self.group is not None and self.group.error:
                self.scoring_error = self.group.error.get(get_language(), next(iter(self.group.error.values())))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return group_standings(None if self.scoring_error else self.group)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "round_": self.round}

    def get_table_kwargs(self):
        if self.stage is None:
            return {"group": self.group}
        return {"group": self.group, "stage_columns": stage_columns(self.stages, self.stage),
                "explain_url": explanation_url(self.round.id, self.category.id, self.stage.id)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.round, category=self.category, stage=self.stage, stages=self.stages, group=self.group,
            scored_stages=[s for s in self.stages if s.kind != "screening"], scoring_error=self.scoring_error,
            can_manage=permissions.can_manage_round(self.request.user, self.round),
            current_snapshot=selectors.current_snapshot(self.round, self.category), **kwargs,
        )


class LeaderboardExportView(CommitteeMixin, View):
    """The leaderboard with the page's filters: CSV streamed now; XLSX prepared by a job worker (a national
    category has thousands of rows), whose page offers it when ready."""

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
        name, header, rows, _formats = leaderboard_export(user=request.user, round_id=round_id,
                                                          category_id=category_id, query=request.GET)
        return csv_response(name, header, rows)
