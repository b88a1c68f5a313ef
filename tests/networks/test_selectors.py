"""Reads of the network module (directory filters, map features) and the geo and places helpers
they rely on."""

import math

import pytest

from allmende.core.geo import MAX_POINTS, BBox, BBoxError, cluster_points
from allmende.core.places import normalise_name, place_find
from allmende.networks.models import MembershipStatus, Organisation, OrganisationKind
from allmende.networks.selectors import (
    OrganisationFilters,
    organisation_list,
    organisation_map_features,
)
from tests.factories import MembershipFactory, NetworkFactory, OrganisationFactory

GERMANY = BBox(west=5.5, south=47.0, east=15.5, north=55.5)


def _names(queryset) -> list[str]:
    return [o.name for o in queryset]


# --- organisation_list -------------------------------------------------------------------------


@pytest.fixture
def directory(db):
    """Five organisations in two networks, one inactive, one whose membership has ended."""
    network = NetworkFactory(slug="immovielien")
    other = NetworkFactory(slug="starke-orte")
    leipzig = OrganisationFactory(
        name="Haus und Wagen",
        kind=OrganisationKind.INITIATIVE,
        city="Leipzig",
        state="Sachsen",
        description="Wächterhäuser im Leipziger Westen",
    )
    angermuende = OrganisationFactory(
        name="Stadt Angermünde",
        kind=OrganisationKind.MUNICIPALITY,
        city="Angermünde",
        state="Brandenburg",
        description="Kleinstadt in der Uckermark",
    )
    stiftung = OrganisationFactory(
        name="Stiftung trias",
        kind=OrganisationKind.FOUNDATION,
        city="Hattingen",
        state="Nordrhein-Westfalen",
        description="Boden dem Gemeinwohl, auch in Leipzig",
    )
    former = OrganisationFactory(
        name="Ehemalige Initiative",
        kind=OrganisationKind.INITIATIVE,
        city="Leipzig",
        state="Sachsen",
    )
    hidden = OrganisationFactory(
        name="Stillgelegter Verein",
        kind=OrganisationKind.INITIATIVE,
        city="Leipzig",
        state="Sachsen",
        is_active=False,
    )
    for organisation in (leipzig, stiftung, hidden):
        MembershipFactory(network=network, organisation=organisation)
    MembershipFactory(network=network, organisation=former, status=MembershipStatus.ENDED)
    MembershipFactory(network=other, organisation=angermuende)
    MembershipFactory(network=other, organisation=stiftung)
    # The factories' coordination offices are organisations too; keep them out of the way.
    Organisation.objects.filter(coordinated_networks__isnull=False).update(is_active=False)


def test_without_filters_lists_active_organisations_by_name(directory):
    assert _names(organisation_list(filters=OrganisationFilters())) == [
        "Ehemalige Initiative",
        "Haus und Wagen",
        "Stadt Angermünde",
        "Stiftung trias",
    ]


def test_network_filter_lists_only_active_members_of_that_network(directory):
    filters = OrganisationFilters(network="immovielien")
    assert _names(organisation_list(filters=filters)) == ["Haus und Wagen", "Stiftung trias"]


def test_organisation_in_two_networks_appears_once_per_filtered_list(directory):
    for slug in ("immovielien", "starke-orte"):
        names = _names(organisation_list(filters=OrganisationFilters(network=slug)))
        assert names.count("Stiftung trias") == 1


def test_kind_filter_accepts_several_kinds(directory):
    filters = OrganisationFilters(
        kinds=(OrganisationKind.MUNICIPALITY, OrganisationKind.FOUNDATION)
    )
    assert _names(organisation_list(filters=filters)) == ["Stadt Angermünde", "Stiftung trias"]


def test_state_filter_accepts_several_states(directory):
    filters = OrganisationFilters(states=("Brandenburg", "Nordrhein-Westfalen"))
    assert _names(organisation_list(filters=filters)) == ["Stadt Angermünde", "Stiftung trias"]


