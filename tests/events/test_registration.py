"""Registration through the panel's form: states, rules, duplicates, honeypot and rate limit."""

import datetime
import re

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from allmende.events.models import EventAudience, Registration, RegistrationStatus
from allmende.events.services_registration import (
    RegistrationError,
    registration_create,
    registrations_notify_cancelled,
)
from tests.conftest import ROLES, user_for
from tests.events.factories import EventFactory, RegistrationFactory

# Mails are queued on commit, so the tests commit (and the database is emptied after each).
pytestmark = pytest.mark.django_db(transaction=True)


def _data(**overrides):
    return {
        "name": "Jana Beispiel",
        "email": "jana@example.org",
        "organisation": "Haus der Initiativen",
        "consent": "on",
        "website_url": "",
        **overrides,
    }


def _register(client, event, **overrides):
    return client.post(reverse("events:register", args=[event.slug]), _data(**overrides))


def test_registration_with_free_places_is_confirmed_and_mailed(client):
    event = EventFactory(capacity=2)
    response = _register(client, event, email="Jana@Example.org")
    assert response.status_code == 302
    assert response.url == f"{event.get_absolute_url()}#anmeldung"
    registration = Registration.objects.get(event=event)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email == "jana@example.org"
    assert registration.consent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jana@example.org"]
    assert event.title in message.subject
    assert "/veranstaltungen/abmelden/" in message.body
    assert f"/veranstaltungen/{event.slug}/kalender.ics" in message.body


def test_registration_when_full_goes_to_waiting_list():
    event = EventFactory(capacity=1, waiting_list=True)
    RegistrationFactory(event=event)
    registration = registration_create(
        event=event, name="Ali", email="ali@example.org", consent=True
    )
    assert registration.status == RegistrationStatus.WAITLISTED
    assert "waiting list" in mail.outbox[-1].body or "Warteliste" in mail.outbox[-1].body


def test_registration_when_full_without_waiting_list_is_refused(client):
    event = EventFactory(capacity=1, waiting_list=False)
    RegistrationFactory(event=event)
    response = _register(client, event)
    assert response.status_code == 200
    assert "ausgebucht" in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_unlimited_event_confirms_everyone():
    event = EventFactory(capacity=None)
    for n in range(5):
        registration = registration_create(
            event=event, name=f"P{n}", email=f"p{n}@example.org", consent=True
        )
        assert registration.status == RegistrationStatus.CONFIRMED


def test_duplicate_email_is_refused_case_insensitively_at_the_field_and_summary(client):
    event = EventFactory()
    RegistrationFactory(event=event, email="jana@example.org")
    response = _register(client, event, email="JANA@example.ORG")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    message = "Diese E-Mail-Adresse ist für diese Veranstaltung bereits angemeldet."
    assert html.count(message) == 2  # in the summary and at the field
    assert 'id="id_registration_email_error"' in html
    assert Registration.objects.filter(event=event).count() == 1


def test_cancelled_registration_allows_registering_again():
    event = EventFactory()
    RegistrationFactory(event=event, email="jana@example.org", status=RegistrationStatus.CANCELLED)
    registration = registration_create(
        event=event, name="Jana", email="jana@example.org", consent=True
    )
    assert registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"is_cancelled": True}, "abgesagt"),
        ({"registration_enabled": False}, "nicht über diese Plattform"),
        ({"registration_closes_at": "past"}, "Die Anmeldung endete am"),
        ({"registration_opens_at": "future"}, "Die Anmeldung beginnt am"),
        ({"starts_at": "past"}, "bereits begonnen"),
    ],
)
def test_closed_registration_is_refused_with_a_reason(client, changes, expected):
    now = timezone.now()
    values = {}
    for key, value in changes.items():
        if value == "past":
            values[key] = now - datetime.timedelta(days=1)
        elif value == "future":
            values[key] = now + datetime.timedelta(days=1)
        else:
            values[key] = value
    if "starts_at" in values:
        values["ends_at"] = now + datetime.timedelta(hours=1)
    event = EventFactory(**values)
    page = client.get(reverse("events:register", args=[event.slug]))
    assert expected in page.content.decode()
    assert 'name="consent"' not in page.content.decode()
    response = _register(client, event)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_unpublished_event_cannot_be_registered_for(client):
    event = EventFactory(is_published=False)
    assert _register(client, event).status_code == 403
    with pytest.raises(RegistrationError) as info:
        registration_create(event=event, name="A", email="a@example.org", consent=True)
    assert info.value.code == "unavailable"


def test_consent_is_required(client):
    event = EventFactory()
    response = _register(client, event, consent="")
    assert response.status_code == 200
    assert "Bitte stimmen Sie dem Datenschutzhinweis zu." in response.content.decode()
    assert not Registration.objects.exists()
    with pytest.raises(RegistrationError):
        registration_create(event=event, name="A", email="a@example.org", consent=False)


def test_honeypot_refuses_bots(client):
    event = EventFactory()
    response = _register(client, event, website_url="http://spam.example")
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_anonymous_posts_are_rate_limited_but_logged_in_people_are_not(client, world):
    event = EventFactory(capacity=None)
    for n in range(10):
        assert _register(client, event, email=f"p{n}@example.org").status_code == 302
    assert _register(client, event, email="p10@example.org").status_code == 429
    client.force_login(world.outsider)
    assert _register(client, event, email="p11@example.org").status_code == 302


