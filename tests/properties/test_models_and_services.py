"""Properties: public location, status timeline and pipeline stage."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from allmende.core.geo import MIN_SHIFT_SHARE, distance_m
from allmende.properties import services
from allmende.properties.models import Property, PropertyStatus
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_property(**overrides):
    values = {
        "title": "Altes Kaufhaus",
        "kind": "vacant",
        "city": "Angermünde",
        "state": "Brandenburg",
        "lat": 53.0153,
        "lon": 13.9994,
        "owner_kind": "municipal",
        "owner_organisation": OrganisationFactory(kind="municipality"),
    }
    values.update(overrides)
    return Property.objects.create(**values)


def test_public_position_equals_the_exact_one_when_not_sensitive():
    prop = make_property()
    assert (prop.public_lat, prop.public_lon) == (53.0153, 13.9994)


def test_sensitive_property_is_shown_shifted_within_its_radius_and_stays_put():
    prop = make_property(is_sensitive=True, privacy_radius_m=800)
    moved = distance_m(prop.lat, prop.lon, prop.public_lat, prop.public_lon)
    assert 800 * MIN_SHIFT_SHARE * 0.999 <= moved <= 800 * 1.001

    first = (prop.public_lat, prop.public_lon)
    prop.title = "Altes Kaufhaus am Markt"
    prop.save()
    prop.refresh_from_db()
    assert (prop.public_lat, prop.public_lon) == first


def test_two_sensitive_properties_at_the_same_place_get_different_public_points():
    first = make_property(is_sensitive=True)
    second = make_property(is_sensitive=True)
    assert (first.public_lat, first.public_lon) != (second.public_lat, second.public_lon)


def test_property_without_coordinates_has_no_public_position():
    prop = make_property(lat=None, lon=None, is_sensitive=True)
    assert prop.public_lat is None
    assert prop.public_lon is None


def test_status_follows_the_latest_dated_timeline_entry_even_when_back_dated():
    prop = make_property()
    actor = UserFactory()
    services.property_status_change(
        property=prop,
        status=PropertyStatus.INTERIM_USE,
        actor=actor,
        valid_from=datetime.date(2025, 5, 1),
        note="Sommer-Zwischennutzung",
    )
    services.property_status_change(
        property=prop,
        status=PropertyStatus.IN_PROCEDURE,
        actor=actor,
        valid_from=datetime.date(2026, 3, 1),
    )
    services.property_status_change(
        property=prop,
        status=PropertyStatus.VACANT,
        actor=actor,
        valid_from=datetime.date(2024, 1, 1),
        note="nachgetragen",
    )
    prop.refresh_from_db()
    assert prop.status == PropertyStatus.IN_PROCEDURE
    timeline = list(prop.status_changes.values_list("status", "actor"))
    assert timeline == [("vacant", actor.pk), ("interim_use", actor.pk), ("in_procedure", actor.pk)]


def test_unknown_status_is_refused_and_nothing_changes():
    prop = make_property()
    with pytest.raises(ValidationError):
        services.property_status_change(property=prop, status="sunk", actor=None)
    prop.refresh_from_db()
    assert prop.status == PropertyStatus.VACANT
    assert not prop.status_changes.exists()


@pytest.mark.parametrize("stage", [1, 4, 6])
def test_pipeline_moves_to_each_valid_stage(stage):
    prop = make_property()
    services.property_pipeline_move(property=prop, stage=stage, actor=None)
    prop.refresh_from_db()
    assert prop.pipeline_stage == stage


@pytest.mark.parametrize("stage", [0, 7])
def test_pipeline_refuses_stages_outside_one_to_six(stage):
    prop = make_property()
    with pytest.raises(ValidationError):
        services.property_pipeline_move(property=prop, stage=stage, actor=None)
    prop.refresh_from_db()
    assert prop.pipeline_stage == 1


def test_transfer_models_lists_the_offered_ones():
    prop = make_property(transfer_leasehold=True, transfer_interim=True)
    assert prop.transfer_models == ["leasehold", "interim"]


@pytest.mark.parametrize(("lat", "lon"), [(51.3, None), (None, 12.3)])
def test_database_refuses_half_a_position(db, lat, lon):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Property.objects.create(
            title="Halbe Lage",
            kind="vacant",
            city="Leipzig",
            state="Sachsen",
            owner_kind="private",
            lat=lat,
            lon=lon,
        )


def test_service_names_the_missing_coordinate(db):
    from allmende.networks.models import Organisation

    organisation = OrganisationFactory()
    admin = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as error:
        services.property_create(
            organisation=organisation,
            actor=admin,
            data={
                "title": "Halbe Lage",
                "kind": "vacant",
                "city": "Leipzig",
                "state": "Sachsen",
                "owner_kind": "private",
                "lat": 51.3,
            },
        )
    assert "lon" in error.value.message_dict
    assert not Organisation.objects.filter(pk=organisation.pk, properties__isnull=False).exists()
