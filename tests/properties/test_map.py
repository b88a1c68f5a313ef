"""The property map: the GeoJSON endpoint (points, server-side clusters, privacy, visibility,
filters, caching, query counts) and the map page."""

import pytest
from django.contrib.auth.models import AnonymousUser

from allmende.accounts.services import api_token_create
from allmende.core.geo import distance_m
from allmende.properties import selectors
from allmende.properties.models import Moderation, Property
from allmende.properties.services import property_status_change
from tests.conftest import ROLES, user_for
from tests.factories import MembershipFactory, OrganisationFactory, OrganisationRoleFactory
from tests.properties.conftest import SECRET_LAT, SECRET_LON, SECRET_STREET, make_property

pytestmark = pytest.mark.django_db

URL = "/api/v1/properties.geojson"
GERMANY = "bbox=5.5,47.2,15.5,55.1"

# Who sees which properties of the `props` fixture: drafts only the owner organisation's
# people, its networks' coordinators and admins; reports waiting for moderation and rejected
# ones nobody.
VISIBLE_TITLES = {
    "anonymous": {"Offenes Kaufhaus", "Verschwiegene Villa"},
    "outsider": {"Offenes Kaufhaus", "Verschwiegene Villa"},
    "member": {"Offenes Kaufhaus", "Verschwiegene Villa", "Entwurf Bahnhof"},
    "editor": {"Offenes Kaufhaus", "Verschwiegene Villa", "Entwurf Bahnhof"},
    "coordinator": {"Offenes Kaufhaus", "Verschwiegene Villa", "Entwurf Bahnhof"},
    "other_coordinator": {"Offenes Kaufhaus", "Verschwiegene Villa", "Fremder Speicher"},
    "admin": {"Offenes Kaufhaus", "Verschwiegene Villa", "Entwurf Bahnhof", "Fremder Speicher"},
}


def _login(client, world, role: str) -> None:
    if role != "anonymous":
        client.force_login(user_for(world, role))


def _get(client, query: str = "", **headers):
    response = client.get(f"{URL}?{query}", **headers)
    assert response.status_code == 200, response.content
    return response


def _titles(body: dict) -> set[str]:
    assert body["clustered"] is False
    return {f["properties"]["title"] for f in body["features"]}


def _cluster_total(body: dict) -> int:
    assert body["clustered"] is True
    assert all(f["properties"]["cluster"] is True for f in body["features"])
    return sum(f["properties"]["count"] for f in body["features"])


def _assert_no_exact_location(text: str) -> None:
    for secret in (SECRET_LAT, SECRET_LON):
        assert str(secret) not in text
    assert SECRET_STREET not in text
    assert "04109" not in text


def _assert_nothing_at_the_exact_location(body: dict) -> None:
    """No point or single-property cluster closer to the exact location than the shift's
    minimum (30 % of the 500 m radius): a rounded exact position would give the place away,
    too. (The mean of several public positions may fall anywhere.)"""
    for feature in body["features"]:
        if feature["properties"].get("count", 1) > 1:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        assert distance_m(lat, lon, SECRET_LAT, SECRET_LON) > 140, feature


# --- privacy --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("max_points", [400, 0], ids=["points", "clusters"])
def test_the_exact_location_of_a_sensitive_property_is_never_in_the_answer(
    client, world, props, monkeypatch, role, max_points
):
    monkeypatch.setattr(selectors, "MAX_POINTS", max_points)
    sensitive = props["sensitive"]
    # The other properties lie about 560 m from the exact location, and the public position is
    # shifted up to 500 m in a direction that depends on the primary key: at zoom 18 (cells of
    # about 600 m) it could share a cluster with them and be averaged away. Move them 7 km off.
    Property.objects.exclude(pk=sensitive.pk).update(
        lat=51.28, lon=12.30, public_lat=51.28, public_lon=12.30
    )
    _login(client, world, role)

    for query in ("", "zoom=16", "zoom=3", "bbox=12.2,51.2,12.5,51.5&zoom=18"):
        response = _get(client, query)
        _assert_no_exact_location(response.content.decode())
        _assert_nothing_at_the_exact_location(response.json())
    body = _get(client, "zoom=18").json()

    positions = [f["geometry"]["coordinates"] for f in body["features"]]
    assert [sensitive.public_lon, sensitive.public_lat] in positions
    assert [SECRET_LON, SECRET_LAT] not in positions


