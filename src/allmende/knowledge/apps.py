from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "allmende.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        # Makes the knowledge content searchable and connects the index to its saves.
        from allmende.knowledge import search  # noqa: F401
