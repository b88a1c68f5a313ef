import pytest

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
