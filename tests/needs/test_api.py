"""The space need endpoints of the JSON API, driven through Django's test client."""

import json

import pytest

from allmende.accounts.services import api_token_create
from allmende.needs.models import SpaceNeed
from tests.conftest import ROLES, user_for
from tests.factories import OrganisationFactory
from tests.needs.factories import SpaceNeedFactory
from tests.needs.test_rules import ADD, CHANGE, NEED_STATES, VIEW

pytestmark = pytest.mark.django_db

API = "/api/v1"


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


def _visible(needs, role: str) -> set[int]:
    return {
        getattr(needs, state).pk for index, state in enumerate(NEED_STATES) if VIEW[role][index]
    }


# --- list and detail ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_exactly_the_needs_the_rule_allows(client, world, needs, role):
    response = client.get(f"{API}/needs", **_headers(world, role))

    assert response.status_code == 200
    body = response.json()
    assert sorted(n["id"] for n in body["items"]) == sorted(_visible(needs, role))
    assert body["count"] == len(_visible(needs, role))


def test_list_with_a_session_counts_like_a_token(client, world, needs):
    client.force_login(world.member)

    ids = {n["id"] for n in client.get(f"{API}/needs").json()["items"]}

    assert ids == _visible(needs, "member")


@pytest.mark.parametrize("state", NEED_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_detail_follows_the_view_rule(client, world, needs, role, state):
    need = getattr(needs, state)

    response = client.get(f"{API}/needs/{need.pk}", **_headers(world, role))

    if VIEW[role][NEED_STATES.index(state)]:
        assert response.status_code == 200
        assert response.json()["id"] == need.pk
    else:
        assert response.status_code == 404
        assert _error_shape(response)["detail"] == "Not found."


def test_detail_shape(client, world, needs):
    body = client.get(f"{API}/needs/{needs.public.pk}").json()

    assert body["title"] == "Öffentliches Gesuch"
    assert body["organisation"] == "stadtluecken"
    assert body["organisation_name"] == "Stadtlücken Stuttgart"
    assert body["network"] == "immovielien"
    assert body["uses"] == ["meeting_place", "coworking"]
    assert (body["area_min"], body["area_max"]) == (100, 400)
    assert body["transfer_models"] == ["rent"]
    assert body["visibility"] == "public"
    assert body["max_rent"] is None


def test_detail_of_a_missing_need_is_404(client, db):
    response = client.get(f"{API}/needs/999999")

    assert response.status_code == 404
    _error_shape(response)


@pytest.fixture
def catalogue(db):
    return {
        "housing": SpaceNeedFactory(
            title="Wohnprojekt", uses=["housing"], area_min=50, area_max=150
        ),
        "multi": SpaceNeedFactory(
            title="Mehrgenerationen", uses=["multigenerational_housing"], area_min=200, area_max=900
        ),
        "bw": SpaceNeedFactory(
            title="Werkstatt am Fluss",
            uses=["workshops"],
            states=["Baden-Württemberg"],
            centre_name="",
            centre_lat=None,
            centre_lon=None,
        ),
        "seat": SpaceNeedFactory(
            title="Büro",
            uses=["coworking"],
            organisation=OrganisationFactory(name="Kollektiv Süd", state="Baden-Württemberg"),
        ),
    }


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("", {"housing", "multi", "bw", "seat"}),
        ("use=housing", {"housing"}),
        ("use=multigenerational_housing", {"multi"}),
        ("area=100", {"housing", "bw", "seat"}),
        ("area=800", {"multi"}),
        ("state=Baden-W%C3%BCrttemberg", {"bw", "seat"}),
        ("q=werkstatt", {"bw"}),
        ("q=kollektiv", {"seat"}),
        ("q=fluss+werkstatt&use=workshops", {"bw"}),
        ("use=housing&area=800", set()),
    ],
)
def test_list_filters(client, catalogue, query, keys):
    response = client.get(f"{API}/needs?{query}")

    assert response.status_code == 200
    assert {n["id"] for n in response.json()["items"]} == {catalogue[k].pk for k in keys}


