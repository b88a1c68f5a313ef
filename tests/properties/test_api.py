"""The property endpoints of the JSON API, driven through Django's test client."""

import json

import pytest
from django.test import RequestFactory

from allmende.accounts.services import api_token_create
from allmende.properties.api import exact_location_check
from allmende.properties.models import Property
from allmende.properties.services import property_status_change
from tests.conftest import ROLES, user_for
from tests.factories import MembershipFactory, OrganisationFactory
from tests.properties.conftest import SECRET_LAT, SECRET_LON, SECRET_STREET, make_property

pytestmark = pytest.mark.django_db

API = "/api/v1"

# Who sees the exact location of the sensitive property of world.organisation (member of
# world.network): its people, the coordinators of world.network and admins.
SEES_EXACT = {
    "anonymous": False,
    "outsider": False,
    "member": True,
    "editor": True,
    "coordinator": True,
    "other_coordinator": False,
    "admin": True,
}
# Who sees which properties of the `props` fixture in the list.
VISIBLE_TITLES = {
    "anonymous": {"Offenes Kaufhaus", "Verschwiegene Villa"},
    "outsider": {"Offenes Kaufhaus", "Verschwiegene Villa"},
    "member": {"Offenes Kaufhaus", "Verschwiegene Villa", "Entwurf Bahnhof"},
    "editor": {"Offenes Kaufhaus", "Verschwiegene Villa", "Entwurf Bahnhof"},
    "coordinator": {"Offenes Kaufhaus", "Verschwiegene Villa", "Entwurf Bahnhof"},
    "other_coordinator": {"Offenes Kaufhaus", "Verschwiegene Villa", "Fremder Speicher"},
    "admin": {
        "Offenes Kaufhaus",
        "Verschwiegene Villa",
        "Entwurf Bahnhof",
        "Fremder Speicher",
    },
}


def _error_shape(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["errors"], list)
    return body


def _headers(world, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    raw = api_token_create(user=user_for(world, role), name="test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _send(client, method: str, url: str, data, **headers):
    return getattr(client, method)(
        url, data=json.dumps(data), content_type="application/json", **headers
    )


# --- list and filters ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_what_the_role_may_see(client, world, props, role):
    response = client.get(f"{API}/properties", **_headers(world, role))

    assert response.status_code == 200
    body = response.json()
    assert {p["title"] for p in body["items"]} == VISIBLE_TITLES[role]
    assert body["count"] == len(VISIBLE_TITLES[role])


def test_list_with_a_session_counts_like_a_token(client, world, props):
    client.force_login(world.editor)

    titles = {p["title"] for p in client.get(f"{API}/properties").json()["items"]}

    assert titles == VISIBLE_TITLES["editor"]


def test_list_item_shape(client, world, props):
    item = client.get(f"{API}/properties?city=leipzig&kind=vacant").json()["items"][0]

    assert item["title"] == "Offenes Kaufhaus"
    assert item["kind"] == "vacant"
    assert item["status"] == "vacant"
    assert item["owner_organisation"] == "stadtluecken"
    assert item["public_lat"] == 51.34
    assert item["lat"] == 51.34
    assert item["transfer_models"] == []


@pytest.fixture
def catalogue(world):
    """Published properties with known areas, transfer options, uses and places."""
    make_property(
        title="A Scheune",
        kind="brownfield",
        usable_area=100,
        transfer_sale=True,
        suitable_uses=["housing"],
        city="Angermünde",
        state="Brandenburg",
        lat=53.0153,
        lon=13.9994,
    )
    make_property(
        title="B Schule",
        kind="vacant",
        usable_area=500,
        transfer_leasehold=True,
        suitable_uses=["multigenerational_housing", "education"],
    )
    rented = make_property(title="C Laden", kind="vacant", usable_area=900, transfer_rent=True)
    property_status_change(property=rented, status="rented_sold", actor=None)


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", ["A Scheune", "B Schule", "C Laden"]),
        ("kind=brownfield", ["A Scheune"]),
        ("status=rented_sold", ["C Laden"]),
        ("state=Brandenburg", ["A Scheune"]),
        ("city=anger", ["A Scheune"]),
        ("area_min=400", ["B Schule", "C Laden"]),
        ("area_max=500", ["A Scheune", "B Schule"]),
        ("area_min=200&area_max=600", ["B Schule"]),
        ("transfer=leasehold", ["B Schule"]),
        ("transfer=rent", ["C Laden"]),
        ("use=housing", ["A Scheune"]),
        ("use=education&kind=vacant", ["B Schule"]),
    ],
)
def test_list_filters(client, catalogue, query, titles):
    response = client.get(f"{API}/properties?{query}")

    assert response.status_code == 200
    assert [p["title"] for p in response.json()["items"]] == titles


