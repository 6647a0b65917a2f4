"""A round's nominations: the list, adding by hand or from a file, screening (one or many), proposals to confirm."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ... import permissions
from ...filters import NominationFilter
from ...imports.forms import NominationsUploadForm
from ...models import Eligibility, JobKind, Nomination, Nominee, Stage, StageKind, StageStatus
from ...selectors import committee as selectors
from ...services import nominations as service
from ...tables import NominationTable
from ..jobs import recent_jobs, start_file_check
from .results import CommitteeMixin


class NominationsView(CommitteeMixin, SingleTableMixin, FilterView):
    template_name = "awards/committee/nominations.html"
    table_class = NominationTable
    filterset_class = NominationFilter
    table_pagination = {"per_page": 50}
    strict = False

    def get(self, request, *args, **kwargs):
        self.round = selectors.access_round(request.user, kwargs["round_id"])
        self.categories = list(selectors.categories_of_round(self.round))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.round_nominations(self.round)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "categories": self.categories}

    def can_change(self):
        """Nominations are added and screened while the round's screening stage is not closed (the services
        refuse it after); only then are the forms offered."""
        if not hasattr(self, "_can_change"):
            self._can_change = permissions.can_manage_round(self.request.user, self.round) and not (
                Stage.objects.filter(round=self.round, kind=StageKind.SCREENING, status=StageStatus.CLOSED).exists())
        return self._can_change

    def get_table_kwargs(self):
        return {} if self.can_change() else {"exclude": ("select",)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.round, categories=self.categories, eligibility_choices=Eligibility.choices,
            can_manage=permissions.can_manage_round(self.request.user, self.round), can_change=self.can_change(),
            upload_form=NominationsUploadForm(),
            jobs=recent_jobs(self.request.user, [JobKind.NOMINATIONS_CHECK, JobKind.NOMINATIONS_IMPORT]), **kwargs)


def back_to_list(request, round_id):
    """Back to the list the form was sent from (its filters kept), but only ever to a page of this site."""
    wanted = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        wanted = reverse("committee-nominations", args=[round_id])
    return redirect(wanted)


class NominationAddView(CommitteeMixin, View):
    """Add one nomination by the nominee's code (region code or NPP)."""

    def post(self, request, round_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        category = selectors.round_category(round_, request.POST.get("category") or 0)
        code = (request.POST.get("nominee") or "").strip()
        nominee = Nominee.objects.filter(code=code).first() or Nominee.objects.filter(employer_number=code).first()
        if nominee is None:
            messages.error(request, _("No nominee has the code or employer number “%(code)s”.") % {"code": code})
            return back_to_list(request, round_id)
        try:
            service.nomination_add(round_=round_, category=category, nominee=nominee, acting_user=request.user)
        except service.NominationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(nominee)s is nominated, pending screening.") % {"nominee": nominee.name})
        return back_to_list(request, round_id)


class NominationScreenView(CommitteeMixin, View):
    """Screen the ticked nominations (or one): eligible or not eligible with a reason."""

    def post(self, request, round_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        ids = [value for value in request.POST.getlist("nomination") if value.isdigit()]
        nominations = list(Nomination.objects.filter(round=round_, pk__in=ids))
        # What the page showed for each ticked nomination, so a colleague's decision is never overwritten.
        seen = {int(i): request.POST[f"seen-{i}"] for i in ids if f"seen-{i}" in request.POST}
        try:
            changed = service.nominations_screen(nominations=nominations, eligibility=request.POST.get("eligibility"),
                                                 reason=request.POST.get("reason", ""), acting_user=request.user,
                                                 seen=seen)
        except service.NominationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(count)s nominations screened.") % {"count": len(changed)})
        return back_to_list(request, round_id)


class NominationProposalsView(CommitteeMixin, View):
    """The top K nominees per province by the category's metric criteria; the committee ticks and confirms."""

    def get(self, request, round_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        categories = list(selectors.categories_of_round(round_))
        category_id = request.GET.get("category")
        top_text = request.GET.get("top") or "1"
        top = max(1, min(int(top_text) if top_text.isdigit() else 1, 50))
        context = {"round": round_, "categories": categories, "top": top, "proposals": None, "category": None}
        if category_id:
            category = selectors.round_category(round_, category_id)
            context["category"] = category
            try:
                context["proposals"] = service.nomination_proposals(round_=round_, category=category, top=top,
                                                                    acting_user=request.user)
            except service.NominationError as error:
                messages.error(request, str(error))
        return render(request, "awards/committee/proposals.html", context)

    def post(self, request, round_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        category = selectors.round_category(round_, request.POST.get("category") or 0)
        ids = [value for value in request.POST.getlist("nominee") if value.isdigit()]
        nominees = list(Nominee.objects.filter(pk__in=ids).order_by("code"))
        try:
            added = service.nominations_add(round_=round_, category=category, nominees=nominees,
                                            acting_user=request.user)
        except service.NominationError as error:
            messages.error(request, str(error))
            return redirect(reverse("committee-proposals", args=[round_id]) + f"?category={category.id}")
        messages.success(request, _("%(count)s nominations added, pending screening.") % {"count": len(added)})
        return redirect("committee-nominations", round_id)


class NominationImportView(CommitteeMixin, View):
    """Nominations from a CSV or XLSX file (docs/nominations-format.md) for the round's edition, all or
    nothing; a file with problems is shown back with each problem's row, column and reason."""

    template_name = "awards/committee/nominations_import.html"

    def post(self, request, round_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        form = NominationsUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"round": round_, "upload_form": form, "result": None},
                          status=400)
        job = start_file_check(request, form, kind=JobKind.NOMINATIONS_CHECK,
                               lock_key=f"nominations:{round_.edition_id}", round=round_.id)
        if job is None:
            return render(request, self.template_name, {"round": round_, "upload_form": form, "result": None},
                          status=409)
        return redirect("job", job.pk)
