"""The property and space-need pages: German, structured, accessible, also with form errors."""

import pytest
from playwright.sync_api import expect

from allmende.properties.models import Moderation
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.needs.factories import SpaceNeedFactory
from tests.properties.conftest import make_property

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def content(world):
    prop = make_property(
        title="Altes Kaufhaus am Markt",
        owner_organisation=world.organisation,
        transfer_leasehold=True,
        suitable_uses=["meeting_place", "coworking"],
        usable_area=420,
    )
    make_property(title="Gemeldete Scheune", is_published=False, moderation=Moderation.PENDING)
    need = SpaceNeedFactory(organisation=world.organisation, title="Treffpunkt gesucht")
    return {"property": prop, "need": need}


def _check(page, axe, response, status=200):
    assert response is not None
    assert response.status == status
    assert_page_structure(page)
    assert_accessible(axe, page)


@pytest.mark.parametrize(
    "path",
    ["/objekte/", "/objekte/melden/", "/raumgesuche/", "property", "need"],
)
def test_public_property_and_need_pages_are_accessible(live_server, page, axe, content, path):
    if path == "property":
        path = f"/objekte/{content['property'].pk}/"
    elif path == "need":
        path = f"/raumgesuche/{content['need'].pk}/"
    _check(page, axe, page.goto(live_server.url + path))


def test_editor_pages_and_form_errors_are_accessible(live_server, page, axe, world, content):
    login(page, live_server.url, world.editor.email)
    _check(page, axe, page.goto(f"{live_server.url}/objekte/neu/"))
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page)

    _check(
        page,
        axe,
        page.goto(f"{live_server.url}/objekte/pipeline/?organisation={world.organisation.slug}"),
    )
    _check(
        page,
        axe,
        page.goto(f"{live_server.url}/raumgesuche/neu/?organisation={world.organisation.slug}"),
    )
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page)


def test_moderation_queue_is_accessible(live_server, page, axe, world, content):
    login(page, live_server.url, world.admin.email)
    _check(page, axe, page.goto(f"{live_server.url}/objekte/meldungen/"))
    expect(page.locator("main")).to_contain_text("Gemeldete Scheune")


def test_import_page_is_accessible_also_with_an_error_report(
    live_server, page, axe, world, content, tmp_path
):
    login(page, live_server.url, world.editor.email)
    _check(page, axe, page.goto(f"{live_server.url}/objekte/importieren/"))

    bad = tmp_path / "objekte.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        '{"type": "LineString", "coordinates": []}, "properties": {"title": "Burg", '
        '"kind": "castle", "city": "Leipzig", "state": "Sachsen", "owner_kind": "private"}}]}',
        encoding="utf-8",
    )
    page.locator("main select[name=organisation]").select_option(str(world.organisation.pk))
    page.locator("main input[type=file]").set_input_files(str(bad))
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#import-errors table")).to_contain_text("geometry")
    assert_accessible(axe, page)


def test_network_board_is_accessible(live_server, page, axe, world, content):
    login(page, live_server.url, world.coordinator.email)
    board = f"{live_server.url}/objekte/pipeline/?network={world.network.slug}"
    _check(page, axe, page.goto(board))
    expect(page.locator("main")).to_contain_text("Altes Kaufhaus am Markt")


def test_need_edit_page_is_accessible_also_with_errors(live_server, page, axe, world, content):
    login(page, live_server.url, world.editor.email)
    _check(page, axe, page.goto(f"{live_server.url}/raumgesuche/{content['need'].pk}/bearbeiten/"))

    page.locator("main input[name=title]").fill("")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page)
