"""Middleware: the interface language (Indonesian first, unless the user chose), and the database's refusal to
change a frozen result or an audit row told as a message."""
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
