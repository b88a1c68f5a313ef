"""Issues: automatic sections, the mail itself (HTML and plain text, RFC 8058 headers), sending
in batches by background tasks, retries of failed mails with the error logged, and that an
issue can never be sent twice."""

import datetime
import re
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from allmende.newsletter import services, tasks
from allmende.newsletter.models import (
    Delivery,
    DeliveryStatus,
    IssueStatus,
    NewsletterIssue,
    Subscriber,
    SubscriberStatus,
)
from tests.events.factories import EventFactory
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

UNSUBSCRIBE_HEADER = re.compile(r"^<(http://testserver/newsletter/abmelden/[^/>]+/)>$")


class FlakyBackend(EmailBackend):
    """The in-memory backend, but addresses in ``always_fail`` are refused every time and
    those in ``fail_once`` only on their first try."""

    always_fail: set[str] = set()
    fail_once: set[str] = set()
    tried: list[str] = []

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            FlakyBackend.tried.append(address)
            if address in self.always_fail:
                raise smtplib.SMTPRecipientsRefused({address: (550, b"mailbox unavailable")})
            if address in self.fail_once:
                FlakyBackend.fail_once.discard(address)
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.newsletter.test_sending.FlakyBackend"}}
    FlakyBackend.always_fail = set()
    FlakyBackend.fail_once = set()
    FlakyBackend.tried = []
    return FlakyBackend


def _send(issue, actor, committed):
    with committed():
        return services.issue_send(issue=issue, actor=actor)


