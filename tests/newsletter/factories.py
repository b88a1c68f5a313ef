import factory
from django.utils import timezone

from allmende.newsletter.models import (
    IssueStatus,
    NewsletterIssue,
    Subscriber,
    SubscriberStatus,
)
from tests.factories import NetworkFactory


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    network = factory.SubFactory(NetworkFactory)
    email = factory.Sequence(lambda n: f"leserin{n}@example.org")
    status = SubscriberStatus.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    network = factory.SubFactory(NetworkFactory)
    subject = factory.Sequence(lambda n: f"Rundbrief {n}")
    body = "Neues aus dem **Netzwerk**.\n\n- Ein Haus wurde übergeben."
    include_events = False
    include_knowledge = False
    status = IssueStatus.DRAFT
