"""Signing in with a password and then a code from an authenticator app; enrolling, replacing and removing
the app. The rules and every write are in services/second_factor.py; these views hold the session's state
between the two steps of signing in."""
import time

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login

from ..services.second_factor import (
    RECOVERY_CODE_COUNT,
    SecondFactorError,
    second_factor_check,
    second_factor_config_url,
    second_factor_enrol,
    second_factor_enrolled,
    second_factor_new_key,
    second_factor_recovery_left,
    second_factor_remove,
    second_factor_required,
    second_factor_secret_text,
)

# Session keys: who passed the password step (and where to go next), the secret being enrolled, and the
# recovery codes waiting to be shown once.
PENDING = "second_factor_pending"
ENROL_KEY = "second_factor_key"
NEW_CODES = "second_factor_new_codes"
# Time allowed between the password and the code.
PENDING_SECONDS = 300


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "autocapitalize": "off", "spellcheck": "false"}),
    )


def _safe_next(request, url):
    """`url` when it is an address on this site, else the home page."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SignInView(LoginView):
    """The password step (Django's LoginView, which authenticates with the request). An account with an
    authenticator app is not signed in yet: it goes on to the code page, holding its place in the session."""

    def form_valid(self, form):
        user = form.get_user()
        if not (settings.PARITRANA_REQUIRE_SECOND_FACTOR and second_factor_enrolled(user)):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                         "next": self.get_success_url()}
        return redirect("login-code")


class SignInCodeView(View):
    """The code step: a 6-digit code from the app, or one of the recovery codes. It also verifies a session
    that was signed in before its account enrolled an app (the middleware sends it here)."""

    template_name = "registration/login_code.html"

    def _pending(self, request):
        """(user, backend, next) waiting for their code, or None."""
        pending = request.session.get(PENDING)
        if pending and time.time() - pending["at"] <= PENDING_SECONDS:
            user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
            if user is not None:
                return user, pending["backend"], pending["next"]
        if request.user.is_authenticated and not request.user.is_verified():
            return request.user, None, _safe_next(request, request.GET.get("next") or request.POST.get("next"))
        return None

    def get(self, request):
        if self._pending(request) is None:
            return redirect("login")
        return render(request, self.template_name, {"form": CodeForm(), "next": request.GET.get("next", "")})

    def post(self, request):
        pending = self._pending(request)
        if pending is None:
            messages.error(request, _("Signing in took too long: enter your username and password again."))
            return redirect("login")
        user, backend, next_url = pending
        form = CodeForm(request.POST)
        if form.is_valid():
            check = second_factor_check(user=user, code=form.cleaned_data["code"])
            if check.device is not None:
                if backend is None:
                    otp_login(request, check.device)
                else:
                    request.session.pop(PENDING, None)
                    user.otp_device = check.device  # django-otp records it in the session on sign-in
                    auth_login(request, user, backend)
                return redirect(next_url)
            if check.wait_seconds:
                form.add_error("code", _("Too many wrong codes: wait %(seconds)s seconds, then enter the newest "
                                         "code.") % {"seconds": check.wait_seconds})
            else:
                form.add_error("code", _("That code is wrong or has been used. Enter the 6-digit code your "
                                         "authenticator app shows now, or an unused recovery code."))
        return render(request, self.template_name, {"form": form, "next": request.POST.get("next", "")})


class SecondFactorView(LoginRequiredMixin, View):
    """The account's second factor: whether it is on, how many recovery codes are left, and what can be done."""

    def get(self, request):
        return render(request, "awards/second_factor/status.html", {
            "enrolled": second_factor_enrolled(request.user),
            "required": second_factor_required(request.user),
            "recovery_left": second_factor_recovery_left(request.user),
        })


class SecondFactorEnrolView(LoginRequiredMixin, View):
    """Enrol an authenticator app (or replace the one enrolled): scan the QR code or type the secret, confirm
    with a code; the recovery codes are shown next, once."""

    template_name = "awards/second_factor/enrol.html"

    def _page(self, request, key, form):
        url = second_factor_config_url(user=request.user, key=key)
        svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
        return render(request, self.template_name, {
            # Made here from the secret's address only: no user text inside.
            "qr_svg": mark_safe(svg.to_string(encoding="unicode")),
            "secret": second_factor_secret_text(key),
            "form": form,
            "enrolled": second_factor_enrolled(request.user),
            "required": second_factor_required(request.user),
            "next": request.GET.get("next") or request.POST.get("next", ""),
        })

    def get(self, request):
        key = request.session.get(ENROL_KEY) or second_factor_new_key()
        request.session[ENROL_KEY] = key
        return self._page(request, key, CodeForm())

    def post(self, request):
        key = request.session.get(ENROL_KEY)
        if not key:
            return redirect("second-factor-enrol")
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                device, codes = second_factor_enrol(user=request.user, key=key, code=form.cleaned_data["code"],
                                                    acting_user=request.user)
            except SecondFactorError as error:
                form.add_error("code", str(error))
            else:
                request.session.pop(ENROL_KEY, None)
                otp_login(request, device)
                request.session[NEW_CODES] = {"codes": codes, "next": _safe_next(request, request.POST.get("next"))}
                return redirect("second-factor-recovery-codes")
        return self._page(request, key, form)


class RecoveryCodesView(LoginRequiredMixin, View):
    """The recovery codes of a new enrolment, shown this once."""

    def get(self, request):
        new = request.session.pop(NEW_CODES, None)
        if not new:
            return redirect("second-factor")
        return render(request, "awards/second_factor/recovery_codes.html",
                      {"codes": new["codes"], "count": RECOVERY_CODE_COUNT, "next": new["next"]})


class SecondFactorRemoveView(LoginRequiredMixin, View):
    """Remove the authenticator app, for those who may sign in without one."""

    def post(self, request):
        try:
            removed = second_factor_remove(user=request.user, acting_user=request.user)
        except SecondFactorError as error:
            messages.error(request, str(error))
        else:
            if removed:
                messages.success(request, _("The authenticator app is removed: you sign in with your password "
                                            "alone."))
        return redirect("second-factor")
