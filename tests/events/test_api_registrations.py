"""API: POST /api/v1/events/{id}/registrations (same rules as the form) and GET for the
event's coordinators."""

import pytest
from django.core import mail

from allmende.accounts.services import api_token_create
from allmende.events.models import EventAudience, Registration, RegistrationStatus
from tests.conftest import ROLES, user_for
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _url(event):
    return f"/api/v1/events/{event.pk}/registrations"


def _auth(world, role):
    if role == "anonymous":
        return {}
    raw = api_token_create(user=user_for(world, role), name="test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _body(**overrides):
    return {
        "name": "Jana Beispiel",
        "email": "Jana@Example.org",
        "organisation": "",
        "privacy_consent": True,
        **overrides,
    }


def _post(client, event, headers=None, **overrides):
    return client.post(
        _url(event), _body(**overrides), content_type="application/json", **(headers or {})
    )


def test_create_confirms_then_waitlists_and_mails():
    from django.test import Client

    client = Client()
    event = EventFactory(capacity=1)
    first = _post(client, event)
    assert first.status_code == 201
    assert first.json()["status"] == "confirmed"
    assert first.json()["event"] == event.pk
    second = _post(client, event, email="other@example.org")
    assert second.status_code == 201
    assert second.json()["status"] == "waitlisted"
    assert Registration.objects.get(pk=first.json()["id"]).email == "jana@example.org"
    assert len(mail.outbox) == 2


def test_duplicate_and_fully_booked_give_409(client):
    event = EventFactory(capacity=1, waiting_list=False)
    assert _post(client, event).status_code == 201
    duplicate = _post(client, event, email="JANA@example.org")
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"] == (
        "Diese E-Mail-Adresse ist für diese Veranstaltung bereits angemeldet."
    )
    assert duplicate.json()["errors"][0]["loc"] == ["email"]
    full = _post(client, event, email="b@example.org")
    assert full.status_code == 409
    assert full.json()["errors"][0]["type"] == "full"


def test_consent_and_input_are_validated(client):
    event = EventFactory()
    response = _post(client, event, privacy_consent=False)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "privacy_consent"
    assert _post(client, event, email="kein-at").status_code == 422
    assert _post(client, event, name="").status_code == 422
    assert _post(client, event, name="   ").status_code == 422
    assert not Registration.objects.exists()


def test_unknown_or_unpublished_event_gives_404(client):
    assert (
        client.post(
            "/api/v1/events/999999/registrations", _body(), content_type="application/json"
        ).status_code
        == 404
    )
    hidden = EventFactory(is_published=False)
    assert _post(client, hidden).status_code == 404


def test_cancelled_event_gives_409(client):
    event = EventFactory(is_cancelled=True)
    response = _post(client, event)
    assert response.status_code == 409
    assert "abgesagt" in response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_members_only_event_per_role(client, world, role):
    event = EventFactory(network=world.network, audience=EventAudience.MEMBERS)
    response = _post(client, event, _auth(world, role), email=f"{role}@example.org")
    if role in {"member", "editor", "coordinator", "admin"}:
        assert response.status_code == 201
        registration = Registration.objects.get(event=event)
        assert registration.user == user_for(world, role)
    else:
        assert response.status_code == 403
        assert "nur für Mitglieder" in response.json()["detail"]


def test_anonymous_registrations_are_rate_limited(client):
    event = EventFactory(capacity=None)
    for n in range(10):
        assert _post(client, event, email=f"p{n}@example.org").status_code == 201
    limited = _post(client, event, email="p10@example.org")
    assert limited.status_code == 429
    assert limited.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_list_per_role(client, world, role):
    event = EventFactory(network=world.network)
    RegistrationFactory(event=event, email="a@example.org")
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    response = client.get(_url(event), **_auth(world, role))
    if role == "anonymous":
        assert response.status_code == 401
    elif role in {"coordinator", "admin"}:
        assert response.status_code == 200
        rows = response.json()
        assert [r["status"] for r in rows] == ["confirmed", "cancelled"]
        assert rows[0]["email"] == "a@example.org"
    else:
        assert response.status_code == 403


def test_list_query_count_is_bounded(client, world, django_assert_max_num_queries):
    event = EventFactory(network=world.network, capacity=None)
    RegistrationFactory.create_batch(30, event=event)
    headers = _auth(world, "coordinator")
    with django_assert_max_num_queries(8):
        response = client.get(_url(event), **headers)
    assert len(response.json()) == 30


def test_list_of_unknown_event_gives_404(client, world):
    response = client.get("/api/v1/events/999999/registrations", **_auth(world, "admin"))
    assert response.status_code == 404
