"""A small matching world: an initiative's need around Angermünde and properties of the town."""

from dataclasses import dataclass

import pytest

from allmende.accounts.models import User
from allmende.matching import services
from allmende.needs.models import SpaceNeed
from allmende.networks.models import OrganisationRoleKind
from allmende.properties.models import Property
from tests.factories import OrganisationRoleFactory
from tests.needs.factories import SpaceNeedFactory


def make_property(**overrides) -> Property:
    values = {
        "title": "Alte Schule Angermünde",
        "kind": "vacant",
        "city": "Angermünde",
        "state": "Brandenburg",
        "lat": 53.02,
        "lon": 14.0,
        "owner_kind": "municipal",
        "is_published": True,
        "usable_area": 250,
        "transfer_rent": True,
        "asking_rent": 5,
        "suitable_uses": ["coworking", "meeting_place"],
        "condition": 1,
    }
    values.update(overrides)
    return Property.objects.create(**values)


@dataclass
class Matching:
    need: SpaceNeed
    school: Property
    far: Property
    owner_editor: User


@pytest.fixture
def matching(world) -> Matching:
    """``world.organisation`` (editor: ``world.editor``) looks for space around Angermünde;
    ``world.other_organisation`` (the town, editor: ``owner_editor``) owns a school there and
    a property 200 km away. Recommendations are computed."""
    owner_editor = OrganisationRoleFactory(
        organisation=world.other_organisation,
        role=OrganisationRoleKind.EDITOR,
        user__email="rathaus@example.org",
        user__name="Rita Rathaus",
    ).user
    need = SpaceNeedFactory(
        organisation=world.organisation,
        network=world.network,
        title="Werkstatt und Treffpunkt",
        max_rent=8,
        common_good_offer="Offene Werkstatt für die Nachbarschaft an zwei Abenden pro Woche",
    )
    school = make_property(owner_organisation=world.other_organisation)
    far = make_property(
        title="Speicher Leipzig",
        city="Leipzig",
        state="Sachsen",
        lat=51.34,
        lon=12.37,
        owner_organisation=world.other_organisation,
    )
    services.recommendations_rebuild()
    return Matching(need=need, school=school, far=far, owner_editor=owner_editor)
