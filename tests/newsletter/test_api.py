"""POST /api/v1/newsletter/subscribe: starts the double opt-in, answers the same for every
address, errors as JSON, rate-limited."""

import pytest
from django.core import mail

from allmende.newsletter.models import ConsentRecord, Subscriber, SubscriberStatus
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/newsletter/subscribe"


@pytest.fixture
def post(client, committed):
    def send(body):
        with committed():
            return client.post(URL, body, content_type="application/json")

    return send


def test_subscribe_starts_the_double_opt_in(world, post):
    response = post({"network": world.network.slug, "email": "Eva@Example.org", "consent": True})
    assert response.status_code == 202
    assert "detail" in response.json()
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("eva@example.org", SubscriberStatus.PENDING)
    assert ConsentRecord.objects.get().text_version == "2026-12"
    assert mail.outbox[0].to == ["eva@example.org"]
    assert "/newsletter/bestaetigen/" in mail.outbox[0].body


def test_same_answer_whether_the_address_exists(world, post):
    SubscriberFactory(network=world.network, email="da@example.org")
    known = post({"network": world.network.slug, "email": "da@example.org", "consent": True})
    new = post({"network": world.network.slug, "email": "neu@example.org", "consent": True})
    assert (known.status_code, known.json()) == (new.status_code, new.json())
    assert [m.to for m in mail.outbox] == [["neu@example.org"]]


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a@example.org", "consent": False},
        {"email": "a@example.org"},
        {"email": "kein-at", "consent": True},
        {"email": "", "consent": True},
        {"consent": True},
    ],
)
def test_missing_consent_or_bad_address_is_422(world, post, body):
    response = post({"network": world.network.slug, **body})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert not Subscriber.objects.exists()


def test_unknown_network_is_404(db, post):
    response = post({"network": "nirgendwo", "email": "a@example.org", "consent": True})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_subscribe_is_rate_limited(world, post):
    for number in range(10):
        body = {"network": world.network.slug, "email": f"x{number}@example.org", "consent": True}
        assert post(body).status_code == 202
    response = post({"network": world.network.slug, "email": "y@example.org", "consent": True})
    assert response.status_code == 429
    assert response.json()["detail"]


def test_status_codes_are_documented(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) == {"202", "400", "404", "422", "429"}
