"""Documentation after an event: report and agenda, file uploads checked by type and content,
photos only with licence and author."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from allmende.events.models import EventDocumentation, EventFile, EventPhoto
from tests.events.factories import EventFactory


@pytest.fixture
def event(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return EventFactory(network=world.network)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_coordinator_writes_report_and_agenda(client, world, event):
    client.force_login(world.coordinator)
    url = reverse("events:documentation_edit", args=[event.slug])
    data = {
        "report": "Ein **guter** Tag.",
        "is_published": "on",
        "agenda-TOTAL_FORMS": "3",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-time": "10:00",
        "agenda-0-title": "Begrüßung",
        "agenda-1-time": "11:00",
        "agenda-1-title": "Rundgang",
        "agenda-2-title": "",
    }
    assert client.post(url, data).status_code == 302
    documentation = EventDocumentation.objects.get(event=event)
    assert documentation.is_published
    assert [a.title for a in event.agenda_items.all()] == ["Begrüßung", "Rundgang"]
    page = client.get(reverse("events:documentation_detail", args=[event.slug])).content.decode()
    assert "<strong>guter</strong>" in page
    assert "Rundgang" in page


def test_agenda_row_without_title_is_an_error(client, world, event):
    client.force_login(world.coordinator)
    url = reverse("events:documentation_edit", args=[event.slug])
    data = {
        "report": "Bericht",
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-time": "10:00",
        "agenda-0-title": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_agenda-0-title_error"' in page
    assert 'href="#id_agenda-0-title"' in page


def test_pdf_upload_is_stored(client, world, event):
    client.force_login(world.coordinator)
    upload = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(
        reverse("events:documentation_file_add", args=[event.slug]),
        {"title": "Protokoll", "file": upload},
    )
    assert response.status_code == 302
    stored = EventFile.objects.get()
    assert stored.title == "Protokoll"
    assert stored.file.name.endswith(".pdf")
    assert "protokoll" not in stored.file.name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("schad.exe", b"MZ\x90\x00", "Bitte ein PDF"),
        ("falsch.pdf", b"<html>nope</html>", "passt nicht zu ihrem Typ .pdf"),
        ("tabelle.xlsx", b"%PDF-1.4", "passt nicht zu ihrem Typ .xlsx"),
    ],
)
def test_bad_files_are_refused_at_the_field(client, world, event, name, content, message):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("events:documentation_file_add", args=[event.slug]),
        {"title": "Datei", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="id_file_error"' in page
    assert not EventFile.objects.exists()


def test_photo_needs_licence_and_author(client, world, event):
    client.force_login(world.coordinator)
    url = reverse("events:documentation_photo_add", args=[event.slug])
    response = client.post(
        url,
        {"image": SimpleUploadedFile("a.png", png()), "alt_text": "Gruppe im Hof"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_licence_error"' in page
    assert 'id="id_author_error"' in page
    assert not EventPhoto.objects.exists()
    response = client.post(
        url,
        {
            "image": SimpleUploadedFile("a.png", png()),
            "alt_text": "Gruppe im Hof",
            "author": "Kim Beispiel",
            "licence": "cc-by-4.0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert EventPhoto.objects.get().author == "Kim Beispiel"


def test_not_an_image_is_refused(client, world, event):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("events:documentation_photo_add", args=[event.slug]),
        {
            "image": SimpleUploadedFile("a.png", b"no image"),
            "alt_text": "x",
            "author": "y",
            "licence": "cc-by-4.0",
        },
    )
    assert response.status_code == 200
    assert 'id="id_image_error"' in response.content.decode()


def test_attachments_can_be_deleted_by_the_coordinator_only(client, world, event):
    item = EventFile.objects.create(event=event, title="Alt", file="events/files/x.pdf")
    url = reverse("events:documentation_attachment_delete", args=[event.slug, "datei", item.pk])
    client.force_login(world.other_coordinator)
    assert client.post(url).status_code == 403
    client.force_login(world.coordinator)
    assert client.post(url).status_code == 302
    assert not EventFile.objects.exists()


def test_documentation_page_links_files_and_credits_photos(client, world, event):
    """Uploaded through the forms, then read on the public documentation page: a link to each
    file and "author, licence" under each photo."""
    client.force_login(world.coordinator)
    client.post(
        reverse("events:documentation_edit", args=[event.slug]),
        {
            "report": "Bericht",
            "is_published": "on",
            "agenda-TOTAL_FORMS": "0",
            "agenda-INITIAL_FORMS": "0",
        },
    )
    upload = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(
        reverse("events:documentation_file_add", args=[event.slug]),
        {"title": "Protokoll der Werkstatt", "file": upload},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("events:documentation_photo_add", args=[event.slug]),
        {
            "image": SimpleUploadedFile("hof.png", png()),
            "alt_text": "Gruppe im Hof",
            "author": "Kim Beispiel",
            "licence": "cc-by-sa-4.0",
        },
    )
    assert response.status_code == 302
    client.logout()

    response = client.get(reverse("events:documentation_detail", args=[event.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    stored = EventFile.objects.get()
    assert f'<a href="{stored.file.url}">Protokoll der Werkstatt</a>' in page
    photo = EventPhoto.objects.get()
    assert f'<img src="{photo.image.url}" alt="Gruppe im Hof"' in page
    assert "Foto: Kim Beispiel, CC BY-SA 4.0" in page
    assert Path(stored.file.path).read_bytes() == b"%PDF-1.4\n%%EOF\n"
