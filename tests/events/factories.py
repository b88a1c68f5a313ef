import datetime

import factory
from django.utils import timezone

from allmende.events.models import Event, EventKind, Registration, RegistrationStatus
from tests.factories import NetworkFactory


def _in_days(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    network = factory.SubFactory(NetworkFactory)
    kind = EventKind.WORKSHOP
    title = factory.Sequence(lambda n: f"Werkstatt Leerstand {n}")
    slug = factory.Sequence(lambda n: f"werkstatt-leerstand-{n}")
    description = "Wir sprechen über leere Häuser und wie Gruppen sie nutzen können."
    starts_at = factory.LazyFunction(lambda: _in_days(14, 10))
    ends_at = factory.LazyFunction(lambda: _in_days(14, 16))
    venue = "Bürgerhaus"
    city = "Leipzig"
    state = "Sachsen"
    lat = 51.3397
    lon = 12.3731
    capacity = 20
    is_published = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Teilnehmerin {n}")
    email = factory.Sequence(lambda n: f"teilnehmerin{n}@example.org")
    status = RegistrationStatus.CONFIRMED
    consent_at = factory.LazyFunction(timezone.now)
