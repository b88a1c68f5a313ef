"""The property pages through the test client, in German: list, detail and its location
privacy, registration and editing, status timeline, pipeline board, reports by visitors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allmende.networks.models import OrganisationRoleKind
from allmende.properties.forms import PropertyForm
from allmende.properties.models import (
    Moderation,
    PipelineMove,
    Property,
    PropertyStatus,
    PropertyStatusChange,
)
from tests.conftest import ROLES, user_for
from tests.factories import OrganisationRoleFactory
from tests.properties.conftest import SECRET_LAT, SECRET_LON, SECRET_STREET, make_property
from tests.properties.test_media import png

pytestmark = pytest.mark.django_db

LIST_URL = "/objekte/"
NEW_URL = "/objekte/neu/"
REPORT_URL = "/objekte/melden/"
QUEUE_URL = "/objekte/meldungen/"


def _html(response) -> str:
    return response.content.decode()


def _client_for(client, world, role):
    user = user_for(world, role)
    if role != "anonymous":
        client.force_login(user)
    return client


# --- list -------------------------------------------------------------------------------------

# fmt: off
LIST_VISIBLE = [
    # role                own draft  other org's draft
    ("anonymous",         False,     False),
    ("outsider",          False,     False),
    ("member",            True,      False),
    ("editor",            True,      False),
    ("coordinator",       True,      False),
    ("other_coordinator", False,     True),
    ("admin",             True,      True),
]
# fmt: on


def test_list_table_covers_every_role():
    assert [row[0] for row in LIST_VISIBLE] == ROLES


@pytest.mark.parametrize(("role", "own_draft", "other_draft"), LIST_VISIBLE)
def test_list_page_shows_what_the_role_may_see(client, world, props, role, own_draft, other_draft):
    response = _client_for(client, world, role).get(LIST_URL)

    html = _html(response)
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    assert "Offenes Kaufhaus" in html
    assert "Verschwiegene Villa" in html
    assert ("Entwurf Bahnhof" in html) is own_draft
    assert ("Fremder Speicher" in html) is other_draft
    assert "Gemeldete Scheune" not in html
    assert "Abgelehnte Halle" not in html
    # The list never shows a street or exact coordinates.
    assert SECRET_STREET not in html
    assert str(SECRET_LAT) not in html


def test_list_filters_through_get_and_answers_htmx_with_the_results_only(client, world, props):
    make_property(title="Brache am Fluss", kind="brownfield", owner_organisation=world.organisation)

    full = client.get(LIST_URL, {"kind": "brownfield"})
    partial = client.get(LIST_URL, {"kind": "brownfield"}, HTTP_HX_REQUEST="true")

    assert "Brache am Fluss" in _html(full)
    assert "Offenes Kaufhaus" not in _html(full)
    assert "<h1>" in _html(full)
    assert 'name="kind"' in _html(full)
    assert "Brache am Fluss" in _html(partial)
    assert "Offenes Kaufhaus" not in _html(partial)
    assert "<h1>" not in _html(partial)
    assert "<html" not in _html(partial)


def test_list_with_invalid_filter_shows_the_error_and_everything(client, world, props):
    response = client.get(LIST_URL, {"area_min": "viel"})

    assert response.status_code == 200
    assert 'id="id_area_min_error"' in _html(response)
    assert "Offenes Kaufhaus" in _html(response)


def test_list_is_paginated(client, world):
    for number in range(30):
        make_property(title=f"Objekt {number:02d}", owner_organisation=world.organisation)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})

    assert "Objekt 00" in _html(first)
    assert "Objekt 29" not in _html(first)
    assert 'rel="next"' in _html(first)
    assert "Objekt 29" in _html(second)


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.coordinator)

    def create(count, start):
        for number in range(start, start + count):
            make_property(title=f"Objekt {number:03d}", owner_organisation=world.organisation)

    create(10, 0)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(LIST_URL).status_code == 200
    create(10, 10)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(LIST_URL).status_code == 200

    assert len(twenty) == len(ten)
    with django_assert_max_num_queries(6):
        client.get(LIST_URL, {"state": "Sachsen", "use": "coworking"})


# --- detail and location privacy ----------------------------------------------------------

# fmt: off
EXACT = [
    ("anonymous",         False),
    ("outsider",          False),
    ("member",            True),
    ("editor",            True),
    ("coordinator",       True),
    ("other_coordinator", False),
    ("admin",             True),
]
# fmt: on


def test_exact_table_covers_every_role():
    assert [row[0] for row in EXACT] == ROLES


@pytest.mark.parametrize(("role", "exact"), EXACT)
def test_detail_shows_the_exact_location_of_a_sensitive_property_only_to_permitted_roles(
    client, world, props, role, exact
):
    response = _client_for(client, world, role).get(f"/objekte/{props['sensitive'].pk}/")

    html = _html(response)
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    assert "Verschwiegene Villa" in html
    assert "04109 Leipzig" in html
    assert (SECRET_STREET in html) is exact
    assert (str(SECRET_LAT) in html) is exact
    assert (str(SECRET_LON) in html) is exact


def test_detail_of_a_plain_property_shows_its_coordinates_to_everyone(client, world, props):
    response = client.get(f"/objekte/{props['published'].pk}/")

    assert response.status_code == 200
    assert "51.34, 12.37" in _html(response)


def test_public_pages_never_contain_the_exact_coordinates_of_a_sensitive_property(
    client, world, props
):
    pages = [LIST_URL, f"/objekte/{props['sensitive'].pk}/", f"{LIST_URL}?town=Leipzig"]
    for url in pages:
        html = _html(client.get(url))
        for secret in (str(SECRET_LAT), str(SECRET_LON), "51,3412345", "12,3798765"):
            assert secret not in html, url


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 404), ("outsider", 404), ("member", 200)]
)
def test_detail_of_a_draft_is_found_only_by_its_people(client, world, props, role, status):
    response = _client_for(client, world, role).get(f"/objekte/{props['draft'].pk}/")
    assert response.status_code == status


@pytest.mark.parametrize("role", ROLES)
def test_detail_of_pending_and_rejected_reports_is_not_found_for_anyone(client, world, props, role):
    client = _client_for(client, world, role)
    for key in ("pending", "rejected"):
        assert client.get(f"/objekte/{props[key].pk}/").status_code == 404


def test_detail_shows_transfer_options_timeline_and_pipeline_stage(client, world, props):
    prop = props["published"]
    prop.transfer_leasehold = True
    prop.leasehold_term_years = 99
    prop.pipeline_stage = 3
    prop.suitable_uses = ["coworking"]
    prop.save()
    PropertyStatusChange.objects.create(
        property=prop, status=PropertyStatus.INTERIM_USE, note="Sommerkino"
    )

    html = _html(client.get(f"/objekte/{prop.pk}/"))

    assert "99" in html
    assert "Sommerkino" in html
    assert "<caption>" in html
    assert 'scope="col"' in html
    assert str(prop.get_pipeline_stage_display()) in html
    # Visitors get no status form.
    assert 'name="valid_from"' not in html


# --- create and edit ----------------------------------------------------------------------


@pytest.fixture
def property_post(world):
    return {
        "organisation": world.organisation.pk,
        "title": "Ehemalige Post",
        "kind": "vacant",
        "condition": "1",
        "street": "Markt 1",
        "postcode": "16278",
        "city": "Angermünde",
        "state": "Brandenburg",
        "owner_kind": "municipal",
        "privacy_radius_m": "500",
        "transfer_rent": "on",
        "suitable_uses": ["coworking", "culture"],
        "is_published": "on",
    }


def test_editor_registers_a_property_and_its_coordinates_come_from_the_town(
    client, world, property_post
):
    client.force_login(world.editor)

    assert client.get(NEW_URL).status_code == 200
    response = client.post(NEW_URL, property_post)

    prop = Property.objects.get(title="Ehemalige Post")
    assert response.status_code == 302
    assert response["Location"] == f"/objekte/{prop.pk}/"
    assert prop.owner_organisation == world.organisation
    assert prop.created_by == world.editor
    assert prop.suitable_uses == ["coworking", "culture"]
    assert prop.transfer_rent is True
    assert prop.moderation == Moderation.APPROVED
    assert prop.lat == pytest.approx(53.015, abs=0.01)
    assert prop.lon == pytest.approx(13.999, abs=0.01)


def test_create_form_offers_only_the_editors_organisations(client, world, property_post):
    client.force_login(world.editor)
    property_post["organisation"] = world.other_organisation.pk

    response = client.post(NEW_URL, property_post)

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert world.other_organisation.name not in _html(response)
    assert not Property.objects.filter(title="Ehemalige Post").exists()


def test_create_form_shows_errors_next_to_fields_and_in_the_summary(client, world, property_post):
    client.force_login(world.editor)
    property_post["postcode"] = "12"
    property_post["title"] = ""

    response = client.post(NEW_URL, property_post)

    html = _html(response)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"postcode", "title"}
    assert 'id="error-summary"' in html
    assert 'href="#id_postcode"' in html
    assert 'id="id_postcode_error"' in html
    assert 'id="id_title_error"' in html
    assert 'value="Markt 1"' in html
    assert "<fieldset>" in html  # the suitable uses are a checkbox group
    assert not Property.objects.filter(street="Markt 1").exists()


def test_create_rejects_half_a_coordinate_pair(client, world, property_post):
    client.force_login(world.editor)
    property_post["lat"] = "53.1"

    response = client.post(NEW_URL, property_post)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'id="error-summary"' in _html(response)


@pytest.mark.parametrize("role", ["outsider", "member", "other_coordinator"])
def test_people_without_an_editable_organisation_may_not_register(client, world, role):
    # The other coordinator coordinates the other organisation's network, so give it none.
    world.other_organisation.memberships.all().delete()
    client.force_login(user_for(world, role))
    assert client.get(NEW_URL).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in_before_registering(client, world):
    response = client.get(NEW_URL)
    assert response.status_code == 302
    assert "next=/objekte/neu/" in response["Location"]


def test_editor_edits_a_property_and_the_form_keeps_the_owner(client, world, props):
    client.force_login(world.editor)
    prop = props["published"]
    url = f"/objekte/{prop.pk}/bearbeiten/"

    form_page = client.get(url)
    data = {
        key: value
        for key, value in form_page.context["form"].initial.items()
        if value is not None and not isinstance(value, bool | list)
    }
    data.update({"title": "Kaufhaus am Markt", "usable_area": "1200", "suitable_uses": ["care"]})
    response = client.post(url, data)

    prop.refresh_from_db()
    assert response.status_code == 302
    assert prop.title == "Kaufhaus am Markt"
    assert prop.usable_area == 1200
    assert prop.suitable_uses == ["care"]
    assert prop.owner_organisation == world.organisation
    assert "organisation" not in form_page.context["form"].fields


def test_edit_form_shows_a_bad_postcode_next_to_the_field_and_in_the_summary(client, world, props):
    client.force_login(world.editor)
    prop = props["published"]
    response = client.post(
        f"/objekte/{prop.pk}/bearbeiten/",
        {
            "title": "X",
            "kind": "vacant",
            "condition": "1",
            "postcode": "12",
            "city": "Leipzig",
            "state": "Sachsen",
            "owner_kind": "private",
            "privacy_radius_m": "500",
        },
    )

    html = _html(response)
    assert list(response.context["form"].errors) == ["postcode"]
    assert 'id="id_postcode_error"' in html
    assert 'href="#id_postcode"' in html
    prop.refresh_from_db()
    assert prop.title == "Offenes Kaufhaus"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),  # the draft is invisible to them
        ("member", 403),
        ("other_coordinator", 404),
        ("editor", 200),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_edit_page_of_a_draft_per_role(client, world, props, role, status):
    response = _client_for(client, world, role).get(f"/objekte/{props['draft'].pk}/bearbeiten/")
    assert response.status_code == status


def test_outsider_may_not_edit_a_published_property(client, world, props):
    client.force_login(world.outsider)
    prop = props["published"]

    response = client.post(f"/objekte/{prop.pk}/bearbeiten/", {"title": "Gekapert"})

    assert response.status_code == 403
    prop.refresh_from_db()
    assert prop.title == "Offenes Kaufhaus"


# --- status timeline ----------------------------------------------------------------------


def test_editor_changes_the_status_through_the_form_on_the_detail_page(client, world, props):
    client.force_login(world.editor)
    prop = props["published"]
    detail = client.get(f"/objekte/{prop.pk}/")
    assert 'name="valid_from"' in _html(detail)

    response = client.post(
        f"/objekte/{prop.pk}/status/",
        {"status": "interim_use", "valid_from": "2026-05-01", "note": "Sommerkino"},
    )

    prop.refresh_from_db()
    assert response.status_code == 302
    assert prop.status == PropertyStatus.INTERIM_USE
    change = prop.status_changes.get()
    assert change.actor == world.editor
    assert str(change.valid_from) == "2026-05-01"
    assert "Sommerkino" in _html(client.get(f"/objekte/{prop.pk}/"))


def test_status_form_errors_are_shown_on_the_detail_page(client, world, props):
    client.force_login(world.editor)
    prop = props["published"]

    response = client.post(
        f"/objekte/{prop.pk}/status/", {"status": "flying", "valid_from": "gestern"}
    )

    html = _html(response)
    assert response.status_code == 200
    assert 'id="id_status_error"' in html
    assert 'id="id_valid_from_error"' in html
    assert 'id="error-summary"' in html
    assert not prop.status_changes.exists()


@pytest.mark.parametrize("role", ["outsider", "member"])
def test_status_change_is_denied_without_permission(client, world, props, role):
    client.force_login(user_for(world, role))
    prop = props["published"]

    response = client.post(
        f"/objekte/{prop.pk}/status/", {"status": "demolished", "valid_from": "2026-05-01"}
    )

    assert response.status_code == 403
    prop.refresh_from_db()
    assert prop.status == PropertyStatus.VACANT
    assert 'name="valid_from"' not in _html(client.get(f"/objekte/{prop.pk}/"))


# --- pipeline -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member", 200),
        ("editor", 200),
        ("coordinator", 200),
        ("other_coordinator", 403),
        ("admin", 200),
    ],
)
def test_organisation_board_per_role(client, world, props, role, status):
    response = _client_for(client, world, role).get(
        "/objekte/pipeline/", {"organisation": world.organisation.slug}
    )
    assert response.status_code == status
    if status == 200:
        html = _html(response)
        assert html.count("<h2") == 6
        assert "Entwurf Bahnhof" in html
        assert "Fremder Speicher" not in html
        assert "Gemeldete Scheune" not in html
        moves = 'name="stage"' in html
        assert moves is (role != "member")


@pytest.mark.parametrize(
    ("role", "status"),
    [("member", 403), ("editor", 403), ("coordinator", 200), ("other_coordinator", 403)],
)
def test_network_board_is_for_its_coordinators(client, world, props, role, status):
    response = _client_for(client, world, role).get(
        "/objekte/pipeline/", {"network": world.network.slug}
    )
    assert response.status_code == status
    if status == 200:
        assert "Offenes Kaufhaus" in _html(response)
        assert "Fremder Speicher" not in _html(response)


def test_board_without_organisation_or_network_is_not_found(client, world):
    client.force_login(world.admin)
    assert client.get("/objekte/pipeline/").status_code == 404


def test_pipeline_move_without_javascript_redirects_back_to_the_board(client, world, props):
    client.force_login(world.editor)
    prop = props["published"]

    response = client.post(
        f"/objekte/{prop.pk}/schritt/", {"stage": "4", "organisation": world.organisation.slug}
    )

    prop.refresh_from_db()
    assert prop.pipeline_stage == 4
    assert response.status_code == 302
    assert response["Location"] == f"/objekte/pipeline/?organisation={world.organisation.slug}"


def test_pipeline_move_records_who_moved_the_card_from_where_to_where(client, world, props):
    client.force_login(world.editor)
    prop = props["published"]

    client.post(f"/objekte/{prop.pk}/schritt/", {"stage": "3"})
    client.post(f"/objekte/{prop.pk}/schritt/", {"stage": "3"})  # no move, nothing recorded

    move = PipelineMove.objects.get(property=prop)
    assert (move.from_stage, move.to_stage, move.actor) == (1, 3, world.editor)
    detail = _html(client.get(f"/objekte/{prop.pk}/"))
    assert "Verschiebungen in der Pipeline" in detail
    assert world.editor.name in detail
    client.logout()
    assert "Verschiebungen in der Pipeline" not in _html(client.get(f"/objekte/{prop.pk}/"))


def test_pipeline_move_with_htmx_returns_the_updated_board(client, world, props):
    client.force_login(world.coordinator)
    prop = props["published"]

    response = client.post(
        f"/objekte/{prop.pk}/schritt/",
        {"stage": "6", "network": world.network.slug},
        HTTP_HX_REQUEST="true",
    )

    html = _html(response)
    prop.refresh_from_db()
    assert prop.pipeline_stage == 6
    assert response.status_code == 200
    assert "<html" not in html
    assert "<h1>" not in html
    assert html.count("<h2") == 6
    assert 'role="status"' in html
    assert f'id="stage-of-{prop.pk}"' in html


def test_pipeline_move_to_an_unknown_stage_changes_nothing(client, world, props):
    client.force_login(world.editor)
    prop = props["published"]

    response = client.post(
        f"/objekte/{prop.pk}/schritt/", {"stage": "9", "organisation": world.organisation.slug}
    )

    prop.refresh_from_db()
    assert response.status_code == 302
    assert prop.pipeline_stage == 1


@pytest.mark.parametrize("role", ["outsider", "member", "other_coordinator"])
def test_pipeline_move_is_denied_without_permission(client, world, props, role):
    client.force_login(user_for(world, role))
    prop = props["published"]

    response = client.post(
        f"/objekte/{prop.pk}/schritt/",
        {"stage": "5", "organisation": world.organisation.slug},
        HTTP_HX_REQUEST="true",
    )

    prop.refresh_from_db()
    assert response.status_code == 403
    assert prop.pipeline_stage == 1


def test_pipeline_move_of_a_pending_report_is_not_found(client, world, props):
    client.force_login(world.admin)
    response = client.post(f"/objekte/{props['pending'].pk}/schritt/", {"stage": "2"})
    assert response.status_code == 404


# --- reports by visitors ------------------------------------------------------------------


@pytest.fixture
def report_post():
    return {
        "title": "Leere Schule am Park",
        "description": "Seit zwei Jahren leer.",
        "street": "",
        "postcode": "04109",
        "city": "Leipzig",
        "state": "Sachsen",
        "reporter_email": "hinweis@example.org",
        "privacy_consent": "on",
        "website_url": "",
    }


def test_report_form_offers_an_optional_photo_with_rights_consent_and_one_heading(client, world):
    html = _html(client.get(REPORT_URL))
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="photo"' in html
    assert 'name="photo_author"' in html
    assert 'name="photo_rights_consent"' in html
    assert '<label for="id_photo_rights_consent"' in html
    assert html.count("<h1>") == 1
    assert 'name="website_url"' in html


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = ""
    return settings.MEDIA_ROOT


def _stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_report_photo_without_rights_consent_is_refused(client, world, report_post, media_root):
    report_post.update(photo=png(), photo_author="Anna Beispiel")

    response = client.post(REPORT_URL, report_post)

    assert response.status_code == 200
    html = _html(response)
    assert set(response.context["form"].errors) == {"photo_rights_consent"}
    assert 'id="id_photo_rights_consent_error"' in html
    assert 'id="error-summary"' in html
    assert 'href="#id_photo_rights_consent"' in html
    assert not Property.objects.exists()
    assert _stored_files(media_root) == []


def test_report_photo_needs_the_authors_name(client, world, report_post, media_root):
    report_post.update(photo=png(), photo_rights_consent="on")

    response = client.post(REPORT_URL, report_post)

    assert set(response.context["form"].errors) == {"photo_author"}
    assert not Property.objects.exists()


def test_report_with_a_file_that_is_not_an_image_is_refused(client, world, report_post, media_root):
    report_post.update(
        photo=SimpleUploadedFile("haus.jpg", b"<html>kein Bild</html>", content_type="image/jpeg"),
        photo_author="Anna Beispiel",
        photo_rights_consent="on",
    )

    response = client.post(REPORT_URL, report_post)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"photo"}
    assert 'id="id_photo_error"' in _html(response)
    assert not Property.objects.exists()
    assert _stored_files(media_root) == []


def test_report_photo_over_the_size_limit_is_refused(
    client, world, report_post, media_root, settings
):
    settings.PROPERTY_PHOTO_MAX_BYTES = 100
    report_post.update(photo=png(), photo_author="Anna Beispiel", photo_rights_consent="on")

    response = client.post(REPORT_URL, report_post)

    assert set(response.context["form"].errors) == {"photo"}
    assert not Property.objects.exists()


def test_report_photo_is_private_until_approved_then_shown_with_its_author(
    client, world, report_post, media_root, django_capture_on_commit_callbacks
):
    report_post.update(
        photo=png(name="Geheimgasse-7.png"),
        photo_author="Anna Beispiel",
        photo_rights_consent="on",
    )
    assert client.post(REPORT_URL, report_post).status_code == 302
    report = Property.objects.get()
    assert report.report_photo.name.startswith("properties/reports/")
    assert "Geheimgasse" not in report.report_photo.name
    assert report.report_photo_author == "Anna Beispiel"
    assert report.report_photo_consent_at is not None
    assert not report.photos.exists()
    private = media_root / "private"
    assert [p.parent.parent.parent.parent for p in _stored_files(media_root)] == [private]
    photo_url = f"/objekte/meldungen/{report.pk}/foto/"
    assert client.get(photo_url).status_code == 302  # to the login

    client.force_login(world.editor)
    assert client.get(photo_url).status_code == 404
    client.force_login(world.coordinator)
    assert photo_url in _html(client.get(QUEUE_URL))
    shown = client.get(photo_url)
    assert shown.status_code == 200
    assert shown["Cache-Control"] == "private, no-store"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/objekte/meldungen/{report.pk}/", {"decision": "approve"})

    report.refresh_from_db()
    assert not report.report_photo
    photo = report.photos.get()
    assert photo.author == "Anna Beispiel"
    assert photo.licence == "permission"
    assert "Leere Schule am Park" in photo.alt_text
    assert not [p for p in _stored_files(media_root) if private in p.parents]
    client.logout()
    detail = _html(client.get(f"/objekte/{report.pk}/"))
    assert photo.image.url in detail
    assert "Anna Beispiel" in detail
    assert client.get(photo_url).status_code == 302


def test_rejected_report_photo_is_deleted_and_never_published(
    client, world, report_post, media_root, django_capture_on_commit_callbacks
):
    report_post.update(photo=png(), photo_author="Anna Beispiel", photo_rights_consent="on")
    client.post(REPORT_URL, report_post)
    report = Property.objects.get()
    client.force_login(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/objekte/meldungen/{report.pk}/", {"decision": "reject"})

    report.refresh_from_db()
    assert not report.report_photo
    assert not report.photos.exists()
    assert _stored_files(media_root) == []


def test_report_with_filled_honeypot_is_refused(client, world, report_post):
    report_post["website_url"] = "https://spam.example.com"

    response = client.post(REPORT_URL, report_post)

    assert response.status_code == 200
    assert "website_url" in response.context["form"].errors
    assert not Property.objects.exists()


def test_report_without_town_and_consent_shows_the_errors(client, world, report_post):
    del report_post["privacy_consent"]
    report_post["city"] = ""

    response = client.post(REPORT_URL, report_post)

    html = _html(response)
    assert set(response.context["form"].errors) == {"city", "privacy_consent"}
    assert 'id="id_city_error"' in html
    assert 'id="error-summary"' in html
    assert not Property.objects.exists()


def test_report_flow_pending_and_hidden_until_a_coordinator_approves(client, world, report_post):
    response = client.post(REPORT_URL, report_post)

    assert response.status_code == 302
    assert response["Location"] == "/objekte/melden/danke/"
    report = Property.objects.get()
    assert report.moderation == Moderation.PENDING
    assert report.is_published is False
    assert report.owner_kind == "private"
    assert report.owner_organisation is None
    assert report.reporter_email == "hinweis@example.org"
    assert report.lat is not None  # the centre of Leipzig
    assert "Leere Schule am Park" not in _html(client.get(LIST_URL))
    assert client.get(f"/objekte/{report.pk}/").status_code == 404

    client.force_login(world.editor)
    assert "Leere Schule am Park" not in _html(client.get(LIST_URL))
    assert client.get(QUEUE_URL).status_code == 403

    client.force_login(world.coordinator)
    assert "Leere Schule am Park" not in _html(client.get(LIST_URL))
    queue = client.get(QUEUE_URL)
    assert queue.status_code == 200
    assert "Leere Schule am Park" in _html(queue)
    assert "hinweis@example.org" in _html(queue)
    assert "<caption>" in _html(queue)

    decided = client.post(f"/objekte/meldungen/{report.pk}/", {"decision": "approve"})

    assert decided.status_code == 302
    report.refresh_from_db()
    assert report.moderation == Moderation.APPROVED
    assert report.is_published is True
    client.logout()
    assert "Leere Schule am Park" in _html(client.get(LIST_URL))
    assert client.get(f"/objekte/{report.pk}/").status_code == 200


def test_rejected_report_stays_hidden(client, world, props):
    client.force_login(world.admin)

    # Following the redirect shows (and uses up) the confirmation naming the report.
    client.post(f"/objekte/meldungen/{props['pending'].pk}/", {"decision": "reject"}, follow=True)

    props["pending"].refresh_from_db()
    assert props["pending"].moderation == Moderation.REJECTED
    assert props["pending"].is_published is False
    assert "Gemeldete Scheune" not in _html(client.get(LIST_URL))
    assert "Gemeldete Scheune" not in _html(client.get(QUEUE_URL))


def test_coordinator_of_another_state_may_not_decide_a_report(client, world, props):
    world.other_organisation.state = "Brandenburg"
    world.other_organisation.save()
    client.force_login(world.other_coordinator)

    assert "Gemeldete Scheune" not in _html(client.get(QUEUE_URL))
    response = client.post(f"/objekte/meldungen/{props['pending'].pk}/", {"decision": "approve"})

    assert response.status_code == 403
    props["pending"].refresh_from_db()
    assert props["pending"].moderation == Moderation.PENDING


def test_decided_report_cannot_be_decided_again(client, world, props):
    client.force_login(world.admin)
    response = client.post(f"/objekte/meldungen/{props['rejected'].pk}/", {"decision": "approve"})
    assert response.status_code == 404


def test_sixth_report_within_an_hour_from_one_address_is_rate_limited(
    client, world, report_post, settings
):
    settings.RATELIMIT_ENABLE = True
    for _ in range(5):
        assert client.post(REPORT_URL, report_post).status_code == 302

    response = client.post(REPORT_URL, report_post)

    assert response.status_code == 429
    assert Property.objects.count() == 5
    assert client.get(REPORT_URL).status_code == 200


def test_main_navigation_links_to_the_properties(client, world):
    html = _html(client.get(LIST_URL))
    assert 'href="/objekte/" aria-current="page"' in html


def test_member_of_several_organisations_sees_the_drafts_of_each(client, world, props):
    OrganisationRoleFactory(
        user=world.member, organisation=world.other_organisation, role=OrganisationRoleKind.MEMBER
    )
    client.force_login(world.member)
    html = _html(client.get(LIST_URL))
    assert "Entwurf Bahnhof" in html
    assert "Fremder Speicher" in html


def test_property_form_renders_every_field_inside_a_fieldset(client, world):
    client.force_login(world.editor)
    form = client.get(NEW_URL).context["form"]

    grouped = [field.name for _, fields in form.fieldsets() for field in fields]
    assert sorted(grouped) == sorted(form.fields)
    assert len(grouped) == len(set(grouped))
    assert len(PropertyForm.FIELDSETS) == _html(client.get(NEW_URL)).count("<legend>") - 1


def test_pipeline_move_with_htmx_to_an_unknown_stage_answers_with_the_board_and_an_alert(
    client, world, props
):
    client.force_login(world.editor)
    prop = props["published"]

    response = client.post(
        f"/objekte/{prop.pk}/schritt/",
        {"stage": "9", "organisation": world.organisation.slug},
        HTTP_HX_REQUEST="true",
    )

    prop.refresh_from_db()
    assert response.status_code == 200
    assert 'role="alert"' in _html(response)
    assert "<h1>" not in _html(response)
    assert prop.pipeline_stage == 1


def test_pipeline_move_without_a_board_redirects_to_the_property(client, world, props):
    client.force_login(world.admin)
    prop = props["published"]

    response = client.post(f"/objekte/{prop.pk}/schritt/", {"stage": "2"})

    prop.refresh_from_db()
    assert response["Location"] == f"/objekte/{prop.pk}/"
    assert prop.pipeline_stage == 2


def test_pipeline_move_naming_a_board_the_user_may_not_see_changes_nothing(client, world, props):
    client.force_login(world.editor)
    prop = props["published"]

    response = client.post(
        f"/objekte/{prop.pk}/schritt/",
        {"stage": "3", "network": world.network.slug},
        HTTP_HX_REQUEST="true",
    )

    prop.refresh_from_db()
    assert response.status_code == 403
    assert prop.pipeline_stage == 1