def test_list_is_paginated(client, catalogue):
    first = client.get(f"{API}/properties?page_size=2").json()
    second = client.get(f"{API}/properties?page_size=2&page=2").json()

    assert first["count"] == second["count"] == 3
    assert [p["title"] for p in first["items"]] == ["A Scheune", "B Schule"]
    assert [p["title"] for p in second["items"]] == ["C Laden"]


@pytest.mark.parametrize(
    "query",
    ["kind=castle", "status=x", "state=Bayernland", "transfer=gift", "use=x", "area_min=-1"],
)
def test_invalid_filters_are_422(client, catalogue, query):
    response = client.get(f"{API}/properties?{query}")

    assert response.status_code == 422
    assert _error_shape(response)["errors"]


# --- location privacy ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_exact_location_in_list_and_detail_only_for_those_allowed(client, world, props, role):
    headers = _headers(world, role)
    sensitive = props["sensitive"]
    listed = {p["id"]: p for p in client.get(f"{API}/properties", **headers).json()["items"]}[
        sensitive.pk
    ]
    detail = client.get(f"{API}/properties/{sensitive.pk}", **headers).json()

    for body in (listed, detail):
        assert body["public_lat"] == sensitive.public_lat
        assert body["public_lon"] == sensitive.public_lon
        assert (body["public_lat"], body["public_lon"]) != (SECRET_LAT, SECRET_LON)
        if SEES_EXACT[role]:
            assert (body["lat"], body["lon"]) == (SECRET_LAT, SECRET_LON)
            assert body["street"] == SECRET_STREET
            assert body["postcode"] == "04109"
        else:
            assert body["lat"] is body["lon"] is body["street"] is body["postcode"] is None
            assert SECRET_STREET not in json.dumps(body)
            assert str(SECRET_LAT) not in json.dumps(body)
            assert str(SECRET_LON) not in json.dumps(body)


@pytest.mark.parametrize("role", ROLES)
def test_not_sensitive_property_shows_its_location_to_everyone(client, world, props, role):
    body = client.get(f"{API}/properties/{props['published'].pk}", **_headers(world, role)).json()

    assert (body["lat"], body["lon"]) == (51.34, 12.37)
    assert (body["public_lat"], body["public_lon"]) == (51.34, 12.37)
    assert body["street"] == ""


@pytest.mark.parametrize("role", ROLES)
def test_exact_location_check_agrees_with_the_rule(world, props, role):
    """The API's one-query check gives the same answer as ``properties.view_exact_location``
    for every role and property, sensitive or not, with or without an owner."""
    ownerless = make_property(title="Ohne Eigentümer", is_sensitive=True)
    foreign = make_property(
        title="Fremde Villa", is_sensitive=True, owner_organisation=world.other_organisation
    )
    request = RequestFactory().get("/")
    request.user = user_for(world, role)
    check = exact_location_check(request)

    for prop in [*props.values(), ownerless, foreign]:
        assert check(prop) == request.user.has_perm("properties.view_exact_location", prop), prop


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_detail_hides_what_the_list_hides(client, world, props, role):
    headers = _headers(world, role)
    for prop in props.values():
        response = client.get(f"{API}/properties/{prop.pk}", **headers)
        if prop.title in VISIBLE_TITLES[role]:
            assert response.status_code == 200
            assert response.json()["id"] == prop.pk
        else:
            assert response.status_code == 404
            assert _error_shape(response)["detail"] == "Not found."


def test_detail_of_a_missing_property_is_404(client, db):
    response = client.get(f"{API}/properties/999999")

    assert response.status_code == 404
    _error_shape(response)


# --- create ---------------------------------------------------------------------------------

NEW_PROPERTY = {
    "organisation": "stadtluecken",
    "title": "Alte Post",
    "kind": "vacant",
    "city": "Leipzig",
    "state": "Sachsen",
    "owner_kind": "municipal",
}


@pytest.mark.parametrize(
    ("role", "slug", "status"),
    [
        ("editor", "stadtluecken", 201),
        ("coordinator", "stadtluecken", 201),
        ("admin", "angermuende", 201),
        ("other_coordinator", "angermuende", 201),
        ("member", "stadtluecken", 403),
        ("outsider", "stadtluecken", 403),
        ("editor", "angermuende", 403),
        ("other_coordinator", "stadtluecken", 403),
    ],
)
def test_create_by_role(client, world, role, slug, status):
    response = _send(
        client,
        "post",
        f"{API}/properties",
        {**NEW_PROPERTY, "organisation": slug},
        **_headers(world, role),
    )

    assert response.status_code == status
    if status == 201:
        prop = Property.objects.get(pk=response.json()["id"])
        assert prop.owner_organisation.slug == slug
        assert prop.created_by == user_for(world, role)
    else:
        _error_shape(response)
        assert not Property.objects.exists()