def _assert_unsubscribe_headers(message):
    assert UNSUBSCRIBE_HEADER.match(message.extra_headers["List-Unsubscribe"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Also in the serialised message, as the mail server receives it.
    raw = message.message()
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert raw["List-Unsubscribe"].startswith("<http://testserver/newsletter/abmelden/")


def test_full_double_opt_in_cycle_only_confirmed_addresses_receive_the_issue(
    world, client, committed
):
    with committed():
        client.post(
            reverse("newsletter:subscribe", kwargs={"slug": world.network.slug}),
            {"email": "cora@example.org", "consent": "on"},
        )
    confirm_url = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    mail.outbox.clear()

    first = IssueFactory(network=world.network)
    _send(first, world.coordinator, committed)
    assert mail.outbox == []  # still pending: nothing sent

    client.post(confirm_url)
    second = IssueFactory(network=world.network)
    _send(second, world.coordinator, committed)
    assert [m.to for m in mail.outbox] == [["cora@example.org"]]
    assert mail.outbox[0].subject == second.subject


def test_issue_mail_has_plain_text_and_html_and_unsubscribe_headers(world, client, committed):
    subscriber = SubscriberFactory(network=world.network, email="dora@example.org")
    issue = IssueFactory(
        network=world.network, body="## Neues\n\nEin **Haus**.\n\n<script>alert(1)</script>"
    )
    _send(issue, world.coordinator, committed)
    (message,) = mail.outbox
    _assert_unsubscribe_headers(message)
    assert "Ein **Haus**." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>Haus</strong>" in html
    assert "<script>" not in html
    unsubscribe_path = UNSUBSCRIBE_HEADER.match(message.extra_headers["List-Unsubscribe"]).group(1)
    assert unsubscribe_path in message.body
    assert unsubscribe_path in html

    # The header's address unsubscribes this subscriber with the RFC 8058 POST.
    response = client.post(
        unsubscribe_path.removeprefix("http://testserver"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_test_mail_goes_to_the_coordinator_with_unsubscribe_headers(world, client, committed):
    SubscriberFactory(network=world.network)
    issue = IssueFactory(network=world.network)
    client.force_login(world.coordinator)
    with committed():
        response = client.post(reverse("newsletter:issue_test_send", kwargs={"pk": issue.pk}))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["koord@example.org"]
    assert message.subject == f"[Test] {issue.subject}"
    _assert_unsubscribe_headers(message)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert not Delivery.objects.exists()


def test_issue_is_sent_in_batches_and_marked_sent(world, committed, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 4)
    SubscriberFactory.create_batch(10, network=world.network)
    SubscriberFactory(network=world.network, status=SubscriberStatus.PENDING)
    SubscriberFactory(network=world.network, status=SubscriberStatus.UNSUBSCRIBED)
    SubscriberFactory(network=world.other_network)
    batches = []
    original = services.deliveries_send

    def spy(*, delivery_ids):
        batches.append(len(delivery_ids))
        return original(delivery_ids=delivery_ids)

    monkeypatch.setattr(services, "deliveries_send", spy)
    issue = IssueFactory(network=world.network)

    assert _send(issue, world.coordinator, committed) == 10
    assert batches == [4, 4, 2]
    assert len(mail.outbox) == 10
    assert len({m.to[0] for m in mail.outbox}) == 10
    for message in mail.outbox:
        _assert_unsubscribe_headers(message)
    # Every subscriber gets their own unsubscribe link.
    assert len({m.extra_headers["List-Unsubscribe"] for m in mail.outbox}) == 10
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert issue.sent_at is not None
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


def test_failed_mails_are_retried_and_logged(world, client, committed, flaky):
    SubscriberFactory(network=world.network, email="gut@example.org")
    SubscriberFactory(network=world.network, email="wackelig@example.org")
    SubscriberFactory(network=world.network, email="kaputt@example.org")
    flaky.always_fail = {"kaputt@example.org"}
    flaky.fail_once = {"wackelig@example.org"}
    issue = IssueFactory(network=world.network)

    _send(issue, world.coordinator, committed)

    deliveries = {d.subscriber.email: d for d in Delivery.objects.select_related("subscriber")}
    assert deliveries["gut@example.org"].status == DeliveryStatus.SENT
    assert deliveries["gut@example.org"].attempts == 1
    assert deliveries["wackelig@example.org"].status == DeliveryStatus.SENT
    assert deliveries["wackelig@example.org"].attempts == 2
    assert "SMTPServerDisconnected" in deliveries["wackelig@example.org"].last_error
    failed = deliveries["kaputt@example.org"]
    assert failed.status == DeliveryStatus.FAILED
    assert failed.attempts == 3
    assert "mailbox unavailable" in failed.last_error
    assert flaky.tried.count("kaputt@example.org") == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["gut@example.org", "wackelig@example.org"]
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT

    client.force_login(world.coordinator)
    page = client.get(reverse("newsletter:issue_log", kwargs={"pk": issue.pk}))
    content = page.content.decode()
    assert page.context["counts"] == {"queued": 0, "sent": 2, "failed": 1, "total": 3}
    assert "kaputt@example.org" in content
    assert "mailbox unavailable" in content
    assert "fehlgeschlagen" in content


def test_retry_waits_when_the_task_backend_can_defer(world, flaky, monkeypatch):
    subscriber = SubscriberFactory(network=world.network, email="wackelig@example.org")
    flaky.fail_once = {"wackelig@example.org"}
    issue = IssueFactory(network=world.network, status=IssueStatus.SENDING)
    delivery = Delivery.objects.create(issue=issue, subscriber=subscriber)
    deferred = []

    class DeferringTask:
        """Stands in for the task inside its own body: a backend that can defer."""

        def get_backend(self):
            return type("Backend", (), {"supports_defer": True})()

        def using(self, run_after):
            class Queued:
                def enqueue(self, **kwargs):
                    deferred.append((run_after, kwargs))

            return Queued()

    real = tasks.send_issue_batch
    monkeypatch.setattr(tasks, "send_issue_batch", DeferringTask())
    assert real.call(delivery_ids=[delivery.pk]) == 1

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.attempts == 1
    ((run_after, kwargs),) = deferred
    assert run_after > timezone.now() + datetime.timedelta(minutes=4)
    assert kwargs == {"delivery_ids": [delivery.pk]}
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENDING


def test_subscriber_who_unsubscribes_during_sending_is_skipped(world):
    subscriber = SubscriberFactory(network=world.network)
    issue = IssueFactory(network=world.network, status=IssueStatus.SENDING)
    delivery = Delivery.objects.create(issue=issue, subscriber=subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(status=SubscriberStatus.UNSUBSCRIBED)
    assert services.deliveries_send(delivery_ids=[delivery.pk]) == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "Vor dem Versand abgemeldet."
    assert mail.outbox == []


def test_an_issue_cannot_be_sent_twice(world, client, committed):
    SubscriberFactory.create_batch(2, network=world.network)
    issue = IssueFactory(network=world.network)
    _send(issue, world.coordinator, committed)
    with pytest.raises(ValidationError):
        _send(issue, world.coordinator, committed)

    client.force_login(world.coordinator)
    with committed():
        response = client.post(
            reverse("newsletter:issue_send", kwargs={"pk": issue.pk}), follow=True
        )
    assert "bereits versendet" in response.content.decode()
    assert Delivery.objects.count() == 2
    assert len(mail.outbox) == 2


def test_stale_object_cannot_send_twice_because_the_status_is_read_under_the_lock(world, committed):
    SubscriberFactory(network=world.network)
    issue = IssueFactory(network=world.network)
    stale = NewsletterIssue.objects.get(pk=issue.pk)
    _send(issue, world.coordinator, committed)
    assert stale.status == IssueStatus.DRAFT
    with pytest.raises(ValidationError):
        _send(stale, world.coordinator, committed)
    assert len(mail.outbox) == 1


def test_sent_issue_can_no_longer_be_edited(world, client, committed):
    issue = IssueFactory(network=world.network)
    _send(issue, world.coordinator, committed)
    with pytest.raises(ValidationError):
        services.issue_update(issue=issue, actor=world.coordinator, subject="Neu")
    client.force_login(world.coordinator)
    response = client.post(
        reverse("newsletter:issue_edit", kwargs={"pk": issue.pk}), {"subject": "Neu"}
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.subject != "Neu"


def test_issue_without_confirmed_subscribers_is_sent_at_once(world, client, committed):
    issue = IssueFactory(network=world.network)
    client.force_login(world.coordinator)
    with committed():
        response = client.post(reverse("newsletter:issue_send", kwargs={"pk": issue.pk}))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT


def _in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


def test_event_section_lists_published_upcoming_events_of_the_network(world, committed):
    SubscriberFactory(network=world.network)
    EventFactory(network=world.network, title="Werkstatt Erbbaurecht", city="Kassel")
    EventFactory(network=world.network, title="Abgesagt", is_cancelled=True)
    EventFactory(network=world.network, title="Entwurf", is_published=False)
    EventFactory(
        network=world.network,
        title="Zu spät",
        starts_at=_in_days(70),
        ends_at=_in_days(70),
    )
    EventFactory(
        network=world.network, title="Vorbei", starts_at=_in_days(-3), ends_at=_in_days(-3)
    )
    EventFactory(network=world.other_network, title="Anderes Netzwerk")
    issue = IssueFactory(network=world.network, include_events=True)
    _send(issue, world.coordinator, committed)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "Kommende Veranstaltungen" in part
        assert "Werkstatt Erbbaurecht" in part
        assert "Kassel" in part
        for absent in ("Abgesagt", "Entwurf", "Zu spät", "Vorbei", "Anderes Netzwerk"):
            assert absent not in part


def test_knowledge_section_lists_what_was_published_since_the_last_issue(world, committed):
    from tests.knowledge.factories import ArticleFactory, NewsFactory

    SubscriberFactory(network=world.network)
    IssueFactory(
        network=world.network, status=IssueStatus.SENT, sent_at=_in_days(-10), subject="Alt"
    )
    ArticleFactory(
        network=world.network, title="Vor dem letzten Rundbrief", published_at=_in_days(-20)
    )
    ArticleFactory(network=world.network, title="Neuer Beitrag", published_at=_in_days(-2))
    NewsFactory(network=world.network, title="Neue Meldung", published_at=_in_days(-1))
    ArticleFactory(
        network=world.network,
        title="Unveröffentlicht",
        is_published=False,
        published_at=_in_days(-1),
    )
    ArticleFactory(network=world.other_network, title="Fremder Beitrag", published_at=_in_days(-1))
    issue = IssueFactory(network=world.network, include_knowledge=True)
    _send(issue, world.coordinator, committed)
    (message,) = mail.outbox
    assert "Neu auf der Plattform" in message.body
    assert "Neuer Beitrag" in message.body
    assert "Neue Meldung" in message.body
    assert message.body.index("Neue Meldung") < message.body.index("Neuer Beitrag")
    for absent in ("Vor dem letzten Rundbrief", "Unveröffentlicht", "Fremder Beitrag"):
        assert absent not in message.body
