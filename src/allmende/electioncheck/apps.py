from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionCheckConfig(AppConfig):
    name = "allmende.electioncheck"
    label = "electioncheck"
    verbose_name = _("Election checks")
