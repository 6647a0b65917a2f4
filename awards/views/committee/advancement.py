"""Advancing a category's top K from a provincial round to the national round, with tie decisions: the page
shows who will advance and acts only on a POST that carries its confirmation."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from ...models import Nomination
from ...selectors import committee as selectors
from ...services import advancement as service
from .results import CommitteeMixin


class AdvancementView(CommitteeMixin, View):
    template_name = "awards/committee/advancement.html"

    def context(self, request, round_id, category_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        category = selectors.round_category(round_, category_id)
        context = {"round": round_, "category": category, "error": None, "sure": [], "tied": [], "places": 0,
                   "advanced": list(Nomination.objects.filter(advanced_from__round=round_, category=category)
                                    .select_related("nominee", "round"))}
        try:
            ranking = service.advancement_ranking(round_=round_, category=category)
            context["sure"], context["tied"], context["places"] = service.advancement_plan(ranking)
        except service.AdvancementError as error:
            context["error"] = str(error)
        return context

    def get(self, request, round_id, category_id):
        return render(request, self.template_name, self.context(request, round_id, category_id))

    def post(self, request, round_id, category_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        category = selectors.round_category(round_, category_id)
        if request.POST.get("confirm") != "yes":
            messages.warning(request, _("Nothing advanced: check who will advance and confirm it."))
            return render(request, self.template_name, self.context(request, round_id, category_id), status=400)
        try:
            created = service.round_advance(
                round_=round_, category=category, acting_user=request.user,
                chosen=[v for v in request.POST.getlist("chosen") if v.isdigit()], reason=request.POST.get("reason", ""))
        except service.AdvancementError as error:
            messages.error(request, str(error))
            return render(request, self.template_name, self.context(request, round_id, category_id), status=400)
        messages.success(request, _("%(count)s nominations advanced to the national round, pending its screening.")
                         % {"count": len(created)})
        return redirect("committee-advancement", round_id, category_id)
