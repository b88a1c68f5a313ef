"""Vacant buildings and plots, their status timeline and their place in the development
pipeline (SPEC §2)."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.core.choices import Condition, Licence
from allmende.core.geo import GRID_CELLS_PER_DEGREE, point_shift
from allmende.core.models import State, TimeStampedModel
from allmende.core.storage import private_storage
from allmende.networks.models import Organisation


class PropertyKind(models.TextChoices):
    VACANT = "vacant", _("Vacancy (Leerstand)")
    EXISTING = "existing", _("Existing stock (Bestand)")
    BROWNFIELD = "brownfield", _("Brownfield (Brache)")
    VACANT_LOT = "vacant_lot", _("Vacant lot (Baulücke)")


class BuildingType(models.TextChoices):
    RESIDENTIAL = "residential", _("residential")
    COMMERCIAL = "commercial", _("commercial")
    INDUSTRIAL = "industrial", _("industrial")
    HISTORICAL = "historical", _("historical")
    PUBLIC = "public", _("public")
    AGRICULTURAL = "agricultural", _("agricultural")
    OTHER = "other", _("other")


class VacancyDegree(models.TextChoices):
    PARTIAL = "partial", _("partly vacant")
    COMPLETE = "complete", _("completely vacant")


class OwnerKind(models.TextChoices):
    PRIVATE = "private", _("private")
    BUSINESS = "business", _("business")
    PUBLIC = "public", _("public")
    MUNICIPAL = "municipal", _("municipal")


class PropertyStatus(models.TextChoices):
    VACANT = "vacant", _("vacant")
    INTERIM_USE = "interim_use", _("interim use")
    IN_PROCEDURE = "in_procedure", _("in an allocation procedure")
    ALLOCATED = "allocated", _("allocated")
    RENTED_SOLD = "rented_sold", _("rented or sold")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    IN_OPERATION = "in_operation", _("in operation")
    DEMOLISHED = "demolished", _("demolished")


class PipelineStage(models.IntegerChoices):
    """The owner's steps of common-good development."""

    RESEARCH = 1, _("1 Research")
    VISION = 2, _("2 Vision and goals")
    TEAM = 3, _("3 Team and partners")
    ALLOCATION = 4, _("4 Allocation")
    CONTRACT = 5, _("5 Contract and handover")
    SUPPORT = 6, _("6 Support after the handover")


class Moderation(models.TextChoices):
    """Properties entered by owners are approved; reports by visitors wait for a coordinator."""

    APPROVED = "approved", _("approved")
    PENDING = "pending", _("waiting for moderation")
    REJECTED = "rejected", _("rejected")


def _privacy_salt() -> str:
    return secrets.token_hex(16)


