"""Cancellation by the signed link: confirmation page, promotion from the waiting list."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from allmende.events.models import Registration, RegistrationStatus
from allmende.events.services_registration import (
    RegistrationError,
    registration_cancel,
    registration_create,
)
from allmende.events.tokens import registration_cancel_token, registration_id_from_token
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _url(registration):
    return reverse(
        "events:registration_cancel", kwargs={"token": registration_cancel_token(registration.pk)}
    )


def test_cancel_link_asks_first_and_changes_nothing_on_get(client):
    registration = RegistrationFactory()
    response = client.get(_url(registration))
    assert response.status_code == 200
    assert "Ja, meine Anmeldung stornieren" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_cancellation_promotes_first_waitlisted_person_and_mails_them(client):
    event = EventFactory(capacity=1, is_online=True, online_url="https://meet.example.org/x")
    first = registration_create(event=event, name="Erste", email="a@example.org", consent=True)
    early = registration_create(event=event, name="Zweite", email="b@example.org", consent=True)
    late = registration_create(event=event, name="Dritte", email="c@example.org", consent=True)
    assert early.status == late.status == RegistrationStatus.WAITLISTED
    mail.outbox.clear()

    response = client.post(_url(first))
    assert response.status_code == 200
    assert "storniert" in response.content.decode()

    first.refresh_from_db()
    early.refresh_from_db()
    late.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert first.cancelled_at is not None
    assert early.status == RegistrationStatus.CONFIRMED
    assert early.promoted_at is not None
    assert late.status == RegistrationStatus.WAITLISTED
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"a@example.org", "b@example.org"}
    promoted = by_address["b@example.org"]
    assert "nachgerückt" in promoted.body
    assert "https://meet.example.org/x" in promoted.body
    assert "https://meet.example.org/x" not in by_address["a@example.org"].body


def test_cancelling_a_waitlisted_registration_promotes_nobody():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    other = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    _, promoted = registration_cancel(registration_id=waiting.pk)
    assert promoted == []
    other.refresh_from_db()
    assert other.status == RegistrationStatus.WAITLISTED


def test_tampered_token_shows_a_clear_error_page(client):
    registration = RegistrationFactory()
    url = _url(registration)
    tampered = url.replace("/abmelden/", "/abmelden/x")
    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 400
        assert "Ungültiger Stornierungslink" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_token_of_another_salt_is_refused():
    from django.core import signing

    assert registration_id_from_token(signing.dumps(1)) is None
    assert (
        registration_id_from_token(signing.dumps("1", salt="allmende.events.registration-cancel"))
        is None
    )
    assert registration_id_from_token(registration_cancel_token(7)) == 7


def test_already_cancelled_registration_says_so(client):
    registration = RegistrationFactory(status=RegistrationStatus.CANCELLED)
    page = client.get(_url(registration))
    assert "bereits storniert" in page.content.decode()
    assert "Ja, meine Anmeldung stornieren" not in page.content.decode()
    response = client.post(_url(registration))
    assert response.status_code == 409
    assert "bereits storniert" in response.content.decode()


def test_registration_of_a_past_event_cannot_be_cancelled():
    start = timezone.now() - datetime.timedelta(days=2)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    registration = RegistrationFactory(event=event)
    with pytest.raises(RegistrationError) as info:
        registration_cancel(registration_id=registration.pk)
    assert info.value.code == "over"


def test_cancelled_person_may_register_again_and_queue_order_is_kept():
    event = EventFactory(capacity=1)
    holder = registration_create(event=event, name="A", email="a@example.org", consent=True)
    registration_cancel(registration_id=holder.pk)
    again = registration_create(event=event, name="A", email="a@example.org", consent=True)
    assert again.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(event=event).count() == 2
