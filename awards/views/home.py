"""The landing page after sign-in: what this user can do in the award."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..models import Role
from ..permissions import role_of
from ..selectors.editions import editions_overview


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "awards/home.html"

    def get(self, request, *args, **kwargs):
        # A reviewer's home is their work list.
        if role_of(request.user) == Role.REVIEWER:
            return redirect("reviewer-assignments")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["editions"] = editions_overview()
        return context
