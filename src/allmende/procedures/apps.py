from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "allmende.procedures"
    label = "procedures"
    verbose_name = _("Allocation procedures")

    def ready(self) -> None:
        from allmende.procedures import signals  # noqa: F401 - registers the receivers
