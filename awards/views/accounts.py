"""Accounts looking after themselves: the page of a sign-in lockout, one's own password, a forgotten one."""
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from ..services.accounts import account_own_password_set


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the refused sign-in, in the site's layout and language, with the time to try again."""
    until = AxesProxyHandler.get_implementation().locked_until(request, credentials)
    minutes = None
    if until is not None:
        minutes = max(1, -(-int((until - timezone.now()).total_seconds()) // 60))
    return render(request, "accounts/locked_out.html", {"until": until, "minutes": minutes}, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        user = account_own_password_set(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)  # stay signed in here; other sessions end
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        account_own_password_set(user=form.user, password=form.cleaned_data["new_password1"], by_reset_link=True)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())
