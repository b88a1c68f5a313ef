"""The example places' public pages: list with filters and pagination, detail page, drafts
and scheduled places, the map page with its list fallback."""

import datetime

import pytest
from django.utils import timezone

from allmende.knowledge.models import ImpactCriterion
from tests.conftest import ROLES, user_for
from tests.factories import OrganisationFactory
from tests.knowledge.factories import ExamplePlaceFactory

pytestmark = pytest.mark.django_db

LIST = "/wissen/praxisbeispiele/"
MAP = "/wissen/praxisbeispiele/karte/"


@pytest.fixture
def criteria():
    return {
        "meeting": ImpactCriterion.objects.create(name="Begegnung", description="Offener Treff"),
        "culture": ImpactCriterion.objects.create(name="Kultur"),
    }


@pytest.fixture
def places(world, criteria):
    kaufhaus = ExamplePlaceFactory(
        network=world.network,
        name="Kaufhaus Angermünde",
        slug="kaufhaus-angermuende",
        city="Angermünde",
        state="Brandenburg",
        former_use="Kaufhaus",
        new_use="Bürgerhaus mit Werkstätten",
    )
    kaufhaus.impact_criteria.set([criteria["meeting"], criteria["culture"]])
    bahnhof = ExamplePlaceFactory(
        network=world.other_network,
        name="Bahnhof Wittenberge",
        slug="bahnhof-wittenberge",
        city="Wittenberge",
        state="Brandenburg",
        former_use="Empfangsgebäude",
        new_use="Coworking und Café",
        carrier_organisation=world.other_organisation,
        carrier_name="",
    )
    bahnhof.impact_criteria.set([criteria["culture"]])
    schule = ExamplePlaceFactory(
        network=world.network,
        name="Alte Schule Görlitz",
        slug="alte-schule-goerlitz",
        city="Görlitz",
        state="Sachsen",
        lat=51.15,
        lon=14.98,
        former_use="Grundschule",
        new_use="Wohnprojekt",
        carrier_name="Schulverein",
    )
    draft = ExamplePlaceFactory(
        network=world.network, name="Entwurf Speicher", slug="entwurf", is_published=False
    )
    later = ExamplePlaceFactory(
        network=world.network,
        name="Künftige Mühle",
        slug="kuenftig",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )
    return {
        "kaufhaus": kaufhaus,
        "bahnhof": bahnhof,
        "schule": schule,
        "draft": draft,
        "later": later,
    }


def _names(response):
    return [place.name for place in response.context["page"].object_list]


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))
    return client


# --- list -------------------------------------------------------------------------------------


def test_list_shows_public_places_by_name_and_links_to_the_map(client, places):
    response = client.get(LIST)

    assert response.status_code == 200
    assert _names(response) == ["Alte Schule Görlitz", "Bahnhof Wittenberge", "Kaufhaus Angermünde"]
    html = response.content.decode()
    assert f'href="{MAP}"' in html
    assert "Entwurf Speicher" not in html
    assert "Künftige Mühle" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("network=starke-orte", ["Bahnhof Wittenberge"]),
        ("state=Sachsen", ["Alte Schule Görlitz"]),
        ("text=coworking", ["Bahnhof Wittenberge"]),
        ("text=kaufhaus", ["Kaufhaus Angermünde"]),
        # the town of one, the carrier organisation of the other
        ("text=Angerm%C3%BCnde", ["Bahnhof Wittenberge", "Kaufhaus Angermünde"]),
        ("text=Stadt+Angerm%C3%BCnde", ["Bahnhof Wittenberge"]),
        ("state=Brandenburg&network=immovielien", ["Kaufhaus Angermünde"]),
        ("text=nirgendwo", []),
    ],
)
def test_list_filters(client, places, query, expected):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert _names(response) == expected


def test_list_filters_by_impact_criterion(client, places, criteria):
    meeting = client.get(f"{LIST}?criterion={criteria['meeting'].pk}")
    culture = client.get(f"{LIST}?criterion={criteria['culture'].pk}")

    assert _names(meeting) == ["Kaufhaus Angermünde"]
    assert _names(culture) == ["Bahnhof Wittenberge", "Kaufhaus Angermünde"]


@pytest.mark.parametrize(
    "query",
    [
        "criterion=99999",
        "criterion=abc",
        "network=gibt-es-nicht",
        "state=Atlantis",
        "text=" + "x" * 500,
        "page=abc",
        "page=999",
    ],
)
def test_bad_filter_values_give_a_page_not_an_error(client, places, query):
    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200


def test_invalid_filter_shows_the_error_at_the_field(client, places):
    response = client.get(f"{LIST}?state=Atlantis")

    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'id="id_state_error"' in html


def test_list_paginates(client, world):
    for n in range(23):
        ExamplePlaceFactory(network=world.network, name=f"Ort {n:02d}")

    first = client.get(LIST)
    second = client.get(f"{LIST}?page=2")

    assert len(first.context["page"].object_list) == 20
    assert _names(second) == ["Ort 20", "Ort 21", "Ort 22"]
    assert 'rel="next"' in first.content.decode()


def test_coordinators_see_the_drafts_of_their_network_in_the_list(client, world, places):
    client.force_login(world.coordinator)

    names = _names(client.get(LIST))

    assert "Entwurf Speicher" in names
    assert "Künftige Mühle" in names
    assert "nicht veröffentlicht" in client.get(LIST).content.decode()


