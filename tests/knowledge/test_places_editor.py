"""The coordinators' editor of example places: who may create and edit, coordinates from the
town, impact criteria, photos (checked, re-encoded, with author, licence and alt text)."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from allmende.knowledge import services_places
from allmende.knowledge.models import ExamplePlace, ExamplePlacePhoto, ImpactCriterion
from allmende.search.models import SearchEntry
from tests.conftest import ROLES, user_for
from tests.knowledge.factories import ExamplePlaceFactory

pytestmark = pytest.mark.django_db

NEW = "/wissen/praxisbeispiele/neu/"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def place(world):
    return ExamplePlaceFactory(network=world.network, name="Kornspeicher", slug="kornspeicher")


@pytest.fixture
def criteria():
    return [
        ImpactCriterion.objects.create(name="Begegnung"),
        ImpactCriterion.objects.create(name="Kultur"),
    ]


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))
    return client


def png(size=(40, 30), name="speicher.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg_with_exif(size=(3000, 2000), name="Geheimweg-3.jpg"):
    exif = Image.Exif()
    exif[0x013B] = "Erika Mustermann"  # Artist
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def place_data(world, **overrides):
    data = {
        "network": str(world.network.pk),
        "name": "Alter Schlachthof",
        "city": "Angermünde",
        "state": "Brandenburg",
        "lat": "",
        "lon": "",
        "former_use": "Schlachthof",
        "new_use": "Kulturzentrum",
        "carrier_organisation": "",
        "carrier_name": "Schlachthof e. V.",
        "year": "2019",
        "story": "Erst ein Sommerfest, dann ein Verein, heute ein Haus für alle.",
        "is_published": "on",
        "published_at": "2026-01-15T10:00",
    }
    data.update(overrides)
    return data


def photo_data(**overrides):
    data = {
        "image": png(),
        "alt_text": "Backsteinhalle mit offenem Tor",
        "author": "Anna Beispiel",
        "licence": "cc-by-4.0",
    }
    data.update(overrides)
    return data


# --- permission matrix ------------------------------------------------------------------------

# fmt: off
EDIT_ALLOWED = [
    # role               may create   may edit places of world.network
    ("anonymous",         False,      False),
    ("outsider",          False,      False),
    ("member",            False,      False),
    ("editor",            False,      False),
    ("coordinator",       True,       True),
    ("other_coordinator", True,       False),
    ("admin",             True,       True),
]
# fmt: on


def test_edit_table_covers_every_role():
    assert [row[0] for row in EDIT_ALLOWED] == ROLES


def _denied(role):
    return 302 if role == "anonymous" else 403


@pytest.mark.parametrize(("role", "may_create", "may_edit"), EDIT_ALLOWED)
def test_editor_pages_open_only_for_admins_and_the_networks_coordinators(
    client, world, place, role, may_create, may_edit
):
    client = _login(client, world, role)
    pages = {
        NEW: may_create,
        f"{place.get_absolute_url()}bearbeiten/": may_edit,
        f"{place.get_absolute_url()}fotos/neu/": may_edit,
    }
    for url, allowed in pages.items():
        response = client.get(url)
        assert response.status_code == (200 if allowed else _denied(role)), url
        if role == "anonymous":
            assert response["Location"].startswith("/konto/anmelden/")


@pytest.mark.parametrize(("role", "may_create", "may_edit"), EDIT_ALLOWED)
def test_only_permitted_roles_can_save_a_place_of_the_network(
    client, world, place, role, may_create, may_edit
):
    client = _login(client, world, role)

    client.post(NEW, place_data(world))
    client.post(f"{place.get_absolute_url()}bearbeiten/", place_data(world, name="Neuer Name"))

    created = ExamplePlace.objects.filter(name="Alter Schlachthof").exists()
    place.refresh_from_db()
    # other_coordinator may create, but only in their own network: world.network is refused.
    assert created is (may_edit)
    assert (place.name == "Neuer Name") is may_edit


@pytest.mark.parametrize(("role", "may_create", "may_edit"), EDIT_ALLOWED)
def test_the_services_check_the_permission(world, place, role, may_create, may_edit):
    user = user_for(world, role)
    if may_edit:
        services_places.place_update(
            place=place, actor=user, data={"year": 2000}, impact_criteria=[]
        )
        assert ExamplePlace.objects.get(pk=place.pk).year == 2000
    else:
        with pytest.raises(PermissionDenied):
            services_places.place_update(
                place=place, actor=user, data={"year": 2000}, impact_criteria=[]
            )


def test_the_network_choice_offers_only_the_users_networks(client, world):
    client.force_login(world.other_coordinator)

    response = client.get(NEW)

    choices = list(response.context["form"].fields["network"].queryset)
    assert choices == [world.other_network]


def test_a_draft_edit_page_is_404_for_those_who_may_not_see_it(client, world):
    draft = ExamplePlaceFactory(network=world.network, slug="entwurf", is_published=False)
    client.force_login(world.other_coordinator)

    assert client.get(f"{draft.get_absolute_url()}bearbeiten/").status_code == 404


# --- create and edit --------------------------------------------------------------------------


def test_coordinator_creates_a_place_located_at_its_town_with_criteria(client, world, criteria):
    client.force_login(world.coordinator)

    response = client.post(NEW, place_data(world, impact_criteria=[str(criteria[1].pk)]))

    place = ExamplePlace.objects.get(name="Alter Schlachthof")
    assert response.status_code == 302
    assert response["Location"] == "/wissen/praxisbeispiele/alter-schlachthof/"
    assert place.network == world.network
    assert (round(place.lat, 1), round(place.lon, 1)) == (53.0, 14.0)
    assert list(place.impact_criteria.all()) == [criteria[1]]
    assert place.is_public
    # The search entry is written after the criteria were set.
    assert SearchEntry.objects.filter(object_id=place.pk, title="Alter Schlachthof").exists()
    assert client.get(response["Location"]).status_code == 200


def test_entered_coordinates_win_over_the_town(client, world):
    client.force_login(world.coordinator)

    client.post(NEW, place_data(world, lat="53.1", lon="13.5"))

    place = ExamplePlace.objects.get(name="Alter Schlachthof")
    assert (place.lat, place.lon) == (53.1, 13.5)


def test_slugs_stay_unique_and_avoid_the_other_pages(world):
    first = services_places.place_create(
        network=world.network, actor=world.coordinator, data=_service_data(name="Karte")
    )
    second = services_places.place_create(
        network=world.network, actor=world.coordinator, data=_service_data(name="Karte")
    )

    assert (first.slug, second.slug) == ("karte-2", "karte-3")


def _service_data(**overrides):
    data = {
        "name": "Speicher",
        "city": "Görlitz",
        "state": "Sachsen",
        "lat": None,
        "lon": None,
        "new_use": "Ateliers",
        "story": "Eine Geschichte.",
        "is_published": True,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": "53.1"}, "lon"),
        ({"lon": "13.1"}, "lat"),
        ({"city": "Nirgendheim"}, "city"),
        ({"lat": "60", "lon": "13"}, "lat"),
        ({"name": ""}, "name"),
        ({"new_use": ""}, "new_use"),
        ({"story": ""}, "story"),
        ({"year": "1800"}, "year"),
        ({"network": str(999999)}, "network"),
    ],
)
def test_bad_input_gives_errors_at_the_field_and_in_the_summary(client, world, overrides, field):
    client.force_login(world.coordinator)

    response = client.post(NEW, place_data(world, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert f'id="id_{field}_error"' in html
    assert not ExamplePlace.objects.filter(name="Alter Schlachthof").exists()


def test_a_new_town_without_new_coordinates_moves_the_place(client, world, place, criteria):
    place.impact_criteria.set(criteria)
    client.force_login(world.coordinator)
    data = place_data(
        world,
        name=place.name,
        city="Görlitz",
        state="Sachsen",
        lat=str(place.lat),
        lon=str(place.lon),
        impact_criteria=[str(criteria[0].pk)],
    )

    response = client.post(f"{place.get_absolute_url()}bearbeiten/", data)

    assert response.status_code == 302
    place.refresh_from_db()
    assert (round(place.lat, 1), round(place.lon, 1)) == (51.2, 15.0)
    assert place.slug == "kornspeicher"
    assert list(place.impact_criteria.all()) == [criteria[0]]


def test_editor_form_has_labels_fieldsets_and_checkboxes(client, world, criteria):
    client.force_login(world.coordinator)

    html = client.get(NEW).content.decode()

    assert '<label for="id_lat">' in html
    assert 'type="checkbox" name="impact_criteria"' in html
    assert "<legend>Wirkung</legend>" in html


# --- photos -----------------------------------------------------------------------------------


def test_photo_upload_re_encodes_and_shows_author_licence_and_alt_text(client, world, place):
    client.force_login(world.coordinator)

    response = client.post(
        f"{place.get_absolute_url()}fotos/neu/", photo_data(image=jpeg_with_exif())
    )

    assert response.status_code == 302
    photo = ExamplePlacePhoto.objects.get(place=place)
    assert "Geheimweg" not in photo.image.name
    with Image.open(photo.image.path) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif()
    html = client.get(place.get_absolute_url()).content.decode()
    assert 'alt="Backsteinhalle mit offenem Tor"' in html
    assert "Foto: Anna Beispiel, CC BY 4.0" in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"image": SimpleUploadedFile("bild.jpg", b"kein Bild", content_type="image/jpeg")},
            "image",
        ),
        ({"licence": ""}, "licence"),
        ({"author": ""}, "author"),
        ({"alt_text": ""}, "alt_text"),
        ({"licence": "alle-rechte"}, "licence"),
    ],
)
def test_bad_photos_are_refused_with_errors_at_the_field_and_in_the_summary(
    client, world, place, overrides, field
):
    client.force_login(world.coordinator)

    response = client.post(f"{place.get_absolute_url()}fotos/neu/", photo_data(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert f'id="id_{field}_error"' in html
    assert not ExamplePlacePhoto.objects.exists()


def test_too_large_photos_are_refused(client, world, place, settings):
    settings.PROPERTY_PHOTO_MAX_BYTES = 100
    client.force_login(world.coordinator)

    response = client.post(f"{place.get_absolute_url()}fotos/neu/", photo_data())

    assert "höchstens" in response.context["form"].errors["image"][0]
    assert not ExamplePlacePhoto.objects.exists()


@pytest.mark.parametrize(("role", "may_create", "may_edit"), EDIT_ALLOWED)
def test_only_permitted_roles_can_delete_a_photo(client, world, place, role, may_create, may_edit):
    photo = services_places.place_photo_add(
        place=place,
        actor=world.admin,
        image=services_places.place_photo_prepare(png()),
        alt_text="Giebel",
        author="Bert",
        licence="cc0",
    )
    url = f"{place.get_absolute_url()}fotos/{photo.pk}/loeschen/"
    client = _login(client, world, role)

    page = client.get(url)
    response = client.post(url)

    assert page.status_code == (200 if may_edit else _denied(role))
    assert response.status_code in ((302,) if may_edit else (_denied(role),))
    assert ExamplePlacePhoto.objects.filter(pk=photo.pk).exists() is not may_edit
    if may_edit:
        assert response["Location"] == f"{place.get_absolute_url()}#photos"
