"""The events API: list with filters and pagination, detail without the meeting link, errors
as JSON."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from allmende.events.models import EventDocumentation
from tests.events.factories import EventFactory, RegistrationFactory

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def events(world):
    soon = EventFactory(
        network=world.network,
        title="Bald",
        starts_at=at(2031, 4, 2, 10),
        ends_at=at(2031, 4, 2, 12),
        capacity=5,
    )
    RegistrationFactory(event=soon)
    online = EventFactory(
        network=world.other_network,
        title="Digital",
        kind="online_meeting",
        is_online=True,
        city="",
        lat=None,
        lon=None,
        starts_at=at(2031, 6, 2, 10),
        ends_at=at(2031, 6, 2, 12),
        online_url="https://meet.example.org/geheim",
    )
    past = EventFactory(
        network=world.network,
        title="Damals",
        starts_at=at(2022, 4, 2, 10),
        ends_at=at(2022, 4, 2, 12),
    )
    draft = EventFactory(network=world.network, title="Entwurf", is_published=False)
    return {"soon": soon, "online": online, "past": past, "draft": draft}


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [item["title"] for item in response.json()["items"]]


def test_list_upcoming_past_and_filters(client, events):
    assert titles(client.get("/api/v1/events")) == ["Bald", "Digital"]
    assert titles(client.get("/api/v1/events", {"past": "true"})) == ["Damals"]
    assert titles(client.get("/api/v1/events", {"network": "starke-orte"})) == ["Digital"]
    assert titles(client.get("/api/v1/events", {"kind": "online_meeting"})) == ["Digital"]
    assert titles(client.get("/api/v1/events", {"from": "2031-05-01"})) == ["Digital"]
    assert titles(client.get("/api/v1/events", {"to": "2031-04-02"})) == ["Bald"]
    item = client.get("/api/v1/events").json()["items"][0]
    assert item["url"] == events["soon"].get_absolute_url()
    assert item["ics_url"] == f"/veranstaltungen/{events['soon'].slug}/kalender.ics"


def test_list_pagination_and_query_bound(client, world, django_assert_max_num_queries):
    for _ in range(7):
        EventFactory(network=world.network)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/events", {"page_size": 5})
    body = response.json()
    assert body["count"] == 7
    assert len(body["items"]) == 5
    assert len(client.get("/api/v1/events", {"page_size": 5, "page": 2}).json()["items"]) == 2


def test_detail_has_free_places_and_no_meeting_link(client, events):
    body = client.get(f"/api/v1/events/{events['soon'].pk}").json()
    assert body["free_places"] == 4
    assert body["confirmed_count"] == 1
    assert body["documentation_url"] is None
    online = client.get(f"/api/v1/events/{events['online'].pk}")
    assert online.status_code == 200
    assert "meet.example.org" not in online.content.decode()
    assert "online_url" not in online.json()
    EventDocumentation.objects.create(event=events["past"], report="x", is_published=True)
    past = client.get(f"/api/v1/events/{events['past'].pk}").json()
    assert past["documentation_url"].endswith("/dokumentation/")


def test_errors_are_json(client, events):
    draft = client.get(f"/api/v1/events/{events['draft'].pk}")
    assert draft.status_code == 404
    assert draft.json()["detail"] == "Not found."
    bad = client.get("/api/v1/events", {"kind": "party"})
    assert bad.status_code == 422
    assert bad.json()["errors"]
    assert client.get("/api/v1/events", {"from": "morgen"}).status_code == 422
    assert client.get("/api/v1/events", {"to": "0"}).status_code == 422
    assert client.get("/api/v1/events/abc").status_code == 422
