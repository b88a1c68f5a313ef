"""Database constraints, string forms, addresses and simple properties of the network models."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from allmende.networks.models import (
    ApplicationStatus,
    Organisation,
    OrganisationKind,
    OrganisationRoleKind,
)
from tests.factories import (
    CoordinatorFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def _organisation(**coordinates) -> Organisation:
    return Organisation(
        name="Kulturhaus", slug="kulturhaus", kind=OrganisationKind.CULTURE, **coordinates
    )


def _violated_constraints(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.message_dict.get(NON_FIELD_ERRORS, []))


# --- Membership and role uniqueness ------------------------------------------------------------


def test_organisation_cannot_be_member_of_the_same_network_twice():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(network=membership.network, organisation=membership.organisation)


def test_organisation_can_be_member_of_two_networks():
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=organisation)
    assert organisation.memberships.count() == 2


def test_second_membership_in_same_network_fails_full_clean():
    membership = MembershipFactory()
    duplicate = MembershipFactory.build(
        network=membership.network, organisation=membership.organisation
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_person_has_at_most_one_role_per_organisation():
    role = OrganisationRoleFactory(role=OrganisationRoleKind.MEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationRoleFactory(
            user=role.user, organisation=role.organisation, role=OrganisationRoleKind.EDITOR
        )


def test_person_is_coordinator_of_a_network_at_most_once():
    coordinator = CoordinatorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorFactory(user=coordinator.user, network=coordinator.network)


def test_working_group_slug_is_unique_within_a_network_only():
    group = WorkingGroupFactory(slug="finanzen")
    WorkingGroupFactory(slug="finanzen")  # another network: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroupFactory(network=group.network, slug="finanzen")


# --- Coordinates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "coordinates",
    [
        pytest.param({"lat": None, "lon": None}, id="no-location"),
        pytest.param({"lat": 53.015, "lon": 13.999}, id="angermuende"),
        pytest.param({"lat": 90.0, "lon": 180.0}, id="upper-bounds"),
        pytest.param({"lat": -90.0, "lon": -180.0}, id="lower-bounds"),
    ],
)
def test_organisation_accepts_no_location_or_coordinates_in_range(coordinates):
    organisation = _organisation(**coordinates)
    organisation.full_clean()
    organisation.save()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


INVALID_COORDINATES = [
    pytest.param({"lat": 52.5, "lon": None}, "organisation_lat_lon_together", id="lat-only"),
    pytest.param({"lat": None, "lon": 13.4}, "organisation_lat_lon_together", id="lon-only"),
    pytest.param({"lat": 90.5, "lon": 13.4}, "organisation_lat_range", id="lat-too-high"),
    pytest.param({"lat": -91.0, "lon": 13.4}, "organisation_lat_range", id="lat-too-low"),
    pytest.param({"lat": 52.5, "lon": 180.1}, "organisation_lon_range", id="lon-too-high"),
    pytest.param({"lat": 52.5, "lon": -200.0}, "organisation_lon_range", id="lon-too-low"),
]


@pytest.mark.parametrize(("coordinates", "constraint"), INVALID_COORDINATES)
def test_full_clean_rejects_incomplete_or_out_of_range_coordinates(coordinates, constraint):
    with pytest.raises(ValidationError) as excinfo:
        _organisation(**coordinates).full_clean()
    assert constraint in _violated_constraints(excinfo.value)


@pytest.mark.parametrize(("coordinates", "constraint"), INVALID_COORDINATES)
def test_database_rejects_incomplete_or_out_of_range_coordinates(coordinates, constraint):
    with pytest.raises(IntegrityError), transaction.atomic():
        _organisation(**coordinates).save()
    assert not Organisation.objects.filter(slug="kulturhaus").exists()


# --- String forms and addresses ----------------------------------------------------------------


def test_organisation_is_shown_by_name_and_lives_under_organisationen():
    organisation = OrganisationFactory(name="Stadtlücken", slug="stadtluecken")
    assert str(organisation) == "Stadtlücken"
    assert organisation.get_absolute_url() == "/organisationen/stadtluecken/"


def test_network_is_shown_by_short_name_when_it_has_one():
    network = NetworkFactory(
        name="Netzwerk Immovielien", short_name="Immovielien", slug="immovielien"
    )
    assert str(network) == "Immovielien"
    assert network.get_absolute_url() == "/netzwerke/immovielien/"


def test_network_without_short_name_is_shown_by_full_name():
    network = NetworkFactory(name="Starke Orte Netzwerk", short_name="")
    assert str(network) == "Starke Orte Netzwerk"


def test_membership_names_organisation_and_network():
    membership = MembershipFactory(
        organisation=OrganisationFactory(name="Stadt Angermünde"),
        network=NetworkFactory(name="Starke Orte Netzwerk", short_name="Starke Orte"),
    )
    assert str(membership) == "Stadt Angermünde \N{EN DASH} Starke Orte"


def test_application_names_applicant_organisation_and_network():
    application = MembershipApplicationFactory(
        org_name="Zukunftshof", network=NetworkFactory(name="Netzwerk X", short_name="")
    )
    assert str(application) == "Zukunftshof → Netzwerk X"


def test_working_group_lives_under_its_network():
    group = WorkingGroupFactory(
        name="AG Recht", slug="recht", network=NetworkFactory(slug="immovielien")
    )
    assert str(group) == "AG Recht"
    assert group.get_absolute_url() == "/netzwerke/immovielien/arbeitsgruppen/recht/"


def test_organisation_role_names_person_and_organisation():
    role = OrganisationRoleFactory(
        user=UserFactory(name="Erika Beispiel"),
        organisation=OrganisationFactory(name="Stadtlücken"),
    )
    assert str(role).startswith("Erika Beispiel \N{EN DASH} Stadtlücken (")


# --- Properties --------------------------------------------------------------------------------

# Only municipalities and districts have a municipality profile (AGS, population); a federal or
# state authority does not, although it is public.
PUBLIC_AUTHORITY = {
    OrganisationKind.INITIATIVE: False,
    OrganisationKind.MUNICIPALITY: True,
    OrganisationKind.DISTRICT: True,
    OrganisationKind.HOUSING_COMPANY: False,
    OrganisationKind.WELFARE: False,
    OrganisationKind.SCIENCE: False,
    OrganisationKind.FOUNDATION: False,
    OrganisationKind.ASSOCIATION: False,
    OrganisationKind.CULTURE: False,
    OrganisationKind.COMPANY: False,
    OrganisationKind.PLANNING_OFFICE: False,
    OrganisationKind.PUBLIC_AUTHORITY: False,
}


def test_public_authority_table_covers_every_kind():
    assert set(PUBLIC_AUTHORITY) == set(OrganisationKind)


@pytest.mark.parametrize(("kind", "expected"), PUBLIC_AUTHORITY.items())
def test_only_municipalities_and_districts_are_public_authorities(kind, expected):
    assert Organisation(kind=kind).is_local_authority is expected


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [(52.5, 13.4, True), (0.0, 0.0, True), (None, None, False)],
)
def test_has_location_needs_both_coordinates(lat, lon, expected):
    assert Organisation(lat=lat, lon=lon).has_location is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ApplicationStatus.SUBMITTED, True),
        (ApplicationStatus.IN_REVIEW, True),
        (ApplicationStatus.INTERVIEW_SCHEDULED, True),
        (ApplicationStatus.ACCEPTED, False),
        (ApplicationStatus.DECLINED, False),
    ],
)
def test_application_is_open_until_decided(status, expected):
    assert MembershipApplicationFactory.build(status=status).is_open is expected