def test_list_is_paginated_newest_first(client, catalogue):
    first = client.get(f"{API}/needs?page_size=3").json()
    second = client.get(f"{API}/needs?page_size=3&page=2").json()

    assert first["count"] == second["count"] == 4
    ids = [n["id"] for n in first["items"] + second["items"]]
    assert ids == sorted((n.pk for n in catalogue.values()), reverse=True)


@pytest.mark.parametrize("query", ["use=castle", "state=Nirgendland", "area=-1", "page=0"])
def test_invalid_filters_are_422(client, db, query):
    response = client.get(f"{API}/needs?{query}")

    assert response.status_code == 422
    assert _error_shape(response)["errors"]


# --- create ---------------------------------------------------------------------------------

NEW_NEED = {
    "title": "Raum für ein Repair-Café",
    "uses": ["meeting_place", "workshops"],
    "area_min": 80,
    "area_max": 200,
    "centre_name": "Angermünde",
    "transfer_models": ["rent", "interim"],
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False])
def test_create_by_role(client, world, needs, role, own):
    slug = "stadtluecken" if own else "nachbarort"
    expected = ADD[role][0 if own else 1]

    response = _send(
        client,
        "post",
        f"{API}/needs",
        {**NEW_NEED, "organisation": slug},
        **_headers(world, role),
    )

    if role == "anonymous":
        assert response.status_code == 401
    elif expected:
        assert response.status_code == 201
        need = SpaceNeed.objects.get(pk=response.json()["id"])
        assert need.organisation.slug == slug
        assert need.created_by == user_for(world, role)
        # The centre's coordinates come from the places list.
        assert need.centre_lat is not None
        assert response.json()["centre_lat"] == need.centre_lat
    else:
        assert response.status_code == 403
    if response.status_code != 201:
        _error_shape(response)
        assert not SpaceNeed.objects.filter(title=NEW_NEED["title"]).exists()


def test_create_with_all_fields(client, world):
    data = {
        **NEW_NEED,
        "organisation": "stadtluecken",
        "description": "Für Reparaturen.",
        "centre_name": "",
        "centre_lat": 52.52,
        "centre_lon": 13.40,
        "radius_km": 50,
        "municipalities": [" Eberswalde ", ""],
        "states": ["Brandenburg"],
        "max_rent": 8.505,
        "max_price": 150000,
        "time_model": "from_date",
        "available_from": "2027-01-01",
        "group_size": 12,
        "legal_form": "e.V.",
        "self_use_share": 60,
        "accessibility_required": True,
        "renovation_willingness": 2,
        "common_good_offer": "Offene Werkstatt.",
        "visibility": "network",
        "network": "immovielien",
        "is_active": True,
    }

    response = _send(client, "post", f"{API}/needs", data, **_headers(world, "editor"))

    assert response.status_code == 201
    body = response.json()
    assert body["network"] == "immovielien"
    assert body["visibility"] == "network"
    assert body["municipalities"] == ["Eberswalde"]
    assert body["max_rent"] in (8.5, 8.51)
    assert body["available_from"] == "2027-01-01"
    assert body["renovation_willingness"] == 2
    # Shared with the network: an outsider does not find it.
    outsider = client.get(f"{API}/needs/{body['id']}", **_headers(world, "outsider"))
    assert outsider.status_code == 404


def test_create_without_credentials_is_401(client, world):
    response = _send(client, "post", f"{API}/needs", {**NEW_NEED, "organisation": "stadtluecken"})

    assert response.status_code == 401
    _error_shape(response)


def test_create_for_an_unknown_organisation_is_404(client, world):
    response = _send(
        client,
        "post",
        f"{API}/needs",
        {**NEW_NEED, "organisation": "gibt-es-nicht"},
        **_headers(world, "admin"),
    )

    assert response.status_code == 404
    _error_shape(response)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        # Rules of the service (fields that depend on each other, the places list).
        ({"area_min": 500, "area_max": 100}, ["area_max"]),
        ({"centre_name": "Nirgendwohausen"}, ["centre_name"]),
        ({"centre_name": "", "centre_lat": 52.5}, ["centre_name"]),
        ({"centre_name": ""}, ["centre_name"]),
        ({"time_model": "from_date"}, ["available_from"]),
        ({"visibility": "network"}, ["network"]),
        ({"network": "gibt-es-nicht"}, ["network"]),
        # Rules of the schema.
        ({"uses": []}, ["body", "payload", "uses"]),
        ({"uses": ["castle"]}, ["body", "payload", "uses", "0"]),
        ({"transfer_models": []}, ["body", "payload", "transfer_models"]),
        ({"radius_km": 0}, ["body", "payload", "radius_km"]),
        ({"states": ["Nirgendland"]}, ["body", "payload", "states", "0"]),
        ({"title": None}, ["body", "payload", "title"]),
    ],
)
def test_create_with_invalid_data_is_422_with_field_errors(client, world, change, loc):
    response = _send(
        client,
        "post",
        f"{API}/needs",
        {**NEW_NEED, "organisation": "stadtluecken", **change},
        **_headers(world, "editor"),
    )

    assert response.status_code == 422
    assert loc in [e["loc"] for e in _error_shape(response)["errors"]]
    assert not SpaceNeed.objects.exists()


