"""Practical knowledge of the networks (SPEC §4): articles, toolboxes of coded project ideas
with facets, example places, publications, positions and news.

Vocabularies (topics, code prefixes, facet terms, impact criteria) are data, editable by the
coordinators, not code. Texts are Markdown, rendered and sanitised on output
(``core.markdown``); nothing stored here is trusted HTML.
"""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.core.choices import Licence
from allmende.core.models import State, TimeStampedModel
from allmende.core.storage import private_storage
from allmende.networks.models import Network, Organisation


class Audience(models.TextChoices):
    INITIATIVES = "initiatives", _("Initiatives")
    OWNERS = "owners", _("Municipalities and owners")
    BOTH = "both", _("Initiatives, municipalities and owners")


class Phase(models.TextChoices):
    """The initiatives' phases and the owners' steps of common-good development."""

    SEARCH = "search", _("Searching")
    FOUND = "found", _("Founding")
    BUILD = "build", _("Building")
    OPERATE = "operate", _("Operating")
    STEP_1 = "step_1", _("Step 1: research")
    STEP_2 = "step_2", _("Step 2: vision and goals")
    STEP_3 = "step_3", _("Step 3: team and partners")
    STEP_4 = "step_4", _("Step 4: allocation")
    STEP_5 = "step_5", _("Step 5: contract and handover")
    STEP_6 = "step_6", _("Step 6: support")


class PublishedQuerySet(models.QuerySet):
    def published(self) -> "PublishedQuerySet":
        return self.filter(is_published=True, published_at__lte=timezone.now())


class Publishable(TimeStampedModel):
    """Content that is a draft until published; ``published_at`` may lie in the future."""

    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("publication date"), default=timezone.now)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.is_published and self.published_at <= timezone.now()