def test_the_bounding_box_is_matched_against_the_public_position_only(client, world):
    # A radius of 20 km moves the public point at least 6 km away: outside a box around the
    # exact location even after widening it to whole grid cells (about 600 m at zoom 18).
    far = make_property(
        title="Weit verschoben", is_sensitive=True, privacy_radius_m=20_000, lat=50.0, lon=10.0
    )
    client.force_login(world.admin)

    def found(lat: float, lon: float) -> bool:
        box = f"bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}&zoom=18"
        return far.pk in {f["properties"].get("id") for f in _get(client, box).json()["features"]}

    assert not found(50.0, 10.0)
    assert found(far.public_lat, far.public_lon)


def test_a_sensitive_point_is_marked_approximate(client, world, props):
    features = {f["properties"]["title"]: f["properties"] for f in _get(client).json()["features"]}

    assert features["Verschwiegene Villa"]["approximate"] is True
    assert features["Offenes Kaufhaus"]["approximate"] is False


# --- visibility -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_points_show_what_the_role_may_see(client, world, props, role):
    _login(client, world, role)

    assert _titles(_get(client).json()) == VISIBLE_TITLES[role]


@pytest.mark.parametrize("role", ROLES)
def test_points_show_what_the_list_shows(client, world, props, role):
    user = AnonymousUser() if role == "anonymous" else user_for(world, role)
    _login(client, world, role)
    listed = selectors.property_list(filters=selectors.PropertyFilters(), user=user)

    assert _titles(_get(client).json()) == {p.title for p in listed}


@pytest.mark.parametrize("role", ROLES)
def test_a_token_gives_the_same_visibility_as_a_session(client, world, props, role):
    headers = {}
    if role != "anonymous":
        raw = api_token_create(user=user_for(world, role), name="map")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    assert _titles(_get(client, **headers).json()) == VISIBLE_TITLES[role]


@pytest.mark.parametrize("role", ROLES)
def test_clusters_at_low_zoom_count_exactly_the_visible_properties(
    client, world, props, monkeypatch, role
):
    monkeypatch.setattr(selectors, "MAX_POINTS", 1)
    _login(client, world, role)

    body = _get(client, f"{GERMANY}&zoom=6").json()

    assert _cluster_total(body) == len(VISIBLE_TITLES[role])


