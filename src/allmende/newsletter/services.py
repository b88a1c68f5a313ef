"""Every write of the newsletter: sign-up with double opt-in, confirmation and unsubscription
(each with a consent record), issues, test mails and sending in batches with retries, and the
retention rules of ``allmende purge``."""

import datetime
import enum
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allmende.core.mail import email_enqueue
from allmende.core.markdown import render_markdown
from allmende.events.models import Registration
from allmende.networks.models import Network
from allmende.newsletter import selectors, tokens
from allmende.newsletter.models import (
    ConsentAction,
    ConsentRecord,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    NewsletterIssue,
    Subscriber,
    SubscriberStatus,
)

BATCH_SIZE = 50
PENDING_RETENTION = datetime.timedelta(days=30)
MAIL_LANGUAGE = "de"
ISSUE_FIELDS = ("subject", "body", "include_events", "include_knowledge")


class ConfirmResult(enum.StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    UNSUBSCRIBED = "unsubscribed"


def ip_hash(ip: str) -> str:
    """HMAC-SHA256 of an IP address keyed with the secret key: equal addresses give equal
    hashes (so a consent can be matched to a request log line if ever needed), but the address
    cannot be read back without the key. Empty for an unknown address."""
    if not ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def _record(*, subscriber: Subscriber, action: ConsentAction, ip: str) -> None:
    ConsentRecord.objects.create(
        subscriber=subscriber,
        action=action,
        text_version=settings.NEWSLETTER_CONSENT_VERSION,
        ip_hash=ip_hash(ip),
    )


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _require_manager(*, actor: Any, obj: Network | NewsletterIssue) -> None:
    if not actor.has_perm("newsletter.manage_newsletter", obj):
        raise PermissionDenied(_("You may not manage this newsletter."))


# --- Subscribers ----------------------------------------------------------------------------


@transaction.atomic
def subscriber_subscribe(*, network: Network, email: str, ip: str) -> Subscriber:
    """Start (or restart) the double opt-in for ``email`` on ``network``'s newsletter.

    A new or pending address gets a (new) confirmation mail; an address that had unsubscribed
    becomes pending again and gets one too; a confirmed address is left as it is. Callers must
    answer the same in every case, so that nobody learns whether an address is subscribed."""
    address = email.strip().lower()
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(
        network=network, email=address
    )
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return subscriber
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.PENDING
        subscriber.created_at = timezone.now()
        subscriber.save(update_fields=["status", "created_at"])
    _record(subscriber=subscriber, action=ConsentAction.SUBSCRIBE, ip=ip)
    token = tokens.confirm_token(subscriber_id=subscriber.pk, network_id=network.pk)
    email_enqueue(
        template="newsletter/email/confirm",
        context={
            "network": network,
            "confirm_url": site_url(reverse("newsletter:confirm", kwargs={"token": token})),
            "valid_days": tokens.CONFIRM_MAX_AGE.days,
        },
        to=[address],
        language=MAIL_LANGUAGE,
    )
    return subscriber


@transaction.atomic
def subscriber_confirm(*, subscriber_id: int, ip: str) -> tuple[Subscriber, ConfirmResult]:
    """Confirm a pending subscription (the second step of the double opt-in). Confirming twice
    changes nothing; an address that unsubscribed in the meantime is not subscribed again by an
    old link. Raises Subscriber.DoesNotExist for a deleted entry."""
    subscriber = (
        Subscriber.objects.select_for_update().select_related("network").get(pk=subscriber_id)
    )
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return subscriber, ConfirmResult.ALREADY_CONFIRMED
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return subscriber, ConfirmResult.UNSUBSCRIBED
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    _record(subscriber=subscriber, action=ConsentAction.CONFIRM, ip=ip)
    return subscriber, ConfirmResult.CONFIRMED


@transaction.atomic
def subscriber_unsubscribe(*, subscriber_id: int, ip: str) -> Subscriber:
    """Take the address off the newsletter (no login needed: the signed link is the proof).
    Unsubscribing twice records nothing new. Raises Subscriber.DoesNotExist."""
    subscriber = (
        Subscriber.objects.select_for_update().select_related("network").get(pk=subscriber_id)
    )
    if subscriber.status != SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        _record(subscriber=subscriber, action=ConsentAction.UNSUBSCRIBE, ip=ip)
    return subscriber


# --- Issues ---------------------------------------------------------------------------------


def _apply(issue: NewsletterIssue, values: dict[str, Any]) -> None:
    for name in ISSUE_FIELDS:
        if name in values:
            setattr(issue, name, values[name])


@transaction.atomic
def issue_create(*, network: Network, actor: Any, **values: Any) -> NewsletterIssue:
    """A new draft issue of ``network``."""
    _require_manager(actor=actor, obj=network)
    issue = NewsletterIssue(network=network, created_by=actor)
    _apply(issue, values)
    issue.full_clean()
    issue.save()
    return issue


@transaction.atomic
def issue_update(*, issue: NewsletterIssue, actor: Any, **values: Any) -> NewsletterIssue:
    """Change a draft; an issue that is being sent or was sent stays as it went out."""
    _require_manager(actor=actor, obj=issue)
    locked = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.status != IssueStatus.DRAFT:
        raise ValidationError(_("This issue has been sent and can no longer be changed."))
    _apply(locked, values)
    locked.full_clean()
    locked.save()
    return locked


def issue_render(
    *, issue: NewsletterIssue, sections: selectors.IssueSections, unsubscribe_url: str
) -> tuple[str, str]:
    """The HTML and the plain-text part of the issue's mail for one recipient."""
    context = {
        "issue": issue,
        "network": issue.network,
        "body_html": render_markdown(issue.body),
        "sections": sections,
        "unsubscribe_url": unsubscribe_url,
        "SITE_URL": settings.SITE_URL.rstrip("/"),
        "SITE_NAME": settings.SITE_NAME,
    }
    with translation.override(MAIL_LANGUAGE):
        html = render_to_string("newsletter/email/issue.html", context)
        text = render_to_string("newsletter/email/issue.txt", context)
    return html, text


def issue_message(
    *,
    issue: NewsletterIssue,
    sections: selectors.IssueSections,
    to: str,
    unsubscribe_token: str,
) -> EmailMultiAlternatives:
    """The mail of ``issue`` to one address, with a plain-text and an HTML part and the
    one-click unsubscribe headers of RFC 8058."""
    unsubscribe_url = site_url(
        reverse("newsletter:unsubscribe", kwargs={"token": unsubscribe_token})
    )
    html, text = issue_render(issue=issue, sections=sections, unsubscribe_url=unsubscribe_url)
    sender = issue.network.newsletter_sender
    message = EmailMultiAlternatives(
        subject=issue.subject,
        body=text,
        from_email=f"{issue.network.name} <{sender}>" if sender else settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def issue_send_test(*, issue: NewsletterIssue, actor: Any) -> str:
    """Queue a test mail of the issue (draft or not) to the actor's own address; returns it."""
    from allmende.newsletter.tasks import send_test_mail

    _require_manager(actor=actor, obj=issue)
    address = str(actor.email)
    if not address:
        raise ValidationError(_("Your account has no e-mail address."))
    transaction.on_commit(lambda: send_test_mail.enqueue(issue_id=issue.pk, to=address))
    return address


def issue_test_mail_send(*, issue_id: int, to: str) -> None:
    """Send the test mail now (called by the task). Its unsubscribe link leads to a page that
    explains it was a test, since the coordinator need not be a subscriber."""
    issue = NewsletterIssue.objects.select_related("network").get(pk=issue_id)
    sections = selectors.issue_sections(issue=issue)
    message = issue_message(
        issue=issue,
        sections=sections,
        to=to,
        unsubscribe_token=tokens.test_unsubscribe_token(issue_id=issue.pk),
    )
    with translation.override(MAIL_LANGUAGE):
        message.subject = _("[Test] %(subject)s") % {"subject": issue.subject}
    mailers.default.send_messages([message])


def issue_send(*, issue: NewsletterIssue, actor: Any) -> int:
    """Send the issue to every confirmed subscriber of its network: one delivery per
    subscriber, worked off by background tasks in batches of ``BATCH_SIZE``. The status is
    checked under a row lock, so an issue can never be sent twice. Returns the number of
    deliveries."""
    from allmende.newsletter.tasks import send_issue_batch

    _require_manager(actor=actor, obj=issue)
    with transaction.atomic():
        locked = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
        if locked.status != IssueStatus.DRAFT:
            raise ValidationError(_("This issue has already been sent."))
        now = timezone.now()
        locked.status = IssueStatus.SENDING
        locked.sent_at = now
        locked.save(update_fields=["status", "sent_at"])
        subscribers = selectors.confirmed_subscribers(network=locked.network).order_by("pk")
        Delivery.objects.bulk_create(
            [Delivery(issue=locked, subscriber=s) for s in subscribers.only("pk")],
            batch_size=500,
        )
        ids = list(
            Delivery.objects.filter(issue=locked).order_by("pk").values_list("pk", flat=True)
        )
        if not ids:
            locked.status = IssueStatus.SENT
            locked.save(update_fields=["status"])
        batches = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]

        def enqueue() -> None:
            for batch in batches:
                send_issue_batch.enqueue(delivery_ids=batch)

        transaction.on_commit(enqueue)
    return len(ids)


def deliveries_send(*, delivery_ids: list[int]) -> list[int]:
    """Send the queued deliveries among ``delivery_ids`` over one mail connection. A mail that
    fails counts an attempt and keeps the error; it stays queued for another try until it has
    failed ``Delivery.MAX_ATTEMPTS`` times, then it is marked failed. Returns the ids to try
    again. A subscriber who unsubscribed after sending started is skipped."""
    deliveries = list(
        Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.QUEUED)
        .select_related("subscriber", "issue__network")
        .order_by("pk")
    )
    if not deliveries:
        return []
    sections_of: dict[int, selectors.IssueSections] = {}
    retry: list[int] = []
    # One connection to the mail server for the whole batch.
    mailer = mailers.default
    mailer.open()
    try:
        for delivery in deliveries:
            issue = delivery.issue
            if issue.pk not in sections_of:
                sections_of[issue.pk] = selectors.issue_sections(issue=issue)
            if delivery.subscriber.status != SubscriberStatus.CONFIRMED:
                delivery.status = DeliveryStatus.FAILED
                with translation.override(MAIL_LANGUAGE):
                    delivery.last_error = _("Unsubscribed before the mail was sent.")
                delivery.save(update_fields=["status", "last_error"])
                continue
            message = issue_message(
                issue=issue,
                sections=sections_of[issue.pk],
                to=delivery.subscriber.email,
                unsubscribe_token=tokens.unsubscribe_token(subscriber_id=delivery.subscriber_id),
            )
            delivery.attempts += 1
            try:
                mailer.send_messages([message])
            except Exception as exc:  # any failure of the mail server is logged
                delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if delivery.attempts >= Delivery.MAX_ATTEMPTS:
                    delivery.status = DeliveryStatus.FAILED
                else:
                    retry.append(delivery.pk)
            else:
                delivery.status = DeliveryStatus.SENT
                delivery.sent_at = timezone.now()
            delivery.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    finally:
        mailer.close()
    for issue_id in sections_of:
        issue_finish_if_done(issue_id=issue_id)
    return retry


