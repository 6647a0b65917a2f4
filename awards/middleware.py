"""Middleware: the interface language (Indonesian first, unless the user chose), the second factor for those who
must use one, and the database's refusal to change a frozen result or an audit row told as a message."""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but a browser's Accept-Language never overrides Indonesian.

    The language switch (set_language) stores the choice in a cookie; without one, every page is in
    settings.LANGUAGE_CODE, whatever language the browser itself was installed in.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class GuardRefusalMiddleware:
    """The database refuses to change or delete a frozen result or an audit row (migration 0015). The
    application's own services never ask it to; should any other door try, the user reads why, not a
    server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DatabaseError
        from django.shortcuts import render

        from .services.result_checks import is_guard_refusal

        if isinstance(exception, DatabaseError) and is_guard_refusal(exception):
            return render(request, "awards/guard_refused.html", status=409)
        return None


class SecondFactorMiddleware:
    """Who must sign in with an authenticator app (services/second_factor.py `second_factor_required`), and
    anyone who has enrolled one, reaches only the pages below until this session has verified a code: they
    are sent to enrol when they have no app yet, to the code page otherwise. This keeps every committee
    page, admin page and result action behind the second factor, whichever door was used to sign in.

    settings.PARITRANA_REQUIRE_SECOND_FACTOR (True outside the test suite) turns the second factor on."""

    # Reachable whatever the session: signing in and out, the language, the public results.
    ALWAYS_ALLOWED = {"login", "login-code", "logout", "set_language",
                      "public-results", "public-results-year", "public-result-content"}
    # Reachable to enrol, until an app is enrolled (replacing one then needs a verified session).
    ENROL_ALLOWED = {"second-factor", "second-factor-enrol", "second-factor-recovery-codes"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.PARITRANA_REQUIRE_SECOND_FACTOR:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        name = request.resolver_match.view_name if request.resolver_match else None
        if name in self.ALWAYS_ALLOWED or request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        from urllib.parse import urlencode

        from django.shortcuts import redirect
        from django.urls import reverse

        from .services.second_factor import second_factor_enrolled, second_factor_required

        enrolled = second_factor_enrolled(user)
        if not enrolled and (name in self.ENROL_ALLOWED or not second_factor_required(user)):
            return None
        target = reverse("login-code" if enrolled else "second-factor-enrol")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