def _bulk(n: int, **overrides) -> None:
    """n published properties spread over Germany; the public position is set directly
    because bulk_create skips save()."""
    rows = []
    for i in range(n):
        lat, lon = 48.0 + (i % 40) * 0.15, 7.0 + (i // 40) * 0.5
        values = {
            "title": f"Massenobjekt {i:04d}",
            "kind": "vacant",
            "city": "Irgendwo",
            "state": "Hessen",
            "owner_kind": "private",
            "is_published": True,
            "lat": lat,
            "lon": lon,
            "public_lat": lat,
            "public_lon": lon,
        }
        values.update(overrides)
        rows.append(Property(**values))
    Property.objects.bulk_create(rows)
    selectors.property_map_invalidate()


@pytest.mark.parametrize("role", ["anonymous", "editor", "other_coordinator", "admin"])
def test_many_properties_give_clusters_at_low_zoom_and_points_when_zoomed_in(
    client, world, props, role
):
    _bulk(450)
    _bulk(30, is_published=False, title="Unveröffentlicht")
    _bulk(20, is_published=False, moderation=Moderation.PENDING, title="Gemeldet")
    _login(client, world, role)

    germany = _get(client, f"{GERMANY}&zoom=6").json()
    # One point of the generated grid, shared by the 4th of each batch: 48.0 + 3 * 0.15, 7.0.
    street = _get(client, "bbox=6.99,48.44,7.01,48.46&zoom=14").json()

    hidden = 30 if role == "admin" else 0
    assert _cluster_total(germany) == 450 + hidden + len(VISIBLE_TITLES[role])
    assert germany["truncated"] is False
    assert _titles(street) == {"Massenobjekt 0003"} | ({"Unveröffentlicht"} if hidden else set())


def test_a_point_has_the_fields_of_the_former_answer_and_a_link(client, world, props):
    published = props["published"]

    body = _get(client).json()

    feature = next(f for f in body["features"] if f["properties"]["id"] == published.pk)
    assert feature["geometry"] == {"type": "Point", "coordinates": [12.37, 51.34]}
    assert feature["properties"] == {
        "cluster": False,
        "id": published.pk,
        "title": "Offenes Kaufhaus",
        "name": "Offenes Kaufhaus",
        "kind": "vacant",
        "kind_label": "Leerstand",
        "status": published.status,
        "status_label": published.get_status_display(),
        "city": "Leipzig",
        "approximate": False,
        "url": f"/objekte/{published.pk}/",
    }
    assert body["truncated"] is False


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def catalogue(world):
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
        ("", {"A Scheune", "B Schule", "C Laden"}),
        ("kind=brownfield", {"A Scheune"}),
        ("status=rented_sold", {"C Laden"}),
        ("state=Brandenburg", {"A Scheune"}),
        ("town=anger", {"A Scheune"}),
        ("city=leip", {"B Schule", "C Laden"}),
        ("area_min=200&area_max=600", {"B Schule"}),
        ("area_min=600", {"C Laden"}),
        ("transfer=leasehold", {"B Schule"}),
        ("use=housing", {"A Scheune"}),
        ("kind=vacant&transfer=rent", {"C Laden"}),
        ("bbox=12,51,13,52", {"B Schule", "C Laden"}),
        ("bbox=12,51,13,52&use=education", {"B Schule"}),
    ],
)
def test_the_map_has_the_filters_of_the_list(client, catalogue, query, titles):
    assert _titles(_get(client, query).json()) == titles


def test_filters_also_apply_to_clusters(client, catalogue, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_POINTS", 0)

    assert _cluster_total(_get(client, "kind=vacant&zoom=5").json()) == 2


def test_points_are_ordered_by_title(client, catalogue):
    body = _get(client).json()

    assert [f["properties"]["title"] for f in body["features"]] == [
        "A Scheune",
        "B Schule",
        "C Laden",
    ]


# --- errors ---------------------------------------------------------------------------------


def _error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "10,50,5,55", "nan,1,2,3", "inf,1,2,3", "1,2,3,4,5", ",,,", "x"]
)
def test_a_bad_bounding_box_is_a_400_with_a_message(client, db, bbox):
    body = _error(client.get(f"{URL}?bbox={bbox}"), 400)

    assert "bbox" in body["detail"]


@pytest.mark.parametrize(
    "query", ["zoom=-1", "zoom=21", "zoom=x", "kind=castle", "area_min=-5", "transfer=gift"]
)
def test_bad_parameters_are_a_422_with_a_message(client, db, query):
    _error(client.get(f"{URL}?{query}"), 422)


# --- caching --------------------------------------------------------------------------------


def test_a_visitor_answer_is_cached_until_a_property_changes(
    client, world, props, django_assert_num_queries
):
    draft = props["draft"]
    _get(client)
    with django_assert_num_queries(0):
        assert _titles(_get(client).json()) == VISIBLE_TITLES["anonymous"]

    draft.is_published = True
    draft.save()

    assert "Entwurf Bahnhof" in _titles(_get(client).json())


def test_a_status_change_makes_the_cached_answer_stale(client, world, props):
    assert _titles(_get(client, "status=rented_sold").json()) == set()

    property_status_change(property=props["published"], status="rented_sold", actor=None)

    assert _titles(_get(client, "status=rented_sold").json()) == {"Offenes Kaufhaus"}


def test_a_deleted_property_leaves_the_cached_answer(client, world, props):
    _get(client)
    props["published"].delete()

    assert "Offenes Kaufhaus" not in _titles(_get(client).json())


