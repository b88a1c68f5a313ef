"""The property map (Objektkarte): markers, server clusters, filters, the list link, axe."""

import re

import pytest
from playwright.sync_api import expect

from allmende.properties.models import Property
from tests.e2e.conftest import assert_accessible, assert_page_structure
from tests.e2e.test_map import MARKERS, spread, status_count
from tests.properties.conftest import make_property

pytestmark = pytest.mark.django_db(transaction=True)

# Three properties in Leipzig, about 200 px apart at zoom 12: never clustered there.
LEIPZIG = [(51.34, 12.29), (51.34, 12.37), (51.34, 12.45)]


@pytest.fixture
def twenty_properties() -> list[Property]:
    properties = [
        make_property(title=f"Leipziger Objekt {i}", lat=lat, lon=lon, transfer_rent=True)
        for i, (lat, lon) in enumerate(LEIPZIG)
    ]
    for i in range(16):
        lat, lon = spread(i, 16)
        properties.append(
            make_property(title=f"Brache {i:02d}", kind="brownfield", lat=lat, lon=lon)
        )
    # Far from Leipzig: in the default view only.
    properties.append(make_property(title="Verschwiegene Villa", is_sensitive=True, lat=50, lon=8))
    make_property(title="Entwurf", is_published=False)
    return properties


def test_map_shows_markers_and_filters_keep_the_list_link(
    live_server, page, axe, browser_problems, twenty_properties
):
    page.goto(live_server.url + "/objekte/karte/")
    assert_page_structure(page)
    expect(page.locator("h1")).to_have_text("Objektkarte")
    assert status_count(page) == 20
    expect(page.locator(MARKERS).first).to_be_visible()
    expect(page.locator("#map")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#map svg path").first).to_be_attached()
    assert_accessible(axe, page)

    page.locator(".map-filters > summary").click()
    page.locator("#map-filters select[name=kind]").select_option("brownfield")
    page.locator("#map-filters button[type=submit]").click()
    expect(page.locator("#map-status")).to_have_text(re.compile(r"(^|\D)16(\D|$)"))
    expect(page).to_have_url(re.compile(r"/objekte/karte/\?kind=brownfield$"))
    # The link to the same properties as a list follows the filters.
    list_link = page.locator("a[data-filter-link]")
    expect(list_link).to_have_attribute("href", "/objekte/?kind=brownfield")
    assert_accessible(axe, page)
    browser_problems.assert_none(page)

    list_link.click()
    expect(page.locator(".result-count")).to_contain_text("16")
    page.get_by_role("link", name="Auf der Karte anzeigen").click()
    expect(page).to_have_url(re.compile(r"/objekte/karte/\?kind=brownfield$"))
    assert status_count(page) == 16


def test_zoomed_in_map_shows_single_markers_with_a_popup_link(
    live_server, page, browser_problems, twenty_properties
):
    page.goto(live_server.url + "/objekte/karte/?lat=51.34&lon=12.37&zoom=12")
    markers = page.locator('[data-testid="map-marker"]')
    expect(markers).to_have_count(3)
    expect(page.locator('[data-testid="map-cluster"]')).to_have_count(0)
    assert status_count(page) == 3

    marker = page.locator('[data-testid="map-marker"][title="Leipziger Objekt 1"]')
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_text("Leipziger Objekt 1")
    expect(link).to_have_attribute("href", f"/objekte/{twenty_properties[1].pk}/")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Leerstand · Leipzig")
    browser_problems.assert_none(page)


def test_map_with_many_properties_shows_server_clusters(live_server, page, axe, browser_problems):
    n = 450
    rows = []
    for i in range(n):
        lat, lon = spread(i, n)
        rows.append(
            Property(
                title=f"Massenobjekt {i}",
                kind="vacant",
                city="Irgendwo",
                state="Hessen",
                owner_kind="private",
                is_published=True,
                lat=lat,
                lon=lon,
                public_lat=lat,
                public_lon=lon,
            )
        )
    Property.objects.bulk_create(rows)
    page.goto(live_server.url + "/objekte/karte/")
    assert status_count(page) == n
    clusters = page.locator(".server-cluster")
    expect(clusters.first).to_be_visible()
    first = clusters.first
    expect(first).to_have_attribute("data-testid", "map-marker")
    expect(first).to_have_attribute("aria-label", re.compile(r"^\d+ Objekte – hineinzoomen$"))
    shown = sum(int(re.sub(r"\D", "", t)) for t in clusters.all_inner_texts())
    assert shown == n
    assert_accessible(axe, page)
    browser_problems.assert_none(page)
