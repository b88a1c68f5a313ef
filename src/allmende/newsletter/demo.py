"""Demo newsletter of the Netzwerk Immovielien: fictional subscribers at example.org (most
confirmed, one still awaiting confirmation, one unsubscribed) and one issue that was sent to
the confirmed ones. Idempotent: loading twice changes nothing."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allmende.networks.models import Network
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
from allmende.newsletter.services import ip_hash

NETWORK = "immovielien"
# Addresses from the documentation range 192.0.2.0/24, hashed like real ones.
SUBSCRIBERS = [
    ("lesekreis@example.org", SubscriberStatus.CONFIRMED),
    ("quartiersbuero@example.org", SubscriberStatus.CONFIRMED),
    ("hausprojekt-mitte@example.org", SubscriberStatus.CONFIRMED),
    ("bauamt-musterstadt@example.org", SubscriberStatus.CONFIRMED),
    ("neugierig@example.org", SubscriberStatus.PENDING),
    ("nicht-mehr@example.org", SubscriberStatus.UNSUBSCRIBED),
]
ISSUE_SUBJECT = "Rundbrief: Leerstand als Chance"
ISSUE_BODY = """Liebe Leserinnen und Leser,

in diesem Rundbrief geht es um leerstehende Gebäude, die von Initiativen wieder mit Leben
gefüllt werden – und um die Frage, wie Kommunen sie dabei unterstützen können.

## Aus dem Netzwerk

- Die Arbeitsgruppe Konzeptvergabe hat eine Checkliste für Ausschreibungen begonnen.
- Neue Mitglieder stellen sich beim nächsten Netzwerktreffen vor.

Wir freuen uns über Hinweise auf gelungene Projekte in Ihrer Nähe.
"""


@transaction.atomic
def demo_newsletter_load() -> dict[str, int]:
    network = Network.objects.get(slug=NETWORK)
    now = timezone.now()
    started = now - datetime.timedelta(days=40)
    version = settings.NEWSLETTER_CONSENT_VERSION
    confirmed: list[Subscriber] = []
    for number, (email, status) in enumerate(SUBSCRIBERS, start=1):
        signed_up = now - datetime.timedelta(days=2) if status == "pending" else started
        subscriber, created = Subscriber.objects.get_or_create(
            network=network,
            email=email,
            defaults={
                "status": status,
                "created_at": signed_up,
                "confirmed_at": started + datetime.timedelta(hours=1)
                if status != SubscriberStatus.PENDING
                else None,
                "unsubscribed_at": started + datetime.timedelta(days=20)
                if status == SubscriberStatus.UNSUBSCRIBED
                else None,
            },
        )
        if created:
            hashed = ip_hash(f"192.0.2.{number}")
            actions = [(ConsentAction.SUBSCRIBE, subscriber.created_at)]
            if subscriber.confirmed_at:
                actions.append((ConsentAction.CONFIRM, subscriber.confirmed_at))
            if subscriber.unsubscribed_at:
                actions.append((ConsentAction.UNSUBSCRIBE, subscriber.unsubscribed_at))
            ConsentRecord.objects.bulk_create(
                ConsentRecord(
                    subscriber=subscriber,
                    action=action,
                    at=at,
                    text_version=version,
                    ip_hash=hashed,
                )
                for action, at in actions
            )
        if subscriber.status == SubscriberStatus.CONFIRMED:
            confirmed.append(subscriber)
    sent_at = now - datetime.timedelta(days=10)
    issue, created = NewsletterIssue.objects.get_or_create(
        network=network,
        subject=ISSUE_SUBJECT,
        defaults={
            "body": ISSUE_BODY,
            "include_events": True,
            "include_knowledge": True,
            "status": IssueStatus.SENT,
            "created_at": sent_at - datetime.timedelta(days=1),
            "sent_at": sent_at,
        },
    )
    if created:
        Delivery.objects.bulk_create(
            Delivery(
                issue=issue,
                subscriber=subscriber,
                status=DeliveryStatus.SENT,
                attempts=1,
                sent_at=sent_at + datetime.timedelta(minutes=1),
            )
            for subscriber in confirmed
        )
    return {
        "subscribers": Subscriber.objects.filter(network=network).count(),
        "issues": NewsletterIssue.objects.filter(network=network).count(),
        "deliveries": Delivery.objects.filter(issue=issue).count(),
    }
