"""Registration in Chromium: two people for one place (the second on the waiting list), the
first cancels through the link from the e-mail, the second moves up; axe on the panel in each
state, on the cancel page and on the participant list.

The live server runs in this process and the test settings send mail with the locmem backend
and run tasks at once, so ``mail.outbox`` shows what the server sent."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from allmende.events.models import Registration, RegistrationStatus
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _register(page, url, name, email):
    page.goto(url)
    panel = page.locator("#anmeldung")
    panel.get_by_label("Name").first.fill(name)
    panel.get_by_label("E-Mail").fill(email)
    panel.get_by_label("Ich bin einverstanden", exact=False).check()
    panel.locator("button[type=submit]").click()


def test_register_waitlist_cancel_by_mail_link_promotes(
    page, live_server, world, axe, browser_problems
):
    event = EventFactory(
        network=world.network,
        title="Werkstattgespräch Leerstand",
        capacity=1,
        waiting_list=True,
        is_online=True,
        online_url="https://meet.example.org/werkstatt",
    )
    detail = f"{live_server.url}{event.get_absolute_url()}"

    page.goto(detail)
    assert_page_structure(page)
    expect(page.locator("#anmeldung")).to_contain_text("1 von 1 Platz frei.")
    assert_accessible(axe, page)

    # An empty form shows the error summary and the errors at the fields.
    page.locator("#anmeldung button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(axe, page)

    _register(page, detail, "Anna Acker", "anna@example.org")
    expect(page.locator(".messages")).to_contain_text("Sie sind angemeldet")
    expect(page.locator("#anmeldung")).to_contain_text("Ausgebucht.")
    expect(page.locator("#anmeldung")).not_to_contain_text("meet.example.org")
    assert_accessible(axe, page)

    _register(page, detail, "Bernd Bauer", "bernd@example.org")
    expect(page.locator(".messages")).to_contain_text("Warteliste")
    assert Registration.objects.get(email="bernd@example.org").status == (
        RegistrationStatus.WAITLISTED
    )

    confirmation = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert "https://meet.example.org/werkstatt" in confirmation.body
    link = re.search(r"http://testserver(/veranstaltungen/abmelden/\S+/)", confirmation.body)
    mail.outbox.clear()

    page.goto(f"{live_server.url}{link.group(1)}")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Ja, meine Anmeldung stornieren").click()
    expect(page.locator("h1")).to_have_text("Anmeldung storniert")
    assert_accessible(axe, page)

    bernd = Registration.objects.get(email="bernd@example.org")
    assert bernd.status == RegistrationStatus.CONFIRMED
    assert bernd.promoted_at is not None
    promoted = next(m for m in mail.outbox if m.to == ["bernd@example.org"])
    assert "https://meet.example.org/werkstatt" in promoted.body

    # The coordinator's participant list, with attendance.
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/veranstaltungen/{event.slug}/teilnehmende/")
    assert_page_structure(page)
    expect(page.locator("main")).to_contain_text("Bernd Bauer")
    assert_accessible(axe, page)
    page.get_by_label("Bernd Bauer hat teilgenommen").check()
    page.get_by_role("button", name="Teilnahme speichern").click()
    expect(page.locator(".messages")).to_contain_text("1 Person war dabei")
    bernd.refresh_from_db()
    assert bernd.attended is True
    browser_problems.assert_none(page)


def test_members_only_panel_for_a_visitor_and_a_member(page, live_server, world, axe):
    from allmende.events.models import EventAudience

    event = EventFactory(network=world.network, audience=EventAudience.MEMBERS, capacity=5)
    detail = f"{live_server.url}{event.get_absolute_url()}"
    page.goto(detail)
    expect(page.locator("#anmeldung")).to_contain_text("nur für Mitglieder")
    assert_accessible(axe, page)
    login(page, live_server.url, world.member.email)
    page.goto(detail)
    expect(page.locator("#anmeldung").get_by_label("E-Mail")).to_have_value(world.member.email)
    page.locator("#anmeldung").get_by_label("Ich bin einverstanden", exact=False).check()
    page.locator("#anmeldung button[type=submit]").click()
    expect(page.locator("#anmeldung")).to_contain_text("Sie sind angemeldet")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Meine Anmeldung stornieren").click()
    expect(page.locator("h1")).to_have_text("Anmeldung storniert")
