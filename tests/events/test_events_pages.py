"""The public event pages: list with filters and the past switch, programme, map and its
GeoJSON, detail with schema.org JSON-LD, drafts per role, series, documentation pages."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from allmende.events.models import EventAudience, EventDocumentation, EventKind, EventSeries
from tests.conftest import ROLES, user_for
from tests.events.factories import EventFactory, RegistrationFactory

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


@pytest.fixture
def events(world):
    upcoming = EventFactory(network=world.network, title="Werkstatt Leerstand", city="Leipzig")
    online = EventFactory(
        network=world.other_network,
        title="Digitaler Austausch",
        kind=EventKind.ONLINE_MEETING,
        is_online=True,
        city="",
        lat=None,
        lon=None,
        online_url="https://meet.example.org/geheim",
    )
    past = EventFactory(
        network=world.network,
        title="Vergangene Konferenz",
        kind=EventKind.CONFERENCE,
        starts_at=at(2023, 5, 4, 10),
        ends_at=at(2023, 5, 4, 17),
    )
    draft = EventFactory(network=world.network, title="Geheimer Entwurf", is_published=False)
    return {"upcoming": upcoming, "online": online, "past": past, "draft": draft}


def test_list_shows_upcoming_by_default_and_past_with_the_switch(client, events):
    page = client.get(reverse("events:event_list")).content.decode()
    assert "Werkstatt Leerstand" in page
    assert "Digitaler Austausch" in page
    assert "Vergangene Konferenz" not in page
    assert "Geheimer Entwurf" not in page
    past = client.get(reverse("events:event_list"), {"past": "on"}).content.decode()
    assert "Vergangene Konferenz" in past
    assert "Werkstatt Leerstand" not in past


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"network": "immovielien"}, "Werkstatt Leerstand", "Digitaler Austausch"),
        ({"kind": "online_meeting"}, "Digitaler Austausch", "Werkstatt Leerstand"),
        ({"place": "leip"}, "Werkstatt Leerstand", "Digitaler Austausch"),
    ],
)
def test_list_filters(client, events, params, shown, hidden):
    page = client.get(reverse("events:event_list"), params).content.decode()
    assert shown in page
    assert hidden not in page


def test_list_filters_by_month_in_berlin_time(client, world):
    EventFactory(
        network=world.network,
        title="Silvester",
        starts_at=at(2030, 12, 31, 23, 30),
        ends_at=at(2031, 1, 1, 1),
    )
    shown = client.get(reverse("events:event_list"), {"month": "2030-12"}).content.decode()
    assert "Silvester" in shown
    other = client.get(reverse("events:event_list"), {"month": "2031-01"}).content.decode()
    assert "Silvester" not in other


def test_list_with_a_bad_month_shows_the_error_at_the_field(client, events):
    response = client.get(reverse("events:event_list"), {"month": "2030-13"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_month_error"' in page
    assert "error-summary" in page


def test_list_marks_members_only_events_and_drafts_for_coordinators(client, world, events):
    EventFactory(network=world.network, title="Mitgliedertreffen", audience=EventAudience.MEMBERS)
    page = client.get(reverse("events:event_list")).content.decode()
    assert "Mitgliedertreffen" in page
    assert "Für Mitglieder des Netzwerks" in page
    client.force_login(world.coordinator)
    assert "Geheimer Entwurf" in client.get(reverse("events:event_list")).content.decode()


def test_list_query_count_is_bounded(client, world, django_assert_max_num_queries):
    for n in range(25):
        EventFactory(network=world.network if n % 2 else world.other_network)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:event_list"))
    assert response.status_code == 200
    assert "Seite 1 von 2" in response.content.decode()


def test_programme_groups_by_month_and_links_years(client, world):
    EventFactory(
        network=world.network,
        title="Frühjahrsseminar",
        starts_at=at(2029, 3, 2, 10),
        ends_at=at(2029, 3, 2, 16),
    )
    EventFactory(
        network=world.network,
        title="Herbsttreffen",
        starts_at=at(2029, 10, 5, 10),
        ends_at=at(2029, 10, 5, 16),
    )
    EventFactory(
        network=world.network,
        title="Anderes Jahr",
        starts_at=at(2030, 1, 5, 10),
        ends_at=at(2030, 1, 5, 16),
    )
    page = client.get(reverse("events:programme", args=[2029])).content.decode()
    assert "März 2029" in page
    assert "Oktober 2029" in page
    assert page.index("Frühjahrsseminar") < page.index("Herbsttreffen")
    assert "Anderes Jahr" not in page
    assert reverse("events:programme", args=[2028]) in page
    assert reverse("events:programme", args=[2030]) in page
    assert client.get(reverse("events:programme", args=[99])).status_code == 404


def test_map_lists_upcoming_events_on_site_and_the_geojson_matches(client, events):
    page = client.get(reverse("events:event_map")).content.decode()
    assert "Werkstatt Leerstand" in page
    assert "Digitaler Austausch" not in page
    data = client.get("/api/v1/events.geojson").json()
    names = [f["properties"]["name"] for f in data["features"]]
    assert names == ["Werkstatt Leerstand"]
    assert data["features"][0]["geometry"]["coordinates"] == [12.3731, 51.3397]
    assert client.get("/api/v1/events.geojson", {"bbox": "quatsch"}).status_code == 400
    assert client.get("/api/v1/events.geojson", {"bbox": "5,47,6,48"}).json()["features"] == []


def test_detail_shows_dates_place_and_free_places(client, world):
    event = EventFactory(
        network=world.network,
        starts_at=at(2031, 3, 6, 10),
        ends_at=at(2031, 3, 6, 16),
        street="Markt 1",
        postcode="04109",
        capacity=3,
    )
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waitlisted")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Donnerstag, 6. März 2031, 10:00–16:00 Uhr" in page
    assert "Bürgerhaus, Markt 1, 04109 Leipzig" in page
    assert "2 von 3 Plätzen frei" in page
    assert reverse("events:event_ics", args=[event.slug]) in page


def test_detail_of_a_multi_day_event(client, world):
    event = EventFactory(
        network=world.network, starts_at=at(2031, 5, 30, 14), ends_at=at(2031, 6, 1, 13)
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Freitag, 30. Mai 2031, 14:00 Uhr – Sonntag, 1. Juni 2031, 13:00 Uhr" in page


def test_detail_json_ld_is_valid_and_describes_the_event(client, world):
    event = EventFactory(
        network=world.network,
        title='Werkstatt "</script>"',
        starts_at=at(2031, 7, 1, 10),
        ends_at=at(2031, 7, 1, 12),
    )
    data = json_ld(client.get(event.get_absolute_url()).content.decode())
    assert data["@type"] == "Event"
    assert data["name"] == 'Werkstatt "</script>"'
    assert data["startDate"] == "2031-07-01T10:00:00+02:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["addressLocality"] == "Leipzig"
    assert data["organizer"]["name"] == world.network.name


def test_online_event_hides_the_meeting_link_and_cancelled_status_shows(client, events):
    event = events["online"]
    event.is_cancelled = True
    event.save()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "meet.example.org" not in page
    assert "Diese Veranstaltung wurde abgesagt." in page
    data = json_ld(page)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"]["@type"] == "VirtualLocation"
    assert "meet.example.org" not in json.dumps(data)


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_404_except_for_those_who_may_change_them(client, world, events, role):
    user = user_for(world, role)
    if role != "anonymous":
        client.force_login(user)
    response = client.get(events["draft"].get_absolute_url())
    expected = 200 if role in ("coordinator", "admin") else 404
    assert response.status_code == expected
    ics = client.get(reverse("events:event_ics", args=[events["draft"].slug]))
    assert ics.status_code == expected


def test_members_only_event_can_be_read_without_login(client, world):
    event = EventFactory(network=world.network, audience=EventAudience.MEMBERS)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Nur Mitglieder des Netzwerks" in page


def test_series_page_lists_its_events(client, world):
    series = EventSeries.objects.create(
        network=world.network,
        title="Werkstattreihe",
        slug="werkstattreihe",
        description="Mit **Themen**",
    )
    EventFactory(network=world.network, series=series, title="Teil eins")
    EventFactory(
        network=world.network,
        series=series,
        title="Teil null",
        starts_at=at(2022, 1, 1, 10),
        ends_at=at(2022, 1, 1, 12),
    )
    page = client.get(reverse("events:series_detail", args=["werkstattreihe"])).content.decode()
    assert "Teil eins" in page
    assert "Teil null" in page
    assert "<strong>Themen</strong>" in page
    assert client.get(reverse("events:series_detail", args=["nichts"])).status_code == 404


def test_documentation_page_and_list(client, world, events):
    event = events["past"]
    documentation = EventDocumentation.objects.create(event=event, report="Es war **gut**.")
    event.agenda_items.create(title="Begrüßung", time="10:00")
    url = reverse("events:documentation_detail", args=[event.slug])
    assert client.get(url).status_code == 404
    assert "dokumentation" not in client.get(event.get_absolute_url()).content.decode()
    documentation.is_published = True
    documentation.save()
    page = client.get(url).content.decode()
    assert "<strong>gut</strong>" in page
    assert "Begrüßung" in page
    assert url in client.get(event.get_absolute_url()).content.decode()
    listing = client.get(reverse("events:documentation_list")).content.decode()
    assert "Vergangene Konferenz" in listing
    other = client.get(reverse("events:documentation_list"), {"network": "starke-orte"})
    assert "Vergangene Konferenz" not in other.content.decode()