def issue_finish_if_done(*, issue_id: int) -> bool:
    """Mark the issue sent once no delivery is queued any more."""
    if Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.QUEUED).exists():
        return False
    return bool(
        NewsletterIssue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).update(
            status=IssueStatus.SENT
        )
    )


# --- Retention (allmende purge) -------------------------------------------------------------


def purge_pending_subscribers(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> int:
    """Delete sign-ups that were not confirmed within 30 days, with their consent records
    (records of confirmed and unsubscribed addresses stay as proof). Returns their number."""
    cutoff = (now or timezone.now()) - PENDING_RETENTION
    stale = Subscriber.objects.filter(status=SubscriberStatus.PENDING, created_at__lt=cutoff)
    count = stale.count()
    if not dry_run and count:
        with transaction.atomic():
            ConsentRecord.objects.filter(subscriber__in=stale).delete()
            stale.delete()
    return count


def purge_event_registrations(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> int:
    """Remove the personal data of registrations for events that ended more than
    ``EVENT_REGISTRATION_RETENTION_DAYS`` ago: name and organisation emptied, the e-mail
    replaced by an undeliverable placeholder, the account link cut. The registration itself
    stays for the attendance figures. Returns the number anonymised."""
    moment = now or timezone.now()
    cutoff = moment - datetime.timedelta(days=settings.EVENT_REGISTRATION_RETENTION_DAYS)
    due = Registration.objects.filter(event__ends_at__lt=cutoff, anonymised_at__isnull=True)
    if dry_run:
        return due.count()
    with transaction.atomic():
        return due.update(
            name="",
            organisation="",
            user=None,
            email=Concat(
                Value("anonymised-"),
                Cast("pk", output_field=CharField()),
                Value("@invalid"),
                output_field=CharField(),
            ),
            anonymised_at=moment,
        )
