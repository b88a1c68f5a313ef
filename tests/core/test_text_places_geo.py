"""Slugs, look-ups in the places CSV and the map's grid cells."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allmende.core import places
from allmende.core.geo import BBox, BBoxError, cell_size
from allmende.core.text import unique_slug


def _never(_slug: str) -> bool:
    return False


# --- unique_slug ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Stadtlücken Stuttgart", "stadtluecken-stuttgart"),
        ("Stadt Angermünde", "stadt-angermuende"),
        ("Schöneweide", "schoeneweide"),
        ("Straße der Einheit", "strasse-der-einheit"),
        ("Ärztehaus Öhringen Überlingen", "aerztehaus-oehringen-ueberlingen"),
        ("  Wohnbund e.V.  ", "wohnbund-ev"),
        ("Café Crème", "cafe-creme"),
    ],
)
def test_unique_slug_spells_out_umlauts_and_drops_other_marks(text, slug):
    assert unique_slug(text, _never) == slug


def test_unique_slug_counts_up_on_collisions():
    taken: set[str] = set()

    def take(text: str) -> str:
        slug = unique_slug(text, taken.__contains__)
        taken.add(slug)
        return slug

    assert take("Netzwerk Zukunftsorte") == "netzwerk-zukunftsorte"
    assert take("Netzwerk Zukunftsorte") == "netzwerk-zukunftsorte-2"
    assert take("Netzwerk Zukunftsorte") == "netzwerk-zukunftsorte-3"
    assert take("Netzwerk  zukunftsorte!") == "netzwerk-zukunftsorte-4"


def test_unique_slug_skips_only_the_numbers_that_are_taken():
    taken = {"verein", "verein-2", "verein-4"}

    assert unique_slug("Verein", taken.__contains__) == "verein-3"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "—"])
def test_unique_slug_of_text_without_letters_is_entry(text):
    assert unique_slug(text, _never) == "entry"
    assert unique_slug(text, {"entry"}.__contains__) == "entry-2"


def test_unique_slug_leaves_room_for_the_counter_within_max_length():
    long_name = "Gemeinnützige Wohnungsbaugenossenschaft " * 10
    taken = {unique_slug(long_name, _never, max_length=50)}

    second = unique_slug(long_name, taken.__contains__, max_length=50)

    assert len(next(iter(taken))) <= 50
    assert len(second) <= 50
    assert second.endswith("-2")
    assert not next(iter(taken)).endswith("-")


@given(st.text(max_size=120))
def test_unique_slug_is_always_a_valid_lowercase_slug(text):
    slug = unique_slug(text, _never, max_length=80)

    assert slug
    assert len(slug) <= 80
    assert slug == slug.lower()
    assert all(c.isascii() and (c.isalnum() or c in "-_") for c in slug)
    assert not slug.startswith("-")
    assert not slug.endswith("-")


# --- places ---------------------------------------------------------------------------------


def test_place_find_finds_a_town_by_its_name():
    place = places.place_find("Angermünde")

    assert place is not None
    assert place.name == "Angermünde"
    assert place.state == "Brandenburg"
    assert place.lat == pytest.approx(53.015, abs=0.01)
    assert place.lon == pytest.approx(13.999, abs=0.01)
    assert place.kind == "place"


@pytest.mark.parametrize("spelling", ["angermünde", "ANGERMÜNDE", "Angermuende", " Angermünde "])
def test_place_find_ignores_case_spacing_and_umlaut_spelling(spelling):
    place = places.place_find(spelling)

    assert place is not None
    assert place.name == "Angermünde"


def test_place_find_prefers_the_town_to_the_district_of_the_same_name():
    place = places.place_find("Frankfurt am Main")

    assert place is not None
    assert place.kind == "place"
    assert place.state == "Hessen"


def test_place_find_takes_the_most_populous_of_towns_sharing_a_name():
    anywhere = places.place_find("Neustadt")
    in_lower_saxony = places.place_find("Neustadt", "Niedersachsen")

    assert anywhere is not None
    assert anywhere.state == "Hamburg"  # 12 689 people, the largest "Neustadt"
    assert in_lower_saxony is not None
    assert in_lower_saxony.state == "Niedersachsen"


def test_place_find_within_the_wrong_state_finds_nothing():
    assert places.place_find("Angermünde", "Bayern") is None


def test_place_find_of_an_unknown_name_finds_nothing():
    assert places.place_find("Entenhausen") is None
    assert places.place_find("") is None


@pytest.mark.parametrize(
    ("seat", "state", "name", "ags"),
    [
        ("Diepholz", "Niedersachsen", "Landkreis Diepholz", "03251"),
        ("Görlitz", "Sachsen", "Landkreis Görlitz", "14626"),
        ("München", "Bayern", "München", "09162"),  # the city, not the Landkreis München
        ("Muenchen", "Bayern", "München", "09162"),
    ],
)
def test_district_find_finds_the_district_of_a_seat(seat, state, name, ags):
    district = places.district_find(seat=seat, state=state)

    assert district is not None
    assert district.kind == "district"
    assert district.name == name
    assert district.ags == ags
    assert district.population


def test_district_find_in_another_state_finds_nothing():
    assert places.district_find(seat="Diepholz", state="Bayern") is None


def test_places_csv_has_every_state_and_valid_coordinates():
    all_places = places.all_places()

    assert len({p.state for p in all_places}) == 16
    assert all(47 < p.lat < 56 and 5 < p.lon < 16 for p in all_places)


# --- geo ------------------------------------------------------------------------------------


def _pixels(degrees: float, zoom: int) -> float:
    """Screen pixels of a distance in degrees at a web-map zoom (the world is 256 px at 0)."""
    return degrees / 360.0 * 256.0 * 2**zoom


@pytest.mark.parametrize("zoom", range(15))
def test_cell_size_is_a_few_dozen_screen_pixels_on_the_map(zoom):
    assert 32 <= _pixels(cell_size(zoom), zoom) <= 128


def test_cell_size_gets_finer_when_zooming_in():
    sizes = [cell_size(zoom) for zoom in range(15)]

    assert sizes == sorted(sizes, reverse=True)
    assert len(set(sizes)) == len(sizes)


@given(st.integers(min_value=-50, max_value=50), st.integers(min_value=-50, max_value=50))
def test_cell_size_never_grows_when_zooming_in(zoom_a, zoom_b):
    low, high = sorted((zoom_a, zoom_b))

    assert cell_size(high) <= cell_size(low)
    assert 0 < cell_size(high) <= 360


def test_bbox_parse_reads_leaflets_bbox_string_and_clamps_to_the_world():
    assert BBox.parse("5.8,47.2,15.1,55.1") == BBox(5.8, 47.2, 15.1, 55.1)
    assert BBox.parse("-200,-100,200,100") == BBox(-180.0, -90.0, 180.0, 90.0)


@pytest.mark.parametrize("raw", ["", "1,2,3", "1,2,3,4,5", "a,2,3,4", "3,2,1,4", "1,4,3,2"])
def test_bbox_parse_rejects_unreadable_boxes(raw):
    with pytest.raises(BBoxError):
        BBox.parse(raw)