def test_other_coordinators_do_not_see_the_drafts_in_the_list(client, world, places):
    client.force_login(world.other_coordinator)

    assert "Entwurf Speicher" not in _names(client.get(LIST))


def test_list_query_count_does_not_grow_with_the_places(
    client, world, criteria, django_assert_max_num_queries
):
    for n in range(20):
        place = ExamplePlaceFactory(
            network=world.network, name=f"Ort {n:02d}", carrier_organisation=world.organisation
        )
        place.impact_criteria.set(criteria.values())

    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert len(_names(response)) == 20

    client.force_login(world.coordinator)
    with django_assert_max_num_queries(9):
        client.get(f"{LIST}?text=Ort&criterion={criteria['meeting'].pk}")


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_the_place(client, world, places, criteria):
    place = places["kaufhaus"]
    place.story = "Aus dem **leeren Kaufhaus** wurde ein Treffpunkt.\n\n<script>alert(1)</script>"
    place.save()

    response = client.get(f"{LIST}kaufhaus-angermuende/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Kaufhaus Angermünde</h1>" in html
    assert "Angermünde" in html
    assert "Brandenburg" in html
    assert "Kaufhaus" in html
    assert "Bürgerhaus mit Werkstätten" in html
    assert "Verein Kaufhaus für alle" in html
    assert "2021" in html
    assert "<strong>leeren Kaufhaus</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Begegnung" in html
    assert "Offener Treff" in html
    assert "Kultur" in html
    assert "53.016, 13.999" in html
    assert f'href="{MAP}?lat=53.016&amp;lon=13.999&amp;zoom=11"' in html
    assert 'data-lat="53.016"' in html


def test_detail_links_the_carrier_organisation_to_its_profile(client, places):
    html = client.get(f"{LIST}bahnhof-wittenberge/").content.decode()

    assert 'href="/organisationen/angermuende/">Stadt Angermünde</a>' in html


def test_detail_of_an_unknown_place_is_404(client, db):
    assert client.get(f"{LIST}gibt-es-nicht/").status_code == 404


# fmt: off
DRAFT_VISIBLE = [
    # role                sees drafts and scheduled places of world.network
    ("anonymous",         False),
    ("outsider",          False),
    ("member",            False),
    ("editor",            False),
    ("coordinator",       True),
    ("other_coordinator", False),
    ("admin",             True),
]
# fmt: on


def test_draft_table_covers_every_role():
    assert [row[0] for row in DRAFT_VISIBLE] == ROLES


@pytest.mark.parametrize(("role", "visible"), DRAFT_VISIBLE)
@pytest.mark.parametrize("which", ["draft", "later"])
def test_drafts_and_future_places_are_404_except_for_editors_of_the_content(
    client, world, places, role, visible, which
):
    response = _login(client, world, role).get(places[which].get_absolute_url())

    assert response.status_code == (200 if visible else 404)
    if visible:
        assert "nicht veröffentlicht" in response.content.decode()


def test_detail_shows_photos_with_alt_text_author_and_licence(client, places, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    place = places["kaufhaus"]
    place.photos.create(
        image="knowledge/places/2026/a.jpg",
        alt_text="Schaufenster mit Holzregalen",
        author="Jana Beispiel",
        licence="cc-by-4.0",
    )

    html = client.get(place.get_absolute_url()).content.decode()

    assert 'alt="Schaufenster mit Holzregalen"' in html
    assert "Foto: Jana Beispiel, CC BY 4.0" in html


def test_detail_shows_edit_links_only_to_those_who_may_edit(client, world, places):
    url = places["kaufhaus"].get_absolute_url()
    anonymous = client.get(url).content.decode()
    client.force_login(world.coordinator)
    coordinator = client.get(url).content.decode()

    assert "/bearbeiten/" not in anonymous
    assert "/wissen/praxisbeispiele/kaufhaus-angermuende/bearbeiten/" in coordinator
    assert "/wissen/praxisbeispiele/kaufhaus-angermuende/fotos/neu/" in coordinator


def test_detail_query_count_is_bounded(client, places, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(places["kaufhaus"].get_absolute_url())


# --- map page ---------------------------------------------------------------------------------


def test_map_page_feeds_the_map_from_the_api_and_lists_the_places_below(client, places):
    response = client.get(MAP)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-geojson-url="/api/v1/places"' in html
    assert 'data-outline-url="/static/allmende/germany-states.geojson"' in html
    assert "nonce=" in html
    for place in ("kaufhaus", "bahnhof", "schule"):
        assert f'href="{places[place].get_absolute_url()}"' in html
    assert "Entwurf Speicher" not in html
    assert "Künftige Mühle" not in html


def test_map_page_hides_drafts_also_from_coordinators(client, world, places):
    client.force_login(world.coordinator)

    assert "Entwurf Speicher" not in client.get(MAP).content.decode()


def test_map_page_filters_the_list_and_the_data_url(client, places):
    response = client.get(f"{MAP}?network=starke-orte&state=Brandenburg")

    html = response.content.decode()
    assert 'data-geojson-url="/api/v1/places?network=starke-orte&amp;state=Brandenburg"' in html
    assert "Bahnhof Wittenberge" in html
    assert "Kaufhaus Angermünde" not in html


def test_map_page_query_count_is_bounded(client, world, django_assert_max_num_queries):
    for _ in range(30):
        ExamplePlaceFactory(network=world.network, carrier_organisation=OrganisationFactory())

    with django_assert_max_num_queries(5):
        client.get(MAP)