class Property(TimeStampedModel):
    """A building or plot registered on the platform (Objekt)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PropertyKind.choices)
    building_type = models.CharField(
        _("building type"), max_length=20, choices=BuildingType.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    usable_area = models.PositiveIntegerField(_("usable area (m²)"), null=True, blank=True)
    plot_area = models.PositiveIntegerField(_("plot area (m²)"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(
        _("floors"), null=True, blank=True, validators=[MaxValueValidator(200)]
    )
    year_built = models.PositiveSmallIntegerField(
        _("year built"),
        null=True,
        blank=True,
        validators=[MinValueValidator(800), MaxValueValidator(2100)],
    )
    epoch = models.CharField(_("epoch"), max_length=80, blank=True)
    condition = models.PositiveSmallIntegerField(
        _("condition"), choices=Condition.choices, default=Condition.NEEDS_REPAIR
    )
    listed_building = models.BooleanField(_("listed building (Denkmal)"), default=False)
    accessible = models.BooleanField(_("step-free access"), default=False)
    vacant_since = models.DateField(_("vacant since"), null=True, blank=True)
    vacancy_degree = models.CharField(
        _("degree of vacancy"), max_length=10, choices=VacancyDegree.choices, blank=True
    )
    # Exact location: shown only to the owner organisation, coordinators and admins when the
    # property is sensitive.
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("town"), max_length=120)
    state = models.CharField(_("state"), max_length=32, choices=State.choices)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    is_sensitive = models.BooleanField(_("hide the exact location"), default=False)
    privacy_radius_m = models.PositiveIntegerField(
        _("radius of the public location (m)"),
        default=500,
        validators=[MinValueValidator(100), MaxValueValidator(20_000)],
    )
    privacy_salt = models.CharField(max_length=32, default=_privacy_salt, editable=False)
    public_lat = models.FloatField(null=True, blank=True, editable=False)
    public_lon = models.FloatField(null=True, blank=True, editable=False)
    owner_kind = models.CharField(_("owner"), max_length=12, choices=OwnerKind.choices)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="properties",
    )
    transfer_sale = models.BooleanField(_("for sale"), default=False)
    transfer_leasehold = models.BooleanField(_("leasehold (Erbbaurecht)"), default=False)
    leasehold_term_years = models.PositiveSmallIntegerField(
        _("leasehold term (years)"), null=True, blank=True, validators=[MaxValueValidator(199)]
    )
    leasehold_rate_percent = models.DecimalField(
        _("ground rent (percent of the land value per year)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
    )
    transfer_rent = models.BooleanField(_("for rent"), default=False)
    transfer_interim = models.BooleanField(_("interim use"), default=False)
    asking_price = models.DecimalField(
        _("asking price (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    asking_rent = models.DecimalField(
        _("asking rent (€ per m² and month)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    suitable_uses = models.JSONField(_("suitable uses"), default=list, blank=True)
    status = models.CharField(
        _("current status"),
        max_length=20,
        choices=PropertyStatus.choices,
        default=PropertyStatus.VACANT,
        editable=False,
    )
    pipeline_stage = models.PositiveSmallIntegerField(
        _("pipeline stage"), choices=PipelineStage.choices, default=PipelineStage.RESEARCH
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_synthetic = models.BooleanField(_("synthetic test data"), default=False, editable=False)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.APPROVED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Only for reports by visitors: where the coordination office may ask questions.
    reporter_email = models.EmailField(_("e-mail of the person reporting"), blank=True)
    # A reporter's optional photo waits in private storage (no public address) until a
    # coordinator approves the report; then it becomes one of the property's photos.
    report_photo = models.FileField(
        _("photo of the report"),
        upload_to="properties/reports/%Y/",
        storage=private_storage,
        blank=True,
    )
    report_photo_author = models.CharField(
        _("author of the reported photo"), max_length=120, blank=True
    )
    report_photo_consent_at = models.DateTimeField(
        _("rights to the reported photo confirmed at"), null=True, blank=True
    )
    # Fine grid cells of the public position for the map's server-side clusters (as on
    # Organisation): an integer GROUP BY in the database.
    grid_x = models.GeneratedField(
        expression=Cast((F("public_lon") + 180.0) * GRID_CELLS_PER_DEGREE, models.IntegerField()),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    grid_y = models.GeneratedField(
        expression=Cast((F("public_lat") + 90.0) * GRID_CELLS_PER_DEGREE, models.IntegerField()),
        output_field=models.IntegerField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        ordering = ["title", "pk"]
        indexes = [
            # Covers the map's box queries and clusters (and the matching's box query) without
            # table lookups.
            models.Index(
                fields=[
                    "public_lat",
                    "public_lon",
                    "grid_x",
                    "grid_y",
                    "is_published",
                    "moderation",
                ],
                name="property_map_idx",
            ),
            models.Index(fields=["state", "kind", "status"], name="property_state_kind_status"),
            models.Index(
                fields=["owner_organisation", "pipeline_stage"], name="property_owner_stage"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # Both or neither; NULL would pass a range check, hence the explicit test.
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(
                    lat__isnull=False,
                    lon__isnull=False,
                    lat__gte=-90,
                    lat__lte=90,
                    lon__gte=-180,
                    lon__lte=180,
                ),
                name="property_lat_lon_valid",
            ),
            models.CheckConstraint(
                condition=Q(pipeline_stage__gte=1, pipeline_stage__lte=6),
                name="property_pipeline_stage_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.city})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.public_lat, self.public_lon = self.public_position()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def public_position(self) -> tuple[float | None, float | None]:
        """The coordinates everyone may see: the exact ones, or for a sensitive property a
        stable point within its privacy radius."""
        if self.lat is None or self.lon is None:
            return None, None
        if not self.is_sensitive:
            return self.lat, self.lon
        return point_shift(
            self.lat, self.lon, radius_m=self.privacy_radius_m, salt=self.privacy_salt
        )

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def transfer_models(self) -> list[str]:
        return [
            name
            for name, offered in (
                ("sale", self.transfer_sale),
                ("leasehold", self.transfer_leasehold),
                ("rent", self.transfer_rent),
                ("interim", self.transfer_interim),
            )
            if offered
        ]


class PropertyStatusChange(models.Model):
    """One dated, attributed entry of a property's status timeline."""

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=PropertyStatus.choices)
    valid_from = models.DateField(_("since"), default=timezone.localdate)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["valid_from", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.property}: {self.get_status_display()} ({self.valid_from})"


class PipelineMove(models.Model):
    """One move of a property between stages of the development pipeline: who, when, from
    where to where (the board's history; the current stage is on the property)."""

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="pipeline_moves")
    from_stage = models.PositiveSmallIntegerField(_("from stage"), choices=PipelineStage.choices)
    to_stage = models.PositiveSmallIntegerField(_("to stage"), choices=PipelineStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("moved at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pipeline move")
        verbose_name_plural = _("pipeline moves")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.property}: {self.from_stage} → {self.to_stage}"


class PropertyPhoto(models.Model):
    """A photo of a property, re-encoded on upload, always with author and licence."""

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="properties/photos/%Y/")
    alt_text = models.CharField(
        _("description for screen readers"), max_length=200, help_text=_("What can be seen?")
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=120)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class DocumentKind(models.TextChoices):
    EXPOSE = "expose", _("exposé")
    EXPERT_REPORT = "expert_report", _("expert report")
    PLAN = "plan", _("plan")
    OTHER = "other", _("other document")


class PropertyDocument(models.Model):
    """A document about a property (exposé, expert report, plan); public or only for the
    people who may see the exact location."""

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="documents")
    # Private storage: downloads go through a view that checks the permission.
    file = models.FileField(
        _("file"), upload_to="properties/documents/%Y/", storage=private_storage
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    is_public = models.BooleanField(_("visible to everyone"), default=False)
    size_bytes = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "title", "pk"]

    def __str__(self) -> str:
        return self.title