def test_search_word_matches_name_town_or_description(directory):
    # "leipzig": the town of two, the description of the foundation.
    filters = OrganisationFilters(q="leipzig")
    assert _names(organisation_list(filters=filters)) == [
        "Ehemalige Initiative",
        "Haus und Wagen",
        "Stiftung trias",
    ]


def test_search_words_must_all_match(directory):
    filters = OrganisationFilters(q="Leipzig Wächterhäuser")
    assert _names(organisation_list(filters=filters)) == ["Haus und Wagen"]
    assert _names(organisation_list(filters=OrganisationFilters(q="Leipzig Uckermark"))) == []


def test_filters_combine(directory):
    filters = OrganisationFilters(network="immovielien", states=("Sachsen",), q="wagen")
    assert _names(organisation_list(filters=filters)) == ["Haus und Wagen"]


def test_inactive_organisation_is_never_listed(directory):
    for filters in (
        OrganisationFilters(),
        OrganisationFilters(network="immovielien"),
        OrganisationFilters(q="Stillgelegter"),
    ):
        assert "Stillgelegter Verein" not in _names(organisation_list(filters=filters))


# --- organisation_map_features -----------------------------------------------------------------


@pytest.mark.django_db
def test_few_organisations_come_as_single_points(make_organisations):
    make_organisations(3)
    OrganisationFactory(name="Ohne Ort", lat=None, lon=None)

    collection = organisation_map_features(filters=OrganisationFilters(), bbox=GERMANY, zoom=6)

    assert collection["type"] == "FeatureCollection"
    assert collection["clustered"] is False
    assert len(collection["features"]) == 3, "organisations without coordinates are left out"
    first = collection["features"][0]
    organisation = Organisation.objects.get(slug=first["properties"]["slug"])
    assert first["geometry"] == {
        "type": "Point",
        "coordinates": [organisation.lon, organisation.lat],
    }
    assert first["properties"]["url"] == organisation.get_absolute_url()
    assert first["properties"]["kind"] == "initiative"


@pytest.mark.django_db
def test_exactly_max_points_still_come_as_points(make_organisations):
    make_organisations(MAX_POINTS)
    collection = organisation_map_features(filters=OrganisationFilters(), bbox=GERMANY, zoom=6)
    assert collection["clustered"] is False
    assert len(collection["features"]) == MAX_POINTS


@pytest.mark.django_db
def test_many_organisations_come_as_clusters_that_add_up(make_organisations):
    make_organisations(450)

    collection = organisation_map_features(filters=OrganisationFilters(), bbox=GERMANY, zoom=6)

    assert collection["clustered"] is True
    counts = [f["properties"]["count"] for f in collection["features"]]
    assert all(f["properties"]["cluster"] for f in collection["features"])
    assert 1 < len(counts) < 450
    assert sum(counts) == 450


@pytest.mark.django_db
def test_clusters_count_only_organisations_in_the_bbox(make_organisations):
    # 450 in the south-west, 300 in the north-east, far apart: at zoom 6 (cells of about 1.4°)
    # no cell holds organisations of both groups.
    make_organisations(
        450, prefix="sw", box={"west": 6.0, "south": 47.5, "east": 9.5, "north": 50.0}
    )
    make_organisations(
        300, prefix="ne", box={"west": 12.5, "south": 53.0, "east": 14.5, "north": 54.5}
    )
    south_west = BBox(west=5.5, south=47.0, east=10.0, north=50.5)

    collection = organisation_map_features(filters=OrganisationFilters(), bbox=south_west, zoom=6)

    assert collection["clustered"] is True
    assert sum(f["properties"]["count"] for f in collection["features"]) == 450
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 6.0 <= lon <= 9.5
        assert 47.5 <= lat <= 50.0


@pytest.mark.django_db
def test_bbox_leaves_out_points_outside_it():
    inside = OrganisationFactory(name="Berlin", lat=52.52, lon=13.40)
    OrganisationFactory(name="München", lat=48.14, lon=11.58)
    OrganisationFactory(name="Köln", lat=50.94, lon=6.96)
    berlin_area = BBox(west=13.0, south=52.3, east=13.8, north=52.7)

    collection = organisation_map_features(filters=OrganisationFilters(), bbox=berlin_area, zoom=10)

    assert [f["properties"]["id"] for f in collection["features"]] == [inside.pk]


