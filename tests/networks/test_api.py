"""The JSON API at /api/v1/, driven through Django's test client."""

import json
from datetime import date

import pytest

from allmende.accounts.services import api_token_create, api_token_revoke
from allmende.networks.models import (
    ApplicationStatus,
    MembershipApplication,
    MembershipStatus,
    Organisation,
    OrganisationKind,
)
from tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"

LEIPZIG = (51.3397, 12.3731)
HAMBURG = (53.5511, 9.9937)


def _error_shape(response) -> dict:
    """The body of an API error: JSON with ``detail`` (text) and ``errors`` (list)."""
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["errors"], list)
    return body


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _patch(client, slug: str, data: dict, **headers):
    return client.patch(
        f"{API}/organisations/{slug}",
        data=json.dumps(data),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def directory(db):
    """Two networks without coordination offices and five organisations of known kinds,
    states and memberships (so that every count below is exact)."""
    alpha = NetworkFactory(name="Alpha-Netzwerk", slug="alpha", coordination_office=None)
    beta = NetworkFactory(name="Beta-Netzwerk", slug="beta", coordination_office=None)
    orgs = {
        "leipzig": OrganisationFactory(
            name="Hausprojekt Leipzig",
            slug="hausprojekt-leipzig",
            kind="initiative",
            city="Leipzig",
            state="Sachsen",
            lat=LEIPZIG[0],
            lon=LEIPZIG[1],
        ),
        "dresden": OrganisationFactory(
            name="Stadt Dresden",
            slug="stadt-dresden",
            kind="municipality",
            city="Dresden",
            state="Sachsen",
            lat=51.0504,
            lon=13.7373,
        ),
        "hamburg": OrganisationFactory(
            name="Genossenschaft Hamburg",
            slug="genossenschaft-hamburg",
            kind="housing_company",
            city="Hamburg",
            state="Hamburg",
            lat=HAMBURG[0],
            lon=HAMBURG[1],
            description="Wir bauen gemeinschaftlich im Quartier.",
        ),
        "nowhere": OrganisationFactory(
            name="Stiftung ohne Ort",
            slug="stiftung-ohne-ort",
            kind="foundation",
            city="",
            state="",
            lat=None,
            lon=None,
        ),
        "inactive": OrganisationFactory(
            name="Aufgelöste Initiative",
            slug="aufgeloest",
            kind="initiative",
            state="Sachsen",
            is_active=False,
        ),
    }
    MembershipFactory(network=alpha, organisation=orgs["leipzig"], since=date(2018, 1, 1))
    MembershipFactory(
        network=beta, organisation=orgs["leipzig"], kind="supporting", since=date(2023, 1, 1)
    )
    MembershipFactory(network=alpha, organisation=orgs["dresden"])
    MembershipFactory(network=alpha, organisation=orgs["hamburg"], status=MembershipStatus.ENDED)
    MembershipFactory(network=beta, organisation=orgs["hamburg"])
    return {"alpha": alpha, "beta": beta, **orgs}


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


# --- networks -------------------------------------------------------------------------------


def test_network_list_is_paginated_with_items_and_count(client, directory):
    response = client.get(f"{API}/networks")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [n["slug"] for n in body["items"]] == ["alpha", "beta"]
    alpha = body["items"][0]
    assert alpha["member_count"] == 2  # the ended membership does not count
    assert alpha["url"] == "/netzwerke/alpha/"
    assert alpha["coordination_office"] is None


def test_network_list_page_size_limits_the_items_but_not_the_count(client, directory):
    response = client.get(f"{API}/networks", {"page_size": 1, "page": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [n["slug"] for n in body["items"]] == ["beta"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"member": "genossenschaft-hamburg"}, ["beta"]),  # the membership in alpha has ended
        ({"member": "hausprojekt-leipzig"}, ["alpha", "beta"]),
        ({"member": "nobody"}, []),
        ({"q": "ALPHA"}, ["alpha"]),
    ],
)
def test_network_list_filters_by_words_and_member(client, directory, params, expected):
    response = client.get(f"{API}/networks", params)

    assert _slugs(response) == expected
    if params.get("member") == "hausprojekt-leipzig":
        # The filter does not narrow the member count.
        assert response.json()["items"][0]["member_count"] == 2


@pytest.mark.parametrize("params", [{"page_size": 201}, {"page_size": 0}, {"page": 0}])
def test_network_list_rejects_out_of_range_pagination_with_json_422(client, directory, params):
    response = client.get(f"{API}/networks", params)

    assert response.status_code == 422
    body = _error_shape(response)
    assert body["errors"]


