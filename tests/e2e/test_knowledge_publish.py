"""Browser tests of publications, positions and news: an editor signs a position end to end,
and every page type of this part passes axe."""

import pytest
from playwright.sync_api import expect

from allmende.knowledge.models import PositionSignature
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.knowledge.factories import NewsFactory, PositionFactory, PublicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def content(world):
    return {
        "publication": PublicationFactory(
            network=world.network, slug="leitfaden", title="Leerstand beleben"
        ),
        "position": PositionFactory(
            network=world.network,
            slug="forderungen",
            title="Forderungen zur Bodenpolitik",
            text="## Was wir fordern\n\n1. Konzeptvergabe statt Höchstpreis.\n2. Erbbaurecht.",
        ),
        "news": NewsFactory(
            network=world.network,
            slug="sommerfest",
            title="Sommerfest im alten Kaufhaus",
            body="Alle sind **herzlich** eingeladen.",
        ),
    }


def test_an_editor_signs_a_position_and_withdraws_the_signature(
    live_server, page, axe, browser_problems, world, content
):
    login(page, live_server.url, world.editor.email)
    page.goto(f"{live_server.url}/wissen/positionen/forderungen/")
    signing = page.locator("form").filter(has_text="Für Stadtlücken Stuttgart unterzeichnen")
    expect(signing).to_have_count(1)

    # Without the confirmation the form explains what is missing, next to the checkbox.
    signing.get_by_role("button", name="Für Stadtlücken Stuttgart unterzeichnen").click()
    expect(page.locator(".error-summary")).to_contain_text("Bitte bestätigen Sie")
    assert_accessible(axe, page)

    page.get_by_label(
        "Ich bestätige als Redakteur*in, dass Stadtlücken Stuttgart diese Position unterzeichnet."
    ).check()
    page.get_by_role("button", name="Für Stadtlücken Stuttgart unterzeichnen").click()

    expect(page.locator(".messages")).to_contain_text(
        "Stadtlücken Stuttgart hat „Forderungen zur Bodenpolitik“ unterzeichnet."
    )
    signatures = page.locator("#signatures ul")
    expect(signatures.get_by_role("link", name="Stadtlücken Stuttgart")).to_have_attribute(
        "href", "/organisationen/stadtluecken/"
    )
    signature = PositionSignature.objects.get()
    assert signature.confirmed_by == world.editor

    page.get_by_role("button", name="Unterschrift von Stadtlücken Stuttgart zurückziehen").click()
    expect(page.locator(".messages")).to_contain_text("wurde zurückgezogen")
    expect(page.locator("#signatures")).to_contain_text("Bisher hat keine Organisation")
    assert not PositionSignature.objects.exists()
    browser_problems.assert_none(page)


PAGES = {
    "publication list": "/wissen/publikationen/",
    "publication detail": "/wissen/publikationen/leitfaden/",
    "position list": "/wissen/positionen/",
    "position detail": "/wissen/positionen/forderungen/",
    "news list": "/wissen/aktuelles/",
    "news of a network": "/wissen/aktuelles/netzwerk/immovielien/",
    "news detail": "/wissen/aktuelles/sommerfest/",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_public_page_is_structured_and_accessible(
    live_server, page, axe, browser_problems, world, content, path
):
    response = page.goto(live_server.url + path)

    assert response is not None
    assert response.status == 200
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_publication_editor_with_errors_is_accessible(
    live_server, page, axe, browser_problems, world, tmp_path
):
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/wissen/publikationen/neu/")
    assert_page_structure(page)
    assert_accessible(axe, page)

    fake = tmp_path / "bericht.pdf"
    fake.write_bytes(b"<html>kein PDF</html>")
    page.get_by_label("Titel").fill("Bericht 2025")
    page.get_by_label("PDF-Datei").set_input_files(str(fake))
    page.get_by_role("button", name="Publikation speichern").click()

    expect(page.locator(".error-summary")).to_contain_text("kein PDF-Dokument")
    expect(page.locator("#id_file_error")).to_contain_text("kein PDF-Dokument")
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)
