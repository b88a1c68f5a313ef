from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "allmende.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from allmende.matching import signals  # noqa: F401 - registers the receivers
