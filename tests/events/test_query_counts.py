"""Query-count bounds on the event lists: the annual programme, the documentation list, a
series page and the map's GeoJSON. Each is loaded with a few events and with many more (in
several networks), and the number of queries must not grow with the events: an N+1 would."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allmende.events.models import EventDocumentation, EventSeries
from tests.events.factories import EventFactory
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
YEAR = 2031
PAST_YEAR = 2021


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _programme_events(count: int, offset: int) -> None:
    for i in range(offset, offset + count):
        start = datetime.datetime(YEAR, 1 + i % 12, 1 + i % 27, 10, tzinfo=BERLIN)
        EventFactory(network=NetworkFactory(), starts_at=start, ends_at=start.replace(hour=16))


def _documented_events(count: int, offset: int) -> None:
    for i in range(offset, offset + count):
        start = datetime.datetime(PAST_YEAR, 1 + i % 12, 1 + i % 27, 10, tzinfo=BERLIN)
        event = EventFactory(
            network=NetworkFactory(), starts_at=start, ends_at=start.replace(hour=16)
        )
        EventDocumentation.objects.create(event_id=event.pk, report="Bericht", is_published=True)


def _series_events(series: EventSeries, count: int, offset: int) -> None:
    for i in range(offset, offset + count):
        # Half upcoming, half past: the page lists both.
        year = YEAR if i % 2 else PAST_YEAR
        start = datetime.datetime(year, 1 + i % 12, 1 + i % 27, 10, tzinfo=BERLIN)
        EventFactory(
            network=series.network,
            series=series,
            starts_at=start,
            ends_at=start.replace(hour=16),
        )


def _map_events(count: int, offset: int) -> None:
    for i in range(offset, offset + count):
        EventFactory(network=NetworkFactory(), lat=50 + i / 10, lon=10 + i / 10)


def test_programme_queries_do_not_grow_with_events(client, django_assert_max_num_queries):
    url = f"/veranstaltungen/programm/{YEAR}/"
    _programme_events(2, 0)
    few = _count(client, url)
    _programme_events(10, 2)
    with django_assert_max_num_queries(few):
        page = client.get(url).content.decode()
    assert page.count('class="result"') == 12
    assert few <= 3


def test_documentation_list_queries_do_not_grow_with_events(client, django_assert_max_num_queries):
    url = "/veranstaltungen/dokumentationen/"
    _documented_events(2, 0)
    few = _count(client, url)
    _documented_events(10, 2)
    with django_assert_max_num_queries(few):
        page = client.get(url).content.decode()
    assert page.count('class="result"') == 12
    assert few <= 4


def test_series_page_queries_do_not_grow_with_events(client, django_assert_max_num_queries):
    series = EventSeries.objects.create(
        network=NetworkFactory(), title="Werkstattreihe", slug="werkstattreihe"
    )
    url = f"/veranstaltungen/reihe/{series.slug}/"
    _series_events(series, 2, 0)
    few = _count(client, url)
    _series_events(series, 10, 2)
    with django_assert_max_num_queries(few):
        page = client.get(url).content.decode()
    assert page.count('class="result"') == 12
    assert few <= 3


def test_geojson_queries_do_not_grow_with_events(client, django_assert_max_num_queries):
    url = "/api/v1/events.geojson"
    _map_events(2, 0)
    few = _count(client, url)
    _map_events(10, 2)
    with django_assert_max_num_queries(few):
        data = client.get(url).json()
    assert len(data["features"]) == 12
    assert few <= 2