@pytest.mark.django_db
def test_map_applies_the_directory_filters():
    municipality = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY)
    OrganisationFactory(kind=OrganisationKind.INITIATIVE)
    OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, is_active=False)

    collection = organisation_map_features(
        filters=OrganisationFilters(kinds=(OrganisationKind.MUNICIPALITY,)), bbox=None, zoom=6
    )

    assert [f["properties"]["id"] for f in collection["features"]] == [municipality.pk]


@pytest.mark.django_db
def test_points_in_one_grid_cell_form_one_cluster_at_their_mean():
    OrganisationFactory(lat=52.50, lon=13.40)
    OrganisationFactory(lat=52.52, lon=13.42)
    OrganisationFactory(lat=48.14, lon=11.58)

    clusters = cluster_points(Organisation.objects.all(), zoom=6)

    assert sorted(c["count"] for c in clusters) == [1, 2]
    berlin = next(c for c in clusters if c["count"] == 2)
    assert berlin["lat"] == pytest.approx(52.51)
    assert berlin["lon"] == pytest.approx(13.41)


# --- BBox.parse --------------------------------------------------------------------------------


def test_bbox_reads_west_south_east_north():
    assert BBox.parse("5.87,47.27,15.04,55.06") == BBox(5.87, 47.27, 15.04, 55.06)


def test_bbox_clamps_to_the_world():
    assert BBox.parse("-200,-95,200,95") == BBox(-180.0, -90.0, 180.0, 90.0)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        pytest.param("5,47,15", "four", id="three-values"),
        pytest.param("5,47,15,55,1", "four", id="five-values"),
        pytest.param("", "four", id="empty"),
        pytest.param("west,47,15,55", "numbers", id="word"),
        pytest.param("5,47,,55", "numbers", id="missing-value"),
        pytest.param("nan,47,15,55", "finite", id="nan"),
        pytest.param("5,47,inf,55", "finite", id="inf"),
        pytest.param("5,-infinity,15,55", "finite", id="minus-infinity"),
        pytest.param("15,47,5,55", "west < east", id="west-east-swapped"),
        pytest.param("10,47,10,55", "west < east", id="zero-width"),
        pytest.param("5,55,15,47", "south < north", id="south-north-swapped"),
        pytest.param("-200,47,-190,55", "west < east", id="all-west-of-the-world"),
    ],
)
def test_bbox_refuses_unreadable_input_with_a_message(raw, problem):
    with pytest.raises(BBoxError) as excinfo:
        BBox.parse(raw)
    assert problem in str(excinfo.value)


# --- place_find --------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["Angermünde", "Angermuende", "  angermünde ", "ANGERMÜNDE"])
def test_place_find_folds_umlauts_case_and_spaces(spelling):
    place = place_find(spelling)
    assert place is not None
    assert (place.name, place.state) == ("Angermünde", "Brandenburg")
    assert math.isclose(place.lat, 53.01, abs_tol=0.01)


def test_place_find_folds_sharp_s():
    place = place_find("Weissenfels")
    assert place is not None
    assert place.name == "Weißenfels"


def test_place_find_prefers_the_most_populous_of_several_namesakes():
    place = place_find("Halle")
    assert place is not None
    assert place.state == "Nordrhein-Westfalen"


def test_place_find_state_filter_picks_the_namesake_in_that_state():
    place = place_find("Halle", "Niedersachsen")
    assert place is not None
    assert place.state == "Niedersachsen"


def test_place_find_returns_none_when_the_state_does_not_have_the_town():
    assert place_find("Angermünde", "Bayern") is None


def test_place_find_returns_none_for_unknown_town():
    assert place_find("Nirgendwo an der Nichts") is None


def test_place_find_prefers_the_town_over_the_district_of_the_same_name():
    place = place_find("Leipzig", "Sachsen")
    assert place is not None
    assert place.kind == "place"


def test_normalise_name_spells_out_umlauts_and_sharp_s():
    assert normalise_name(" Großräschen ") == "grossraeschen"
