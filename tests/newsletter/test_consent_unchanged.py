"""Editing an account or an organisation's profile never changes newsletter consent: the
subscribers are independent of accounts, even when the addresses are the same."""

import pytest
from django.urls import reverse

from allmende.newsletter.models import ConsentAction, ConsentRecord, Subscriber, SubscriberStatus
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def _snapshot():
    subscribers = list(
        Subscriber.objects.order_by("pk").values(
            "pk", "network_id", "email", "status", "created_at", "confirmed_at", "unsubscribed_at"
        )
    )
    records = list(ConsentRecord.objects.order_by("pk").values())
    return subscribers, records


def test_account_and_profile_edits_leave_newsletter_consent_alone(world, client):
    editor = world.editor
    confirmed = SubscriberFactory(network=world.network, email=editor.email.lower())
    unsubscribed = SubscriberFactory(
        network=world.other_network,
        email=editor.email.lower(),
        status=SubscriberStatus.UNSUBSCRIBED,
    )
    for subscriber, action in ((confirmed, ConsentAction.CONFIRM), (unsubscribed, "unsubscribe")):
        ConsentRecord.objects.create(
            subscriber=subscriber, action=action, text_version="2026-12", ip_hash="a" * 64
        )
    before = _snapshot()
    client.force_login(editor)

    account = client.post(reverse("accounts:account"), {"form": "profile", "name": "Neuer Name"})
    assert account.status_code == 302
    editor.refresh_from_db()
    assert editor.name == "Neuer Name"

    profile = client.post(
        reverse("networks:organisation_edit", kwargs={"slug": world.organisation.slug}),
        {
            "name": world.organisation.name,
            "kind": world.organisation.kind,
            "city": "Leipzig",
            "state": "Sachsen",
            "email": "neu@stadtluecken.example.org",
        },
    )
    assert profile.status_code == 302
    world.organisation.refresh_from_db()
    assert world.organisation.city == "Leipzig"

    assert _snapshot() == before
