"""Example places in the browser: the map with markers, popups and the list fallback, the
small map on the detail page, the editor; axe on every page type."""

import re

import pytest
from playwright.sync_api import expect

from allmende.knowledge.models import ExamplePlace, ImpactCriterion
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.e2e.test_map import status_count
from tests.knowledge.factories import ExamplePlaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Inside the map's default view and far enough apart not to be clustered at zoom 6.
PLACES = [
    ("Kaufhaus Angermünde", "Angermünde", "Brandenburg", 53.0, 13.0, "Bürgerhaus"),
    ("Alte Schule Görlitz", "Görlitz", "Sachsen", 51.15, 12.5, "Wohnprojekt"),
    ("Bahnhof Wittenberge", "Wittenberge", "Brandenburg", 52.99, 10.5, "Coworking und Café"),
    ("Tuchfabrik Kassel", "Kassel", "Hessen", 51.3, 9.0, "Werkstätten"),
]


@pytest.fixture
def places(world):
    criterion = ImpactCriterion.objects.create(name="Begegnung")
    created = []
    for name, city, state, lat, lon, new_use in PLACES:
        place = ExamplePlaceFactory(
            network=world.network,
            name=name,
            city=city,
            state=state,
            lat=lat,
            lon=lon,
            new_use=new_use,
            carrier_organisation=world.organisation,
            carrier_name="",
            story="Aus **Leerstand** wurde ein Ort für alle.\n\n- Werkstatt\n- Café",
        )
        place.impact_criteria.set([criterion])
        created.append(place)
    ExamplePlaceFactory(network=world.network, name="Geheimer Entwurf", is_published=False)
    return created


def test_map_shows_a_marker_per_place_with_popups_and_a_list_below(
    live_server, page, axe, browser_problems, places
):
    page.goto(live_server.url + "/wissen/praxisbeispiele/karte/")
    assert_page_structure(page)
    expect(page.locator("h1")).to_have_text("Karte der Praxisbeispiele")
    assert status_count(page) == 4
    markers = page.locator('[data-testid="map-marker"]')
    expect(markers).to_have_count(4)
    expect(page.locator("#map svg path").first).to_be_attached()
    # The list fallback for keyboard and screen-reader users: every public place, no draft.
    fallback = page.locator("#place-list")
    for name, *_ in PLACES:
        expect(fallback.get_by_role("link", name=name)).to_be_visible()
    expect(fallback).not_to_contain_text("Geheimer Entwurf")
    assert_accessible(axe, page)

    marker = page.locator('[data-testid="map-marker"][title="Alte Schule Görlitz"]')
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_text("Alte Schule Görlitz")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Wohnprojekt · Görlitz")
    browser_problems.assert_none(page)

    link.click()
    expect(page).to_have_url(re.compile(r"/wissen/praxisbeispiele/[\w-]+/$"))
    expect(page.locator("h1")).to_have_text("Alte Schule Görlitz")


def test_map_filter_by_network_reloads_map_and_list(live_server, page, world, places):
    ExamplePlaceFactory(network=world.other_network, name="Mühle Starke Orte", lat=50.0, lon=11.0)
    page.goto(live_server.url + "/wissen/praxisbeispiele/karte/")
    assert status_count(page) == 5

    page.locator(".map-filters > summary").click()
    page.locator("#place-map-filters select[name=network]").select_option("starke-orte")
    page.locator("#place-map-filters button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/karte/\?network=starke-orte"))
    expect(page.locator("#map-status")).to_have_text(re.compile(r"^1\D"))
    expect(page.locator('[data-testid="map-marker"]')).to_have_count(1)
    expect(page.locator("#place-list li")).to_have_count(1)


def test_list_and_detail_pages_are_accessible(live_server, page, axe, browser_problems, places):
    page.goto(live_server.url + "/wissen/praxisbeispiele/")
    assert_page_structure(page)
    expect(page.locator(".result")).to_have_count(4)
    assert_accessible(axe, page)

    page.get_by_role("link", name="Kaufhaus Angermünde").click()
    assert_page_structure(page)
    expect(page.locator("h1")).to_have_text("Kaufhaus Angermünde")
    expect(page.locator(".prose strong")).to_have_text("Leerstand")
    expect(page.locator('#place-map [data-testid="place-marker"]')).to_have_count(1)
    expect(page.locator("#place-map svg path").first).to_be_attached()
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_coordinator_creates_a_place_through_the_editor(
    live_server, page, axe, browser_problems, world, places
):
    login(page, live_server.url, world.coordinator.email)
    page.goto(live_server.url + "/wissen/praxisbeispiele/neu/")
    assert_page_structure(page)
    assert_accessible(axe, page)

    # Sent empty first: the errors are listed in a summary and at the fields.
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_name_error")).to_be_visible()
    assert_accessible(axe, page)

    page.locator("#id_name").fill("Lokschuppen Eberswalde")
    page.locator("#id_city").fill("Eberswalde")
    page.locator("#id_state").select_option("Brandenburg")
    page.locator("#id_new_use").fill("Veranstaltungshalle")
    page.locator("#id_story").fill("Ein Verein hat den Schuppen gerettet.")
    page.get_by_label("Begegnung").check()
    page.locator("#id_is_published").check()
    page.locator("main form button[type=submit]").click()

    expect(page.locator("h1")).to_have_text("Lokschuppen Eberswalde")
    place = ExamplePlace.objects.get(name="Lokschuppen Eberswalde")
    assert (round(place.lat), round(place.lon)) == (53, 14)

    page.get_by_role("link", name="Foto hinzufügen").click()
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)
