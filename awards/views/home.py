"""The landing page after sign-in: what this user can do in the award, and for the committee what needs
attention now."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import TemplateView

from .. import permissions
from ..models import Role
from ..selectors.committee import committee_overview
from ..selectors.editions import editions_overview
from ..selectors.work import attention


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "awards/home.html"

    def get(self, request, *args, **kwargs):
        # A reviewer's home is their work list.
        if permissions.role_of(request.user) == Role.REVIEWER:
            return redirect("reviewer-assignments")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if permissions.can_read_results(self.request.user):
            # The newest edition's rounds this person may read, and the open stages among them.
            context["attention"] = attention(self.request.user)
            context["current"] = next(iter(committee_overview(self.request.user)), None)
        else:
            context["editions"] = editions_overview()
        return context