def test_network_detail_shows_the_network_and_its_coordination_office(client):
    office = OrganisationFactory(slug="montag-stiftung")
    NetworkFactory(slug="immovielien", name="Netzwerk Immovielien", coordination_office=office)

    response = client.get(f"{API}/networks/immovielien")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Netzwerk Immovielien"
    assert body["coordination_office"] == "montag-stiftung"
    assert body["member_count"] == 0


def test_network_detail_of_unknown_slug_is_a_json_404(client, db):
    response = client.get(f"{API}/networks/gibt-es-nicht")

    assert response.status_code == 404
    assert _error_shape(response) == {"detail": "Not found.", "errors": []}


# --- organisations --------------------------------------------------------------------------


def test_organisation_list_shows_active_organisations_by_name(client, directory):
    response = client.get(f"{API}/organisations")

    assert _slugs(response) == [
        "genossenschaft-hamburg",
        "hausprojekt-leipzig",
        "stadt-dresden",
        "stiftung-ohne-ort",
    ]
    body = response.json()
    assert body["count"] == 4
    first = body["items"][0]
    assert first["kind"] == "housing_company"
    assert first["lat"] == pytest.approx(HAMBURG[0])
    assert first["url"] == "/organisationen/genossenschaft-hamburg/"


def test_organisation_list_filters_by_network_with_active_memberships_only(client, directory):
    assert _slugs(client.get(f"{API}/organisations", {"network": "alpha"})) == [
        "hausprojekt-leipzig",
        "stadt-dresden",
    ]
    assert _slugs(client.get(f"{API}/organisations", {"network": "beta"})) == [
        "genossenschaft-hamburg",
        "hausprojekt-leipzig",
    ]


def test_organisation_list_filters_by_repeated_kind(client, directory):
    response = client.get(f"{API}/organisations?kind=municipality&kind=foundation")

    assert _slugs(response) == ["stadt-dresden", "stiftung-ohne-ort"]


def test_organisation_list_filters_by_state(client, directory):
    assert _slugs(client.get(f"{API}/organisations", {"state": "Sachsen"})) == [
        "hausprojekt-leipzig",
        "stadt-dresden",
    ]


def test_organisation_list_filters_by_words_in_name_city_and_description(client, directory):
    assert _slugs(client.get(f"{API}/organisations", {"q": "dresden"})) == ["stadt-dresden"]
    assert _slugs(client.get(f"{API}/organisations", {"q": "quartier"})) == [
        "genossenschaft-hamburg"
    ]
    # Every word must match somewhere.
    assert _slugs(client.get(f"{API}/organisations", {"q": "stadt leipzig"})) == []


def test_organisation_list_combines_filters(client, directory):
    response = client.get(
        f"{API}/organisations", {"network": "alpha", "state": "Sachsen", "kind": "initiative"}
    )

    assert _slugs(response) == ["hausprojekt-leipzig"]


def test_organisation_list_rejects_an_unknown_kind_with_422(client, directory):
    response = client.get(f"{API}/organisations", {"kind": "spaceship"})

    assert response.status_code == 422
    assert _error_shape(response)["errors"]


def test_organisation_list_paginates(client, directory):
    response = client.get(f"{API}/organisations", {"page_size": 3, "page": 2})

    assert _slugs(response) == ["stiftung-ohne-ort"]
    assert response.json()["count"] == 4


def test_organisation_detail_lists_its_active_memberships(client, directory):
    response = client.get(f"{API}/organisations/hausprojekt-leipzig")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Hausprojekt Leipzig"
    assert body["city"] == "Leipzig"
    assert body["memberships"] == [
        {"network": "alpha", "kind": "member", "since": "2018-01-01"},
        {"network": "beta", "kind": "supporting", "since": "2023-01-01"},
    ]


def test_organisation_detail_leaves_out_ended_memberships(client, directory):
    body = client.get(f"{API}/organisations/genossenschaft-hamburg").json()

    assert [m["network"] for m in body["memberships"]] == ["beta"]


@pytest.mark.parametrize("slug", ["gibt-es-nicht", "aufgeloest"])
def test_organisation_detail_of_unknown_or_inactive_organisation_is_a_json_404(
    client, directory, slug
):
    response = client.get(f"{API}/organisations/{slug}")

    assert response.status_code == 404
    assert _error_shape(response)["detail"] == "Not found."