def test_create_with_all_fields(client, world):
    data = {
        **NEW_PROPERTY,
        "building_type": "residential",
        "description": "Drei Etagen.",
        "usable_area": 450,
        "plot_area": 900,
        "floors": 3,
        "year_built": 1905,
        "epoch": "Gründerzeit",
        "condition": 2,
        "listed_building": True,
        "accessible": False,
        "vacant_since": "2020-04-01",
        "vacancy_degree": "complete",
        "street": "Postgasse 1",
        "postcode": "04109",
        "lat": 51.3,
        "lon": 12.4,
        "is_sensitive": True,
        "privacy_radius_m": 1000,
        "transfer_leasehold": True,
        "leasehold_term_years": 99,
        "leasehold_rate_percent": 2.5,
        "asking_price": 250000,
        "asking_rent": 6.5,
        "suitable_uses": ["housing", "culture"],
        "is_published": True,
    }

    response = _send(client, "post", f"{API}/properties", data, **_headers(world, "editor"))

    assert response.status_code == 201
    body = response.json()
    assert body["street"] == "Postgasse 1"
    assert (body["lat"], body["lon"]) == (51.3, 12.4)
    assert (body["public_lat"], body["public_lon"]) != (51.3, 12.4)
    assert body["leasehold_rate_percent"] == 2.5
    assert body["asking_price"] == 250000
    assert body["suitable_uses"] == ["housing", "culture"]
    assert body["transfer_models"] == ["leasehold"]
    # An outsider sees the published property, but not where exactly it is.
    outsider = client.get(f"{API}/properties/{body['id']}", **_headers(world, "outsider")).json()
    assert outsider["lat"] is outsider["street"] is None


def test_create_with_a_session(client, world):
    client.force_login(world.editor)

    response = _send(client, "post", f"{API}/properties", NEW_PROPERTY)

    assert response.status_code == 201


def test_create_without_credentials_is_401(client, world):
    response = _send(client, "post", f"{API}/properties", NEW_PROPERTY)

    assert response.status_code == 401
    _error_shape(response)


def test_create_for_an_unknown_organisation_is_404(client, world):
    response = _send(
        client,
        "post",
        f"{API}/properties",
        {**NEW_PROPERTY, "organisation": "gibt-es-nicht"},
        **_headers(world, "admin"),
    )

    assert response.status_code == 404
    _error_shape(response)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"title": ""}, ["body", "payload", "title"]),
        ({"kind": "castle"}, ["body", "payload", "kind"]),
        ({"postcode": "1234"}, ["body", "payload", "postcode"]),
        ({"lat": 91}, ["body", "payload", "lat"]),
        ({"state": None}, ["body", "payload", "state"]),
        ({"privacy_radius_m": 50}, ["body", "payload", "privacy_radius_m"]),
        ({"suitable_uses": ["castle"]}, ["body", "payload", "suitable_uses", "0"]),
    ],
)
def test_create_with_invalid_data_is_422_with_field_errors(client, world, change, loc):
    response = _send(
        client, "post", f"{API}/properties", {**NEW_PROPERTY, **change}, **_headers(world, "editor")
    )

    assert response.status_code == 422
    assert loc in [e["loc"] for e in _error_shape(response)["errors"]]
    assert not Property.objects.exists()


# --- change ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("member", 403),
        ("other_coordinator", 403),
        ("editor", 200),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_patch_by_role(client, world, props, role, status):
    prop = props["sensitive"]

    response = _send(
        client,
        "patch",
        f"{API}/properties/{prop.pk}",
        {"title": "Neue Villa", "usable_area": 300},
        **_headers(world, role),
    )

    assert response.status_code == status
    prop.refresh_from_db()
    if status == 200:
        assert response.json()["title"] == "Neue Villa"
        assert response.json()["street"] == SECRET_STREET
        assert (prop.title, prop.usable_area) == ("Neue Villa", 300)
    else:
        _error_shape(response)
        assert prop.title == "Verschwiegene Villa"


def test_patch_of_a_hidden_property_is_404(client, world, props):
    response = _send(
        client,
        "patch",
        f"{API}/properties/{props['other_draft'].pk}",
        {"title": "X"},
        **_headers(world, "editor"),
    )

    assert response.status_code == 404
    _error_shape(response)


