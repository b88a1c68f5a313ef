"""Space needs in every visibility state, attached to the shared ``world``."""

from dataclasses import dataclass

import pytest

from allmende.needs.models import SpaceNeed, Visibility
from allmende.networks.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory
from tests.needs.factories import SpaceNeedFactory


@dataclass
class Needs:
    """``public``, ``network`` and ``inactive`` belong to world.organisation; the ``*_other``
    needs belong to a second member organisation of world.network."""

    neighbour: Organisation
    public: SpaceNeed
    network: SpaceNeed
    network_other: SpaceNeed
    inactive: SpaceNeed
    inactive_other: SpaceNeed


@pytest.fixture
def needs(world) -> Needs:
    neighbour = OrganisationFactory(name="Kulturverein Nachbarort", slug="nachbarort")
    MembershipFactory(network=world.network, organisation=neighbour)
    return Needs(
        neighbour=neighbour,
        public=SpaceNeedFactory(
            organisation=world.organisation, network=world.network, title="Öffentliches Gesuch"
        ),
        network=SpaceNeedFactory(
            organisation=world.organisation,
            network=world.network,
            visibility=Visibility.NETWORK,
            title="Netzwerkgesuch",
        ),
        network_other=SpaceNeedFactory(
            organisation=neighbour,
            network=world.network,
            visibility=Visibility.NETWORK,
            title="Netzwerkgesuch des Nachbarn",
        ),
        inactive=SpaceNeedFactory(
            organisation=world.organisation,
            network=world.network,
            is_active=False,
            title="Ruhendes Gesuch",
        ),
        inactive_other=SpaceNeedFactory(
            organisation=neighbour,
            network=world.network,
            is_active=False,
            title="Ruhendes Gesuch des Nachbarn",
        ),
    )
