"""factory-boy factory for space needs."""

import factory

from allmende.needs.models import SpaceNeed
from tests.factories import OrganisationFactory


class SpaceNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceNeed

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Raumgesuch {n}")
    uses = factory.LazyFunction(lambda: ["meeting_place", "coworking"])
    area_min = 100
    area_max = 400
    centre_name = "Angermünde"
    centre_lat = 53.0153
    centre_lon = 13.9994
    radius_km = 30
    transfer_models = factory.LazyFunction(lambda: ["rent"])
