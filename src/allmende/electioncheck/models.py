"""Election checks (Wahlcheck) built from a network's questions to parties (SPEC §5).

Voters' answers are never stored: they live in the address of the result page. Only a voter who
opts in adds to the anonymous counters of ``AnswerCount`` (no IP address, no cookie, no time
of the single answer).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from allmende.core.models import TimeStampedModel
from allmende.networks.models import Network


def _scale_values(scale: int) -> range:
    half = (scale - 1) // 2
    return range(-half, half + 1)


class Scale(models.IntegerChoices):
    THREE = 3, _("three steps: agree, neutral, disagree")
    FIVE = 5, _("five steps: ++ + 0 - --")


class Election(TimeStampedModel):
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="elections"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    election_date = models.DateField(_("election day"))
    description = models.TextField(_("description"), blank=True)
    scale = models.PositiveSmallIntegerField(_("scale"), choices=Scale.choices, default=Scale.THREE)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("election check")
        verbose_name_plural = _("election checks")
        ordering = ["-election_date", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("electioncheck:election_intro", kwargs={"slug": self.slug})

    def clean(self) -> None:
        # Positions keep their meaning only on the scale they were given on (admin, forms and
        # services alike; services also check it).
        if self.pk:
            stored = Election.objects.filter(pk=self.pk).values_list("scale", flat=True).first()
            if (
                stored is not None
                and stored != self.scale
                and PartyPosition.objects.filter(party__election_id=self.pk).exists()
            ):
                raise ValidationError(
                    {"scale": _("The scale cannot change once parties have positions.")}
                )


class ThesisBlock(models.Model):
    """A group of theses (one Wahlprüfstein with its questions)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="blocks")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("block of theses")
        verbose_name_plural = _("blocks of theses")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Thesis(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="theses")
    block = models.ForeignKey(
        ThesisBlock,
        verbose_name=_("block"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="theses",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    short_title = models.CharField(_("short title"), max_length=120)
    text = models.TextField(_("thesis"), max_length=1000)
    explanation = models.TextField(_("explanation"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("thesis")
        verbose_name_plural = _("theses")
        # Theses without a block first, then block by block.
        ordering = [F("block__position").asc(nulls_first=True), "position", "pk"]

    def __str__(self) -> str:
        return self.short_title


class Party(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="parties")
    short_name = models.CharField(_("short name"), max_length=40)
    long_name = models.CharField(_("full name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    url = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="electioncheck/logos/", blank=True)
    responded = models.BooleanField(_("answered the questions"), default=True)
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("Shown for parties that did not answer, e.g. why."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "short_name"], name="party_unique_short_name"
            )
        ]

    def __str__(self) -> str:
        return self.short_name


class PartyPosition(models.Model):
    """A party's position on one thesis: -1 … 1 (three steps) or -2 … 2 (five steps)."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="positions")
    thesis = models.ForeignKey(Thesis, on_delete=models.CASCADE, related_name="party_positions")
    value = models.SmallIntegerField(
        _("position"), validators=[MinValueValidator(-2), MaxValueValidator(2)]
    )
    justification = models.TextField(_("justification"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("position of a party")
        verbose_name_plural = _("positions of parties")
        constraints = [
            models.UniqueConstraint(fields=["party", "thesis"], name="party_position_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=-2) & Q(value__lte=2), name="party_position_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} – {self.thesis}: {self.value}"

    def clean(self) -> None:
        election = self.party.election if self.party_id else None
        if election is not None and self.value not in _scale_values(election.scale):
            raise ValidationError(
                {"value": _("This position is not on the scale of the election check.")}
            )


SKIPPED = "skip"


class AnswerCount(models.Model):
    """How many opted-in voters gave an answer to a thesis. Counters only.

    ``answer`` is the position as text ("-1", "0", "2" …) or "skip"."""

    thesis = models.ForeignKey(Thesis, on_delete=models.CASCADE, related_name="answer_counts")
    answer = models.CharField(max_length=4)
    double = models.BooleanField(default=False)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("answer count")
        verbose_name_plural = _("answer counts")
        constraints = [
            models.UniqueConstraint(
                fields=["thesis", "answer", "double"], name="answer_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.thesis}: {self.answer} × {self.count}"


class ParticipationCount(models.Model):
    """How many opted-in voters counted their answers for an election."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="participation"
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("participation count")
        verbose_name_plural = _("participation counts")

    def __str__(self) -> str:
        return f"{self.election}: {self.count}"
