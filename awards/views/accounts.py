"""Accounts looking after themselves: the page of a sign-in lockout, one's own password, a forgotten one, an
invitation's link to choose the first."""
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone, translation

from ..services.accounts import account_own_password_set
from ..services.messages import password_reset_send
from ..tokens import invitation_tokens


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


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, but the link is recorded as a message and sent by a job worker (the page never waits
    for the mail server), in the language of the page it was asked for on."""

    def save(self, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_send(user=user, language=translation.get_language())


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = QueuedPasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        account_own_password_set(user=form.user, password=form.cleaned_data["new_password1"], by_reset_link=True)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """An invitation's link: the new account holder chooses a password and is signed in (a committee member
    then sets up the authenticator app). The link works once and expires (awards/tokens.py)."""

    template_name = "accounts/invitation_accept.html"
    token_generator = invitation_tokens
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        user = account_own_password_set(user=form.user, password=form.cleaned_data["new_password1"],
                                        by_invitation=True)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect(self.get_success_url())