# --- organisations.geojson ------------------------------------------------------------------


def test_geojson_without_bbox_returns_every_located_organisation_as_a_point(client, directory):
    response = client.get(f"{API}/organisations.geojson")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["clustered"] is False
    by_slug = {f["properties"]["slug"]: f for f in body["features"]}
    assert set(by_slug) == {"hausprojekt-leipzig", "stadt-dresden", "genossenschaft-hamburg"}
    leipzig = by_slug["hausprojekt-leipzig"]
    assert leipzig["geometry"] == {"type": "Point", "coordinates": [LEIPZIG[1], LEIPZIG[0]]}
    assert leipzig["properties"]["url"] == "/organisationen/hausprojekt-leipzig/"
    assert leipzig["properties"]["kind"] == "initiative"


def test_geojson_bbox_keeps_only_points_inside_it(client, directory):
    # Around Leipzig and Dresden, not Hamburg.
    response = client.get(f"{API}/organisations.geojson", {"bbox": "11.5,50.5,14.5,52.0"})

    assert response.status_code == 200
    slugs = {f["properties"]["slug"] for f in response.json()["features"]}
    assert slugs == {"hausprojekt-leipzig", "stadt-dresden"}


def test_geojson_applies_the_directory_filters(client, directory):
    response = client.get(f"{API}/organisations.geojson", {"network": "beta"})

    slugs = {f["properties"]["slug"] for f in response.json()["features"]}
    assert slugs == {"hausprojekt-leipzig", "genossenschaft-hamburg"}


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "13,51,12,52", "12,52,13,51", "nan,50,13,52", "12,50,inf,52"]
)
def test_geojson_rejects_an_unreadable_bbox_with_json_400(client, directory, bbox):
    response = client.get(f"{API}/organisations.geojson", {"bbox": bbox})

    assert response.status_code == 400
    assert "bbox" in _error_shape(response)["detail"]


@pytest.mark.parametrize("zoom", [-1, 21])
def test_geojson_rejects_a_zoom_out_of_range_with_json_422(client, directory, zoom):
    response = client.get(f"{API}/organisations.geojson", {"zoom": zoom})

    assert response.status_code == 422
    assert _error_shape(response)["errors"]


def _bulk_organisations(count: int, start: int, where: tuple[float, float]) -> None:
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Massen-Initiative {start + i:04d}",
            slug=f"massen-{start + i:04d}",
            kind=OrganisationKind.INITIATIVE,
            city="Ort",
            lat=where[0],
            lon=where[1],
        )
        for i in range(count)
    )


def test_geojson_clusters_when_more_than_400_points_are_in_view(client, db):
    _bulk_organisations(300, 0, LEIPZIG)
    _bulk_organisations(101, 300, HAMBURG)

    response = client.get(f"{API}/organisations.geojson", {"zoom": 6})

    assert response.status_code == 200
    body = response.json()
    assert body["clustered"] is True
    counts = sorted(f["properties"]["count"] for f in body["features"])
    assert counts == [101, 300]
    assert all(f["properties"]["cluster"] is True for f in body["features"])
    hamburg = next(f for f in body["features"] if f["properties"]["count"] == 101)
    lon, lat = hamburg["geometry"]["coordinates"]
    assert (lat, lon) == (pytest.approx(HAMBURG[0]), pytest.approx(HAMBURG[1]))


def test_geojson_returns_points_at_exactly_400(client, db):
    _bulk_organisations(400, 0, LEIPZIG)

    body = client.get(f"{API}/organisations.geojson").json()

    assert body["clustered"] is False
    assert len(body["features"]) == 400


def test_geojson_bbox_can_bring_a_crowded_map_back_to_points(client, db):
    _bulk_organisations(400, 0, LEIPZIG)
    _bulk_organisations(5, 400, HAMBURG)

    crowded = client.get(f"{API}/organisations.geojson").json()
    hamburg_only = client.get(
        f"{API}/organisations.geojson", {"bbox": "9,53,11,54", "zoom": 10}
    ).json()

    assert crowded["clustered"] is True
    assert hamburg_only["clustered"] is False
    assert len(hamburg_only["features"]) == 5


# --- PATCH /organisations/{slug} ------------------------------------------------------------


def test_patch_without_authentication_is_a_json_401(client, world):
    response = _patch(client, world.organisation.slug, {"name": "Übernommen"})

    assert response.status_code == 401
    _error_shape(response)
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Stadtlücken Stuttgart"


