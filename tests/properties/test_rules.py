"""Exact locations and editing of properties, role by role."""

import pytest

from allmende.networks.models import OrganisationRoleKind
from allmende.properties.models import Property
from tests.conftest import ROLES, user_for
from tests.factories import OrganisationRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(world):
    """A sensitive and a plain property of the world's member organisation, whose network is
    coordinated by ``world.coordinator``."""
    common = {
        "kind": "vacant",
        "city": "Leipzig",
        "state": "Sachsen",
        "lat": 51.34,
        "lon": 12.37,
        "owner_kind": "private",
        "owner_organisation": world.organisation,
    }
    return {
        "sensitive": Property.objects.create(title="Geheim", is_sensitive=True, **common),
        "plain": Property.objects.create(title="Offen", **common),
    }


# fmt: off
VIEW_EXACT = [
    # role                sensitive  plain
    ("anonymous",         False,     True),
    ("outsider",          False,     True),
    ("member",            True,      True),   # member of the owner organisation
    ("editor",            True,      True),
    ("coordinator",       True,      True),   # coordinates the owner's network
    ("other_coordinator", False,     True),
    ("admin",             True,      True),
]
CHANGE = [
    ("anonymous",         False),
    ("outsider",          False),
    ("member",            False),
    ("editor",            True),
    ("coordinator",       True),
    ("other_coordinator", False),
    ("admin",             True),
]
# fmt: on


def test_tables_cover_every_role():
    assert [row[0] for row in VIEW_EXACT] == ROLES
    assert [row[0] for row in CHANGE] == ROLES


@pytest.mark.parametrize(("role", "sensitive", "plain"), VIEW_EXACT)
def test_view_exact_location(world, owned, role, sensitive, plain):
    user = user_for(world, role)
    assert user.has_perm("properties.view_exact_location", owned["sensitive"]) is sensitive
    assert user.has_perm("properties.view_exact_location", owned["plain"]) is plain


@pytest.mark.parametrize(("role", "allowed"), CHANGE)
def test_change_property(world, owned, role, allowed):
    user = user_for(world, role)
    assert user.has_perm("properties.change_property", owned["plain"]) is allowed


def test_editor_of_another_organisation_sees_neither_exact_location_nor_may_edit(world, owned):
    stranger = OrganisationRoleFactory(
        organisation=world.other_organisation, role=OrganisationRoleKind.EDITOR
    ).user
    assert not stranger.has_perm("properties.view_exact_location", owned["sensitive"])
    assert not stranger.has_perm("properties.change_property", owned["plain"])
