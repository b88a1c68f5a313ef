"""iCalendar files parsed back with icalendar: times across the end of summer time, the
VTIMEZONE, UIDs stable across edits, SEQUENCE, STATUS:CANCELLED, the network feed."""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse

from allmende.events import services_events
from tests.events.factories import EventFactory

BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.UTC


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.fixture
def dst_event(world):
    # Last Sunday of October 2027: at 03:00 summer time the clocks go back to 02:00.
    return EventFactory(
        network=world.network,
        title="Nachtwanderung",
        starts_at=datetime.datetime(2027, 10, 31, 1, 30, tzinfo=BERLIN),
        ends_at=datetime.datetime(2027, 10, 31, 4, 0, tzinfo=BERLIN),
        street="Markt 1",
        postcode="04109",
    )


def test_event_ics_times_across_the_dst_change(client, dst_event):
    calendar = parse(client.get(reverse("events:event_ics", args=[dst_event.slug])))
    (vevent,) = calendar.walk("VEVENT")
    start, end = vevent.decoded("dtstart"), vevent.decoded("dtend")
    assert start.astimezone(UTC) == datetime.datetime(2027, 10, 30, 23, 30, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime.datetime(2027, 10, 31, 3, 0, tzinfo=UTC)
    assert end.astimezone(UTC) - start.astimezone(UTC) == datetime.timedelta(hours=3, minutes=30)
    assert vevent["dtstart"].params["TZID"] == "Europe/Berlin"
    (timezone,) = calendar.walk("VTIMEZONE")
    assert timezone["tzid"] == "Europe/Berlin"
    assert calendar.walk("STANDARD")
    assert calendar.walk("DAYLIGHT")
    assert str(vevent["summary"]) == "Nachtwanderung"
    assert str(vevent["location"]) == "Bürgerhaus, Markt 1, 04109 Leipzig"
    assert str(vevent["url"]).endswith(dst_event.get_absolute_url())
    assert str(vevent["status"]) == "CONFIRMED"
    assert "dtstamp" in vevent


def test_uid_stays_and_sequence_rises_on_edit_and_cancel(client, world, dst_event):
    url = reverse("events:event_ics", args=[dst_event.slug])
    first = parse(client.get(url)).walk("VEVENT")[0]
    host = urlsplit(settings.SITE_URL).hostname
    assert str(first["uid"]) == f"{dst_event.uid}@{host}"
    assert first["sequence"] == 0
    services_events.event_update(
        event=dst_event, actor=world.coordinator, data={"title": "Nachtwanderung (neu)"}
    )
    second = parse(client.get(url)).walk("VEVENT")[0]
    assert second["uid"] == first["uid"]
    assert second["sequence"] == 1
    services_events.event_cancel(event=dst_event, actor=world.coordinator)
    third = parse(client.get(url)).walk("VEVENT")[0]
    assert third["uid"] == first["uid"]
    assert third["sequence"] == 2
    assert str(third["status"]) == "CANCELLED"


def test_online_event_calendar_has_no_meeting_link(client, world):
    event = EventFactory(
        network=world.network,
        is_online=True,
        city="",
        lat=None,
        lon=None,
        online_url="https://meet.example.org/geheim",
    )
    response = client.get(reverse("events:event_ics", args=[event.slug]))
    assert b"meet.example.org" not in response.content
    vevent = parse(response).walk("VEVENT")[0]
    assert str(vevent["location"]) == "Online"


def test_network_feed_has_upcoming_and_recent_events_only(
    client, world, django_assert_max_num_queries
):
    now = datetime.datetime.now(tz=UTC)
    EventFactory(network=world.network, title="Bald")
    EventFactory(
        network=world.network,
        title="Vor einem Monat",
        starts_at=now - datetime.timedelta(days=30, hours=2),
        ends_at=now - datetime.timedelta(days=30),
    )
    EventFactory(
        network=world.network,
        title="Vor einem Jahr",
        starts_at=now - datetime.timedelta(days=365, hours=2),
        ends_at=now - datetime.timedelta(days=365),
    )
    EventFactory(network=world.network, title="Entwurf", is_published=False)
    EventFactory(network=world.other_network, title="Anderes Netzwerk")
    for n in range(10):
        EventFactory(network=world.network, title=f"Termin {n}")
    url = reverse("events:network_ics", args=[world.network.slug])
    with django_assert_max_num_queries(3):
        response = client.get(url)
    calendar = parse(response)
    titles = {str(v["summary"]) for v in calendar.walk("VEVENT")}
    assert {"Bald", "Vor einem Monat"} <= titles
    assert not titles & {"Vor einem Jahr", "Entwurf", "Anderes Netzwerk"}
    assert len(titles) == 12
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert client.get(reverse("events:network_ics", args=["gibt-es-nicht"])).status_code == 404


def test_empty_network_feed_is_still_a_valid_calendar(client, world):
    calendar = parse(client.get(reverse("events:network_ics", args=[world.network.slug])))
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")


def test_contact_on_the_event_page_and_as_organizer_in_the_ics(client, world):
    event = EventFactory(
        network=world.network, contact_name="Mara Muster", contact_email="mara@example.org"
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Mara Muster" in page
    assert '<a href="mailto:mara@example.org">mara@example.org</a>' in page

    (vevent,) = parse(client.get(reverse("events:event_ics", args=[event.slug]))).walk("VEVENT")
    organizer = vevent["organizer"]
    assert str(organizer) == "mailto:mara@example.org"
    assert organizer.params["CN"] == "Mara Muster"


def test_organizer_without_contact_name_is_the_network(client, world):
    event = EventFactory(network=world.network, contact_email="info@example.org")
    (vevent,) = parse(client.get(reverse("events:event_ics", args=[event.slug]))).walk("VEVENT")
    assert str(vevent["organizer"]) == "mailto:info@example.org"
    assert vevent["organizer"].params["CN"] == world.network.name


def test_no_organizer_without_contact_e_mail(client, world):
    event = EventFactory(network=world.network, contact_name="Mara Muster")
    (vevent,) = parse(client.get(reverse("events:event_ics", args=[event.slug]))).walk("VEVENT")
    assert "organizer" not in vevent
    assert "Mara Muster" in client.get(event.get_absolute_url()).content.decode()