def test_patch_null_clears_optional_fields_and_keeps_the_rest(client, world, props):
    prop = props["sensitive"]
    Property.objects.filter(pk=prop.pk).update(usable_area=200, epoch="Barock")

    response = _send(
        client,
        "patch",
        f"{API}/properties/{prop.pk}",
        {"usable_area": None, "epoch": None, "asking_rent": 7.255},
        **_headers(world, "editor"),
    )

    assert response.status_code == 200
    prop.refresh_from_db()
    assert prop.usable_area is None
    assert prop.epoch == ""
    assert str(prop.asking_rent) in {"7.25", "7.26"}
    assert prop.title == "Verschwiegene Villa"
    assert (prop.lat, prop.lon) == (SECRET_LAT, SECRET_LON)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"title": None}, ["body", "payload", "title"]),
        ({"floors": 201}, ["body", "payload", "floors"]),
        ({"year_built": 799}, ["body", "payload", "year_built"]),
    ],
)
def test_patch_with_invalid_data_is_422(client, world, props, change, loc):
    prop = props["sensitive"]

    response = _send(
        client, "patch", f"{API}/properties/{prop.pk}", change, **_headers(world, "editor")
    )

    assert response.status_code == 422
    assert loc in [e["loc"] for e in _error_shape(response)["errors"]]
    prop.refresh_from_db()
    assert (prop.lat, prop.lon) == (SECRET_LAT, SECRET_LON)


# --- map ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_geojson_never_contains_the_exact_location_of_a_sensitive_property(
    client, world, props, role
):
    sensitive = props["sensitive"]

    response = client.get(f"{API}/properties.geojson", **_headers(world, role))

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["truncated"] is False
    points = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in body["features"]}
    assert points[sensitive.pk] == [sensitive.public_lon, sensitive.public_lat]
    assert points[props["published"].pk] == [12.37, 51.34]
    text = response.content.decode()
    assert str(SECRET_LAT) not in text
    assert str(SECRET_LON) not in text
    assert SECRET_STREET not in text


def test_geojson_filters_by_bbox_on_the_public_position_and_by_fields(client, catalogue):
    leipzig = client.get(f"{API}/properties.geojson?bbox=12,51,13,52").json()
    brownfields = client.get(f"{API}/properties.geojson?kind=brownfield").json()

    assert [f["properties"]["title"] for f in leipzig["features"]] == ["B Schule", "C Laden"]
    assert [f["properties"]["title"] for f in brownfields["features"]] == ["A Scheune"]


def test_geojson_with_too_many_points_gives_clusters(client, db, monkeypatch):
    monkeypatch.setattr("allmende.properties.selectors.MAX_POINTS", 2)
    for n in range(3):
        make_property(title=f"Haus {n}")

    body = client.get(f"{API}/properties.geojson").json()

    assert body["clustered"] is True
    assert body["truncated"] is False
    assert sum(f["properties"]["count"] for f in body["features"]) == 3


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "10,50,5,55", "nan,1,2,3"])
def test_geojson_with_a_bad_bbox_is_400(client, db, bbox):
    response = client.get(f"{API}/properties.geojson?bbox={bbox}")

    assert response.status_code == 400
    _error_shape(response)


def test_the_openapi_schema_documents_the_error_answers(client, db):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    assert {"201", "401", "403", "404", "422"} <= set(
        paths["/api/v1/properties"]["post"]["responses"]
    )
    assert {"200", "401", "403", "404", "422"} <= set(
        paths["/api/v1/properties/{id}"]["patch"]["responses"]
    )
    assert {"200", "400", "422"} <= set(paths["/api/v1/properties.geojson"]["get"]["responses"])


# --- query counts ---------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    """n more published properties, half of them sensitive, each with its own owner
    organisation in world.network."""
    for i in range(n):
        owner = OrganisationFactory()
        MembershipFactory(network=world.network, organisation=owner)
        make_property(title=f"Objekt {i}", owner_organisation=owner, is_sensitive=i % 2 == 0)


@pytest.mark.parametrize("role", ["anonymous", "editor", "coordinator", "admin"])
@pytest.mark.parametrize(
    "url",
    [
        f"{API}/properties",
        f"{API}/properties?kind=vacant&state=Sachsen&city=leip&area_min=0&transfer=sale&use=housing",
        f"{API}/properties.geojson",
    ],
)
def test_list_endpoints_use_a_fixed_number_of_queries(
    client, world, props, django_assert_max_num_queries, role, url
):
    headers = _headers(world, role)
    client.get(f"{API}/properties", **headers)  # the token is marked as used once a minute
    _grow(world, 4)
    with django_assert_max_num_queries(6) as small:
        assert client.get(url, **headers).status_code == 200

    _grow(world, 8)
    with django_assert_max_num_queries(6) as large:
        assert client.get(url, **headers).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)
