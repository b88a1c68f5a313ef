from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "allmende.networks"
    label = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from allmende.networks import signals  # noqa: F401 - registers the receivers
