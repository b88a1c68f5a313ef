from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "allmende.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Makes the events searchable and connects the index to their saves.
        from allmende.events import search  # noqa: F401
