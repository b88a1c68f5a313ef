"""The pages of the network module through the test client, in German, plus bounded query
counts for the list pages and the map data."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allmende.accounts.models import User
from allmende.networks.models import (
    ApplicationStatus,
    Membership,
    MembershipApplication,
    MembershipKind,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    WorkingGroupDocument,
)
from tests.factories import (
    CoordinatorFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    WorkingGroupFactory,
)
from tests.networks.conftest import GERMANY_BBOX, german

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _login_redirect(response, path: str) -> bool:
    return response.status_code == 302 and response["Location"] == f"/konto/anmelden/?next={path}"


# --- Network pages -----------------------------------------------------------------------------


@pytest.fixture
def network_pages(world):
    world.network.description = "Gebäude von vielen für viele."
    world.network.legal_form = "eingetragener Verein"
    world.network.contact_phone = "030 1234567"
    world.network.save()
    world.network.coordination_office.name = "Koordinationsbüro Leipzig"
    world.network.coordination_office.save()
    CoordinatorFactory(
        network=world.network, user__name="Kim Koordination", function="Geschäftsführung"
    )
    MembershipFactory(
        network=world.network,
        status=MembershipStatus.ENDED,
        organisation=OrganisationFactory(name="Ausgetretener Verein"),
    )
    WorkingGroupFactory(
        network=world.network, name="AG Bodenpolitik", description="Bodenfonds und Erbbaurecht."
    )
    WorkingGroupFactory(network=world.other_network, name="AG Fremd")
    return world


@pytest.mark.parametrize(
    ("path", "present", "absent"),
    [
        pytest.param(
            "/netzwerke/immovielien/",
            [
                "Netzwerk Immovielien",
                "Gebäude von vielen für viele.",
                "eingetragener Verein",
                "Koordinationsbüro Leipzig",
                "/netzwerke/immovielien/mitglied-werden/",
            ],
            ["Starke Orte"],
            id="about",
        ),
        pytest.param(
            "/netzwerke/immovielien/mitglieder/",
            ["Stadtlücken Stuttgart", "/organisationen/stadtluecken/"],
            ["Ausgetretener Verein", "Stadt Angermünde"],
            id="members",
        ),
        pytest.param(
            "/netzwerke/immovielien/koordination/",
            ["Koordinationsbüro Leipzig", "Kim Koordination", "Geschäftsführung"],
            [],
            id="office",
        ),
        pytest.param(
            "/netzwerke/immovielien/kontakt/",
            ["kontakt@netzwerk.example.org", "030 1234567", "Koordinationsbüro Leipzig"],
            [],
            id="contact",
        ),
        pytest.param(
            "/netzwerke/immovielien/arbeitsgruppen/",
            ["AG Bodenpolitik", "Bodenfonds und Erbbaurecht."],
            ["AG Fremd"],
            id="working-groups",
        ),
        pytest.param(
            "/netzwerke/",
            ["Netzwerk Immovielien", "Starke Orte"],
            [],
            id="list",
        ),
    ],
)
def test_network_page_shows_its_data(client, network_pages, path, present, absent):
    response = client.get(path)
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="de"' in html
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


@pytest.mark.parametrize(
    "path",
    [
        "/netzwerke/gibt-es-nicht/",
        "/netzwerke/gibt-es-nicht/mitglieder/",
        "/netzwerke/gibt-es-nicht/koordination/",
        "/netzwerke/gibt-es-nicht/kontakt/",
        "/netzwerke/gibt-es-nicht/arbeitsgruppen/",
        "/netzwerke/gibt-es-nicht/mitglied-werden/",
        "/netzwerke/gibt-es-nicht/mitglied-werden/danke/",
        "/organisationen/gibt-es-nicht/",
    ],
)
def test_unknown_slug_gives_404(client, world, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/netzwerke/gibt-es-nicht/antraege/",
        "/netzwerke/gibt-es-nicht/arbeitsgruppen/leerstand/",
        "/netzwerke/immovielien/arbeitsgruppen/gibt-es-nicht/",
        "/netzwerke/immovielien/antraege/999999/",
    ],
)
def test_unknown_slug_behind_login_gives_404(client, world, path):
    client.force_login(world.admin)
    assert client.get(path).status_code == 404


def test_application_of_another_network_is_not_found_under_this_network(client, world):
    application = MembershipApplicationFactory(network=world.other_network)
    client.force_login(world.coordinator)
    response = client.get(f"/netzwerke/immovielien/antraege/{application.pk}/")
    assert response.status_code == 404


def test_inactive_organisation_gives_404(client, world):
    OrganisationFactory(slug="aufgeloest", is_active=False)
    assert client.get("/organisationen/aufgeloest/").status_code == 404


# --- Directory ---------------------------------------------------------------------------------


@pytest.fixture
def directory(world):
    """world's two organisations plus three more, of other kinds and states."""
    MembershipFactory(
        network=world.network,
        organisation=OrganisationFactory(
            name="Haus und Wagen",
            kind=OrganisationKind.INITIATIVE,
            city="Leipzig",
            state="Sachsen",
            description="Wächterhäuser im Westen",
        ),
    )
    OrganisationFactory(
        name="Stiftung trias",
        kind=OrganisationKind.FOUNDATION,
        city="Hattingen",
        state="Nordrhein-Westfalen",
    )
    OrganisationFactory(name="Versteckter Verein", is_active=False)
    # Coordination offices made by the factories would crowd the lists.
    Organisation.objects.filter(coordinated_networks__isnull=False).update(is_active=False)
    return world


