from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "allmende.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # Registers the content types that exist so far and connects their signals.
        from allmende.search import content  # noqa: F401
