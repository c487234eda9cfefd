"""Korean unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language header, so a newcomer whose browser says
English would never see JSS in Korean. JSS is a Korean system: the language is Korean unless the user
picked another one with the header's language switch (stored in the language cookie).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def content_language() -> str:
    """ "en" when the active language is English, else "ko": which of a bilingual text (ko/en) to show."""
    return "en" if (translation.get_language() or "ko").startswith("en") else "ko"