ALL_LISTED = ["Stadtlücken Stuttgart", "Stadt Angermünde", "Haus und Wagen", "Stiftung trias"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", ALL_LISTED, id="no-filter"),
        pytest.param("?kind=municipality", ["Stadt Angermünde"], id="kind"),
        pytest.param(
            "?kind=municipality&kind=foundation",
            ["Stadt Angermünde", "Stiftung trias"],
            id="two-kinds",
        ),
        pytest.param("?state=Nordrhein-Westfalen", ["Stiftung trias"], id="state"),
        pytest.param(
            "?network=immovielien", ["Stadtlücken Stuttgart", "Haus und Wagen"], id="network"
        ),
        pytest.param("?q=leipzig+westen", ["Haus und Wagen"], id="search-words"),
        pytest.param("?network=starke-orte&kind=municipality", ["Stadt Angermünde"], id="combined"),
    ],
)
def test_directory_lists_the_organisations_matching_the_filters(client, directory, query, expected):
    response = client.get(f"/organisationen/{query}")
    assert response.status_code == 200
    html = _html(response)
    listed = [name for name in [*ALL_LISTED, "Versteckter Verein"] if f">{name}</a>" in html]
    assert sorted(listed) == sorted(expected)
    assert response.context["page"].paginator.count == len(expected)


def test_directory_shows_the_networks_of_each_organisation(client, directory):
    html = _html(client.get("/organisationen/?q=Stadtlücken"))
    assert "Netzwerk Immovielien" in html


def test_directory_paginates_24_per_page(client, make_organisations):
    make_organisations(30, prefix="Verein")

    first = client.get("/organisationen/")
    second = client.get("/organisationen/?page=2")

    assert second.status_code == 200
    assert [o.name for o in second.context["page"].object_list][:1] == ["Verein 00024"]
    assert "Verein 00029</a>" in _html(second)
    assert "Verein 00000</a>" not in _html(second)
    assert "Verein 00023</a>" in _html(first)
    assert "Verein 00024</a>" not in _html(first)
    assert 'href="?page=2"' in _html(first)


def test_directory_pagination_keeps_the_filters(client, make_organisations):
    make_organisations(30, prefix="Verein", state="Hessen")
    make_organisations(5, prefix="Andere", state="Bayern")

    response = client.get("/organisationen/?state=Hessen&page=2")

    assert [o.name for o in response.context["page"].object_list] == [
        f"Verein {i:05d}" for i in range(24, 30)
    ]
    assert 'href="?state=Hessen&amp;page=1"' in _html(response)


