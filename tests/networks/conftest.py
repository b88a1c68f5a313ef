"""Fixtures for the network tests: upload storage, application data, organisations en masse."""

from collections.abc import Callable

import pytest
from django.utils import translation
from django.utils.html import escape

from allmende.networks.models import Membership, Organisation, OrganisationKind, WorkingGroup
from tests.conftest import World
from tests.factories import WorkingGroupFactory

# Mainland Germany, roughly: every generated organisation lies inside this box.
GERMANY = {"west": 5.9, "south": 47.3, "east": 15.0, "north": 55.0}
GERMANY_BBOX = "5.5,47.0,15.5,55.5"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads go to a per-test directory, never into the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def german(msgid: str) -> str:
    """The German text of a message as it appears, HTML-escaped, in a rendered page; works
    whether or not the German catalogue translates it yet."""
    with translation.override("de"):
        return escape(translation.gettext(msgid))


@pytest.fixture
def application_fields() -> dict[str, str]:
    """A membership application's fields as the service receives them (cleaned form data)."""
    return {
        "org_name": "Zukunftshof Uckermark",
        "org_kind": OrganisationKind.INITIATIVE,
        "org_street": "Markt 1",
        "org_postcode": "16278",
        "org_city": "Angermünde",
        "org_state": "Brandenburg",
        "org_website": "https://zukunftshof.example.org",
        "contact_name": "Erika Beispiel",
        "contact_email": "erika@zukunftshof.example.org",
        "membership_kind": "member",
        "stance": "Boden ist Gemeingut.",
        "motivation": "Wir wollen von anderen Projekten lernen.",
        "expectations": "Austausch und Beratung.",
        "vacancy_projects": "Alter Bahnhof",
    }


@pytest.fixture
def application_post(application_fields) -> dict[str, str]:
    """The same application as the web form posts it."""
    return {**application_fields, "privacy_consent": "on", "website_url": ""}


@pytest.fixture
def working_group(world: World) -> WorkingGroup:
    """A working group of ``world.network`` whose only member is ``world.member``."""
    group = WorkingGroupFactory(
        network=world.network,
        name="AG Leerstand",
        slug="leerstand",
        description="Wir sammeln Erfahrungen mit leeren Kaufhäusern.",
    )
    group.members.add(world.member)
    return group


@pytest.fixture
def make_organisations(db) -> Callable[..., list[Organisation]]:
    """Bulk-create ``count`` organisations on a grid spread over Germany (or over ``box``, a dict
    like ``GERMANY``); optionally make each a member of the given networks. Names and slugs carry
    ``prefix`` so that calls can be mixed. Bulk creation sends no signals: clear the cache
    before asking for cached answers again."""

    def make(
        count: int, *, prefix: str = "org", networks=(), box=None, **fields
    ) -> list[Organisation]:
        box = box or GERMANY
        columns = 30
        rows = -(-count // columns)
        lat_step = (box["north"] - box["south"]) / max(rows, 1)
        lon_step = (box["east"] - box["west"]) / columns
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"{prefix} {i:05d}",
                    slug=f"{prefix}-{i:05d}",
                    kind=fields.get("kind", OrganisationKind.INITIATIVE),
                    city=fields.get("city", "Kassel"),
                    state=fields.get("state", "Hessen"),
                    lat=box["south"] + (i // columns + 0.5) * lat_step,
                    lon=box["west"] + (i % columns + 0.5) * lon_step,
                )
                for i in range(count)
            ]
        )
        # SQLite and PostgreSQL both return primary keys from bulk_create.
        Membership.objects.bulk_create(
            [
                Membership(network=network, organisation=organisation)
                for organisation in organisations
                for network in networks
            ]
        )
        return organisations

    return make
