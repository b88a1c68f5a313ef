"""Allocation procedures (Konzeptverfahren, SPEC §3): a property allocated by the quality of
concepts, with criteria frozen at publication, applications, a jury with declared conflicts,
an aggregation engine (``scoring.py``), a decision and a hash-chained audit trail."""

import builtins

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.core.models import TimeStampedModel
from allmende.core.storage import private_storage
from allmende.networks.models import Organisation
from allmende.properties.models import Property


class ProcedureKind(models.TextChoices):
    CONCEPT = "concept", _("Concept-based allocation (Konzeptvergabe)")
    INTEREST = "interest", _("Call for expressions of interest")
    DIRECT = "direct", _("Direct allocation")
    TEMPORARY = "temporary", _("Temporary allocation of space")


class TransferTerms(models.TextChoices):
    SALE = "sale", _("Sale")
    LEASEHOLD = "leasehold", _("Leasehold (Erbbaurecht)")
    RENT = "rent", _("Rent")
    INTERIM = "interim", _("Interim use")


class PriceModel(models.TextChoices):
    FIXED = "fixed", _("fixed price")
    HIGHEST_BID = "highest_bid", _("bids count with a price weight")
    NONE = "none", _("no price")


class Aggregation(models.TextChoices):
    WEIGHTED_SUM = "weighted_sum", _("weighted sum (0–100)")
    CLASS_BANDING = "class_banding", _("classes by points total (e.g. Vienna A–E)")
    THRESHOLD = "threshold", _("threshold model (all minimums and a points total)")


class Averaging(models.TextChoices):
    MEAN = "mean", _("mean of the voting jurors")
    MEDIAN = "median", _("median of the voting jurors")


class ProcedureState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    SUBMISSION_CLOSED = "submission_closed", _("submission closed")
    EVALUATION = "evaluation", _("evaluation")
    DECIDED = "decided", _("decided")
    OPTION = "option", _("option period")
    CONCLUDED = "concluded", _("concluded")
    CANCELLED = "cancelled", _("cancelled")


# Fields of a procedure that are part of its published scheme: frozen once it left the draft.
FROZEN_PROCEDURE_FIELDS = (
    "price_model",
    "price_weight",
    "aggregation",
    "averaging",
    "tie_break_criterion",
    "disagreement_threshold",
    "classes",
    "threshold_points",
)


class FrozenSchemeError(ValidationError):
    """A change to the criteria, weights, scales, aggregation or tie-break rule of a procedure
    that is no longer a draft."""


def _frozen_error() -> FrozenSchemeError:
    return FrozenSchemeError(
        _(
            "The criteria, weights, scales, aggregation method and tie-break rule cannot change "
            "after publication. Cancel the procedure and start a new one to correct them."
        ),
        code="frozen",
    )