def test_directory_htmx_request_gets_only_the_results(client, directory):
    response = client.get("/organisationen/?kind=foundation", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = _html(response)
    assert "<html" not in html
    assert "<form" not in html
    assert "Stiftung trias</a>" in html
    assert "Stadt Angermünde</a>" not in html


def test_directory_without_htmx_is_a_full_page_with_the_filter_form(client, directory):
    html = _html(client.get("/organisationen/?kind=foundation"))
    assert "<html" in html
    assert 'name="q"' in html
    assert "Stiftung trias</a>" in html


# --- Organisation detail -----------------------------------------------------------------------


def test_municipality_profile_is_shown_for_a_municipality(client, world):
    world.other_organisation.population = 13500
    world.other_organisation.ags = "12073008"
    world.other_organisation.vacancy_projects = "Altes Kaufhaus am Markt"
    world.other_organisation.save()

    html = _html(client.get("/organisationen/angermuende/"))

    assert 'class="municipality-profile"' in html
    assert "12073008" in html
    assert "Altes Kaufhaus am Markt" in html
    assert "Starke Orte" in html  # member of


def test_municipality_profile_is_not_shown_for_an_initiative(client, world):
    world.organisation.vacancy_projects = "Altes Kaufhaus am Markt"
    world.organisation.save()

    response = client.get("/organisationen/stadtluecken/")

    assert response.status_code == 200
    assert "municipality-profile" not in _html(response)
    assert "Altes Kaufhaus am Markt" not in _html(response)


@pytest.mark.parametrize(
    ("role", "shown"),
    [("anonymous", False), ("outsider", False), ("editor", True), ("coordinator", True)],
)
def test_edit_link_is_shown_to_those_who_may_edit(client, world, role, shown):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    html = _html(client.get("/organisationen/stadtluecken/"))
    assert ("/organisationen/stadtluecken/bearbeiten/" in html) is shown


# --- Organisation edit -------------------------------------------------------------------------

EDIT_URL = "/organisationen/stadtluecken/bearbeiten/"


def _profile(**changes) -> dict[str, str]:
    data = {
        "name": "Stadtlücken e. V.",
        "kind": "initiative",
        "street": "Marktplatz 1",
        "postcode": "70173",
        "city": "Leipzig",
        "state": "Sachsen",
        "lat": "51.3397",
        "lon": "12.3731",
        "website": "https://stadtluecken.example.org",
        "email": "hallo@stadtluecken.example.org",
        "phone": "0711 123456",
        "description": "Wir öffnen Leerstand.",
        "population": "",
        "ags": "",
        "vacancy_projects": "",
        "contact_role": "",
    }
    data.update(changes)
    return data


def test_anonymous_visitor_is_sent_to_login_from_the_edit_page(client, world):
    assert _login_redirect(client.get(EDIT_URL), EDIT_URL)


@pytest.mark.parametrize("role", ["outsider", "member", "other_coordinator"])
def test_people_who_may_not_edit_get_403(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(EDIT_URL).status_code == 403
    assert client.post(EDIT_URL, _profile(name="Gekapert")).status_code == 403
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Stadtlücken Stuttgart"


def test_editor_gets_the_filled_in_form(client, world):
    client.force_login(world.editor)
    response = client.get(EDIT_URL)
    assert response.status_code == 200
    assert 'value="Stadtlücken Stuttgart"' in _html(response)
    assert 'enctype="multipart/form-data"' in _html(response)


def test_editor_saves_a_valid_profile(client, world):
    client.force_login(world.editor)

    response = client.post(EDIT_URL, _profile())

    assert response.status_code == 302
    assert response["Location"] == "/organisationen/stadtluecken/"
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Stadtlücken e. V."
    assert world.organisation.postcode == "70173"
    assert world.organisation.description == "Wir öffnen Leerstand."
    assert world.organisation.slug == "stadtluecken"


def test_profile_with_new_town_and_no_coordinates_is_placed_in_the_new_town(client, world):
    client.force_login(world.editor)
    client.post(EDIT_URL, _profile(city="Angermünde", state="Brandenburg", lat="", lon=""))
    world.organisation.refresh_from_db()
    assert world.organisation.lat == pytest.approx(53.01, abs=0.01)


def test_invalid_postcode_is_shown_at_the_field_and_in_the_summary(client, world):
    client.force_login(world.editor)

    response = client.post(EDIT_URL, _profile(postcode="12", description="Entwurf"))

    assert response.status_code == 200
    html = _html(response)
    message = german("A German postcode has five digits.")
    # next to the field
    field_error = html.split('id="id_postcode_error"', 1)[1].split("</div>", 1)[0]
    assert message in field_error
    # in the error summary, linked to the field
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_postcode"' in summary
    assert message in summary
    # the entered values are kept
    assert 'name="postcode" value="12"' in html
    assert 'value="Stadtlücken e. V."' in html
    assert "Entwurf</textarea>" in html
    world.organisation.refresh_from_db()
    assert world.organisation.postcode == ""
    assert world.organisation.name == "Stadtlücken Stuttgart"


def test_latitude_without_longitude_is_refused(client, world):
    client.force_login(world.editor)
    response = client.post(EDIT_URL, _profile(lon=""))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Stadtlücken Stuttgart"


# --- Membership application --------------------------------------------------------------------

APPLY_URL = "/netzwerke/immovielien/mitglied-werden/"


def test_application_form_is_shown(client, world):
    response = client.get(APPLY_URL)
    assert response.status_code == 200
    html = _html(response)
    for name in (
        "org_name",
        "org_kind",
        "org_city",
        "contact_email",
        "stance",
        "privacy_consent",
        "website_url",
    ):
        assert f'name="{name}"' in html


def test_application_form_offers_only_the_networks_membership_kinds(client, world):
    world.network.member_kinds = [MembershipKind.MEMBER, MembershipKind.SUPPORTING]
    world.network.save()
    field = client.get(APPLY_URL).context["form"].fields["membership_kind"]
    assert [value for value, _label in field.choices] == ["member", "supporting"]


def test_valid_application_is_stored_and_confirmed(
    client, world, application_post, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, application_post)

    assert response.status_code == 302
    assert response["Location"] == "/netzwerke/immovielien/mitglied-werden/danke/"
    application = MembershipApplication.objects.get()
    assert application.network == world.network
    assert application.org_name == "Zukunftshof Uckermark"
    assert application.status == ApplicationStatus.SUBMITTED
    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        ["erika@zukunftshof.example.org", "koord@example.org"]
    )
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "missing", ["org_name", "org_city", "contact_email", "stance", "privacy_consent"]
)
def test_application_with_missing_field_shows_errors_and_stores_nothing(
    client, world, application_post, mailoutbox, missing, django_capture_on_commit_callbacks
):
    del application_post[missing]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, application_post)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [missing]
    assert f'id="id_{missing}_error"' in _html(response)
    assert 'id="error-summary"' in _html(response)
    assert f'value="{application_post["contact_name"]}"' in _html(response)
    assert not MembershipApplication.objects.exists()
    assert mailoutbox == []