EXPECTED_MEMBERS = {
    "anonymous": "login",
    "outsider": "refused",
    "member": "ok",
    "editor": "ok",
    "coordinator": "ok",
    "other_coordinator": "refused",
    "admin": "ok",
}


@pytest.mark.parametrize("role", ROLES)
def test_members_only_event_per_role(client, world, role):
    event = EventFactory(network=world.network, audience=EventAudience.MEMBERS)
    user = user_for(world, role)
    if user.is_authenticated:
        client.force_login(user)
    page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    response = _register(client, event, email=f"{role}@example.org")
    expected = EXPECTED_MEMBERS[role]
    if expected == "ok":
        assert response.status_code == 302
        assert Registration.objects.filter(event=event).count() == 1
    else:
        assert response.status_code == 200
        assert not Registration.objects.filter(event=event).exists()
        assert "nur für Mitglieder" in response.content.decode()
        if expected == "login":
            assert f"{reverse('accounts:login')}?next=" in page
        else:
            assert "keiner Mitgliedsorganisation" in page


def test_logged_in_user_gets_name_and_email_prefilled(client, world):
    event = EventFactory()
    client.force_login(world.member)
    html = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert f'value="{world.member.email}"' in html
    assert f'value="{world.member.name}"' in html


def _panel(event, user=None):
    request = RequestFactory().get(event.get_absolute_url())
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    template = Template('{% include "events/registration/_panel.html" %}')
    return template.render(Context({"event": event, "request": request}))


def test_panel_renders_with_only_the_event_in_context():
    event = EventFactory(capacity=3)
    RegistrationFactory(event=event)
    html = _panel(event)
    assert "2 von 3 Plätzen frei" in html
    assert reverse("events:register", args=[event.slug]) in html


def test_panel_shows_fully_booked_and_waiting_list():
    event = EventFactory(capacity=1, waiting_list=True)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    html = _panel(event)
    assert "Ausgebucht." in html
    assert "1 Person steht auf der Warteliste." in html
    assert "Auf die Warteliste setzen" in html


def test_meeting_link_is_shown_only_to_confirmed_participants(client, world):
    event = EventFactory(
        capacity=1, is_online=True, online_url="https://meet.example.org/geheim-raum"
    )
    RegistrationFactory(event=event, user=world.member, email=world.member.email)
    RegistrationFactory(
        event=event,
        user=world.editor,
        email=world.editor.email,
        status=RegistrationStatus.WAITLISTED,
    )
    link = "https://meet.example.org/geheim-raum"
    assert link in _panel(event, world.member)
    assert link not in _panel(event, world.editor)
    assert "Position 1" in _panel(event, world.editor)
    assert link not in _panel(event, world.outsider)
    assert link not in _panel(event)
    assert link not in _panel(event, world.coordinator)


def test_meeting_link_only_in_mails_of_confirmed_participants():
    event = EventFactory(capacity=1, is_online=True, online_url="https://meet.example.org/r1")
    registration_create(event=event, name="A", email="a@example.org", consent=True)
    registration_create(event=event, name="B", email="b@example.org", consent=True)
    confirmed, waitlisted = mail.outbox
    assert "https://meet.example.org/r1" in confirmed.body
    assert "https://meet.example.org/r1" not in waitlisted.body


def test_panel_lets_a_logged_in_participant_cancel(client, world):
    event = EventFactory(capacity=5)
    client.force_login(world.member)
    client.post(
        reverse("events:register", args=[event.slug]),
        _data(email=world.member.email.upper()),
    )
    html = _panel(event, world.member)
    assert "Sie sind angemeldet" in html
    action = re.search(r'action="(/veranstaltungen/abmelden/[^"]+)"', html).group(1)
    response = client.post(action)
    assert response.status_code == 200
    assert Registration.objects.get(event=event).status == RegistrationStatus.CANCELLED


def test_notify_cancelled_mails_confirmed_and_waitlisted_only():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, email="c@example.org")
    RegistrationFactory(event=event, email="w@example.org", status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, email="x@example.org", status=RegistrationStatus.CANCELLED)
    assert registrations_notify_cancelled(event.pk) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["c@example.org", "w@example.org"]
    assert all("abgesagt" in m.body for m in mail.outbox)


def test_panel_does_not_hand_out_anonymous_registrations_by_matching_email(world):
    event = EventFactory(is_online=True, online_url="https://meet.example.org/fremd")
    RegistrationFactory(event=event, email=world.outsider.email)
    html = _panel(event, world.outsider)
    assert "Sie sind angemeldet" not in html
    assert "abmelden" not in html
    assert "https://meet.example.org/fremd" not in html


def test_cancelling_the_event_tells_the_participants(world):
    from allmende.events.services_events import event_cancel

    event = EventFactory(network=world.network, capacity=1)
    RegistrationFactory(event=event, email="c@example.org")
    RegistrationFactory(event=event, email="w@example.org", status=RegistrationStatus.WAITLISTED)
    event_cancel(event=event, actor=world.coordinator)
    assert sorted(m.to[0] for m in mail.outbox) == ["c@example.org", "w@example.org"]
    assert all(event.title in m.subject for m in mail.outbox)
