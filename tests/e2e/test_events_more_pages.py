"""axe and the page structure on the event and newsletter pages no other browser test visits:
the series page and form, the event-cancel confirmation, the documentation upload forms, the
participants' message page, the page for a tampered cancel link, the newsletter's unsubscribe
page for test mails and the issue form with errors."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allmende.events.models import EventSeries
from allmende.events.tokens import registration_cancel_token
from allmende.newsletter import tokens as newsletter_tokens
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.events.factories import EventFactory, RegistrationFactory
from tests.newsletter.factories import IssueFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def series(world):
    series = EventSeries.objects.create(
        network=world.network,
        title="Werkstattreihe Leerstand",
        slug="werkstattreihe-leerstand",
        description="Jedes Mal ein **anderes** Thema.",
    )
    EventFactory(network=world.network, series=series, title="Werkstatt Erdgeschoss")
    past_start = timezone.now() - datetime.timedelta(days=60)
    EventFactory(
        network=world.network,
        series=series,
        title="Werkstatt Dachboden",
        starts_at=past_start,
        ends_at=past_start + datetime.timedelta(hours=6),
    )
    return series


def test_series_page_and_series_form(live_server, page, axe, browser_problems, world, series):
    page.goto(f"{live_server.url}/veranstaltungen/reihe/{series.slug}/")
    expect(page.locator("h1")).to_have_text("Werkstattreihe Leerstand")
    expect(page.get_by_role("link", name="Werkstatt Erdgeschoss")).to_be_visible()
    expect(page.get_by_role("link", name="Werkstatt Dachboden")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)

    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/veranstaltungen/reihe/neu/")
    expect(page.locator("h1")).to_have_text("Reihe anlegen")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Reihe speichern").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/veranstaltungen/reihe/{series.slug}/bearbeiten/")
    assert_page_structure(page)
    assert_accessible(axe, page)


def test_event_cancel_confirmation(live_server, page, axe, world):
    event = EventFactory(network=world.network, title="Netzwerktreffen Herbst")
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/veranstaltungen/{event.slug}/absagen/")
    expect(page.locator("h1")).to_contain_text("Netzwerktreffen Herbst")
    assert_page_structure(page)
    assert_accessible(axe, page)


@pytest.mark.parametrize(("path", "heading"), [("dateien", "Datei"), ("fotos", "Foto")])
def test_documentation_upload_forms_also_with_errors(live_server, page, axe, world, path, heading):
    event = EventFactory(network=world.network)
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/veranstaltungen/{event.slug}/dokumentation/{path}/neu/")
    expect(page.locator("h1")).to_have_text(f"{heading} hinzufügen")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Hochladen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)


def test_participants_message_page_also_with_errors(live_server, page, axe, world):
    event = EventFactory(network=world.network)
    RegistrationFactory(event=event)
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/veranstaltungen/{event.slug}/teilnehmende/nachricht/")
    expect(page.locator("h1")).to_have_text("Den Teilnehmenden schreiben")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)


def test_tampered_cancel_link_page(live_server, page, axe, world):
    registration = RegistrationFactory(event=EventFactory(network=world.network))
    token = registration_cancel_token(registration.pk)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    page.goto(f"{live_server.url}/veranstaltungen/abmelden/{tampered}/")
    expect(page.locator("h1")).to_have_text("Ungültiger Stornierungslink")
    assert_page_structure(page)
    assert_accessible(axe, page)


def test_newsletter_test_mail_unsubscribe_page(live_server, page, axe, world):
    issue = IssueFactory(network=world.network)
    login(page, live_server.url, world.coordinator.email)
    token = newsletter_tokens.test_unsubscribe_token(issue_id=issue.pk)
    page.goto(f"{live_server.url}/newsletter/abmelden/{token}/")
    expect(page.locator("h1")).to_have_text("Link aus einer Testmail")
    expect(page.get_by_role("link", name="Zurück zur Vorschau")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)


def test_newsletter_issue_form_with_errors(live_server, page, axe, world):
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/newsletter/{world.network.slug}/ausgaben/neu/")
    page.get_by_role("button", name="Speichern und Vorschau ansehen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Neue Ausgabe")
    assert_page_structure(page)
    assert_accessible(axe, page)
