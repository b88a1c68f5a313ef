"""Vocabularies shared by properties, space needs and the matching engine."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Use(models.TextChoices):
    """Uses a property is suitable for and a group is looking for (SPEC §2)."""

    MULTIGENERATIONAL_HOUSING = "multigenerational_housing", _("Multi-generational housing")
    MEETING_PLACE = "meeting_place", _("Meeting place")
    SOCIOCULTURE = "socioculture", _("Sociocultural centre")
    COWORKING = "coworking", _("Coworking")
    WORKSHOPS = "workshops", _("Workshops")
    FOUNDER_HUB = "founder_hub", _("Founder hub")
    HOUSING = "housing", _("Housing")
    COMMERCE = "commerce", _("Commerce")
    CULTURE = "culture", _("Culture")
    EDUCATION = "education", _("Education")
    CARE = "care", _("Care")
    OTHER = "other", _("Other")


class TransferModel(models.TextChoices):
    SALE = "sale", _("Sale")
    LEASEHOLD = "leasehold", _("Leasehold (Erbbaurecht)")
    RENT = "rent", _("Rent")
    INTERIM = "interim", _("Interim use")


class Condition(models.IntegerChoices):
    """Building condition; a group's willingness to renovate uses the same scale."""

    GOOD = 0, _("good")
    NEEDS_REPAIR = 1, _("needs repairs")
    NEEDS_RENOVATION = 2, _("needs renovation")
    SHELL = 3, _("shell, complete refurbishment")


class Licence(models.TextChoices):
    """Licences under which a photo may be shown; every photo on the platform names one."""

    CC0 = "cc0", "CC0 1.0"
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    OWN = "own", _("own photo, use granted to the platform")
    PERMISSION = "permission", _("used with the author's permission")
