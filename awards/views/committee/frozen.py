"""Frozen results: freezing, publishing and correcting (each shown first on a confirmation page, done only
on a POST that carries the confirmation), the result page and its exports, and the public results with
each published result's exact JSON."""
import json
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ... import permissions
from ...display import score_text
from ...imports.results_pdf import annex_filename
from ...imports.tabular import SCORE_FORMAT, WHOLE_FORMAT
from ...models import JobKind, Stage, StageKind
from ...selectors import committee as selectors
from ...services import results as results_service
from ...services.jobs import job_start
from ...tables import flag_text
from .results import CommitteeMixin, csv_response, xlsx_response

CONFIRM_TEMPLATE = "awards/committee/result_confirm.html"


def confirmed(request):
    """The POST comes from a confirmation page (its form carries confirm=yes)."""
    return request.POST.get("confirm") == "yes"


def plan_rows(rows):
    """Ranking rows (live) as the confirmation page lists them."""
    return [{"rank": row.rank, "name": row.nominee_name, "code": row.nominee_code,
             "round_score": score_text(row.round_score)} for row in rows]


def content_rows(rows):
    """Frozen content rows as the confirmation page lists them."""
    return [{"rank": row["rank"], "name": row["name"], "code": row["nominee"],
             "round_score": score_text(Decimal(row["round_score"]))} for row in rows]


def _stage_of(round_, stage_id):
    if not str(stage_id or "").isdigit():
        raise Http404
    return get_object_or_404(Stage, pk=stage_id, round=round_)