@pytest.mark.parametrize("first", ["anonymous", "editor", "other_coordinator", "admin"])
def test_users_who_see_different_properties_never_share_a_cached_answer(
    client, world, props, first
):
    _login(client, world, first)
    _get(client)
    _get(client, GERMANY)
    for role in ROLES:
        client.logout()
        _login(client, world, role)
        assert _titles(_get(client).json()) == VISIBLE_TITLES[role], role
        assert _titles(_get(client, GERMANY).json()) == VISIBLE_TITLES[role], role


def test_a_new_role_changes_the_map_at_once(client, world, props):
    outsider = world.outsider
    client.force_login(outsider)
    assert "Fremder Speicher" not in _titles(_get(client).json())

    OrganisationRoleFactory(organisation=world.other_organisation, user=outsider)

    assert "Fremder Speicher" in _titles(_get(client).json())


def test_a_visitor_answer_is_shared_by_logged_in_users_without_an_organisation(
    client, world, props, django_assert_num_queries
):
    _get(client)
    client.force_login(world.outsider)

    # The session and the user, then the one query that finds the user's organisations.
    with django_assert_num_queries(3):
        assert _titles(_get(client).json()) == VISIBLE_TITLES["outsider"]


# --- query counts ---------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    """n more published properties, half of them sensitive, each with its own owner
    organisation in world.network; an unpublished one per organisation, too."""
    for i in range(n):
        owner = OrganisationFactory()
        MembershipFactory(network=world.network, organisation=owner)
        make_property(title=f"Objekt {i}", owner_organisation=owner, is_sensitive=i % 2 == 0)
        make_property(title=f"Entwurf {i}", owner_organisation=owner, is_published=False)


@pytest.mark.parametrize("role", ["anonymous", "outsider", "editor", "coordinator", "admin"])
@pytest.mark.parametrize("max_points", [400, 3], ids=["points", "clusters"])
def test_the_map_uses_a_fixed_number_of_queries(
    client, world, props, monkeypatch, django_assert_max_num_queries, role, max_points
):
    monkeypatch.setattr(selectors, "MAX_POINTS", max_points)
    _login(client, world, role)
    query = f"{GERMANY}&zoom=6&kind=vacant"
    _grow(world, 4)
    with django_assert_max_num_queries(5) as small:
        _get(client, query)

    _grow(world, 12)
    with django_assert_max_num_queries(5) as large:
        body = _get(client, query).json()

    assert body["clustered"] is (max_points == 3)
    assert len(large.captured_queries) == len(small.captured_queries)


# --- the page -------------------------------------------------------------------------------


def test_the_map_page_is_german_with_the_filters_and_a_list_link(client, world, props):
    response = client.get("/objekte/karte/?kind=vacant&town=Leipzig")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert "<h1>Objektkarte</h1>" in html
    assert 'id="map-filters"' in html
    assert 'name="town" value="Leipzig"' in html
    assert 'data-geojson-url="/api/v1/properties.geojson"' in html
    assert "Objekte als Liste anzeigen" in html
    assert 'href="/objekte/?kind=vacant&amp;town=Leipzig" data-filter-link' in html
    assert "Objekte – hineinzoomen" in html
    _assert_no_exact_location(html)


def test_the_map_page_shows_form_errors_in_german(client, db):
    response = client.get("/objekte/karte/?area_min=-3")

    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()


def test_the_list_links_to_the_map_with_its_filters(client, world, props):
    html = client.get("/objekte/?kind=vacant").content.decode()

    assert 'href="/objekte/karte/?kind=vacant"' in html
    assert "Auf der Karte anzeigen" in html


def test_the_openapi_schema_documents_points_and_clusters(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/properties.geojson"]["get"]
    names = {p["name"] for p in operation["parameters"]}

    assert {"200", "400", "422"} <= set(operation["responses"])
    assert {"bbox", "zoom", "kind", "status", "state", "town", "city", "area_min"} <= names
    assert {"area_max", "transfer", "use"} <= names
    components = schema["components"]["schemas"]
    assert {"PropertyPointProperties", "PropertyClusterProperties"} <= set(components)
