"""The newsletter in Chromium: sign up, open the confirmation link from the mail, confirm,
unsubscribe; a coordinator writes, previews and sends an issue and reads the delivery log.
axe runs on every page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from allmende.newsletter.models import Subscriber, SubscriberStatus
from allmende.newsletter.tokens import unsubscribe_token
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_subscribe_confirm_and_unsubscribe(live_server, page, axe, browser_problems, world):
    page.goto(f"{live_server.url}/")
    page.locator("footer").get_by_role("link", name="Newsletter").click()
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("link", name="Newsletter von Netzwerk Immovielien abonnieren").click()

    # The subscribe page, first with errors.
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter von Netzwerk Immovielien")
    page.get_by_role("button", name="Abonnieren").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_label("E-Mail-Adresse").fill("Greta@Example.org")
    page.get_by_label(re.compile("Ich möchte den Newsletter")).check()
    page.get_by_role("button", name="Abonnieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bitte sehen Sie in Ihr E-Mail-Postfach"
    )
    assert_accessible(axe, page)

    (message,) = mail.outbox
    assert message.to == ["greta@example.org"]
    confirm_url = re.search(r"http://testserver(\S+)", message.body).group(1)
    page.goto(f"{live_server.url}{confirm_url}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    expect(page.get_by_text("greta@example.org")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    page.get_by_role("button", name="Ja, diesen Newsletter möchte ich erhalten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigt")
    expect(page.get_by_text("Die Adresse greta@example.org erhält jetzt")).to_be_visible()
    assert_accessible(axe, page)
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    subscriber = Subscriber.objects.get()
    page.goto(
        f"{live_server.url}/newsletter/abmelden/{unsubscribe_token(subscriber_id=subscriber.pk)}/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Vom Newsletter abmelden")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Abgemeldet")
    assert_accessible(axe, page)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    browser_problems.assert_none(page)


def test_expired_link_page_is_accessible(live_server, page, axe, world):
    page.goto(f"{live_server.url}/newsletter/bestaetigen/kaputt/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dieser Link ist nicht gültig")
    assert_page_structure(page)
    assert_accessible(axe, page)


def test_coordinator_writes_previews_sends_and_reads_the_log(
    live_server, page, axe, browser_problems, world
):
    SubscriberFactory(network=world.network, email="leserin@example.org")
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/newsletter/{world.network.slug}/ausgaben/")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("link", name="Neue Ausgabe").click()
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_label("Betreff").fill("Rundbrief Winter")
    page.get_by_label("Text (Markdown)").fill("## Rückblick\n\nEin **gutes** Jahr.")
    page.get_by_role("button", name="Speichern und Vorschau ansehen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vorschau: Rundbrief Winter")
    expect(page.locator(".newsletter-content strong")).to_have_text("gutes")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Testmail an mich senden").click()
    expect(page.get_by_text("Eine Testmail an koord@example.org ist unterwegs.")).to_be_visible()
    page.get_by_role("button", name="Jetzt an 1 Abonnent*in senden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Versandprotokoll: Rundbrief Winter")
    expect(page.get_by_role("cell", name="versendet", exact=True)).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)
    assert sorted(m.to[0] for m in mail.outbox) == ["koord@example.org", "leserin@example.org"]
    browser_problems.assert_none(page)
