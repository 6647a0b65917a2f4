"""The landing page after sign-in: what this user can do in the award."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from ..selectors.editions import editions_overview


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "awards/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["editions"] = editions_overview()
        return context
