"""Double opt-in, confirmation and unsubscription through the real pages: tokens, consent
records with hashed IP addresses, one-click unsubscribe (RFC 8058) and the privacy of the
sign-up answer."""

import re
import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from allmende.newsletter import services, tokens
from allmende.newsletter.models import ConsentAction, ConsentRecord, Subscriber, SubscriberStatus
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


@pytest.fixture
def subscribe(client, committed):
    def post(network, email="Anna@Example.org", **extra):
        data = {"email": email, "consent": "on", "website_url": "", **extra}
        with committed():
            return client.post(
                reverse("newsletter:subscribe", kwargs={"slug": network.slug}),
                data,
                REMOTE_ADDR=IP,
            )

    return post


def _link(message, name):
    match = re.search(rf"http://testserver(/newsletter/{name}/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_subscribe_page_shows_the_consent_text_version(world, client, settings):
    settings.NEWSLETTER_CONSENT_VERSION = "2026-12"
    response = client.get(reverse("newsletter:subscribe", kwargs={"slug": world.network.slug}))
    assert response.status_code == 200
    assert "2026-12" in response.content.decode()


def test_sign_up_sends_confirmation_and_only_the_post_confirms(world, client, subscribe):
    response = subscribe(world.network)
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(network=world.network)
    assert subscriber.email == "anna@example.org"
    assert subscriber.status == SubscriberStatus.PENDING
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.org"]
    assert world.network.name in mail.outbox[0].subject
    confirm_url = _link(mail.outbox[0], "bestaetigen")

    page = client.get(confirm_url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "anna@example.org" in content
    assert world.network.name in content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING  # GET changes nothing

    done = client.post(confirm_url, REMOTE_ADDR=IP)
    assert done.status_code == 200
    assert "Anmeldung bestätigt" in done.content.decode()
    assert "anna@example.org" in done.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.confirmed_at is not None
    actions = list(subscriber.consent_records.values_list("action", flat=True))
    assert actions == [ConsentAction.SUBSCRIBE, ConsentAction.CONFIRM]


def test_consent_records_keep_a_keyed_hash_of_the_ip_never_the_ip(
    world, client, settings, subscribe
):
    settings.NEWSLETTER_CONSENT_VERSION = "2027-01"
    subscribe(world.network)
    client.post(_link(mail.outbox[0], "bestaetigen"), REMOTE_ADDR=IP)
    records = ConsentRecord.objects.all()
    assert records.count() == 2
    for record in records:
        assert record.text_version == "2027-01"
        assert record.ip_hash == services.ip_hash(IP)
        assert len(record.ip_hash) == 64
        assert IP not in record.ip_hash
    # Keyed: a plain SHA-256 of the address (guessable for all IPv4 addresses) is not stored.
    import hashlib

    assert records[0].ip_hash != hashlib.sha256(IP.encode()).hexdigest()
    settings.SECRET_KEY = "another-key"
    assert services.ip_hash(IP) != records[0].ip_hash


def test_sign_up_answers_the_same_for_new_pending_and_confirmed_addresses(world, client, subscribe):
    SubscriberFactory(network=world.network, email="known@example.org")
    SubscriberFactory(
        network=world.network, email="waiting@example.org", status=SubscriberStatus.PENDING
    )
    answers = [
        subscribe(world.network, email=email)
        for email in ["known@example.org", "waiting@example.org", "new@example.org"]
    ]
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("newsletter:subscribe_thanks", kwargs={"slug": world.network.slug}))
    }
    # The pending address gets its mail again, the confirmed one nothing.
    assert sorted(m.to[0] for m in mail.outbox) == ["new@example.org", "waiting@example.org"]
    assert Subscriber.objects.get(email="known@example.org").status == SubscriberStatus.CONFIRMED


def test_one_address_may_subscribe_to_several_networks(world, client, subscribe):
    subscribe(world.network)
    subscribe(world.other_network)
    assert Subscriber.objects.filter(email="anna@example.org").count() == 2


