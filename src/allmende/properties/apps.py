from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    name = "allmende.properties"
    label = "properties"
    verbose_name = _("Properties")

    def ready(self) -> None:
        from allmende.properties import signals  # noqa: F401 - registers the receivers
