"""German first: the interface is German unless the visitor has chosen another language."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Activate the language from the language switch's cookie, else ``LANGUAGE_CODE``.

    Unlike Django's middleware it ignores the browser's Accept-Language header: the platform
    serves German networks, and an English browser should still see German pages until its
    user switches.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