def test_missing_consent_and_invalid_address_are_field_errors(world, client):
    response = client.post(
        reverse("newsletter:subscribe", kwargs={"slug": world.network.slug}),
        {"email": "kein-at-zeichen", "website_url": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "consent"}
    assert 'id="error-summary"' in response.content.decode()
    assert not Subscriber.objects.exists()


def test_filled_honeypot_is_refused(world, client, subscribe):
    response = subscribe(world.network, website_url="https://spam.example")
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def test_sign_ups_are_rate_limited_per_address(world, client, subscribe):
    for number in range(10):
        assert subscribe(world.network, email=f"a{number}@example.org").status_code == 302
    assert subscribe(world.network, email="eleven@example.org").status_code == 429


def test_unknown_network_is_404(db, client):
    assert client.get("/newsletter/gibt-es-nicht/").status_code == 404


def test_expired_confirmation_link_offers_a_new_sign_up(world, client, monkeypatch):
    subscriber = SubscriberFactory(network=world.network, status=SubscriberStatus.PENDING)
    eight_days_ago = time.time() - 8 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    token = tokens.confirm_token(subscriber_id=subscriber.pk, network_id=world.network.pk)
    monkeypatch.undo()

    url = reverse("newsletter:confirm", kwargs={"token": token})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        content = response.content.decode()
        assert "abgelaufen" in content
        assert reverse("newsletter:subscribe", kwargs={"slug": world.network.slug}) in content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


def test_link_six_days_old_still_works(world, client, monkeypatch):
    subscriber = SubscriberFactory(network=world.network, status=SubscriberStatus.PENDING)
    six_days_ago = time.time() - 6 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: six_days_ago)
    token = tokens.confirm_token(subscriber_id=subscriber.pk, network_id=world.network.pk)
    monkeypatch.undo()
    client.post(reverse("newsletter:confirm", kwargs={"token": token}))
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "x" + t,
        lambda t: "nonsense",
        # A valid unsubscribe token is no confirmation token (different salt).
        lambda t: "UNSUB",
    ],
)
def test_tampered_confirmation_link_changes_nothing(world, client, mangle):
    subscriber = SubscriberFactory(network=world.network, status=SubscriberStatus.PENDING)
    token = tokens.confirm_token(subscriber_id=subscriber.pk, network_id=world.network.pk)
    bad = mangle(token)
    if bad == "UNSUB":
        bad = tokens.unsubscribe_token(subscriber_id=subscriber.pk)
    url = reverse("newsletter:confirm", kwargs={"token": bad})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "nicht gültig" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    assert not ConsentRecord.objects.exists()


def test_old_confirmation_link_does_not_resubscribe_after_unsubscribing(world, client):
    subscriber = SubscriberFactory(network=world.network, status=SubscriberStatus.UNSUBSCRIBED)
    token = tokens.confirm_token(subscriber_id=subscriber.pk, network_id=world.network.pk)
    response = client.post(reverse("newsletter:confirm", kwargs={"token": token}))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_confirmation_link_of_a_purged_sign_up_is_treated_as_expired(world, client):
    subscriber = SubscriberFactory(network=world.network, status=SubscriberStatus.PENDING)
    token = tokens.confirm_token(subscriber_id=subscriber.pk, network_id=world.network.pk)
    subscriber.delete()
    response = client.get(reverse("newsletter:confirm", kwargs={"token": token}))
    assert response.status_code == 410


def test_resubscribing_after_unsubscribing_starts_a_new_opt_in(world, client, subscribe):
    SubscriberFactory(
        network=world.network, email="anna@example.org", status=SubscriberStatus.UNSUBSCRIBED
    )
    subscribe(world.network)
    subscriber = Subscriber.objects.get(email="anna@example.org")
    assert subscriber.status == SubscriberStatus.PENDING
    assert len(mail.outbox) == 1


def test_unsubscribe_link_shows_a_button_and_post_unsubscribes_without_login(world):
    client = Client(enforce_csrf_checks=True)
    subscriber = SubscriberFactory(network=world.network, email="bert@example.org")
    url = reverse(
        "newsletter:unsubscribe",
        kwargs={"token": tokens.unsubscribe_token(subscriber_id=subscriber.pk)},
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "bert@example.org" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED

    # The form's POST needs its CSRF token like every other form.
    assert client.post(url, {"anything": "1"}).status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED

    csrf = client.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": csrf}, REMOTE_ADDR=IP)
    assert response.status_code == 200
    assert "Abgemeldet" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    record = subscriber.consent_records.get()
    assert record.action == ConsentAction.UNSUBSCRIBE
    assert record.ip_hash == services.ip_hash(IP)


def test_one_click_post_of_rfc_8058_unsubscribes_without_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    subscriber = SubscriberFactory(network=world.network)
    url = reverse(
        "newsletter:unsubscribe",
        kwargs={"token": tokens.unsubscribe_token(subscriber_id=subscriber.pk)},
    )
    response = client.post(
        url,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    # A second one-click changes nothing and records nothing more.
    client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert subscriber.consent_records.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        "List-Unsubscribe=One-Click&other=1",
        "List-Unsubscribe=Two-Clicks",
        "something=else",
        "",
    ],
)
def test_other_bodies_without_csrf_token_are_refused(world, body):
    client = Client(enforce_csrf_checks=True)
    subscriber = SubscriberFactory(network=world.network)
    url = reverse(
        "newsletter:unsubscribe",
        kwargs={"token": tokens.unsubscribe_token(subscriber_id=subscriber.pk)},
    )
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_tampered_unsubscribe_link_is_refused(world, client):
    subscriber = SubscriberFactory(network=world.network)
    token = tokens.unsubscribe_token(subscriber_id=subscriber.pk)
    url = reverse("newsletter:unsubscribe", kwargs={"token": token[:-2] + "xx"})
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_unsubscribe_link_of_a_test_mail_changes_nothing(world, client):
    subscriber = SubscriberFactory(network=world.network)
    token = tokens.test_unsubscribe_token(issue_id=1)
    url = reverse("newsletter:unsubscribe", kwargs={"token": token})
    assert "Testmail" in client.get(url).content.decode()
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
