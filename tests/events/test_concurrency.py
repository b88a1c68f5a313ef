"""Never overbooked: many people register for the last places at the same moment.

Twenty threads wait at a barrier and then each post a registration to a live server for an
event with three places left. Every request is handled in its own server thread with its own
database connection, so the database, not Python, decides who gets a place: PostgreSQL through
the row lock on the event, SQLite through its IMMEDIATE transactions.

pytest-django's ``live_server`` hands its server threads the test's own connection when the
test database is SQLite in memory, which would let all requests share one connection (and one
transaction state). This module therefore starts Django's ``LiveServerThread`` itself without
that override: each request thread opens its own connection to the shared in-memory database
(``file:memorydb_default?mode=memory&cache=shared``), like separate processes would to a file.
"""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread
from django.test.utils import modify_settings

from allmende.events.models import Registration, RegistrationStatus
from tests.events.factories import EventFactory, RegistrationFactory

PEOPLE = 20
CAPACITY = 10
TAKEN = 7  # three places left


@pytest.fixture
def server(settings):
    settings.RATELIMIT_ENABLE = False
    thread = LiveServerThread("localhost", StaticFilesHandler, connections_override={}, port=0)
    thread.daemon = True
    with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
        thread.terminate()


def _post_all(url: str) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(PEOPLE)
    results: list[tuple[int, dict]] = [(0, {})] * PEOPLE

    def register(index: int) -> None:
        body = json.dumps(
            {
                "name": f"Person {index}",
                "email": f"person{index}@example.org",
                "privacy_consent": True,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the local live server
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                results[index] = (response.status, json.loads(response.read()))
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                payload = json.loads(text)
            except ValueError:
                payload = {"raw": text.decode(errors="replace")}
            results[index] = (error.code, payload)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _event_with_three_places_left(waiting_list: bool):
    event = EventFactory(capacity=CAPACITY, waiting_list=waiting_list)
    RegistrationFactory.create_batch(TAKEN, event=event)
    return event


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_for_the_last_places_fill_them_exactly(server):
    event = _event_with_three_places_left(waiting_list=True)
    results = _post_all(f"{server}/api/v1/events/{event.pk}/registrations")

    codes = [code for code, _ in results]
    assert codes == [201] * PEOPLE, results
    statuses = sorted(payload["status"] for _, payload in results)
    assert statuses.count("confirmed") == 3
    assert statuses.count("waitlisted") == PEOPLE - 3
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    assert confirmed.count() == CAPACITY
    assert (
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).count()
        == PEOPLE - 3
    )


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_without_waiting_list_refuse_the_rest(server):
    event = _event_with_three_places_left(waiting_list=False)
    results = _post_all(f"{server}/api/v1/events/{event.pk}/registrations")

    codes = sorted(code for code, _ in results)
    assert codes.count(201) == 3, results
    assert codes.count(409) == PEOPLE - 3, results
    refused = [payload for code, payload in results if code == 409]
    assert all(p["errors"][0]["type"] == "full" for p in refused)
    assert Registration.objects.filter(event=event).count() == CAPACITY
    assert not Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