def test_application_with_filled_honeypot_is_refused(client, world, application_post, mailoutbox):
    application_post["website_url"] = "https://spam.example.com"

    response = client.post(APPLY_URL, application_post)

    assert response.status_code == 200
    assert "website_url" in response.context["form"].errors
    assert not MembershipApplication.objects.exists()
    assert mailoutbox == []


def test_sixth_application_within_an_hour_from_one_address_is_rate_limited(
    client, world, application_post, settings
):
    settings.RATELIMIT_ENABLE = True
    for _ in range(5):
        assert client.post(APPLY_URL, application_post).status_code == 302

    response = client.post(APPLY_URL, application_post)

    assert response.status_code == 429
    assert MembershipApplication.objects.count() == 5
    # Another address may still apply; reading the form is never limited.
    assert client.get(APPLY_URL).status_code == 200
    other = client.post(APPLY_URL, application_post, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


# --- Coordinator dashboard and review ----------------------------------------------------------

DASHBOARD_URL = "/netzwerke/immovielien/antraege/"


@pytest.fixture
def applications(world):
    return {
        "open": MembershipApplicationFactory(network=world.network, org_name="Offener Antrag"),
        "accepted": MembershipApplicationFactory(
            network=world.network,
            org_name="Entschiedener Antrag",
            status=ApplicationStatus.ACCEPTED,
        ),
        "foreign": MembershipApplicationFactory(
            network=world.other_network, org_name="Fremder Antrag"
        ),
    }


def test_coordinator_sees_the_open_applications_of_own_network(client, world, applications):
    client.force_login(world.coordinator)
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 200
    html = _html(response)
    assert "Offener Antrag" in html
    assert f"/netzwerke/immovielien/antraege/{applications['open'].pk}/" in html
    assert "Entschiedener Antrag" not in html
    assert "Fremder Antrag" not in html


def test_dashboard_shows_decided_applications_when_asked(client, world, applications):
    client.force_login(world.coordinator)
    html = _html(client.get(DASHBOARD_URL + "?status=accepted"))
    assert "Entschiedener Antrag" in html
    assert "Offener Antrag" not in html


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "outsider"])
def test_others_get_403_on_the_dashboard(client, world, applications, role):
    client.force_login(getattr(world, role))
    assert client.get(DASHBOARD_URL).status_code == 403


