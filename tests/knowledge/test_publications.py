"""Publications: list with filters, download page, PDF download, the coordinators' editor with
its PDF check, and who may see drafts and edit."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allmende.knowledge import services_publish
from allmende.knowledge.models import Publication, PublicationKind
from tests.conftest import ROLES, user_for
from tests.knowledge.factories import MINIMAL_PDF, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))


def _stored_files(settings):
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "knowledge" / "publications"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_publication_files_are_kept_out_of_the_public_media_folder(settings):
    publication = PublicationFactory()

    assert publication.file.url == ""
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / publication.file.name).is_file()
    assert not (Path(settings.MEDIA_ROOT) / publication.file.name).exists()


def _assert_field_error(html, field, message):
    """The error stands next to the field and, linked to it, in the summary."""
    assert f'id="id_{field}_error"' in html
    error_block = html.split(f'id="id_{field}_error"', 1)[1].split("</div>", 1)[0]
    assert message in error_block
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#id_{field}"' in summary
    assert message in summary


def _form_data(world, **overrides):
    data = {
        "network": world.network.pk,
        "title": "Leerstand beleben – ein Leitfaden für Gemeinden",
        "kind": PublicationKind.GUIDE,
        "issued_on": "2025-04-02",
        "cover_text": "Wie Gemeinden leere Häuser mit Gruppen vor Ort wieder nutzbar machen.",
        "is_published": "on",
        "published_at": "2025-04-02T10:00",
        "file": SimpleUploadedFile("leitfaden.pdf", MINIMAL_PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- List and detail ---------------------------------------------------------------------


def test_list_shows_public_publications_and_hides_drafts_and_scheduled_ones(client, world):
    PublicationFactory(network=world.network, title="Öffentlicher Leitfaden")
    PublicationFactory(network=world.network, title="Entwurf Broschüre", is_published=False)
    PublicationFactory(
        network=world.network,
        title="Geplanter Bericht",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )

    html = client.get("/wissen/publikationen/").content.decode()

    assert "Öffentlicher Leitfaden" in html
    assert "Entwurf Broschüre" not in html
    assert "Geplanter Bericht" not in html


def test_coordinator_sees_the_drafts_of_their_network_in_the_list(client, world):
    PublicationFactory(network=world.network, title="Entwurf Broschüre", is_published=False)
    PublicationFactory(network=world.other_network, title="Fremder Entwurf", is_published=False)
    client.force_login(world.coordinator)

    html = client.get("/wissen/publikationen/").content.decode()

    assert "Entwurf Broschüre" in html
    assert "Fremder Entwurf" not in html


def test_list_filters_by_kind_and_network(client, world):
    PublicationFactory(network=world.network, title="Leitfaden A", kind=PublicationKind.GUIDE)
    PublicationFactory(network=world.network, title="Bericht B", kind=PublicationKind.REPORT)
    PublicationFactory(network=world.other_network, title="Leitfaden C", kind="guide")

    by_kind = client.get("/wissen/publikationen/?kind=report").content.decode()
    by_network = client.get("/wissen/publikationen/?network=starke-orte").content.decode()
    both = client.get("/wissen/publikationen/?kind=guide&network=immovielien").content.decode()

    assert "Bericht B" in by_kind
    assert "Leitfaden A" not in by_kind
    assert "Leitfaden C" in by_network
    assert "Leitfaden A" not in by_network
    assert "Leitfaden A" in both
    assert '<option value="" selected>alle Arten</option>' in by_network
    assert '<option value="starke-orte" selected>Starke Orte</option>' in by_network
    assert "Bericht B" not in both
    assert "Leitfaden C" not in both


def test_an_unknown_filter_value_shows_everything_instead_of_failing(client, world):
    PublicationFactory(network=world.network, title="Leitfaden A")

    response = client.get("/wissen/publikationen/?kind=<script>&network=nix&page=abc")

    assert response.status_code == 200
    assert "Leitfaden A" in response.content.decode()


def test_list_is_paginated_and_keeps_the_filters(client, world):
    for number in range(25):
        PublicationFactory(
            network=world.network,
            title=f"Heft {number:02d}",
            issued_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
        )

    first = client.get("/wissen/publikationen/?kind=guide").content.decode()
    second = client.get("/wissen/publikationen/?kind=guide&page=2").content.decode()

    assert "Heft 24" in first
    assert "Heft 04" not in first
    assert "Heft 04" in second
    assert "kind=guide&amp;page=2" in first
    assert "Seite 2 von 2" in second


def test_list_needs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for _number in range(20):
        PublicationFactory(network=world.network)
        PublicationFactory(network=world.other_network)
    client.force_login(world.coordinator)

    with django_assert_max_num_queries(10):
        response = client.get("/wissen/publikationen/")

    assert response.status_code == 200


def test_download_page_shows_title_kind_date_network_cover_text_size_and_link(client, world):
    PublicationFactory(
        network=world.network,
        slug="leerstand-leitfaden",
        title="Leerstand als Chance",
        kind=PublicationKind.BROCHURE,
        cover_text="Acht Beispiele aus kleinen Städten.",
        issued_on=datetime.date(2024, 11, 5),
        file_size=2_500_000,
    )

    html = client.get("/wissen/publikationen/leerstand-leitfaden/").content.decode()

    assert "<h1>Leerstand als Chance</h1>" in html
    assert "Broschüre" in html
    assert "5. November 2024" in html
    assert "Netzwerk Immovielien" in html
    assert "Acht Beispiele aus kleinen Städten." in html
    assert "2,4\xa0MB" in html
    assert 'href="/wissen/publikationen/leerstand-leitfaden/download/"' in html


def test_download_serves_the_pdf_as_an_attachment(client, world):
    PublicationFactory(network=world.network, slug="leitfaden-x")

    response = client.get("/wissen/publikationen/leitfaden-x/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="leitfaden-x.pdf"'
    assert b"".join(response.streaming_content) == MINIMAL_PDF


# fmt: off
DRAFT_VISIBLE = {
    "anonymous": False, "outsider": False, "member": False, "editor": False,
    "coordinator": True, "other_coordinator": False, "admin": True,
}
# fmt: on


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("suffix", ["", "download/"])
def test_drafts_are_404_for_everyone_who_may_not_change_them(client, world, role, suffix):
    PublicationFactory(network=world.network, slug="entwurf", is_published=False)
    _login(client, world, role)

    response = client.get(f"/wissen/publikationen/entwurf/{suffix}")

    assert response.status_code == (200 if DRAFT_VISIBLE[role] else 404)


def test_unknown_publication_is_404(client, world):
    assert client.get("/wissen/publikationen/gibt-es-nicht/").status_code == 404
    assert client.get("/wissen/publikationen/gibt-es-nicht/download/").status_code == 404


# --- Editor ------------------------------------------------------------------------------

# fmt: off
# role → status of the create page and of the edit page of a publication of world.network
EDIT_STATUS = {
    "anonymous":         (302, 302),
    "outsider":          (403, 403),
    "member":            (403, 403),
    "editor":            (403, 403),
    "coordinator":       (200, 200),
    "other_coordinator": (200, 403),
    "admin":             (200, 200),
}
# fmt: on


def test_edit_table_covers_every_role():
    assert list(EDIT_STATUS) == ROLES


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_editor(client, world, role):
    PublicationFactory(network=world.network, slug="leitfaden-x")
    _login(client, world, role)

    create = client.get("/wissen/publikationen/neu/")
    edit = client.get("/wissen/publikationen/leitfaden-x/bearbeiten/")

    assert (create.status_code, edit.status_code) == EDIT_STATUS[role]
    if role == "anonymous":
        assert create["Location"].startswith("/konto/anmelden/")


@pytest.mark.parametrize("role", ["outsider", "editor", "other_coordinator"])
def test_posting_to_the_editor_without_permission_changes_nothing(client, world, role):
    PublicationFactory(network=world.network, slug="leitfaden-x", title="Alt")
    client.force_login(user_for(world, role))

    response = client.post("/wissen/publikationen/leitfaden-x/bearbeiten/", _form_data(world))

    assert response.status_code == 403
    assert Publication.objects.get().title == "Alt"


def test_other_coordinator_cannot_create_for_a_network_they_do_not_coordinate(client, world):
    client.force_login(world.other_coordinator)

    response = client.post("/wissen/publikationen/neu/", _form_data(world))

    assert response.status_code == 200
    assert 'id="id_network_error"' in response.content.decode()
    assert not Publication.objects.exists()


def test_coordinator_creates_a_publication_with_a_pdf(client, world, settings):
    client.force_login(world.coordinator)

    response = client.post("/wissen/publikationen/neu/", _form_data(world))

    publication = Publication.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/wissen/publikationen/leerstand-beleben-ein-leitfaden-fuer-gemeinden/"
    )
    assert publication.network == world.network
    assert publication.file_size == len(MINIMAL_PDF)
    assert publication.file.name.endswith(".pdf")
    assert "leitfaden" not in Path(publication.file.name).name
    assert publication.is_public
    assert len(_stored_files(settings)) == 1


def test_a_non_pdf_with_a_pdf_name_is_refused_and_nothing_is_saved(client, world, settings):
    client.force_login(world.coordinator)
    fake = SimpleUploadedFile("bericht.pdf", b"<html>kein PDF</html>", "application/pdf")

    response = client.post("/wissen/publikationen/neu/", _form_data(world, file=fake))

    assert response.status_code == 200
    _assert_field_error(response.content.decode(), "file", "kein PDF-Dokument")
    assert not Publication.objects.exists()
    assert not _stored_files(settings)


def test_a_too_large_pdf_is_refused_at_the_field_and_in_the_summary(client, world, settings):
    settings.PUBLICATION_MAX_BYTES = 100
    client.force_login(world.coordinator)
    big = SimpleUploadedFile("gross.pdf", MINIMAL_PDF + b"0" * 200, "application/pdf")

    response = client.post("/wissen/publikationen/neu/", _form_data(world, file=big))

    assert response.status_code == 200
    _assert_field_error(response.content.decode(), "file", "höchstens 100\xa0Bytes")
    assert not Publication.objects.exists()
    assert not _stored_files(settings)


def test_the_file_is_required_when_creating(client, world):
    client.force_login(world.coordinator)

    response = client.post("/wissen/publikationen/neu/", _form_data(world, file=None))

    _assert_field_error(response.content.decode(), "file", "Dieses Feld ist zwingend erforderlich.")
    assert not Publication.objects.exists()


def test_default_publication_limit_is_25_megabytes(settings):
    assert settings.PUBLICATION_MAX_BYTES == 25 * 1024 * 1024


def test_editing_without_a_new_file_keeps_the_pdf(client, world):
    publication = PublicationFactory(network=world.network, slug="leitfaden-x")
    old_name = publication.file.name
    client.force_login(world.coordinator)

    response = client.post(
        "/wissen/publikationen/leitfaden-x/bearbeiten/",
        _form_data(world, title="Neuer Titel", file=None, network=None),
    )

    publication.refresh_from_db()
    assert response.status_code == 302
    assert publication.title == "Neuer Titel"
    assert publication.slug == "leitfaden-x"
    assert publication.file.name == old_name


def test_editing_with_a_new_file_replaces_it_and_removes_the_old_one(
    client, world, settings, django_capture_on_commit_callbacks
):
    publication = PublicationFactory(network=world.network, slug="leitfaden-x")
    old_path = Path(publication.file.path)
    client.force_login(world.coordinator)
    new_pdf = MINIMAL_PDF + b"% zweite Auflage\n"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/wissen/publikationen/leitfaden-x/bearbeiten/",
            _form_data(world, file=SimpleUploadedFile("neu.pdf", new_pdf), network=None),
        )

    publication.refresh_from_db()
    assert publication.file_size == len(new_pdf)
    assert publication.file.read() == new_pdf
    assert not old_path.exists()


def test_a_bad_replacement_file_keeps_the_old_one(client, world):
    publication = PublicationFactory(network=world.network, slug="leitfaden-x", title="Alt")
    client.force_login(world.coordinator)

    response = client.post(
        "/wissen/publikationen/leitfaden-x/bearbeiten/",
        _form_data(world, title="Neu", file=SimpleUploadedFile("x.pdf", b"GIF89a"), network=None),
    )

    assert response.status_code == 200
    _assert_field_error(response.content.decode(), "file", "kein PDF-Dokument")
    fresh = Publication.objects.get()
    assert (fresh.title, fresh.file.name) == ("Alt", publication.file.name)


def test_service_refuses_people_outside_the_coordination_office(world):
    upload = SimpleUploadedFile("a.pdf", MINIMAL_PDF)
    data = {
        "title": "Titel",
        "kind": "guide",
        "cover_text": "Text",
        "issued_on": datetime.date(2025, 2, 3),
    }

    with pytest.raises(PermissionDenied):
        services_publish.publication_create(
            network=world.network, actor=world.editor, data=data, file=upload
        )

    assert not Publication.objects.exists()


def test_service_checks_the_pdf_content_too(world):
    from django.core.exceptions import ValidationError

    data = {
        "title": "Titel",
        "kind": "guide",
        "cover_text": "Text",
        "issued_on": datetime.date(2025, 2, 3),
    }

    with pytest.raises(ValidationError) as info:
        services_publish.publication_create(
            network=world.network,
            actor=world.coordinator,
            data=data,
            file=SimpleUploadedFile("a.pdf", b"%PDX-1.4 nein"),
        )

    assert "file" in info.value.error_dict
    assert not Publication.objects.exists()


def test_slugs_are_unique_and_never_an_editor_path(world):
    data = {
        "title": "Neu",
        "kind": "guide",
        "cover_text": "Text",
        "issued_on": datetime.date(2025, 2, 3),
    }

    first = services_publish.publication_create(
        network=world.network,
        actor=world.admin,
        data=data,
        file=SimpleUploadedFile("a.pdf", MINIMAL_PDF),
    )
    second = services_publish.publication_create(
        network=world.network,
        actor=world.admin,
        data=data,
        file=SimpleUploadedFile("b.pdf", MINIMAL_PDF),
    )

    assert first.slug == "neu-2"
    assert second.slug == "neu-3"
