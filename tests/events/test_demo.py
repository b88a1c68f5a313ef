"""The demo events: the past events of facts.json with documentation, the upcoming ones (one
full with a waiting list, one for members, one online); loading twice changes no counts."""

from allmende.events.demo import demo_events_load
from allmende.events.models import (
    AgendaItem,
    Event,
    EventAudience,
    EventDocumentation,
    Registration,
    RegistrationStatus,
)
from allmende.networks.demo import demo_load, load_facts


def counts() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        EventDocumentation.objects.count(),
        AgendaItem.objects.count(),
        Registration.objects.count(),
    )


def test_demo_events_are_complete_and_idempotent(db):
    demo_load()
    facts = load_facts()
    demo_events_load()
    first = counts()
    demo_events_load()
    assert counts() == first
    past = Event.objects.filter(documentation__is_published=True)
    assert past.count() == len(facts["events"])
    assert past.filter(is_online=True).exists()
    assert all(e.is_past for e in past)
    leipzig = past.get(city="Leipzig")
    assert leipzig.starts_at.year == 2016
    assert leipzig.lat is not None
    full = Event.objects.get(slug="werkstatt-leerstand-aktivieren")
    statuses = list(full.registrations.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == full.capacity
    assert statuses.count(RegistrationStatus.WAITLISTED) == 2
    assert all(r.email.endswith("@example.org") for r in full.registrations.all())
    upcoming = Event.objects.exclude(documentation__isnull=False)
    assert upcoming.filter(audience=EventAudience.MEMBERS).exists()
    assert upcoming.filter(is_online=True).exists()
    assert all(not e.is_past for e in upcoming)
