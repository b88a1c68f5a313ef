"""Object permissions of the network module: one parametrised test per permission, over every
role of ``tests.conftest.ROLES`` and the relevant object states.

Each matrix is written out as a table, one row per role and one column per object, so that every
cell can be read and changed on its own. ``world`` (tests/conftest.py): ``coordinator``
coordinates ``network``, in which ``organisation`` is an active member; ``editor`` and ``member``
are the organisation's editor and plain member; ``other_coordinator`` coordinates
``other_network``, in which ``other_organisation`` is a member.
"""

from collections.abc import Callable
from typing import Any

import pytest

from allmende.networks.models import MembershipStatus
from tests.conftest import ROLES, World, user_for
from tests.factories import (
    MembershipApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    WorkingGroupFactory,
)

Y, N = True, False

ObjectMaker = Callable[[World, Any], Any]


def cells(objects: dict[str, ObjectMaker], matrix: dict[str, tuple[bool, ...]]) -> list[Any]:
    """One pytest case per (role, object) cell of the matrix."""
    assert list(matrix) == ROLES, "the matrix needs exactly one row per role, in ROLES order"
    cases = []
    for role, row in matrix.items():
        assert len(row) == len(objects), f"row {role!r} needs one cell per object"
        for (name, make), allowed in zip(objects.items(), row, strict=True):
            verdict = "allowed" if allowed else "denied"
            cases.append(pytest.param(role, make, allowed, id=f"{role}-{name}-{verdict}"))
    return cases


def check(world: World, role: str, make: ObjectMaker, perm: str) -> bool:
    user = user_for(world, role)
    return user.has_perm(perm, make(world, user))


# --- networks.change_organisation --------------------------------------------------------------


def _organisation_with_ended_membership(world: World, user: Any):
    membership = MembershipFactory(network=world.network, status=MembershipStatus.ENDED)
    return membership.organisation


ORGANISATIONS: dict[str, ObjectMaker] = {
    # the editor's organisation, an active member of the coordinator's network
    "own_org": lambda world, user: world.organisation,
    # a member of the other coordinator's network
    "other_network_org": lambda world, user: world.other_organisation,
    # in no network at all
    "unrelated_org": lambda world, user: OrganisationFactory(),
    # its membership in the coordinator's network has ended
    "ended_member_org": _organisation_with_ended_membership,
}

# fmt: off
CHANGE_ORGANISATION = {
    #                    own_org  other_network_org  unrelated_org  ended_member_org
    "anonymous":         (N,      N,                 N,             N),
    "outsider":          (N,      N,                 N,             N),
    "member":            (N,      N,                 N,             N),
    "editor":            (Y,      N,                 N,             N),
    "coordinator":       (Y,      N,                 N,             N),
    "other_coordinator": (N,      Y,                 N,             N),
    "admin":             (Y,      Y,                 Y,             Y),
}
# fmt: on


@pytest.mark.parametrize(("role", "make", "allowed"), cells(ORGANISATIONS, CHANGE_ORGANISATION))
def test_change_organisation_permission(world, role, make, allowed):
    assert check(world, role, make, "networks.change_organisation") is allowed


# --- networks.change_network and networks.view_applications -----------------------------------

NETWORKS: dict[str, ObjectMaker] = {
    "own_network": lambda world, user: world.network,
    "other_network": lambda world, user: world.other_network,
}

# fmt: off
CHANGE_NETWORK = {
    #                    own_network  other_network
    "anonymous":         (N,          N),
    "outsider":          (N,          N),
    "member":            (N,          N),
    "editor":            (N,          N),
    "coordinator":       (Y,          N),
    "other_coordinator": (N,          Y),
    "admin":             (Y,          Y),
}
# fmt: on


@pytest.mark.parametrize(("role", "make", "allowed"), cells(NETWORKS, CHANGE_NETWORK))
def test_change_network_permission(world, role, make, allowed):
    assert check(world, role, make, "networks.change_network") is allowed


# fmt: off
VIEW_APPLICATIONS = {
    #                    own_network  other_network
    "anonymous":         (N,          N),
    "outsider":          (N,          N),
    "member":            (N,          N),
    "editor":            (N,          N),
    "coordinator":       (Y,          N),
    "other_coordinator": (N,          Y),
    "admin":             (Y,          Y),
}
# fmt: on


