"""More knowledge pages in the browser: the position and news editors (the news editor also
with a form error) and the confirmation before an example place's photo is deleted — each
with the page landmarks and without serious or critical axe violations."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from allmende.knowledge import services_places
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.knowledge.factories import ExamplePlaceFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_position_editor_is_structured_and_accessible(
    live_server, page, axe, browser_problems, world
):
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/wissen/positionen/neu/")

    expect(page.locator("h1")).to_have_text("Position anlegen")
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_news_editor_with_and_without_errors_is_accessible(
    live_server, page, axe, browser_problems, world
):
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/wissen/aktuelles/neu/")
    assert_page_structure(page)
    assert_accessible(axe, page)

    # Sent empty: the errors are listed in a summary and at the fields.
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_title_error")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_photo_delete_confirmation_is_structured_and_accessible(
    live_server, page, axe, browser_problems, world
):
    place = ExamplePlaceFactory(network=world.network, name="Kornspeicher", slug="kornspeicher")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    photo = services_places.place_photo_add(
        place=place,
        actor=world.admin,
        image=services_places.place_photo_prepare(
            SimpleUploadedFile("speicher.png", buffer.getvalue(), content_type="image/png")
        ),
        alt_text="Giebel des Kornspeichers",
        author="Bert",
        licence="cc0",
    )
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/wissen/praxisbeispiele/kornspeicher/fotos/{photo.pk}/loeschen/")

    expect(page.locator("main form button[type=submit]")).to_have_count(1)
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)
