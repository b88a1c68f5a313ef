"""Event pages in the browser: list → detail, and axe on the list, programme, map, detail,
documentation and the editor (also with errors)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from allmende.events.models import EventDocumentation
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def event(world):
    event = EventFactory(
        network=world.network,
        title="Werkstatt Leerstand aktivieren",
        description="Wir arbeiten an **Fällen**.",
    )
    past = EventFactory(
        network=world.network,
        title="Konvent",
        starts_at=datetime.datetime(2022, 5, 4, 10, tzinfo=BERLIN),
        ends_at=datetime.datetime(2022, 5, 4, 17, tzinfo=BERLIN),
    )
    EventDocumentation.objects.create(event=past, report="Ein **guter** Tag.", is_published=True)
    past.agenda_items.create(title="Begrüßung", time="10:00")
    return event


def test_list_to_detail_and_axe_on_public_pages(live_server, page, axe, browser_problems, event):
    page.goto(live_server.url + "/veranstaltungen/")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("link", name="Werkstatt Leerstand aktivieren").click()
    expect(page.locator("h1")).to_have_text("Werkstatt Leerstand aktivieren")
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)
    year = timezone.localdate().year
    for path in (
        f"/veranstaltungen/programm/{year}/",
        "/veranstaltungen/karte/",
        "/veranstaltungen/dokumentationen/",
    ):
        page.goto(live_server.url + path)
        assert_page_structure(page)
        assert_accessible(axe, page)
    page.get_by_role("link", name="Konvent").click()
    expect(page.locator("h1")).to_contain_text("Konvent")
    expect(page.get_by_text("Begrüßung")).to_be_visible()
    assert_accessible(axe, page)


def test_map_shows_the_event_marker(live_server, page, axe, browser_problems, event):
    page.goto(live_server.url + "/veranstaltungen/karte/")
    expect(page.locator('[data-testid="map-marker"]')).to_have_count(1)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_editor_with_errors_is_accessible(live_server, page, axe, world, event):
    login(page, live_server.url, world.coordinator.email)
    page.goto(live_server.url + "/veranstaltungen/neu/")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Veranstaltung speichern").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page)
    page.goto(live_server.url + f"/veranstaltungen/{event.slug}/dokumentation/bearbeiten/")
    assert_page_structure(page)
    assert_accessible(axe, page)