def test_patch_with_an_unknown_token_is_a_json_401(client, world):
    response = _patch(
        client, world.organisation.slug, {"name": "Übernommen"}, **_bearer("alm_gibt-es-nicht")
    )

    assert response.status_code == 401
    _error_shape(response)


def test_patch_with_the_editors_token_saves_the_changes(client, world):
    _token, raw = api_token_create(user=world.editor, name="Skript")

    response = _patch(
        client,
        world.organisation.slug,
        {
            "name": "Stadtlücken e.V.",
            "email": "hallo@stadtluecken.example.org",
            "description": "Neue Beschreibung.",
        },
        **_bearer(raw),
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Stadtlücken e.V."
    assert body["email"] == "hallo@stadtluecken.example.org"
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Stadtlücken e.V."
    assert world.organisation.description == "Neue Beschreibung."
    assert world.organisation.slug == "stadtluecken"  # links keep working
    assert world.organisation.city == "Leipzig"  # not sent, not changed


def test_patch_with_an_outsiders_token_is_a_json_403(client, world):
    _token, raw = api_token_create(user=world.outsider, name="Skript")

    response = _patch(client, world.organisation.slug, {"name": "Übernommen"}, **_bearer(raw))

    assert response.status_code == 403
    _error_shape(response)
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Stadtlücken Stuttgart"


def test_patch_with_a_revoked_token_is_a_json_401(client, world):
    token, raw = api_token_create(user=world.editor, name="Skript")
    api_token_revoke(token=token, actor=world.editor)

    response = _patch(client, world.organisation.slug, {"name": "Übernommen"}, **_bearer(raw))

    assert response.status_code == 401
    _error_shape(response)


def test_patch_with_an_invalid_email_is_a_json_422_naming_the_field(client, world):
    _token, raw = api_token_create(user=world.editor, name="Skript")

    response = _patch(client, world.organisation.slug, {"email": "keine-adresse"}, **_bearer(raw))

    assert response.status_code == 422
    body = _error_shape(response)
    assert [e["loc"] for e in body["errors"]] == [["email"]]
    world.organisation.refresh_from_db()
    assert world.organisation.email == ""


def test_patch_with_a_schema_violation_is_a_json_422(client, world):
    _token, raw = api_token_create(user=world.editor, name="Skript")

    response = _patch(client, world.organisation.slug, {"postcode": "1234"}, **_bearer(raw))

    assert response.status_code == 422
    body = _error_shape(response)
    assert any("postcode" in e["loc"] for e in body["errors"])


def test_patch_of_an_unknown_organisation_is_a_json_404(client, world):
    _token, raw = api_token_create(user=world.editor, name="Skript")

    response = _patch(client, "gibt-es-nicht", {"name": "Egal"}, **_bearer(raw))

    assert response.status_code == 404
    _error_shape(response)


# --- POST /membership-applications ----------------------------------------------------------


def _application(**overrides) -> dict:
    data = {
        "network": "immovielien",
        "org_name": "Stadt Beispielhausen",
        "org_kind": "municipality",
        "org_city": "Angermünde",
        "org_state": "Brandenburg",
        "contact_name": "Erika Beispiel",
        "contact_email": "erika@beispielhausen.example.org",
        "stance": "Gemeinwohl vor Höchstpreis.",
        "motivation": "Wir wollen von anderen Kommunen lernen.",
        "expectations": "Austausch und Beratung.",
        "privacy_consent": True,
    }
    data.update(overrides)
    return data


def _apply(client, data: dict):
    return client.post(
        f"{API}/membership-applications", data=json.dumps(data), content_type="application/json"
    )


def test_application_is_stored_and_mailed_to_applicant_and_coordination(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _apply(client, _application())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["network"] == "immovielien"
    assert body["status"] == "submitted"
    application = MembershipApplication.objects.get(pk=body["id"])
    assert application.network == world.network
    assert application.org_name == "Stadt Beispielhausen"
    assert application.privacy_consent_at is not None
    assert application.applicant is None
    assert list(application.events.values_list("status", flat=True)) == [
        ApplicationStatus.SUBMITTED
    ]
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["erika@beispielhausen.example.org", "koord@example.org"]
    confirmation = next(m for m in mailoutbox if m.to == ["erika@beispielhausen.example.org"])
    assert "Stadt Beispielhausen" in confirmation.body


def test_application_with_token_records_the_applicant(
    client, world, django_capture_on_commit_callbacks
):
    _token, raw = api_token_create(user=world.outsider, name="Skript")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/membership-applications",
            data=json.dumps(_application()),
            content_type="application/json",
            **_bearer(raw),
        )

    assert response.status_code == 201
    assert MembershipApplication.objects.get().applicant == world.outsider


def test_application_without_privacy_consent_is_rejected_with_422(client, world, mailoutbox):
    response = _apply(client, _application(privacy_consent=False))

    assert response.status_code == 422
    assert "privacy" in _error_shape(response)["detail"]
    assert not MembershipApplication.objects.exists()
    assert mailoutbox == []


def test_application_to_an_unknown_network_is_a_json_404(client, world):
    response = _apply(client, _application(network="gibt-es-nicht"))

    assert response.status_code == 404
    _error_shape(response)
    assert not MembershipApplication.objects.exists()


def test_application_with_missing_fields_lists_them_in_errors(client, world):
    data = _application()
    del data["org_name"]
    del data["motivation"]

    response = _apply(client, data)

    assert response.status_code == 422
    body = _error_shape(response)
    missing = {e["loc"][-1] for e in body["errors"]}
    assert {"org_name", "motivation"} <= missing
    assert not MembershipApplication.objects.exists()


def test_application_with_an_invalid_contact_email_is_a_json_422(client, world):
    response = _apply(client, _application(contact_email="keine-adresse"))

    assert response.status_code == 422
    body = _error_shape(response)
    assert ["contact_email"] in [e["loc"] for e in body["errors"]]


def test_eleventh_application_from_one_address_within_an_hour_is_rate_limited(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(10):
            response = _apply(client, _application(org_name=f"Gemeinde {number}"))
            assert response.status_code == 201, (number, response.content)

        response = _apply(client, _application(org_name="Gemeinde elf"))

    assert response.status_code == 429
    _error_shape(response)
    assert MembershipApplication.objects.count() == 10


# --- OpenAPI and docs -----------------------------------------------------------------------


def test_openapi_document_is_openapi_3_1(client, db):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")


def test_openapi_declares_the_error_schema_for_patch_errors(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    responses = schema["paths"][f"{API}/organisations/{{slug}}"]["patch"]["responses"]

    for status in ("401", "403", "404", "422"):
        ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorOut", status
    error_out = schema["components"]["schemas"]["ErrorOut"]
    assert set(error_out["properties"]) == {"detail", "errors"}
    assert error_out["required"] == ["detail"]


def test_openapi_declares_bearer_auth_on_patch(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    patch = schema["paths"][f"{API}/organisations/{{slug}}"]["patch"]

    assert {"TokenAuth": []} in patch["security"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_api_docs_load_their_scripts_from_our_static_files(client, db):
    response = client.get(f"{API}/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js"' in html
    assert "cdn" not in html.lower()
    assert "https://" not in html


# --- query counts ---------------------------------------------------------------------------

# Measured: the paginated lists need one COUNT and one SELECT; the map needs one SELECT.
LIST_QUERIES = 2
GEOJSON_QUERIES = 1


def _grow(n: int) -> None:
    """n more networks, each with a coordination office, two members and a coordinator."""
    for _ in range(n):
        network = NetworkFactory()
        MembershipFactory.create_batch(2, network=network)
        CoordinatorFactory(network=network)


@pytest.mark.parametrize(
    ("url", "bound"),
    [
        (f"{API}/networks", LIST_QUERIES),
        (f"{API}/organisations", LIST_QUERIES),
        (f"{API}/organisations?network=alpha&kind=initiative&state=Sachsen&q=haus", LIST_QUERIES),
        (f"{API}/organisations.geojson", GEOJSON_QUERIES),
    ],
)
def test_list_endpoints_use_a_fixed_number_of_queries(
    client, directory, django_assert_max_num_queries, url, bound
):
    _grow(4)
    with django_assert_max_num_queries(bound) as small:
        assert client.get(url).status_code == 200

    _grow(8)  # about twice the rows
    with django_assert_max_num_queries(bound) as large:
        assert client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_organisation_detail_uses_a_fixed_number_of_queries(
    client, directory, django_assert_max_num_queries
):
    for network in NetworkFactory.create_batch(5, coordination_office=None):
        MembershipFactory(network=network, organisation=directory["leipzig"])

    with django_assert_max_num_queries(2):
        response = client.get(f"{API}/organisations/hausprojekt-leipzig")

    assert len(response.json()["memberships"]) == 7
