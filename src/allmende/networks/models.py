"""Networks, their member organisations, people's roles, applications and working groups."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.core.geo import GRID_CELLS_PER_DEGREE
from allmende.core.models import State, TimeStampedModel


class OrganisationKind(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative / civil society")
    MUNICIPALITY = "municipality", _("Municipality")
    DISTRICT = "district", _("District")
    HOUSING_COMPANY = "housing_company", _("Housing company")
    WELFARE = "welfare", _("Welfare organisation")
    SCIENCE = "science", _("Science")
    FOUNDATION = "foundation", _("Foundation")
    ASSOCIATION = "association", _("Association")
    CULTURE = "culture", _("Culture / creative industries")
    COMPANY = "company", _("Company")
    PLANNING_OFFICE = "planning_office", _("Planning office")
    PUBLIC_AUTHORITY = "public_authority", _("Federal or state authority")


LOCAL_AUTHORITY_KINDS = (OrganisationKind.MUNICIPALITY, OrganisationKind.DISTRICT)


class Organisation(TimeStampedModel):
    """An initiative, municipality, company, foundation … that can belong to networks."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in the address"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("town"), max_length=120, blank=True)
    state = models.CharField(_("state"), max_length=32, choices=State.choices, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public contact e-mail"), blank=True)
    phone = models.CharField(_("public phone number"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # Municipality profile (Kommune, Landkreis).
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    ags = models.CharField(_("official municipality key (AGS)"), max_length=8, blank=True)
    vacancy_projects = models.TextField(_("vacancy projects"), blank=True)
    contact_role = models.CharField(_("contact role"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(_("synthetic test data"), default=False, editable=False)
    # Fine grid cells (about 0.0055°) computed by the database, so that the map's clusters are
    # an integer GROUP BY instead of floating-point arithmetic on every row. CAST truncates on
    # SQLite and rounds on PostgreSQL; cells are then offset by half a fine cell, which does
    # not matter for clustering and keeps the expression portable.
    grid_x = models.GeneratedField(
        expression=Cast((F("lon") + 180.0) * GRID_CELLS_PER_DEGREE, models.IntegerField()),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    grid_y = models.GeneratedField(
        expression=Cast((F("lat") + 90.0) * GRID_CELLS_PER_DEGREE, models.IntegerField()),
        output_field=models.IntegerField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            # Covers the map's bounding-box queries, clusters included, without table lookups.
            models.Index(
                fields=["lat", "lon", "grid_x", "grid_y", "is_active"],
                name="organisation_map_idx",
            ),
            models.Index(fields=["name"], name="organisation_name_idx"),
            models.Index(fields=["kind"], name="organisation_kind_idx"),
            models.Index(fields=["state"], name="organisation_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90),
                name="organisation_lat_range",
            ),
            models.CheckConstraint(
                condition=Q(lon__isnull=True) | Q(lon__gte=-180, lon__lte=180),
                name="organisation_lon_range",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False),
                name="organisation_lat_lon_together",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:organisation_detail", kwargs={"slug": self.slug})

    @property
    def is_local_authority(self) -> bool:
        return self.kind in LOCAL_AUTHORITY_KINDS

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None


# The profile fields that editors may change (forms and API); the slug stays stable.
ORGANISATION_EDITABLE_FIELDS = (
    "name",
    "kind",
    "street",
    "postcode",
    "city",
    "state",
    "lat",
    "lon",
    "website",
    "email",
    "phone",
    "description",
    "logo",
    "population",
    "ags",
    "vacancy_projects",
    "contact_role",
)


class Network(TimeStampedModel):
    """An alliance of organisations with a coordination office."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    coordination_office = models.ForeignKey(
        Organisation,
        verbose_name=_("coordination office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_networks",
    )
    member_kinds = models.JSONField(
        _("membership kinds offered"),
        default=list,
        blank=True,
        help_text=_("Values from the membership kinds, e.g. member, supporting."),
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone number"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    newsletter_sender = models.EmailField(_("newsletter sender address"), blank=True)
    moderation_enabled = models.BooleanField(_("moderate public reports"), default=True)
    matching_weights = models.JSONField(_("matching weights"), default=dict, blank=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:network_detail", kwargs={"slug": self.slug})


class MembershipKind(models.TextChoices):
    MEMBER = "member", _("Member")
    SUPPORTING = "supporting", _("Supporting member")
    FOUNDING = "founding", _("Founding member")
    PARTNER = "partner", _("Partner")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    ENDED = "ended", _("ended")


class Membership(TimeStampedModel):
    """An organisation's membership in a network."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MembershipKind.choices, default=MembershipKind.MEMBER
    )
    since = models.DateField(_("member since"), default=timezone.localdate)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"], name="membership_unique_per_network"
            )
        ]
        indexes = [models.Index(fields=["network", "status"], name="membership_network_status")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.network}"


class OrganisationRoleKind(models.TextChoices):
    MEMBER = "member", _("Member")
    EDITOR = "editor", _("Editor")


class OrganisationRole(TimeStampedModel):
    """A person belongs to an organisation as a member or as an editor of its data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="person_roles"
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=OrganisationRoleKind.choices,
        default=OrganisationRoleKind.MEMBER,
    )

    class Meta:
        verbose_name = _("role in an organisation")
        verbose_name_plural = _("roles in organisations")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="role_unique_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Coordinator(TimeStampedModel):
    """A person who works in a network's coordination office and manages the network."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinator_roles"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="coordinators")
    function = models.CharField(_("function"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network"], name="coordinator_unique_per_network"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.network}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    IN_REVIEW = "in_review", _("in review")
    INTERVIEW_SCHEDULED = "interview_scheduled", _("interview scheduled")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


OPEN_APPLICATION_STATES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.INTERVIEW_SCHEDULED,
)


class MembershipApplication(TimeStampedModel):
    """An organisation asks to join a network. Holds the organisation's data until the
    coordination office accepts it; acceptance creates the organisation and membership."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("existing organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="membership_applications",
    )
    org_name = models.CharField(_("name of the organisation"), max_length=200)
    org_kind = models.CharField(
        _("kind of organisation"), max_length=32, choices=OrganisationKind.choices
    )
    org_street = models.CharField(_("street and number"), max_length=200, blank=True)
    org_postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    org_city = models.CharField(_("town"), max_length=120)
    org_state = models.CharField(_("state"), max_length=32, choices=State.choices)
    org_website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    membership_kind = models.CharField(
        _("membership kind"),
        max_length=20,
        choices=MembershipKind.choices,
        default=MembershipKind.MEMBER,
    )
    stance = models.TextField(_("stance"))
    motivation = models.TextField(_("motivation"))
    expectations = models.TextField(_("expectations"))
    vacancy_projects = models.TextField(_("current vacancy projects"), blank=True)
    privacy_consent_at = models.DateTimeField(_("privacy notice accepted at"))
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["network", "status"], name="application_network_status")]

    def __str__(self) -> str:
        return f"{self.org_name} → {self.network}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATES


class ApplicationEvent(models.Model):
    """One step in an application's history: the new status, who set it and why."""

    application = models.ForeignKey(
        MembershipApplication, on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=24, choices=ApplicationStatus.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} – {self.get_status_display()}"


class WorkingGroup(TimeStampedModel):
    """A working group (AG) of a network; its members are people of member organisations."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="working_groups")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in the address"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="working_groups",
    )

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="working_group_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "networks:working_group_detail",
            kwargs={"network": self.network.slug, "slug": self.slug},
        )


class WorkingGroupDocument(TimeStampedModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="working-groups/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("working group document")
        verbose_name_plural = _("working group documents")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
