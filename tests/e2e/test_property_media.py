"""An editor adds a photo to a property in the browser: the form (also with its errors) and
the detail page with the photo and its credit line are accessible."""

import re

import pytest
from django.urls import get_resolver
from django.views.static import serve
from PIL import Image
from playwright.sync_api import expect

from allmende.properties.models import PropertyPhoto
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.properties.conftest import make_property

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path, monkeypatch):
    """Uploads go to tmp_path; the demo's media view took its folder when the URLconf was
    first imported, so point it there as well."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "callback", None) is serve:
            monkeypatch.setitem(pattern.default_args, "document_root", root)
    return root


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "kaufhaus.png"
    Image.new("RGB", (320, 200), (180, 90, 40)).save(path, format="PNG")
    return path


def test_editor_uploads_a_photo_and_sees_it_with_its_credit_line(
    live_server, page, axe, world, media_root, photo_file, browser_problems
):
    prop = make_property(title="Altes Kaufhaus am Markt", owner_organisation=world.organisation)
    login(page, live_server.url, world.editor.email)

    page.goto(f"{live_server.url}/objekte/{prop.pk}/")
    page.get_by_role("link", name="Foto hinzufügen").click()
    expect(page).to_have_url(re.compile(rf"/objekte/{prop.pk}/fotos/neu/$"))
    assert_page_structure(page)
    assert_accessible(axe, page)

    # Without a file, alt text, author and licence the form explains what is missing.
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_author_error")).to_contain_text("zwingend erforderlich")
    assert_accessible(axe, page)

    page.locator("#id_image").set_input_files(str(photo_file))
    page.locator("#id_alt_text").fill("Backsteinfassade mit hohen Fenstern")
    page.locator("#id_caption").fill("Ansicht vom Markt")
    page.locator("#id_author").fill("Anna Beispiel")
    page.locator("#id_licence").select_option("cc-by-4.0")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/objekte/{prop.pk}/#photos$"))
    expect(page.locator(".messages")).to_contain_text("Das Foto wurde hinzugefügt.")
    figure = page.locator("#photos figure")
    expect(figure).to_have_count(1)
    expect(figure.locator("figcaption")).to_contain_text("Ansicht vom Markt")
    expect(figure.locator("figcaption")).to_contain_text("Foto: Anna Beispiel, CC BY 4.0")
    image = figure.get_by_role("img", name="Backsteinfassade mit hohen Fenstern")
    expect(image).to_be_visible()
    # The re-encoded file is really served.
    assert image.evaluate("img => img.complete && img.naturalWidth") == 320
    assert_page_structure(page)
    assert_accessible(axe, page)

    browser_problems.assert_none(page)

    photo = PropertyPhoto.objects.get(property=prop)
    assert (photo.author, photo.licence, photo.uploaded_by) == (
        "Anna Beispiel",
        "cc-by-4.0",
        world.editor,
    )


def test_document_form_with_a_non_pdf_and_the_delete_confirmation_are_accessible(
    live_server, page, axe, world, media_root, tmp_path
):
    prop = make_property(title="Altes Kaufhaus am Markt", owner_organisation=world.organisation)
    fake = tmp_path / "gutachten.pdf"
    fake.write_text("Das ist kein PDF.")
    login(page, live_server.url, world.editor.email)

    page.goto(f"{live_server.url}/objekte/{prop.pk}/dokumente/neu/")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.locator("#id_file").set_input_files(str(fake))
    page.locator("#id_title").fill("Verkehrswertgutachten")
    page.locator("#id_kind").select_option("expert_report")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("kein PDF-Dokument")
    expect(page.locator("#id_file_error")).to_contain_text("kein PDF-Dokument")
    assert_accessible(axe, page)

    pdf = tmp_path / "gutachten-echt.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator("#id_file").set_input_files(str(pdf))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#documents")).to_contain_text("Verkehrswertgutachten")
    assert_accessible(axe, page)

    page.get_by_role("link", name="Dokument „Verkehrswertgutachten“ löschen").click()
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Löschen").click()
    expect(page.locator(".messages")).to_contain_text("Das Dokument wurde gelöscht.")
