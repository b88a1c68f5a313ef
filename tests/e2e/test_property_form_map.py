"""The map pin on the property form: clicking and dragging fill the coordinate fields, typed
coordinates move the pin, the fields remain the labelled fallback; axe on the form."""

import pytest
from playwright.sync_api import expect

from allmende.properties.models import Property
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.properties.conftest import make_property

pytestmark = pytest.mark.django_db(transaction=True)


def _coordinates(page) -> tuple[float, float]:
    return float(page.locator("#id_lat").input_value()), float(
        page.locator("#id_lon").input_value()
    )


def test_clicking_the_map_fills_latitude_and_longitude(
    live_server, page, axe, browser_problems, world
):
    login(page, live_server.url, world.editor.email)
    page.goto(f"{live_server.url}/objekte/neu/")
    assert_page_structure(page)
    picker = page.locator("#location-map")
    expect(picker).to_be_visible()
    expect(page.locator("#location-map svg path").first).to_be_attached()  # state outlines
    # The number fields stay, labelled, next to the map.
    expect(page.get_by_label("Breitengrad", exact=False)).to_have_count(1)
    expect(page.locator("#id_lat")).to_be_visible()
    assert page.locator("#id_lat").input_value() == ""

    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    assert box is not None
    picker.click(position={"x": box["width"] / 2, "y": box["height"] / 2})

    marker = page.locator('[data-testid="location-marker"]')
    expect(marker).to_be_visible()
    expect(page.locator("#id_lat")).not_to_have_value("")
    lat, lon = _coordinates(page)
    # The map opens over the middle of Germany.
    assert 50 < lat < 52.5
    assert 9 < lon < 12
    expect(page.locator("#location-map-status")).to_contain_text(f"{lat:.5f}")

    # Dragging the pin to the east moves the longitude with it.
    marker_box = marker.bounding_box()
    assert marker_box is not None
    x = marker_box["x"] + marker_box["width"] / 2
    y = marker_box["y"] + marker_box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y, steps=8)
    page.mouse.move(x + 80, y, steps=8)
    page.mouse.up()
    expect(page.locator("#id_lon")).not_to_have_value(f"{lon:.5f}")
    assert _coordinates(page)[1] > lon + 0.5

    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_typed_coordinates_move_the_pin_and_are_saved(live_server, page, world):
    prop = make_property(
        title="Altes Kaufhaus am Markt", owner_organisation=world.organisation, lat=51.34, lon=12.37
    )
    login(page, live_server.url, world.editor.email)
    page.goto(f"{live_server.url}/objekte/{prop.pk}/bearbeiten/")
    marker = page.locator('[data-testid="location-marker"]')
    expect(marker).to_be_visible()
    assert _coordinates(page) == (51.34, 12.37)
    style = marker.get_attribute("style") or ""

    page.locator("#id_lon").fill("12.5")
    page.locator("#id_lon").dispatch_event("change")
    expect(marker).not_to_have_attribute("style", style)

    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_have_text("Altes Kaufhaus am Markt")
    prop = Property.objects.get(pk=prop.pk)
    assert prop.lon == pytest.approx(12.5)
