"""The coordinators' participant pages: list, CSV, attendance and messages, per role."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from allmende.events.models import Registration, RegistrationStatus
from tests.conftest import ROLES, user_for
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

ALLOWED = {"coordinator", "admin"}


@pytest.fixture
def event(world):
    event = EventFactory(network=world.network, capacity=2)
    RegistrationFactory(event=event, name="Anna Acker", email="anna@example.org")
    RegistrationFactory(
        event=event, name="=Bernd", email="bernd@example.org", organisation="Häuser & Höfe"
    )
    RegistrationFactory(event=event, name="Clara", status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, name="Dieter", status=RegistrationStatus.CANCELLED)
    return event


def _login(client, world, role):
    user = user_for(world, role)
    if user.is_authenticated:
        client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["participants", "participants_csv", "participants_message"])
def test_participant_pages_per_role(client, world, event, role, name):
    _login(client, world, role)
    response = client.get(reverse(f"events:{name}", args=[event.slug]))
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    elif role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_attendance_may_be_marked_only_by_coordinators(client, world, event, role):
    _login(client, world, role)
    anna = Registration.objects.get(name="Anna Acker")
    response = client.post(
        reverse("events:participants", args=[event.slug]), {"attended": [str(anna.pk)]}
    )
    anna.refresh_from_db()
    bernd = Registration.objects.get(email="bernd@example.org")
    if role in ALLOWED:
        assert response.status_code == 302
        assert anna.attended is True
        assert bernd.attended is False
    else:
        assert response.status_code in (302, 403)
        assert anna.attended is None


def test_participant_list_shows_sections(client, world, event):
    client.force_login(world.coordinator)
    html = client.get(reverse("events:participants", args=[event.slug])).content.decode()
    assert "Bestätigt (2)" in html
    assert "Warteliste (1)" in html
    assert "Storniert (1)" in html
    for name in ("Anna Acker", "Clara", "Dieter"):
        assert name in html


def test_participant_list_query_count_is_bounded(client, world, django_assert_max_num_queries):
    event = EventFactory(network=world.network, capacity=None)
    RegistrationFactory.create_batch(40, event=event)
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:participants", args=[event.slug]))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        client.get(reverse("events:participants_csv", args=[event.slug]))


def test_csv_export_for_excel(client, world, event):
    client.force_login(world.coordinator)
    response = client.get(reverse("events:participants_csv", args=[event.slug]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Name",
        "E-Mail",
        "Organisation",
        "Status",
        "Angemeldet am",
        "Teilgenommen",
    ]
    assert len(rows) == 5
    bernd = next(r for r in rows if r[1] == "bernd@example.org")
    assert bernd[0] == "'=Bernd"  # no spreadsheet formula
    assert bernd[2] == "Häuser & Höfe"
    assert bernd[3] == "bestätigt"
    registration = Registration.objects.get(email="bernd@example.org")
    from django.utils import timezone

    assert bernd[4] == timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("include_waitlisted", "expected"), [(False, 2), (True, 3)])
def test_message_reaches_confirmed_and_optionally_waitlisted(
    client, world, event, include_waitlisted, expected
):
    client.force_login(world.coordinator)
    data = {"subject": "Anreise", "body": "Bitte bringt Hausschuhe mit."}
    if include_waitlisted:
        data["include_waitlisted"] = "on"
    response = client.post(reverse("events:participants_message", args=[event.slug]), data)
    assert response.status_code == 302
    assert len(mail.outbox) == expected
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert all("Bitte bringt Hausschuhe mit." in m.body for m in mail.outbox)
    assert all("Anreise" in m.subject for m in mail.outbox)
    page = client.get(response.url).content.decode()
    assert f"an {expected} Personen verschickt" in page


def test_message_form_shows_errors(client, world, event):
    client.force_login(world.coordinator)
    response = client.post(reverse("events:participants_message", args=[event.slug]), {})
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert not mail.outbox


def test_message_may_not_be_sent_by_others(client, world, event):
    client.force_login(world.member)
    response = client.post(
        reverse("events:participants_message", args=[event.slug]),
        {"subject": "x", "body": "y"},
    )
    assert response.status_code == 403
    assert not mail.outbox
