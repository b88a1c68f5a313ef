import pytest
from django.core.management import call_command

from allmende.newsletter.demo import demo_newsletter_load
from allmende.newsletter.models import (
    ConsentRecord,
    Delivery,
    IssueStatus,
    NewsletterIssue,
    Subscriber,
    SubscriberStatus,
)
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def test_demo_newsletter_is_fictional_and_loading_twice_changes_nothing():
    NetworkFactory(slug="immovielien", name="Netzwerk Immovielien")
    first = demo_newsletter_load()
    counts = (Subscriber.objects.count(), ConsentRecord.objects.count(), Delivery.objects.count())
    second = demo_newsletter_load()
    assert first == second
    assert counts == (
        Subscriber.objects.count(),
        ConsentRecord.objects.count(),
        Delivery.objects.count(),
    )
    assert all(s.email.endswith("@example.org") for s in Subscriber.objects.all())
    statuses = list(Subscriber.objects.values_list("status", flat=True))
    assert statuses.count(SubscriberStatus.PENDING) == 1
    assert statuses.count(SubscriberStatus.CONFIRMED) >= 2
    issue = NewsletterIssue.objects.get()
    assert issue.status == IssueStatus.SENT
    assert issue.deliveries.count() == statuses.count(SubscriberStatus.CONFIRMED)
    assert all(len(r.ip_hash) == 64 for r in ConsentRecord.objects.all())


def test_loaddemo_loads_the_newsletter_and_prints_its_counts(
    db, settings, tmp_path, capsys, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.delenv("ALLMENDE_FACTS", raising=False)
    call_command("loaddemo")

    out = capsys.readouterr().out
    assert "Newsletter: 6 subscribers, 4 deliveries." in out
    issue = NewsletterIssue.objects.get()
    assert issue.network.slug == "immovielien"