class Topic(models.Model):
    """A subject heading of articles (Finanzierung, Rechtsform, Erbbaurecht …)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(Publishable):
    """Practical knowledge (Praxiswissen) with exactly three key points ("Kurz gesagt")."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    key_point_1 = models.CharField(_("key point 1"), max_length=200)
    key_point_2 = models.CharField(_("key point 2"), max_length=200)
    key_point_3 = models.CharField(_("key point 3"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    phase = models.CharField(_("phase or step"), max_length=10, choices=Phase.choices, blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="articles"
    )
    is_synthetic = models.BooleanField(_("synthetic test data"), default=False, editable=False)
    author_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("author organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    related_articles = models.ManyToManyField(
        "self", verbose_name=_("related articles"), blank=True, symmetrical=True
    )
    related_tools: "models.ManyToManyField[Tool, Any]" = models.ManyToManyField(
        "Tool", verbose_name=_("related tools"), blank=True, related_name="articles"
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "pk"]
        indexes = [models.Index(fields=["is_published", "-published_at"], name="article_pub")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article_detail", kwargs={"slug": self.slug})

    @property
    def key_points(self) -> list[str]:
        return [self.key_point_1, self.key_point_2, self.key_point_3]


class Toolbox(TimeStampedModel):
    """A collection of coded project ideas (Werkzeugkasten); a network may keep several."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="toolboxes"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description (Markdown)"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic test data"), default=False, editable=False)

    class Meta:
        verbose_name = _("toolbox")
        verbose_name_plural = _("toolboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:toolbox_detail", kwargs={"slug": self.slug})


class CodePrefix(models.Model):
    """A letter code of a toolbox's chapters: "W" Wohnen, "BE" Bürgerschaftliches Engagement."""

    toolbox = models.ForeignKey(Toolbox, on_delete=models.CASCADE, related_name="prefixes")
    prefix = models.CharField(
        _("prefix"),
        max_length=4,
        validators=[RegexValidator(r"^[A-ZÄÖÜ]{1,4}$", _("One to four capital letters."))],
    )
    label = models.CharField(_("label"), max_length=120)

    class Meta:
        verbose_name = _("code prefix")
        verbose_name_plural = _("code prefixes")
        ordering = ["prefix"]
        constraints = [
            models.UniqueConstraint(fields=["toolbox", "prefix"], name="code_prefix_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} – {self.label}"


class Facet(models.TextChoices):
    """The seven dimensions of the toolbox classification; their terms are data."""

    STRATEGY = "strategy", _("Strategy")
    TARGET_GROUP = "target_group", _("Target group")
    SPATIAL_LEVEL = "spatial_level", _("Spatial level")
    PROJECT_TYPE = "project_type", _("Project type")
    FIELD = "field", _("Field of action")
    CARRIER = "carrier", _("Project carrier")
    PARTNER = "partner", _("Project partner")


class FacetTerm(models.Model):
    """One term of a facet's vocabulary in one toolbox ("regional" of Räumliche Ebene)."""

    toolbox = models.ForeignKey(Toolbox, on_delete=models.CASCADE, related_name="terms")
    facet = models.CharField(_("facet"), max_length=16, choices=Facet.choices)
    name = models.CharField(_("term"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("facet term")
        verbose_name_plural = _("facet terms")
        ordering = ["facet", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["toolbox", "facet", "slug"], name="facet_term_unique_slug"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Tool(Publishable):
    """A coded project idea (Werkzeug) such as "W 007"; the code is unique in its toolbox."""

    toolbox = models.ForeignKey(
        Toolbox, verbose_name=_("toolbox"), on_delete=models.CASCADE, related_name="tools"
    )
    prefix = models.ForeignKey(
        CodePrefix, verbose_name=_("prefix"), on_delete=models.PROTECT, related_name="tools"
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    # "W 007": derived from prefix and number on save, stored for look-ups and cross-references.
    code = models.CharField(_("code"), max_length=10, editable=False)
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("short description"))
    effects = models.TextField(_("expected effects (Markdown)"), blank=True)
    terms = models.ManyToManyField(
        FacetTerm, verbose_name=_("classification"), blank=True, related_name="tools"
    )
    is_synthetic = models.BooleanField(_("synthetic test data"), default=False, editable=False)

    class Meta:
        verbose_name = _("tool")
        verbose_name_plural = _("tools")
        ordering = ["toolbox", "prefix__prefix", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["toolbox", "prefix", "number"], name="tool_unique_number"
            ),
            models.UniqueConstraint(fields=["toolbox", "code"], name="tool_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = tool_code(self.prefix.prefix, self.number)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse(
            "knowledge:tool_detail",
            kwargs={"toolbox": self.toolbox.slug, "code": self.code.replace(" ", "")},
        )


def tool_code(prefix: str, number: int) -> str:
    """The printed code of a tool: prefix, a space, three digits ("W 007")."""
    return f"{prefix} {number:03d}"


class StepPhase(models.TextChoices):
    BEFORE = "before", _("Preparation")
    DURING = "during", _("Implementation")
    AFTER = "after", _("Afterwards")


class ToolStep(models.Model):
    """One implementation step of a tool, grouped by phase (Vorlauf, Umsetzung, Im Anschluss)."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="steps")
    phase = models.CharField(_("phase"), max_length=8, choices=StepPhase.choices)
    text = models.CharField(_("step"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("implementation step")
        verbose_name_plural = _("implementation steps")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ToolExample(models.Model):
    """A good-practice example of a tool, with a link where there is one."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="examples")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("good-practice example")
        verbose_name_plural = _("good-practice examples")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class LinkKind(models.TextChoices):
    RELATED = "related", _("related")
    PREREQUISITE = "prerequisite", _("builds on")
    FOLLOW_UP = "follow_up", _("continued by")


class ToolLink(models.Model):
    """A typed link from one tool to another of the same toolbox."""

    source = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="backlinks")
    kind = models.CharField(
        _("kind"), max_length=12, choices=LinkKind.choices, default=LinkKind.RELATED
    )

    class Meta:
        verbose_name = _("link to a tool")
        verbose_name_plural = _("links to tools")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="tool_link_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="tool_link_other"),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}"


class ImpactCriterion(models.Model):
    """A criterion of common-good impact an example place can meet (data, editable)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("impact criterion")
        verbose_name_plural = _("impact criteria")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExamplePlace(Publishable):
    """A revitalised building (Praxisbeispiel, Zukunftsort), shown on a map."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="example_places"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    city = models.CharField(_("town"), max_length=120)
    state = models.CharField(_("state"), max_length=32, choices=State.choices)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(47.0), MaxValueValidator(55.2)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(5.8), MaxValueValidator(15.1)]
    )
    former_use = models.CharField(_("former use"), max_length=200, blank=True)
    new_use = models.CharField(_("new use"), max_length=200)
    carrier_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("carrier organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="example_places",
    )
    carrier_name = models.CharField(
        _("carrier (when not on the platform)"), max_length=200, blank=True
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    story = models.TextField(_("story (Markdown)"))
    impact_criteria = models.ManyToManyField(
        ImpactCriterion, verbose_name=_("impact criteria met"), blank=True, related_name="places"
    )
    is_synthetic = models.BooleanField(_("synthetic test data"), default=False, editable=False)

    class Meta:
        verbose_name = _("example place")
        verbose_name_plural = _("example places")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:place_detail", kwargs={"slug": self.slug})

    @property
    def carrier(self) -> str:
        return self.carrier_organisation.name if self.carrier_organisation else self.carrier_name


class ExamplePlacePhoto(models.Model):
    """A photo of an example place, re-encoded on upload, always with author and licence."""

    place = models.ForeignKey(ExamplePlace, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="knowledge/places/%Y/")
    alt_text = models.CharField(_("description for screen readers"), max_length=200)
    author = models.CharField(_("author"), max_length=120)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class PublicationKind(models.TextChoices):
    BROCHURE = "brochure", _("brochure")
    POSITION_PAPER = "position_paper", _("position paper")
    GUIDE = "guide", _("guide")
    DOCUMENTATION = "documentation", _("documentation")
    REPORT = "report", _("report")


class Publication(Publishable):
    """A PDF of a network (brochure, guide, report …) with a download page."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PublicationKind.choices)
    cover_text = models.TextField(_("cover text"))
    # Private storage: a draft's PDF must not be reachable by its address; the download view
    # checks who may read it.
    file = models.FileField(
        _("file (PDF)"), upload_to="knowledge/publications/%Y/", storage=private_storage
    )
    file_size = models.PositiveIntegerField(_("file size (bytes)"), default=0, editable=False)
    issued_on = models.DateField(_("date of issue"))

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-issued_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:publication_detail", kwargs={"slug": self.slug})


class PositionKind(models.TextChoices):
    DECLARATION = "declaration", _("declaration")
    DEMANDS = "demands", _("demands")


class Position(Publishable):
    """A declaration or list of demands of a network, signed by its member organisations."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=PositionKind.choices)
    text = models.TextField(_("text (Markdown)"))
    dated = models.DateField(_("date"))
    signing_open = models.BooleanField(_("open for signatures"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["-dated", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:position_detail", kwargs={"slug": self.slug})


class PositionSignature(models.Model):
    """An organisation's signature under a position, confirmed by one of its editors."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="signatures")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="position_signatures"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "organisation"], name="position_signature_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.position}"


class News(Publishable):
    """A news item of one network."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="news"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    lead = models.CharField(_("lead"), max_length=300)
    body = models.TextField(_("text (Markdown)"))
    is_synthetic = models.BooleanField(_("synthetic test data"), default=False, editable=False)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:news_detail", kwargs={"slug": self.slug})
