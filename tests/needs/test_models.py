"""Space needs: integrity rules kept by the database."""

import pytest
from django.db import IntegrityError, transaction

from allmende.needs.models import SpaceNeed
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_area_range_must_not_be_inverted():
    organisation = OrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SpaceNeed.objects.create(
            organisation=organisation,
            title="Werkstatt",
            area_min=300,
            area_max=100,
            uses=["workshops"],
            transfer_models=["rent"],
        )


def test_valid_need_is_stored_with_its_defaults():
    need = SpaceNeed.objects.create(
        organisation=OrganisationFactory(),
        title="Treffpunkt im Ortskern",
        area_min=120,
        area_max=400,
        uses=["meeting_place", "coworking"],
        transfer_models=["rent", "leasehold"],
        centre_name="Angermünde",
        centre_lat=53.0153,
        centre_lon=13.9994,
    )
    assert need.radius_km == 30
    assert need.visibility == "public"
    assert str(need) == "Treffpunkt im Ortskern"