# --- change ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", NEED_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_patch_by_role(client, world, needs, role, state):
    need = getattr(needs, state)
    index = NEED_STATES.index(state)

    response = _send(
        client,
        "patch",
        f"{API}/needs/{need.pk}",
        {"title": "Geändert", "area_max": 500},
        **_headers(world, role),
    )

    need.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 401
    elif CHANGE[role][index]:
        assert response.status_code == 200
        assert response.json()["title"] == "Geändert"
        assert (need.title, need.area_max) == ("Geändert", 500)
        return
    elif VIEW[role][index]:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    _error_shape(response)
    assert need.title != "Geändert"


def test_patch_null_clears_optional_fields(client, world, needs):
    need = needs.public
    SpaceNeed.objects.filter(pk=need.pk).update(legal_form="e.V.", group_size=5)

    response = _send(
        client,
        "patch",
        f"{API}/needs/{need.pk}",
        {"legal_form": None, "group_size": None, "network": None},
        **_headers(world, "editor"),
    )

    assert response.status_code == 200
    need.refresh_from_db()
    assert (need.legal_form, need.group_size, need.network) == ("", None, None)
    assert need.title == "Öffentliches Gesuch"


def test_patch_with_a_new_town_looks_it_up(client, world, needs):
    need = needs.public

    response = _send(
        client,
        "patch",
        f"{API}/needs/{need.pk}",
        {"centre_name": "Leipzig"},
        **_headers(world, "editor"),
    )

    assert response.status_code == 200
    assert round(response.json()["centre_lat"]) == 51


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"area_min": 1000}, ["area_max"]),
        ({"self_use_share": 101}, ["body", "payload", "self_use_share"]),
        ({"visibility": "secret"}, ["body", "payload", "visibility"]),
    ],
)
def test_patch_with_invalid_data_is_422(client, world, needs, change, loc):
    response = _send(
        client, "patch", f"{API}/needs/{needs.public.pk}", change, **_headers(world, "editor")
    )

    assert response.status_code == 422
    assert loc in [e["loc"] for e in _error_shape(response)["errors"]]
    needs.public.refresh_from_db()
    assert needs.public.area_min == 100


def test_the_openapi_schema_documents_the_error_answers(client, db):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    assert {"201", "401", "403", "404", "422"} <= set(paths["/api/v1/needs"]["post"]["responses"])
    assert {"200", "401", "403", "404", "422"} <= set(
        paths["/api/v1/needs/{id}"]["patch"]["responses"]
    )


# --- query counts ---------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    for _ in range(n):
        SpaceNeedFactory(network=world.network)
        SpaceNeedFactory(
            organisation=world.organisation, visibility="network", network=world.network
        )


@pytest.mark.parametrize("role", ["anonymous", "member", "coordinator", "admin"])
@pytest.mark.parametrize(
    "url", [f"{API}/needs", f"{API}/needs?use=coworking&state=Sachsen&area=200&q=raum"]
)
def test_list_uses_a_fixed_number_of_queries(
    client, world, needs, django_assert_max_num_queries, role, url
):
    headers = _headers(world, role)
    client.get(f"{API}/needs", **headers)  # the token is marked as used once a minute
    _grow(world, 4)
    with django_assert_max_num_queries(3) as small:
        assert client.get(url, **headers).status_code == 200

    _grow(world, 8)
    with django_assert_max_num_queries(3) as large:
        assert client.get(url, **headers).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)
