"""What space an initiative is looking for (Raumgesuch)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from allmende.core.choices import Condition
from allmende.core.models import TimeStampedModel
from allmende.networks.models import Network, Organisation


class TimeModel(models.TextChoices):
    PERMANENT = "permanent", _("permanent")
    FROM_DATE = "from_date", _("from a date")
    INTERIM = "interim", _("interim")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    NETWORK = "network", _("members of the network only")


class SpaceNeed(TimeStampedModel):
    """A space need of an initiative, edited by the initiative's editors."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="space_needs",
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="space_needs",
        help_text=_("For network-only visibility: whose members may see it."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uses = models.JSONField(_("uses wanted"), default=list)
    area_min = models.PositiveIntegerField(_("area from (m²)"))
    area_max = models.PositiveIntegerField(_("area up to (m²)"))
    centre_name = models.CharField(_("search centre"), max_length=120, blank=True)
    centre_lat = models.FloatField(_("latitude of the centre"), null=True, blank=True)
    centre_lon = models.FloatField(_("longitude of the centre"), null=True, blank=True)
    radius_km = models.PositiveIntegerField(
        _("search radius (km)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(800)],
    )
    municipalities = models.JSONField(_("municipalities"), default=list, blank=True)
    states = models.JSONField(_("states"), default=list, blank=True)
    max_rent = models.DecimalField(
        _("maximum rent (€ per m² and month)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    max_price = models.DecimalField(
        _("maximum price (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    transfer_models = models.JSONField(_("accepted transfer models"), default=list)
    time_model = models.CharField(
        _("time model"), max_length=12, choices=TimeModel.choices, default=TimeModel.PERMANENT
    )
    available_from = models.DateField(_("needed from"), null=True, blank=True)
    group_size = models.PositiveIntegerField(_("group size (people)"), null=True, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    self_use_share = models.PositiveSmallIntegerField(
        _("self-use share (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    accessibility_required = models.BooleanField(_("step-free access required"), default=False)
    renovation_willingness = models.PositiveSmallIntegerField(
        _("willing to take on"), choices=Condition.choices, default=Condition.NEEDS_REPAIR
    )
    common_good_offer = models.TextField(_("common-good offer to the neighbourhood"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(_("synthetic test data"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("space need")
        verbose_name_plural = _("space needs")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area_max__gte=F("area_min")), name="space_need_area_range"
            ),
            models.CheckConstraint(
                condition=Q(centre_lat__isnull=True, centre_lon__isnull=True)
                | Q(
                    centre_lat__gte=-90,
                    centre_lat__lte=90,
                    centre_lon__gte=-180,
                    centre_lon__lte=180,
                ),
                name="space_need_centre_valid",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "visibility"], name="space_need_active_vis")]

    def __str__(self) -> str:
        return self.title
