"""The organisation map: Leaflet markers, client and server clusters, status line, CSP."""

import re

import pytest
from playwright.sync_api import expect

from allmende.networks.models import Organisation, OrganisationKind
from tests.e2e.conftest import assert_accessible, assert_page_structure
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Inside the map's default view (centre 51.2/10.4, zoom 6) at Playwright's 1280×720 viewport.
LAT_RANGE = (48.5, 53.5)
LON_RANGE = (7.5, 13.5)

# Three organisations in Leipzig, about 200 px apart at zoom 12: never clustered there.
LEIPZIG = [(51.34, 12.29), (51.34, 12.37), (51.34, 12.45)]

MARKERS = '[data-testid="map-marker"], [data-testid="map-cluster"]'


def spread(i: int, n: int) -> tuple[float, float]:
    """The i-th of n points on a grid inside the default view."""
    side = max(1, round(n**0.5))
    row, col = divmod(i, side)
    rows = (n + side - 1) // side
    lat = LAT_RANGE[0] + (LAT_RANGE[1] - LAT_RANGE[0]) * (row + 0.5) / rows
    lon = LON_RANGE[0] + (LON_RANGE[1] - LON_RANGE[0]) * (col + 0.5) / side
    return round(lat, 5), round(lon, 5)


@pytest.fixture
def twenty_organisations() -> list[Organisation]:
    organisations = [
        OrganisationFactory(name=f"Leipziger Initiative {i}", lat=lat, lon=lon)
        for i, (lat, lon) in enumerate(LEIPZIG)
    ]
    for i in range(17):
        lat, lon = spread(i, 17)
        organisations.append(
            OrganisationFactory(
                name=f"Ort {i:02d}", kind=OrganisationKind.MUNICIPALITY, lat=lat, lon=lon
            )
        )
    return organisations


def status_count(page) -> int:
    status = page.locator("#map-status")
    expect(status).to_have_text(re.compile(r"\d"))
    return int(re.sub(r"\D", "", status.inner_text()))


def test_map_shows_markers_and_the_number_in_view(
    live_server, page, axe, browser_problems, twenty_organisations
):
    page.goto(live_server.url + "/karte/")
    assert_page_structure(page)
    assert status_count(page) == 20
    expect(page.locator(MARKERS).first).to_be_visible()
    assert page.locator(MARKERS).count() >= 1
    expect(page.locator("#map")).not_to_have_attribute("aria-busy", "true")
    # The background outline of the German states loads from our own static files.
    expect(page.locator("#map svg path").first).to_be_attached()
    assert_accessible(axe, page)

    # The filter form (folded away until opened) reloads the map data without leaving the page.
    page.locator(".map-filters > summary").click()
    page.locator('#map-filters input[name="kind"][value="municipality"]').check()
    page.locator("#map-filters button[type=submit]").click()
    expect(page.locator("#map-status")).to_have_text(re.compile(r"(^|\D)17(\D|$)"))
    expect(page).to_have_url(re.compile(r"/karte/\?kind=municipality$"))
    browser_problems.assert_none(page)


def test_zoomed_in_map_shows_single_markers_with_a_popup_link(
    live_server, page, browser_problems, twenty_organisations
):
    page.goto(live_server.url + "/karte/?lat=51.34&lon=12.37&zoom=12")
    assert status_count(page) == 3
    markers = page.locator('[data-testid="map-marker"]')
    expect(markers).to_have_count(3)
    expect(page.locator('[data-testid="map-cluster"]')).to_have_count(0)

    # Keyboard: markers are focusable buttons; Enter opens the popup with a link to the profile.
    marker = page.locator('[data-testid="map-marker"][title="Leipziger Initiative 1"]')
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_text("Leipziger Initiative 1")
    organisation = twenty_organisations[1]
    expect(link).to_have_attribute("href", f"/organisationen/{organisation.slug}/")
    browser_problems.assert_none(page)


def test_map_with_many_organisations_shows_server_clusters(
    live_server, page, axe, browser_problems
):
    n = 450
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Massenorganisation {i}",
            slug=f"masse-{i}",
            kind=OrganisationKind.INITIATIVE,
            city="Irgendwo",
            lat=spread(i, n)[0],
            lon=spread(i, n)[1],
        )
        for i in range(n)
    )
    page.goto(live_server.url + "/karte/")
    assert status_count(page) == n
    clusters = page.locator(".server-cluster")
    expect(clusters.first).to_be_visible()
    assert clusters.count() >= 1
    # Every server cluster is a marker for tests and screen readers: its count in its name.
    first = clusters.first
    expect(first).to_have_attribute("data-testid", "map-marker")
    expect(first).to_have_attribute("aria-label", re.compile(r"^\d+ "))
    shown = sum(int(re.sub(r"\D", "", t)) for t in clusters.all_inner_texts())
    assert shown == n
    assert_accessible(axe, page)
    browser_problems.assert_none(page)
