"""Stored recommendations (computed by a background task) and expressions of interest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.needs.models import SpaceNeed
from allmende.properties.models import Property


class Recommendation(models.Model):
    """A feasible (property, need) pair among the top k of the need, of the property, or both.

    Written only by ``services.recommendations_refresh_*``; pages and the API read these rows
    instead of running the engine.
    """

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="recommendations")
    need = models.ForeignKey(SpaceNeed, on_delete=models.CASCADE, related_name="recommendations")
    score = models.FloatField(_("score"))
    # {component name: value in [0, 1]} and {component name: German one-line reason}
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=dict)
    distance_km = models.FloatField()
    # Rank (1 = best) in the need's list and in the property's list; null when not in it.
    rank_for_need = models.PositiveSmallIntegerField(null=True, blank=True)
    rank_for_property = models.PositiveSmallIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["property", "need"], name="recommendation_pair"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="recommendation_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["need", "rank_for_need"], name="recommendation_need_rank"),
            models.Index(
                fields=["property", "rank_for_property"], name="recommendation_property_rank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.property_id} × {self.need_id}: {self.score:.2f}"


class Side(models.TextChoices):
    NEED = "need", _("initiative")
    PROPERTY = "property", _("owner")


class InterestState(models.TextChoices):
    PENDING = "pending", _("waiting for an answer")
    ACCEPTED = "accepted", _("accepted, contact shared")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Interest(models.Model):
    """One side's interest in a (property, need) pair; the other side decides whether contact
    data is shared. One per pair: a withdrawn or declined interest can be renewed."""

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="interests")
    need = models.ForeignKey(SpaceNeed, on_delete=models.CASCADE, related_name="interests")
    side = models.CharField(_("expressed by"), max_length=10, choices=Side.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=InterestState.choices, default=InterestState.PENDING
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["property", "need"], name="interest_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.property_id} × {self.need_id}: {self.state}"

    # Methods, not properties: the field ``property`` shadows the builtin in this class body.
    def contact_shared(self) -> bool:
        return self.state == InterestState.ACCEPTED

    def deciding_side(self) -> str:
        return Side.PROPERTY if self.side == Side.NEED else Side.NEED
