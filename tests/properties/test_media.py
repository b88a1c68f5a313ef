"""Photos and documents of a property: who may add and delete them, how uploads are checked
and re-encoded, and who may download which document."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from allmende.properties import services_media
from allmende.properties.forms_media import PropertyPhotoForm
from allmende.properties.models import DocumentKind, PropertyDocument, PropertyPhoto
from tests.conftest import ROLES, user_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client_for(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))
    return client


def _stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def png(size=(40, 30), name="haus.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg_with_exif(size=(3200, 2000), name="Geheimgasse-7.jpg"):
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x0110] = "Modell X"  # Model
    exif[0x013B] = "Erika Mustermann"  # Artist
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pdf(name="gutachten.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def photo_data(**overrides):
    data = {
        "image": png(),
        "alt_text": "Backsteinfassade mit hohen Fenstern",
        "caption": "Ansicht vom Markt",
        "author": "Anna Beispiel",
        "licence": "cc-by-4.0",
    }
    data.update(overrides)
    return data


def document_data(**overrides):
    data = {"file": pdf(), "title": "Verkehrswertgutachten 2024", "kind": "expert_report"}
    data.update(overrides)
    return data


def add_photo(prop, user, **overrides):
    values = {
        "alt_text": "Hofansicht",
        "author": "Anna Beispiel",
        "licence": "cc0",
    }
    values.update(overrides)
    return services_media.photo_add(
        property=prop, actor=user, image=services_media.photo_image_prepare(png()), **values
    )


def add_document(prop, user, *, is_public, title="Gutachten"):
    return services_media.document_add(
        property=prop,
        actor=user,
        file=pdf(),
        title=title,
        kind=DocumentKind.EXPERT_REPORT,
        is_public=is_public,
    )


# --- who may add and delete -------------------------------------------------------------------

# fmt: off
CHANGE_ALLOWED = [
    # role                may add and delete photos and documents
    ("anonymous",         False),
    ("outsider",          False),
    ("member",            False),
    ("editor",            True),
    ("coordinator",       True),
    ("other_coordinator", False),
    ("admin",             True),
]
# fmt: on


def test_change_table_covers_every_role():
    assert [row[0] for row in CHANGE_ALLOWED] == ROLES


def _denied_status(role):
    return 302 if role == "anonymous" else 403


@pytest.mark.parametrize(("role", "allowed"), CHANGE_ALLOWED)
@pytest.mark.parametrize("kind", ["fotos", "dokumente"])
def test_upload_pages_open_only_for_those_who_may_change_the_property(
    client, world, props, role, allowed, kind
):
    url = f"/objekte/{props['published'].pk}/{kind}/neu/"

    response = _client_for(client, world, role).get(url)

    assert response.status_code == (200 if allowed else _denied_status(role))
    if role == "anonymous":
        assert response["Location"].startswith("/konto/anmelden/")


@pytest.mark.parametrize(("role", "allowed"), CHANGE_ALLOWED)
def test_only_those_who_may_change_the_property_can_upload(client, world, props, role, allowed):
    prop = props["sensitive"]
    client = _client_for(client, world, role)

    photo = client.post(f"/objekte/{prop.pk}/fotos/neu/", photo_data())
    document = client.post(f"/objekte/{prop.pk}/dokumente/neu/", document_data())

    assert photo.status_code == document.status_code == (302 if allowed else _denied_status(role))
    assert PropertyPhoto.objects.filter(property=prop).exists() is allowed
    assert PropertyDocument.objects.filter(property=prop).exists() is allowed


@pytest.mark.parametrize(("role", "allowed"), CHANGE_ALLOWED)
def test_only_those_who_may_change_the_property_can_delete(
    client, world, props, role, allowed, django_capture_on_commit_callbacks
):
    prop = props["published"]
    photo = add_photo(prop, world.editor)
    document = add_document(prop, world.editor, is_public=True)
    client = _client_for(client, world, role)

    with django_capture_on_commit_callbacks(execute=True):
        photo_response = client.post(f"/objekte/{prop.pk}/fotos/{photo.pk}/loeschen/")
        document_response = client.post(f"/objekte/{prop.pk}/dokumente/{document.pk}/loeschen/")

    expected = 302 if allowed else _denied_status(role)
    assert photo_response.status_code == document_response.status_code == expected
    assert PropertyPhoto.objects.filter(pk=photo.pk).exists() is not allowed
    assert PropertyDocument.objects.filter(pk=document.pk).exists() is not allowed


@pytest.mark.parametrize(
    "path",
    ["fotos/neu/", "dokumente/neu/", "fotos/1/loeschen/", "dokumente/1/loeschen/", "dokumente/1/"],
)
def test_media_pages_of_a_property_the_user_cannot_see_are_not_found(client, world, props, path):
    # The other organisation's draft is invisible to the world network's coordinator.
    client.force_login(world.coordinator)

    response = client.get(f"/objekte/{props['other_draft'].pk}/{path}")

    assert response.status_code == 404


def test_services_refuse_actors_who_may_not_change_the_property(world, props):
    with pytest.raises(PermissionDenied):
        add_photo(props["published"], world.member)
    with pytest.raises(PermissionDenied):
        add_document(props["published"], world.other_coordinator, is_public=True)


def test_a_photo_or_document_of_another_property_is_not_found(client, world, props):
    photo = add_photo(props["draft"], world.editor)
    document = add_document(props["draft"], world.editor, is_public=True)
    client.force_login(world.editor)
    other = props["published"].pk

    assert client.get(f"/objekte/{other}/fotos/{photo.pk}/loeschen/").status_code == 404
    assert client.post(f"/objekte/{other}/dokumente/{document.pk}/loeschen/").status_code == 404
    assert client.get(f"/objekte/{other}/dokumente/{document.pk}/").status_code == 404
    assert PropertyPhoto.objects.filter(pk=photo.pk).exists()
    assert PropertyDocument.objects.filter(pk=document.pk).exists()


# --- photo uploads ----------------------------------------------------------------------------


def test_uploaded_photo_is_reencoded_without_metadata_and_scaled_down(client, world, props):
    prop = props["sensitive"]
    client.force_login(world.editor)

    response = client.post(
        f"/objekte/{prop.pk}/fotos/neu/", photo_data(image=jpeg_with_exif(size=(3200, 2000)))
    )

    assert response.status_code == 302
    assert response["Location"] == f"/objekte/{prop.pk}/#photos"
    photo = PropertyPhoto.objects.get(property=prop)
    assert photo.uploaded_by == world.editor
    assert (photo.author, photo.licence) == ("Anna Beispiel", "cc-by-4.0")
    # The original name (here a street) is not kept.
    assert "Geheimgasse" not in photo.image.name
    assert photo.image.name.startswith("properties/photos/")
    with photo.image.open("rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 1600
        assert image.size == (1600, 1000)
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Kamerahersteller" not in data
    assert b"Erika Mustermann" not in data


def test_transparent_png_stays_png(client, world, props):
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    client.force_login(world.editor)

    client.post(f"/objekte/{props['published'].pk}/fotos/neu/", photo_data(image=upload))

    photo = PropertyPhoto.objects.get()
    assert photo.image.name.endswith(".png")


def _assert_field_error(html, field, message):
    """The error stands next to the field and, linked to it, in the summary."""
    assert f'id="id_{field}_error"' in html
    error_block = html.split(f'id="id_{field}_error"', 1)[1].split("</div>", 1)[0]
    assert message in error_block
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#id_{field}"' in summary
    assert message in summary


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("foto.jpg", b"Das ist nur Text.", content_type="image/jpeg"),
        SimpleUploadedFile("foto.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        SimpleUploadedFile("expose.pdf", PDF, content_type="application/pdf"),
    ],
    ids=["renamed-text", "svg", "pdf"],
)
def test_a_file_that_is_not_an_image_gets_a_german_error_and_nothing_is_saved(
    client, world, props, settings, upload
):
    client.force_login(world.editor)

    response = client.post(f"/objekte/{props['published'].pk}/fotos/neu/", photo_data(image=upload))

    assert response.status_code == 200
    _assert_field_error(response.content.decode(), "image", "Diese Datei ist kein lesbares Bild.")
    assert not PropertyPhoto.objects.exists()
    assert _stored_files(settings) == []


def test_a_too_large_photo_gets_a_clear_error(client, world, props, settings):
    settings.PROPERTY_PHOTO_MAX_BYTES = 100
    client.force_login(world.editor)

    response = client.post(f"/objekte/{props['published'].pk}/fotos/neu/", photo_data())

    assert response.status_code == 200
    _assert_field_error(response.content.decode(), "image", "Das Foto darf höchstens 100")
    assert not PropertyPhoto.objects.exists()


def test_default_upload_limits_are_ten_and_twenty_megabytes(settings):
    assert settings.PROPERTY_PHOTO_MAX_BYTES == 10 * 1024 * 1024
    assert settings.PROPERTY_DOCUMENT_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize("field", ["alt_text", "author", "licence"])
def test_alt_text_author_and_licence_are_required(client, world, props, settings, field):
    client.force_login(world.editor)

    response = client.post(
        f"/objekte/{props['published'].pk}/fotos/neu/", photo_data(**{field: ""})
    )

    assert response.status_code == 200
    _assert_field_error(response.content.decode(), field, "Dieses Feld ist zwingend erforderlich.")
    assert not PropertyPhoto.objects.exists()


def test_photo_form_page_is_german_and_uploads_multipart(client, world, props):
    client.force_login(world.editor)

    html = client.get(f"/objekte/{props['published'].pk}/fotos/neu/").content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert "Foto von Offenes Kaufhaus hinzufügen" in html
    assert "Beschreibung für Screenreader" in html
    assert "CC BY-SA 4.0" in html
    assert "höchstens 10,0" in html
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in html


def test_admin_photo_form_reencodes_too():
    form = PropertyPhotoForm(
        data={"alt_text": "Hof", "author": "Anna Beispiel", "licence": "cc0"},
        files={"image": jpeg_with_exif(size=(100, 80))},
    )

    assert form.is_valid(), form.errors
    image = form.cleaned_data["image"]
    with Image.open(io.BytesIO(image.read())) as decoded:
        assert not decoded.getexif()


def test_new_photos_are_appended_in_order(world, props):
    prop = props["published"]

    first = add_photo(prop, world.editor, alt_text="Erstes")
    second = add_photo(prop, world.editor, alt_text="Zweites")

    assert (first.position, second.position) == (0, 1)


# --- photos on the detail page ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_photos_of_a_sensitive_property_are_shown_with_alt_text_and_credit_line(
    client, world, props, role
):
    prop = props["sensitive"]
    photo = add_photo(
        prop, world.editor, alt_text="Villa im Garten", caption="Südseite", licence="cc-by-sa-4.0"
    )

    html = _client_for(client, world, role).get(f"/objekte/{prop.pk}/").content.decode()

    assert f'src="/media/{photo.image.name}"' in html
    assert 'alt="Villa im Garten"' in html
    assert "Südseite" in html
    assert "Foto: Anna Beispiel, CC BY-SA 4.0" in html
    may_change = dict(CHANGE_ALLOWED)[role]
    assert (f"/objekte/{prop.pk}/fotos/neu/" in html) is may_change
    assert (f"/objekte/{prop.pk}/fotos/{photo.pk}/loeschen/" in html) is may_change


def test_detail_page_without_media_shows_no_empty_sections_to_visitors(client, props):
    html = client.get(f"/objekte/{props['published'].pk}/").content.decode()

    assert 'id="photos"' not in html
    assert 'id="documents"' not in html


def test_detail_page_query_count_does_not_grow_with_photos_and_documents(client, world, props):
    prop = props["published"]
    client.force_login(world.editor)
    add_photo(prop, world.editor)
    add_document(prop, world.editor, is_public=True)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/objekte/{prop.pk}/").status_code == 200
    for number in range(4):
        add_photo(prop, world.editor, alt_text=f"Foto {number}")
        add_document(prop, world.editor, is_public=number % 2 == 0, title=f"Plan {number}")

    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/objekte/{prop.pk}/").status_code == 200

    assert len(many) == len(few)


# --- documents --------------------------------------------------------------------------------


def test_uploaded_pdf_is_stored_under_a_random_name_with_its_size(client, world, props):
    prop = props["published"]
    client.force_login(world.editor)

    response = client.post(
        f"/objekte/{prop.pk}/dokumente/neu/", document_data(file=pdf(name="Geheimgasse-7.pdf"))
    )

    assert response.status_code == 302
    assert response["Location"] == f"/objekte/{prop.pk}/#documents"
    document = PropertyDocument.objects.get(property=prop)
    assert document.size_bytes == len(PDF)
    assert document.is_public is False
    assert document.uploaded_by == world.editor
    assert document.file.name.endswith(".pdf")
    assert "Geheimgasse" not in document.file.name


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("gutachten.pdf", b"Das ist kein PDF.", content_type="application/pdf"),
        png(name="plan.pdf"),
        SimpleUploadedFile("gutachten.pdf", b"", content_type="application/pdf"),
    ],
    ids=["renamed-text", "renamed-png", "empty"],
)
def test_a_file_that_is_not_a_pdf_gets_a_german_error_and_nothing_is_saved(
    client, world, props, settings, upload
):
    client.force_login(world.editor)

    response = client.post(
        f"/objekte/{props['published'].pk}/dokumente/neu/", document_data(file=upload)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert 'href="#id_file"' in html
    assert not PropertyDocument.objects.exists()
    assert _stored_files(settings) == []


def test_renamed_text_file_is_refused_as_not_a_pdf(client, world, props):
    client.force_login(world.editor)
    upload = SimpleUploadedFile("gutachten.pdf", b"Nur Text", content_type="application/pdf")

    response = client.post(
        f"/objekte/{props['published'].pk}/dokumente/neu/", document_data(file=upload)
    )

    _assert_field_error(response.content.decode(), "file", "Diese Datei ist kein PDF-Dokument.")


def test_a_too_large_document_gets_a_clear_error(client, world, props, settings):
    settings.PROPERTY_DOCUMENT_MAX_BYTES = 10
    client.force_login(world.editor)

    response = client.post(f"/objekte/{props['published'].pk}/dokumente/neu/", document_data())

    _assert_field_error(response.content.decode(), "file", "Das Dokument darf höchstens 10")
    assert not PropertyDocument.objects.exists()


# fmt: off
DOWNLOAD_ALLOWED = [
    # role                public document  non-public document (sensitive property)
    ("anonymous",         True,            False),
    ("outsider",          True,            False),
    ("member",            True,            True),
    ("editor",            True,            True),
    ("coordinator",       True,            True),
    ("other_coordinator", True,            False),
    ("admin",             True,            True),
]
# fmt: on


def test_download_table_covers_every_role():
    assert [row[0] for row in DOWNLOAD_ALLOWED] == ROLES


@pytest.mark.parametrize(("role", "public_ok", "private_ok"), DOWNLOAD_ALLOWED)
def test_non_public_documents_only_for_those_who_may_see_the_exact_location(
    client, world, props, role, public_ok, private_ok
):
    prop = props["sensitive"]
    public = add_document(prop, world.editor, is_public=True, title="Exposé Villa")
    private = add_document(prop, world.editor, is_public=False, title="Gutachten Villa")
    client = _client_for(client, world, role)

    public_response = client.get(f"/objekte/{prop.pk}/dokumente/{public.pk}/")
    private_response = client.get(f"/objekte/{prop.pk}/dokumente/{private.pk}/")
    html = client.get(f"/objekte/{prop.pk}/").content.decode()

    assert public_response.status_code == (200 if public_ok else 404)
    assert private_response.status_code == (200 if private_ok else 404)
    assert ("Exposé Villa" in html) is public_ok
    assert ("Gutachten Villa" in html) is private_ok
    assert (f"/objekte/{prop.pk}/dokumente/{private.pk}/" in html) is private_ok


@pytest.mark.parametrize("role", ROLES)
def test_non_public_document_stays_with_the_owner_side_even_when_the_location_is_public(
    client, world, props, role
):
    document = add_document(props["published"], world.editor, is_public=False)
    user = user_for(world, role)
    if user.is_authenticated:
        client.force_login(user)

    response = client.get(f"/objekte/{props['published'].pk}/dokumente/{document.pk}/")

    owner_side = role in ("member", "editor", "coordinator", "admin")
    assert response.status_code == (200 if owner_side else 404)


def test_download_is_a_pdf_attachment_that_must_not_be_sniffed(client, world, props):
    prop = props["sensitive"]
    document = add_document(prop, world.editor, is_public=False, title="Gutachten Villa 2024")
    client.force_login(world.member)

    response = client.get(f"/objekte/{prop.pk}/dokumente/{document.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="gutachten-villa-2024.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


def test_detail_page_links_documents_through_the_download_view_not_media_url(client, world, props):
    prop = props["published"]
    document = add_document(prop, world.editor, is_public=True, title="Exposé Kaufhaus")

    html = client.get(f"/objekte/{prop.pk}/").content.decode()

    assert f'href="/objekte/{prop.pk}/dokumente/{document.pk}/"' in html
    assert document.file.name not in html
    assert "Gutachten" in html  # the kind
    assert "Exposé Kaufhaus" in html


def test_missing_file_gives_not_found(client, world, props):
    document = add_document(props["published"], world.editor, is_public=True)
    document.file.storage.delete(document.file.name)

    response = client.get(f"/objekte/{props['published'].pk}/dokumente/{document.pk}/")

    assert response.status_code == 404


# --- deletion ---------------------------------------------------------------------------------


def test_deleting_asks_for_confirmation_first(client, world, props):
    prop = props["published"]
    photo = add_photo(prop, world.editor, alt_text="Hofansicht")
    document = add_document(prop, world.editor, is_public=True, title="Exposé")
    client.force_login(world.editor)

    photo_page = client.get(f"/objekte/{prop.pk}/fotos/{photo.pk}/loeschen/").content.decode()
    document_page = client.get(
        f"/objekte/{prop.pk}/dokumente/{document.pk}/loeschen/"
    ).content.decode()

    assert "Möchten Sie das Foto „Hofansicht“ löschen?" in photo_page
    assert "Möchten Sie das Dokument „Exposé“ löschen?" in document_page
    for page in (photo_page, document_page):
        assert 'method="post"' in page
        assert "csrfmiddlewaretoken" in page
    assert PropertyPhoto.objects.filter(pk=photo.pk).exists()
    assert PropertyDocument.objects.filter(pk=document.pk).exists()


def test_delete_needs_a_csrf_token(world, props):
    from django.test import Client

    photo = add_photo(props["published"], world.editor)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor)

    response = client.post(f"/objekte/{props['published'].pk}/fotos/{photo.pk}/loeschen/")

    assert response.status_code == 403
    assert PropertyPhoto.objects.filter(pk=photo.pk).exists()


def test_deleting_removes_the_files_after_commit(
    client, world, props, settings, django_capture_on_commit_callbacks
):
    prop = props["published"]
    photo = add_photo(prop, world.editor)
    document = add_document(prop, world.editor, is_public=True)
    assert len(_stored_files(settings)) == 2
    client.force_login(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/objekte/{prop.pk}/fotos/{photo.pk}/loeschen/")
        client.post(f"/objekte/{prop.pk}/dokumente/{document.pk}/loeschen/")

    assert _stored_files(settings) == []
    assert not PropertyPhoto.objects.exists()
    assert not PropertyDocument.objects.exists()


def test_admin_change_page_shows_photo_and_document_inlines(client, world, props):
    add_photo(props["published"], world.editor)
    client.force_login(world.admin)

    response = client.get(f"/admin/properties/property/{props['published'].pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "photos-TOTAL_FORMS" in html
    assert "documents-TOTAL_FORMS" in html


def test_document_files_live_in_private_storage_that_the_media_route_refuses(
    client, world, props, settings, monkeypatch
):
    from django.urls import get_resolver

    document = add_document(props["published"], world.editor, is_public=True)
    path = Path(document.file.path)
    assert path.is_file()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "private")
    assert document.file.url == ""
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "default_args", {}).get("document_root"):
            monkeypatch.setitem(pattern.default_args, "document_root", settings.MEDIA_ROOT)

    relative = path.relative_to(settings.MEDIA_ROOT).as_posix()
    (Path(settings.MEDIA_ROOT) / "offen.txt").write_text("offen")
    assert client.get("/media/offen.txt").status_code == 200
    assert client.get(f"/media/{relative}").status_code == 404
    download = client.get(f"/objekte/{props['published'].pk}/dokumente/{document.pk}/")
    assert download.status_code == 200