@pytest.mark.parametrize(("role", "make", "allowed"), cells(NETWORKS, VIEW_APPLICATIONS))
def test_view_applications_permission(world, role, make, allowed):
    assert check(world, role, make, "networks.view_applications") is allowed


# --- networks.review_application ---------------------------------------------------------------

APPLICATIONS: dict[str, ObjectMaker] = {
    "own_network_application": lambda world, user: MembershipApplicationFactory(
        network=world.network
    ),
    "other_network_application": lambda world, user: MembershipApplicationFactory(
        network=world.other_network
    ),
}

# fmt: off
REVIEW_APPLICATION = {
    #                    own_network_application  other_network_application
    "anonymous":         (N,                      N),
    "outsider":          (N,                      N),
    "member":            (N,                      N),
    "editor":            (N,                      N),
    "coordinator":       (Y,                      N),
    "other_coordinator": (N,                      Y),
    "admin":             (Y,                      Y),
}
# fmt: on


@pytest.mark.parametrize(("role", "make", "allowed"), cells(APPLICATIONS, REVIEW_APPLICATION))
def test_review_application_permission(world, role, make, allowed):
    assert check(world, role, make, "networks.review_application") is allowed


# --- working groups ----------------------------------------------------------------------------


def _group_joined_by(user: Any, group):
    """The user is one of the group's members (anonymous visitors cannot be)."""
    if user.is_authenticated:
        group.members.add(user)
    return group


GROUPS: dict[str, ObjectMaker] = {
    # a group of the coordinator's network; the user is not in it
    "own_network_group": lambda world, user: WorkingGroupFactory(network=world.network),
    # a group of the other network; the user is not in it
    "other_network_group": lambda world, user: WorkingGroupFactory(network=world.other_network),
    # a group of the other network that the user has joined
    "joined_other_network_group": lambda world, user: _group_joined_by(
        user, WorkingGroupFactory(network=world.other_network)
    ),
}

# fmt: off
VIEW_WORKING_GROUP = {
    #                    own_network_group  other_network_group  joined_other_network_group
    "anonymous":         (N,                N,                   N),
    "outsider":          (N,                N,                   Y),
    "member":            (Y,                N,                   Y),
    "editor":            (Y,                N,                   Y),
    "coordinator":       (Y,                N,                   Y),
    "other_coordinator": (N,                Y,                   Y),
    "admin":             (Y,                Y,                   Y),
}
# fmt: on


@pytest.mark.parametrize(("role", "make", "allowed"), cells(GROUPS, VIEW_WORKING_GROUP))
def test_view_working_group_permission(world, role, make, allowed):
    assert check(world, role, make, "networks.view_working_group") is allowed


# fmt: off
CHANGE_WORKING_GROUP = {
    #                    own_network_group  other_network_group  joined_other_network_group
    "anonymous":         (N,                N,                   N),
    "outsider":          (N,                N,                   N),
    "member":            (N,                N,                   N),
    "editor":            (N,                N,                   N),
    "coordinator":       (Y,                N,                   N),
    "other_coordinator": (N,                Y,                   Y),
    "admin":             (Y,                Y,                   Y),
}
# fmt: on


@pytest.mark.parametrize(("role", "make", "allowed"), cells(GROUPS, CHANGE_WORKING_GROUP))
def test_change_working_group_permission(world, role, make, allowed):
    assert check(world, role, make, "networks.change_working_group") is allowed


# fmt: off
ADD_WORKING_GROUP_DOCUMENT = {
    #                    own_network_group  other_network_group  joined_other_network_group
    "anonymous":         (N,                N,                   N),
    "outsider":          (N,                N,                   Y),
    "member":            (N,                N,                   Y),
    "editor":            (N,                N,                   Y),
    "coordinator":       (Y,                N,                   Y),
    "other_coordinator": (N,                Y,                   Y),
    "admin":             (Y,                Y,                   Y),
}
# fmt: on


@pytest.mark.parametrize(("role", "make", "allowed"), cells(GROUPS, ADD_WORKING_GROUP_DOCUMENT))
def test_add_working_group_document_permission(world, role, make, allowed):
    assert check(world, role, make, "networks.add_working_group_document") is allowed
