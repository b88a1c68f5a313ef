"""Newsletters of the networks (SPEC §5): subscribers independent of accounts with double
opt-in and a record of every consent, issues written in Markdown and their deliveries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.networks.models import Network


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    UNSUBSCRIBED = "unsubscribed", _("unsubscribed")


class Subscriber(models.Model):
    """One e-mail address on one network's newsletter. Not tied to a user account: editing an
    account or a profile never changes it. Unconfirmed entries are deleted after 30 days by
    ``allmende purge``."""

    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="newsletter_subscribers",
    )
    # Stored in lower case, so that one address has one entry per network.
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
    )
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["network", "email"], name="subscriber_unique_email")
        ]
        indexes = [
            models.Index(fields=["network", "status"], name="subscriber_status"),
            models.Index(fields=["status", "created_at"], name="subscriber_pending_age"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.network})"


class ConsentAction(models.TextChoices):
    SUBSCRIBE = "subscribe", _("signed up")
    CONFIRM = "confirm", _("confirmed")
    UNSUBSCRIBE = "unsubscribe", _("unsubscribed")


class ConsentRecord(models.Model):
    """Proof of consent: what happened when, under which version of the consent text. The IP
    address is kept only as a keyed hash (HMAC-SHA256 with the secret key), never in clear."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="consent_records"
    )
    action = models.CharField(_("action"), max_length=12, choices=ConsentAction.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    text_version = models.CharField(_("version of the consent text"), max_length=20)
    ip_hash = models.CharField(_("hashed IP address"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.subscriber.email}: {self.action} {self.at:%Y-%m-%d %H:%M}"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")


class NewsletterIssue(models.Model):
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="newsletter_issues",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)
    include_events = models.BooleanField(_("add upcoming events"), default=True)
    include_knowledge = models.BooleanField(_("add new knowledge"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When sending started; the automatic sections are computed relative to this moment so
    # that every batch of one issue has the same content.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["network", "status", "sent_at"], name="issue_sent")]

    def __str__(self) -> str:
        return self.subject


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One issue to one subscriber; failed mails are retried up to ``MAX_ATTEMPTS`` times."""

    MAX_ATTEMPTS = 3

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_unique")
        ]
        indexes = [models.Index(fields=["issue", "status"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscriber.email}"