class FreezeView(CommitteeMixin, View):
    """GET ?tahap=<stage>: what freezing would store; POST (confirmed): freeze the group's ranking."""

    def group(self, request, round_id, category_id, stage_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        category = selectors.round_category(round_, category_id)
        return round_, category, _stage_of(round_, stage_id)

    @staticmethod
    def leaderboard(round_, category, stage):
        return redirect(reverse("committee-leaderboard", args=[round_.id, category.id]) + f"?tahap={stage.id}")

    def get(self, request, round_id, category_id):
        round_, category, stage = self.group(request, round_id, category_id, request.GET.get("tahap"))
        try:
            plan = results_service.result_freeze_plan(round_=round_, category=category, stage=stage)
        except results_service.ResultError as error:
            messages.error(request, str(error))
            return self.leaderboard(round_, category, stage)
        return render(request, CONFIRM_TEMPLATE, {
            "action": "freeze", "round": round_, "category": category, "stage": plan.stage,
            "interim_reason": plan.interim_reason, "winners": plan_rows(plan.winners),
            "ranked": len(plan.ranking.rows), "awards_count": category.awards_count,
            "form_action": reverse("committee-freeze", args=[round_.id, category.id]),
            "back": reverse("committee-leaderboard", args=[round_.id, category.id]) + f"?tahap={stage.id}",
        })

    def post(self, request, round_id, category_id):
        round_, category, stage = self.group(request, round_id, category_id, request.POST.get("stage"))
        if not confirmed(request):
            messages.warning(request, _("Nothing was frozen: check what freezing will store and confirm it."))
            return redirect(reverse("committee-freeze", args=[round_.id, category.id]) + f"?tahap={stage.id}")
        try:
            snapshot = results_service.result_freeze(round_=round_, category=category, stage=stage,
                                                     acting_user=request.user)
        except results_service.ResultError as error:
            messages.error(request, str(error))
            return self.leaderboard(round_, category, stage)
        messages.success(request, _("The result is frozen. Its SHA-256 digest is %(digest)s.") % {"digest": snapshot.digest})
        if snapshot.interim:
            messages.warning(request, _("This result is interim: it names no winners and is never published."))
        return redirect("committee-snapshot", snapshot.id)


class SnapshotView(CommitteeMixin, TemplateView):
    template_name = "awards/committee/snapshot.html"

    def get_context_data(self, **kwargs):
        snapshot = selectors.access_snapshot(self.request.user, self.kwargs["snapshot_id"])
        content = json.loads(snapshot.content)
        superseded_by = getattr(snapshot, "superseded_by", None)
        return super().get_context_data(
            snapshot=snapshot, content=content, rows=content["ranking"]["rows"],
            awards_count=0 if snapshot.interim else content["category"]["awards_count"],
            interim_reason=results_service.content_interim_reason(content),
            digest_ok=results_service.content_digest(snapshot.content) == snapshot.digest,
            superseded_by=superseded_by, chain_head=results_service.chain_head(snapshot.round.edition_id),
            can_manage=permissions.can_manage_round(self.request.user, snapshot.round), **kwargs,
        )


class SnapshotContentView(CommitteeMixin, View):
    """The exact bytes that were hashed, for anyone to recompute the digest."""

    def get(self, request, snapshot_id):
        snapshot = selectors.access_snapshot(request.user, snapshot_id)
        return content_response(snapshot, attachment=True)


def content_response(snapshot, *, attachment):
    response = HttpResponse(snapshot.content.encode("utf-8"), content_type="application/json; charset=utf-8")
    if attachment:
        response["Content-Disposition"] = f'attachment; filename="hasil-{snapshot.id}-{snapshot.digest[:12]}.json"'
    return response


class SnapshotPublishView(CommitteeMixin, View):
    """GET: the winners publishing will show to everyone; POST (confirmed): publish."""

    def get(self, request, snapshot_id):
        snapshot = selectors.access_snapshot(request.user, snapshot_id, manage=True)
        try:
            results_service.result_publish_check(snapshot=snapshot)
        except results_service.ResultError as error:
            messages.error(request, str(error))
            return redirect("committee-snapshot", snapshot.id)
        content = json.loads(snapshot.content)
        return render(request, CONFIRM_TEMPLATE, {
            "action": "publish", "snapshot": snapshot, "round": snapshot.round, "category": snapshot.category,
            "stage": snapshot.stage, "interim_reason": "", "winners": content_rows(selectors.winners(content)),
            "ranked": len(content["ranking"]["rows"]), "awards_count": content["category"]["awards_count"],
            "form_action": reverse("committee-snapshot-publish", args=[snapshot.id]),
            "back": reverse("committee-snapshot", args=[snapshot.id]),
        })

    def post(self, request, snapshot_id):
        snapshot = selectors.access_snapshot(request.user, snapshot_id, manage=True)
        if not confirmed(request):
            messages.warning(request, _("Nothing was published: check the winners it will show and confirm it."))
            return redirect("committee-snapshot-publish", snapshot.id)
        try:
            results_service.result_publish(snapshot=snapshot, acting_user=request.user)
        except results_service.ResultError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The result is published on the public results page."))
        return redirect("committee-snapshot", snapshot.id)


class SnapshotCorrectView(CommitteeMixin, View):
    """GET ?tahap=<stage>: what the correction would freeze, with the reason to give; POST (confirmed): correct."""

    def page(self, request, snapshot, stage, reason="", status=200):
        try:
            plan = results_service.result_correct_plan(snapshot=snapshot, stage=stage)
        except results_service.ResultError as error:
            messages.error(request, str(error))
            return redirect("committee-snapshot", snapshot.id)
        stages = [s for s in selectors.stages_of_round(snapshot.round) if s.kind != StageKind.SCREENING]
        return render(request, CONFIRM_TEMPLATE, {
            "action": "correct", "snapshot": snapshot, "round": snapshot.round, "category": snapshot.category,
            "stage": plan.stage, "stages": stages, "reason": reason, "interim_reason": plan.interim_reason,
            "winners": plan_rows(plan.winners), "ranked": len(plan.ranking.rows),
            "awards_count": snapshot.category.awards_count,
            "form_action": reverse("committee-snapshot-correct", args=[snapshot.id]),
            "back": reverse("committee-snapshot", args=[snapshot.id]),
        }, status=status)

    def get(self, request, snapshot_id):
        snapshot = selectors.access_snapshot(request.user, snapshot_id, manage=True)
        stage = _stage_of(snapshot.round, request.GET["tahap"]) if request.GET.get("tahap") else None
        return self.page(request, snapshot, stage)

    def post(self, request, snapshot_id):
        snapshot = selectors.access_snapshot(request.user, snapshot_id, manage=True)
        stage = _stage_of(snapshot.round, request.POST["stage"]) if request.POST.get("stage") else None
        reason = request.POST.get("reason", "")
        if not confirmed(request):
            messages.warning(request, _("Nothing was frozen: check what the correction will store and confirm it."))
            return self.page(request, snapshot, stage, reason, status=400)
        try:
            new = results_service.result_correct(snapshot=snapshot, stage=stage, reason=reason,
                                                 acting_user=request.user)
        except results_service.ResultError as error:
            messages.error(request, str(error))
            return self.page(request, snapshot, stage, reason, status=400)
        messages.success(request, _("The correction is frozen; publish it to replace the public result."))
        if new.interim:
            messages.warning(request, _("This result is interim: it names no winners and is never published."))
        return redirect("committee-snapshot", new.id)


class SnapshotExportView(CommitteeMixin, View):
    """A frozen result as streamed CSV or XLSX (the rows exactly as frozen, with the digest on every row),
    or as the PDF annex of its winners. An interim result's rows say so instead of naming winners."""

    def get(self, request, snapshot_id, fmt):
        if fmt not in ("csv", "xlsx", "pdf"):
            raise Http404
        snapshot = selectors.access_snapshot(request.user, snapshot_id)
        content = json.loads(snapshot.content)
        if fmt == "pdf":  # drawn by a worker; the job's page offers it when ready
            job = job_start(kind=JobKind.EXPORT, acting_user=request.user, params={
                "export": "result_pdf", "snapshot": snapshot.pk, "filename": annex_filename(content, snapshot.digest)})
            return redirect("job", job.pk)
        awards = content["category"]["awards_count"]
        interim = _("Interim (sementara): no winners")

        def outcome(row):
            if snapshot.interim:
                return interim
            return _("Winner %(rank)s") % {"rank": row["rank"]} if row["rank"] <= awards else ""

        header = [_("Rank"), _("Code"), _("Nominee"), _("Round score"), _("Results"), _("Flags"), _("SHA-256 digest")]
        # The rank and the stored score (4 decimals) as numbers: CSV in the reader's style, XLSX numeric cells.
        rows = ([row["rank"], row["nominee"], row["name"], Decimal(row["round_score"]), outcome(row),
                 flag_text(row["flags"]), snapshot.digest] for row in content["ranking"]["rows"])
        name = (f"hasil-{'sementara-' if snapshot.interim else ''}{content['category']['code']}-"
                f"{content['round']['key']}-{snapshot.digest[:12]}")
        if fmt == "csv":
            return csv_response(name, header, rows)
        return xlsx_response(name, header, rows, number_formats={0: WHOLE_FORMAT, 3: SCORE_FORMAT})


class PublicResultsView(TemplateView):
    """Published winners (juara 1–3) per category, without sign-in, in the visitor's language; each with a
    link to its exact JSON, and the edition's chain head so anyone holding an older copy can check it."""

    template_name = "awards/public/results.html"

    def get_context_data(self, **kwargs):
        editions = list(selectors.published_editions())
        year = self.kwargs.get("year")
        if year is None:
            edition = editions[0] if editions else None
        else:
            edition = next((e for e in editions if e.year == year), None)
            if edition is None:
                raise Http404
        groups = selectors.published_summaries(edition) if edition is not None else []
        head = results_service.chain_head(edition.id) if edition is not None else None
        return super().get_context_data(editions=editions, edition=edition, groups=groups, chain_head=head, **kwargs)


class PublicResultContentView(View):
    """A published final result's exact JSON, without sign-in: its SHA-256 is the digest on the page."""

    def get(self, request, year, snapshot_id):
        return content_response(selectors.published_snapshot(year, snapshot_id), attachment=False)
