"""Shared building blocks for the domain models."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class State(models.TextChoices):
    """The sixteen German states (Bundesländer); the value is the official German name."""

    BW = "Baden-Württemberg", "Baden-Württemberg"
    BY = "Bayern", _("Bavaria")
    BE = "Berlin", "Berlin"
    BB = "Brandenburg", "Brandenburg"
    HB = "Bremen", "Bremen"
    HH = "Hamburg", "Hamburg"
    HE = "Hessen", _("Hesse")
    MV = "Mecklenburg-Vorpommern", _("Mecklenburg-Western Pomerania")
    NI = "Niedersachsen", _("Lower Saxony")
    NW = "Nordrhein-Westfalen", _("North Rhine-Westphalia")
    RP = "Rheinland-Pfalz", _("Rhineland-Palatinate")
    SL = "Saarland", "Saarland"
    SN = "Sachsen", _("Saxony")
    ST = "Sachsen-Anhalt", _("Saxony-Anhalt")
    SH = "Schleswig-Holstein", "Schleswig-Holstein"
    TH = "Thüringen", _("Thuringia")