class Procedure(TimeStampedModel):
    """One allocation procedure for one property, run by a municipality or owner."""

    property = models.ForeignKey(
        Property, verbose_name=_("property"), on_delete=models.PROTECT, related_name="procedures"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("Its editors manage the procedure."),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=ProcedureKind.choices, default=ProcedureKind.CONCEPT
    )
    summary = models.TextField(_("summary"), blank=True)
    # Terms
    transfer = models.CharField(_("transfer model"), max_length=10, choices=TransferTerms.choices)
    leasehold_term_years = models.PositiveSmallIntegerField(
        _("leasehold term (years)"), null=True, blank=True
    )
    ground_rent_percent = models.DecimalField(
        _("ground rent (% of the land value per year)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    rent_per_m2 = models.DecimalField(
        _("rent (€ per m² and month)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    fixed_price = models.DecimalField(
        _("fixed price (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    minimum_bid = models.DecimalField(
        _("minimum bid (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    terms_note = models.TextField(_("further terms"), blank=True)
    # The scheme (frozen at publication)
    price_model = models.CharField(
        _("price model"), max_length=12, choices=PriceModel.choices, default=PriceModel.FIXED
    )
    price_weight = models.DecimalField(
        _("price weight (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    aggregation = models.CharField(
        _("aggregation method"),
        max_length=16,
        choices=Aggregation.choices,
        default=Aggregation.WEIGHTED_SUM,
    )
    averaging = models.CharField(
        _("average of the jurors"), max_length=8, choices=Averaging.choices, default=Averaging.MEAN
    )
    tie_break_criterion = models.CharField(
        _("tie-break criterion"),
        max_length=40,
        blank=True,
        help_text=_("Key of the award criterion that decides a tie; then a lot is drawn."),
    )
    disagreement_threshold = models.FloatField(
        _("disagreement threshold"),
        default=0.3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("A spread of the jurors' points above this share of the maximum is flagged."),
    )
    classes = models.JSONField(
        _("classes"),
        default=list,
        blank=True,
        help_text=_(
            "For class banding: [label, minimum total] pairs, the total on the 0–100 scale, "
            'e.g. [["A", 80], …]. 37 of 44 raw points are 37 ÷ 44 × 100 = 84.09.'
        ),
    )
    threshold_points = models.DecimalField(
        _("points needed (threshold model)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The total on the 0–100 scale an application must reach, e.g. 50 (15 of 30 raw points)."
        ),
    )
    # Stages
    publication_date = models.DateField(_("publication"), null=True, blank=True)
    question_deadline = models.DateTimeField(_("deadline for questions"), null=True, blank=True)
    submission_deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    presentation_date = models.DateField(_("presentation"), null=True, blank=True)
    jury_session_date = models.DateField(_("jury session"), null=True, blank=True)
    decision_date = models.DateField(_("decision"), null=True, blank=True)
    option_until = models.DateField(_("option period until"), null=True, blank=True)
    status_check_date = models.DateField(_("status check"), null=True, blank=True)
    # Lifecycle
    state = models.CharField(
        _("state"), max_length=20, choices=ProcedureState.choices, default=ProcedureState.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    scheme_hash = models.CharField(max_length=64, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    tie_break_seed = models.CharField(max_length=64, blank=True, editable=False)
    result = models.JSONField(default=dict, blank=True, editable=False)
    deviation_reason = models.TextField(_("reason for deviating from the ranking"), blank=True)
    # Written by the manager at the decision (required there) and published with the result.
    reasons_summary = models.TextField(_("summary of the reasons"), blank=True)
    winner = models.ForeignKey(
        "Application",
        verbose_name=_("chosen application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Hash of the newest audit entry: detects a chain cut off at its end.
    audit_head = models.CharField(max_length=64, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("allocation procedure")
        verbose_name_plural = _("allocation procedures")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_weight__gte=0, price_weight__lte=100),
                name="procedure_price_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("procedures:procedure_detail", kwargs={"pk": self.pk})

    # builtins.property: the field ``property`` shadows the builtin in this class body.
    @builtins.property
    def is_draft(self) -> bool:
        return self.state == ProcedureState.DRAFT

    @builtins.property
    def price_counts(self) -> bool:
        return self.price_model == PriceModel.HIGHEST_BID and self.price_weight > 0

    def save(self, *args: object, **kwargs: object) -> None:
        """Refuse any change to the frozen scheme once the stored procedure left the draft,
        whoever saves it (service, form, admin, API)."""
        if self.pk is not None:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("state", *FROZEN_PROCEDURE_FIELDS)
                .first()
            )
            if stored is not None and stored["state"] != ProcedureState.DRAFT:
                for name in FROZEN_PROCEDURE_FIELDS:
                    if _normalise(getattr(self, name)) != _normalise(stored[name]):
                        raise _frozen_error()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def _normalise(value: object) -> object:
    """Compare Decimals, floats and ints by value, JSON by content."""
    from decimal import Decimal

    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        return round(float(value), 6)
    return value


class _SchemePart(models.Model):
    """Criteria of a procedure: editable only while the procedure is a draft."""

    procedure: "models.ForeignKey[Procedure, Procedure]"

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self._check_draft()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        self._check_draft()
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]

    def _check_draft(self) -> None:
        state = (
            Procedure.objects.filter(pk=self.procedure_id)  # type: ignore[attr-defined]
            .values_list("state", flat=True)
            .first()
        )
        if state is not None and state != ProcedureState.DRAFT:
            raise _frozen_error()


class EligibilityCriterion(_SchemePart):
    """A pass/fail condition an application must meet to be evaluated."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="eligibility_criteria"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("condition"), max_length=300)
    description = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class AwardCriterion(_SchemePart):
    """A criterion the jury scores: weight in percent, a points scale, guidance per level and
    an optional minimum that excludes an application."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("short key"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(1)]
    )
    min_points = models.DecimalField(
        _("minimum points"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Applications with fewer points on this criterion are excluded."),
    )
    # {"0": "no statement", "5": "convincing", …}: what a score level means.
    guidance = models.JSONField(_("guidance per score level"), default=dict, blank=True)

    class Meta:
        verbose_name = _("award criterion")
        verbose_name_plural = _("award criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "key"], name="award_criterion_key"),
            models.CheckConstraint(
                condition=Q(min_points__isnull=True) | Q(min_points__lte=models.F("max_points")),
                name="award_criterion_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureDocument(models.Model):
    """Exposé and documents of a procedure (public once the procedure is published)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="procedures/%Y/", storage=private_storage)
    size_bytes = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("procedure document")
        verbose_name_plural = _("procedure documents")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A bidder's question; its answer is published to everyone without the asker's name."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="questions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("question"), max_length=4000)
    asked_at = models.DateTimeField(default=timezone.now, editable=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Eligibility(models.TextChoices):
    PENDING = "pending", _("not yet checked")
    ELIGIBLE = "eligible", _("admitted")
    INELIGIBLE = "ineligible", _("not admitted")


class Application(TimeStampedModel):
    """An organisation's application: a concept per award criterion, group data, financing
    and (when price counts) a bid."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    # {criterion key: concept text}
    concepts = models.JSONField(_("concept"), default=dict, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    group_size = models.PositiveIntegerField(_("group size (people)"), null=True, blank=True)
    self_use_share = models.PositiveSmallIntegerField(
        _("self-use share (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    equity = models.DecimalField(
        _("equity (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    loans = models.DecimalField(
        _("loans (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    subsidies = models.DecimalField(
        _("subsidies (€)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    planned_rent = models.DecimalField(
        _("planned rent (€ per m² and month)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    bid = models.DecimalField(_("bid (€)"), max_digits=12, decimal_places=0, null=True, blank=True)
    may_be_named = models.BooleanField(
        _("our name may be shown in the public result"), default=False
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    receipt_hash = models.CharField(max_length=64, blank=True, editable=False)
    eligibility = models.CharField(
        _("eligibility"), max_length=10, choices=Eligibility.choices, default=Eligibility.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "organisation"], name="application_one_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.procedure}"


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="applications/%Y/", storage=private_storage)
    content_type = models.CharField(max_length=100, editable=False)
    size_bytes = models.PositiveIntegerField(default=0, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class EligibilityDecision(models.Model):
    """The manager's pass/fail decision on one eligibility criterion, with a reason."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="eligibility_decisions"
    )
    criterion = models.ForeignKey(
        EligibilityCriterion, on_delete=models.PROTECT, related_name="decisions"
    )
    passed = models.BooleanField(_("met"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="eligibility_decision_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.criterion_id}: {self.passed}"


class JurorRole(models.TextChoices):
    VOTING = "voting", _("voting")
    ADVISORY = "advisory", _("advisory")


class Juror(models.Model):
    """A member of the jury of one procedure."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="juror_roles"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=JurorRole.choices, default=JurorRole.VOTING
    )
    invited_at = models.DateTimeField(default=timezone.now, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    conflicts_declared_at = models.DateTimeField(null=True, blank=True)
    scores_submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "user"], name="juror_once_per_procedure"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ConflictDeclaration(models.Model):
    """A juror's declaration per application: a conflict (with reason) excludes the juror from
    that application's scoring and aggregate."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="declarations")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="declarations"
    )
    has_conflict = models.BooleanField(_("conflict of interest"))
    reason = models.TextField(_("reason"), blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")
        constraints = [
            models.UniqueConstraint(fields=["juror", "application"], name="declaration_once"),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(reason=""), name="conflict_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror_id}/{self.application_id}: {self.has_conflict}"


class JuryScore(models.Model):
    """Points of one juror for one criterion of one application, with the required reason."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT, related_name="scores")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "application", "criterion"], name="score_once"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="score_needs_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.juror_id}/{self.application_id}/{self.criterion_id}: {self.points}"


class AuditEntry(models.Model):
    """One action on a procedure, chained to the previous entry by its hash (see audit.py)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="audit")
    position = models.PositiveIntegerField()
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="audit_position"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id}#{self.position} {self.action}"
