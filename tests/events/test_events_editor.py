"""The coordinators' editor: the permission matrix, validation errors at the fields and in the
summary, coordinates from the town, the sequence raised on changes and on cancellation."""

import pytest
from django.urls import reverse

from allmende.events import services_events
from allmende.events.models import Event, EventSeries
from tests.conftest import ROLES, user_for
from tests.events.factories import EventFactory

ALLOWED = {"coordinator", "admin"}


def form_data(world, **changes):
    data = {
        "network": world.network.pk,
        "kind": "seminar",
        "title": "Seminar Gemeinwohl",
        "description": "Wir lernen **gemeinsam**.",
        "starts_at": "2031-10-26T01:30",
        "ends_at": "2031-10-26T04:00",
        "venue": "Rathaus",
        "street": "Markt 1",
        "postcode": "16278",
        "city": "Angermünde",
        "state": "Brandenburg",
        "registration_enabled": "on",
        "capacity": "30",
        "audience": "public",
        "waiting_list": "on",
        "is_published": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("role", ROLES)
def test_editor_permissions(client, world, role):
    event = EventFactory(network=world.network)
    user = user_for(world, role)
    if role != "anonymous":
        client.force_login(user)
    for url in (
        reverse("events:event_edit", args=[event.slug]),
        reverse("events:event_cancel", args=[event.slug]),
        reverse("events:documentation_edit", args=[event.slug]),
    ):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if role in ALLOWED else 403), url
    create = client.get(reverse("events:event_create"))
    if role == "anonymous":
        assert create.status_code == 302
    else:
        # The other network's coordinator may create events of their own network.
        allowed = role in ALLOWED or role == "other_coordinator"
        assert create.status_code == (200 if allowed else 403)
    response = client.post(reverse("events:event_cancel", args=[event.slug]))
    event.refresh_from_db()
    assert event.is_cancelled is (role in ALLOWED)


def test_coordinator_creates_an_event_with_coordinates_from_the_town(client, world):
    client.force_login(world.coordinator)
    response = client.post(reverse("events:event_create"), form_data(world))
    event = Event.objects.get(title="Seminar Gemeinwohl")
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert event.slug == "seminar-gemeinwohl"
    assert abs(event.lat - 53.015) < 0.01
    assert event.network == world.network
    # Entered in Berlin time (summer time until 03:00, then winter time).
    assert event.starts_at.isoformat() == "2031-10-25T23:30:00+00:00"
    assert event.ends_at.isoformat() == "2031-10-26T03:00:00+00:00"


def test_other_coordinator_cannot_create_events_of_a_foreign_network(client, world):
    client.force_login(world.other_coordinator)
    response = client.post(reverse("events:event_create"), form_data(world))
    assert response.status_code == 200
    assert "id_network_error" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "2031-10-26T01:00"}, "ends_at", "Das Ende muss nach dem Beginn liegen."),
        (
            {"registration_closes_at": "2031-10-27T10:00"},
            "registration_closes_at",
            "Die Anmeldung muss vor dem Ende der Veranstaltung schließen.",
        ),
        ({"city": ""}, "city", "Eine Veranstaltung vor Ort braucht einen Ort"),
        ({"city": "Nirgendwohausen"}, "city", "Dieser Ort steht nicht in unserer Ortsliste"),
        ({"lat": "52.5"}, "lon", "Breiten- und Längengrad"),
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_editor_validation_errors_at_the_field_and_in_the_summary(
    client, world, changes, field, message
):
    client.force_login(world.coordinator)
    response = client.post(reverse("events:event_create"), form_data(world, **changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert 'class="error-summary"' in page
    assert f'href="#id_{field}"' in page
    assert message in page
    assert not Event.objects.exists()


def test_online_event_needs_no_address(client, world):
    client.force_login(world.coordinator)
    data = form_data(
        world,
        is_online="on",
        city="",
        street="",
        postcode="",
        venue="",
        state="",
        online_url="https://meet.example.org/x",
    )
    response = client.post(reverse("events:event_create"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.is_online
    assert event.lat is None


def test_edit_raises_the_sequence_only_for_calendar_changes(client, world):
    event = EventFactory(network=world.network)
    uid = event.uid
    client.force_login(world.coordinator)
    url = reverse("events:event_edit", args=[event.slug])
    data = form_data(world, title=event.title, city="Leipzig", state="Sachsen")
    data["starts_at"] = "2031-05-01T10:00"
    data["ends_at"] = "2031-05-01T12:00"
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.sequence == 1
    assert client.post(url, {**data, "capacity": "40"}).status_code == 302
    event.refresh_from_db()
    assert event.sequence == 1
    assert event.capacity == 40
    assert client.post(url, {**data, "title": "Neuer Titel"}).status_code == 302
    event.refresh_from_db()
    assert event.sequence == 2
    assert event.uid == uid
    assert event.slug != "neuer-titel"


def test_cancel_sets_the_flag_and_raises_the_sequence_once(world):
    event = EventFactory(network=world.network)
    services_events.event_cancel(event=event, actor=world.coordinator)
    services_events.event_cancel(event=event, actor=world.coordinator)
    event.refresh_from_db()
    assert event.is_cancelled
    assert event.sequence == 1


def test_series_create_and_edit(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("events:series_create"),
        {"network": world.network.pk, "title": "Werkstattreihe", "description": "Jeden Monat"},
    )
    series = EventSeries.objects.get()
    assert response.status_code == 302
    assert series.slug == "werkstattreihe"
    response = client.post(
        reverse("events:series_edit", args=[series.slug]),
        {"title": "Werkstattreihe 2031", "description": ""},
    )
    series.refresh_from_db()
    assert series.title == "Werkstattreihe 2031"
    client.force_login(world.other_coordinator)
    assert client.get(reverse("events:series_edit", args=[series.slug])).status_code == 403


def test_event_slug_avoids_reserved_paths(world):
    event = services_events.event_create(
        network=world.network,
        actor=world.admin,
        data={
            "kind": "seminar",
            "title": "Karte",
            "starts_at": Event._meta.get_field("starts_at").to_python("2031-01-01T10:00+01:00"),
            "ends_at": Event._meta.get_field("ends_at").to_python("2031-01-01T12:00+01:00"),
            "is_online": True,
        },
    )
    assert event.slug == "karte-2"