def test_anonymous_visitor_is_sent_to_login_from_the_dashboard(client, world):
    assert _login_redirect(client.get(DASHBOARD_URL), DASHBOARD_URL)


def test_coordinator_accepts_an_application(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory(
        network=world.network,
        org_name="Stadt Schwedt",
        contact_email="neu@schwedt.example.org",
        membership_kind=MembershipKind.SUPPORTING,
    )
    url = f"/netzwerke/immovielien/antraege/{application.pk}/"
    client.force_login(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"status": "accepted", "note": ""})

    assert response.status_code == 302
    assert response["Location"] == url
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    organisation = Organisation.objects.get(name="Stadt Schwedt")
    assert application.organisation == organisation
    membership = Membership.objects.get(network=world.network, organisation=organisation)
    assert (membership.status, membership.kind) == (
        MembershipStatus.ACTIVE,
        MembershipKind.SUPPORTING,
    )
    assert User.objects.filter(email="neu@schwedt.example.org").exists()
    assert [mail.to for mail in mailoutbox] == [["neu@schwedt.example.org"]]
    # The decided application no longer offers a status change.
    assert 'name="status"' not in _html(client.get(url))


def test_decline_without_note_shows_error_and_changes_nothing(client, world, mailoutbox):
    application = MembershipApplicationFactory(network=world.network)
    client.force_login(world.coordinator)

    response = client.post(
        f"/netzwerke/immovielien/antraege/{application.pk}/", {"status": "declined", "note": ""}
    )

    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert 'id="id_note_error"' in _html(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not application.events.exists()
    assert mailoutbox == []


def test_review_form_offers_only_allowed_transitions(client, world):
    application = MembershipApplicationFactory(
        network=world.network, status=ApplicationStatus.IN_REVIEW
    )
    client.force_login(world.coordinator)
    url = f"/netzwerke/immovielien/antraege/{application.pk}/"

    response = client.post(url, {"status": "submitted", "note": ""})

    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW


def test_other_coordinator_may_not_review(client, world):
    application = MembershipApplicationFactory(network=world.network)
    client.force_login(world.other_coordinator)
    response = client.post(
        f"/netzwerke/immovielien/antraege/{application.pk}/", {"status": "accepted", "note": ""}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


# --- Working groups ----------------------------------------------------------------------------

GROUP_URL = "/netzwerke/immovielien/arbeitsgruppen/leerstand/"


@pytest.mark.parametrize("role", ["member", "editor", "coordinator", "admin"])
def test_people_of_the_network_see_the_working_group(client, world, working_group, role):
    client.force_login(getattr(world, role))
    response = client.get(GROUP_URL)
    assert response.status_code == 200
    assert "AG Leerstand" in _html(response)
    assert "Wir sammeln Erfahrungen mit leeren Kaufhäusern." in _html(response)


@pytest.mark.parametrize("role", ["outsider", "other_coordinator"])
def test_outsiders_get_403_on_the_working_group(client, world, working_group, role):
    client.force_login(getattr(world, role))
    assert client.get(GROUP_URL).status_code == 403


def test_anonymous_visitor_is_sent_to_login_from_the_working_group(client, working_group):
    assert _login_redirect(client.get(GROUP_URL), GROUP_URL)


def test_group_member_uploads_a_document(client, world, working_group):
    client.force_login(world.member)
    upload = SimpleUploadedFile(
        "protokoll.pdf", b"%PDF-1.4 Protokoll", content_type="application/pdf"
    )

    response = client.post(GROUP_URL, {"title": "Protokoll Mai", "file": upload})

    assert response.status_code == 302
    assert response["Location"] == GROUP_URL
    document = WorkingGroupDocument.objects.get()
    assert (document.group, document.title, document.uploaded_by) == (
        working_group,
        "Protokoll Mai",
        world.member,
    )
    assert document.file.read() == b"%PDF-1.4 Protokoll"
    assert "Protokoll Mai" in _html(client.get(GROUP_URL))


@pytest.mark.parametrize("filename", ["setup.exe", "protokoll.pdf.exe", "script.js"])
def test_upload_of_a_forbidden_file_type_is_refused(client, world, working_group, filename):
    client.force_login(world.member)
    upload = SimpleUploadedFile(filename, b"MZ\x90\x00", content_type="application/octet-stream")

    response = client.post(GROUP_URL, {"title": "Werkzeug", "file": upload})

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert 'id="id_file_error"' in _html(response)
    assert german("This file type is not allowed.") in _html(response)
    assert not WorkingGroupDocument.objects.exists()


def test_network_member_outside_the_group_sees_no_upload_form_and_may_not_upload(
    client, world, working_group
):
    client.force_login(world.editor)
    assert 'type="file"' not in _html(client.get(GROUP_URL))
    upload = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(GROUP_URL, {"title": "Protokoll", "file": upload})
    assert response.status_code == 403
    assert not WorkingGroupDocument.objects.exists()


# --- Query counts ------------------------------------------------------------------------------
# Measured on SQLite and PostgreSQL; the bound is the measured number plus two. Each test also
# doubles the rows and checks the count stays the same, so an N+1 cannot hide below the bound.

# measured: network choices, count, page, memberships prefetch = 4
DIRECTORY_MAX_QUERIES = 6
# measured: network with member count, memberships with organisations = 2
MEMBERS_MAX_QUERIES = 4
# measured: points (limit 401), clusters = 2
GEOJSON_MAX_QUERIES = 4


def _queries(client, path: str):
    """The number of queries a GET of ``path`` makes, and the response."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_directory_query_count_does_not_grow_with_organisations(
    client, world, make_organisations, django_assert_max_num_queries
):
    make_organisations(60, prefix="A", networks=[world.network, world.other_network])
    with django_assert_max_num_queries(DIRECTORY_MAX_QUERIES) as measured:
        client.get("/organisationen/")
    make_organisations(60, prefix="B", networks=[world.network, world.other_network])
    count, response = _queries(client, "/organisationen/")
    assert response.context["page"].paginator.count >= 120
    assert count == len(measured.captured_queries)


def test_members_page_query_count_does_not_grow_with_members(
    client, world, make_organisations, django_assert_max_num_queries
):
    make_organisations(60, prefix="A", networks=[world.network])
    with django_assert_max_num_queries(MEMBERS_MAX_QUERIES) as measured:
        client.get("/netzwerke/immovielien/mitglieder/")
    make_organisations(60, prefix="B", networks=[world.network])
    count, response = _queries(client, "/netzwerke/immovielien/mitglieder/")
    assert len(response.context["memberships"]) == 121
    assert count == len(measured.captured_queries)


def test_map_geojson_query_count_does_not_grow_with_organisations(
    client, make_organisations, django_assert_max_num_queries
):
    path = f"/api/v1/organisations.geojson?bbox={GERMANY_BBOX}&zoom=6"
    make_organisations(500, prefix="A")
    with django_assert_max_num_queries(GEOJSON_MAX_QUERIES) as measured:
        response = client.get(path)
    assert response.json()["clustered"] is True
    make_organisations(500, prefix="B")
    cache.clear()  # bulk creation sends no signals; the map answer may be cached
    count, response = _queries(client, path)
    assert sum(f["properties"]["count"] for f in response.json()["features"]) == 1000
    assert count == len(measured.captured_queries)
