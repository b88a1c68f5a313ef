"""GET /api/v1/places: the published example places as GeoJSON, with filters and JSON errors."""

import datetime

import pytest
from django.utils import timezone

from tests.knowledge.factories import ExamplePlaceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/places"


@pytest.fixture
def places(world):
    return {
        "angermuende": ExamplePlaceFactory(
            network=world.network,
            name="Kaufhaus Angermünde",
            slug="kaufhaus-angermuende",
            city="Angermünde",
            state="Brandenburg",
            lat=53.016,
            lon=13.999,
            new_use="Bürgerhaus mit Werkstätten",
        ),
        "goerlitz": ExamplePlaceFactory(
            network=world.other_network,
            name="Alte Schule Görlitz",
            slug="alte-schule-goerlitz",
            city="Görlitz",
            state="Sachsen",
            lat=51.15,
            lon=14.98,
            new_use="Wohnprojekt",
        ),
        "draft": ExamplePlaceFactory(network=world.network, name="Entwurf", is_published=False),
        "later": ExamplePlaceFactory(
            network=world.network,
            name="Später",
            published_at=timezone.now() + datetime.timedelta(days=1),
        ),
    }


def _names(response):
    return [f["properties"]["name"] for f in response.json()["features"]]


def test_places_come_as_a_geojson_feature_collection(client, places):
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["clustered"] is False
    assert body["features"][1] == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [13.999, 53.016]},
        "properties": {
            "id": places["angermuende"].pk,
            "name": "Kaufhaus Angermünde",
            "url": "/wissen/praxisbeispiele/kaufhaus-angermuende/",
            "city": "Angermünde",
            "state": "Brandenburg",
            "new_use": "Bürgerhaus mit Werkstätten",
            "kind_label": "Bürgerhaus mit Werkstätten",
        },
    }
    assert _names(response) == ["Alte Schule Görlitz", "Kaufhaus Angermünde"]


def test_drafts_and_scheduled_places_are_left_out_even_for_coordinators(client, world, places):
    client.force_login(world.coordinator)

    assert _names(client.get(URL)) == ["Alte Schule Görlitz", "Kaufhaus Angermünde"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bbox=13.5,52.5,14.5,53.5", ["Kaufhaus Angermünde"]),
        ("bbox=5,47,15,55", ["Alte Schule Görlitz", "Kaufhaus Angermünde"]),
        ("bbox=6,48,7,49", []),
        ("network=starke-orte", ["Alte Schule Görlitz"]),
        ("network=immovielien&bbox=5,47,15,55", ["Kaufhaus Angermünde"]),
        ("network=gibt-es-nicht", []),
        ("state=Sachsen", ["Alte Schule Görlitz"]),
        # The map sends its zoom level along; it does not change the answer.
        ("bbox=5,47,15,55&zoom=6", ["Alte Schule Görlitz", "Kaufhaus Angermünde"]),
    ],
)
def test_filters(client, places, query, expected):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 200
    assert _names(response) == expected


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "10,50,5,55", "nan,1,2,3", "1,2,3,4,5"])
def test_a_bad_bbox_is_a_json_400(client, db, bbox):
    response = client.get(f"{URL}?bbox={bbox}")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("bbox")
    assert body["errors"] == []


def test_a_bad_state_is_a_json_422(client, db):
    response = client.get(f"{URL}?state=Atlantis")

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert body["errors"][0]["loc"][-1] == "state"


def test_nul_characters_are_refused_as_json(client, db):
    response = client.get(f"{URL}?network=a%00b")

    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_query_count_does_not_grow_with_the_places(client, world, django_assert_max_num_queries):
    for n in range(40):
        ExamplePlaceFactory(network=world.network, name=f"Ort {n:02d}")

    with django_assert_max_num_queries(1):
        response = client.get(f"{URL}?network=immovielien&bbox=5,47,15,55")
    assert len(response.json()["features"]) == 40


def test_the_openapi_schema_documents_the_endpoint_and_its_errors(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    answers = paths[URL]["get"]["responses"]
    assert {"200", "400", "422"} <= set(answers)
