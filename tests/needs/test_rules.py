"""Permissions on space needs as role × state matrices.

world.organisation (member: world.member, editor: world.editor) and a neighbour organisation
are members of world.network, coordinated by world.coordinator.
"""

import pytest

from tests.conftest import ROLES, user_for

pytestmark = pytest.mark.django_db

NEED_STATES = ["public", "network", "network_other", "inactive", "inactive_other"]

# fmt: off
VIEW = {
    #                   public network network_other inactive inactive_other
    "anonymous":         (True,  False,  False,        False,   False),
    "outsider":          (True,  False,  False,        False,   False),
    "member":            (True,  True,   True,         True,    False),
    "editor":            (True,  True,   True,         True,    False),
    "coordinator":       (True,  True,   True,         True,    True),
    "other_coordinator": (True,  False,  False,        False,   False),
    "admin":             (True,  True,   True,         True,    True),
}
CHANGE = {
    #                   public network network_other inactive inactive_other
    "anonymous":         (False, False,  False,        False,   False),
    "outsider":          (False, False,  False,        False,   False),
    "member":            (False, False,  False,        False,   False),
    "editor":            (True,  True,   False,        True,    False),
    "coordinator":       (True,  True,   True,         True,    True),
    "other_coordinator": (False, False,  False,        False,   False),
    "admin":             (True,  True,   True,         True,    True),
}
ADD = {
    #                   own organisation, neighbour organisation
    "anonymous":         (False, False),
    "outsider":          (False, False),
    "member":            (False, False),
    "editor":            (True,  False),
    "coordinator":       (False, False),
    "other_coordinator": (False, False),
    "admin":             (True,  True),
}
# fmt: on


def test_matrices_cover_every_role():
    assert set(VIEW) == set(CHANGE) == set(ADD) == set(ROLES)


@pytest.mark.parametrize("state", NEED_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_view_space_need(world, needs, role, state):
    need = getattr(needs, state)
    expected = VIEW[role][NEED_STATES.index(state)]
    assert user_for(world, role).has_perm("needs.view_space_need", need) is expected


@pytest.mark.parametrize("state", NEED_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_change_space_need(world, needs, role, state):
    need = getattr(needs, state)
    expected = CHANGE[role][NEED_STATES.index(state)]
    assert user_for(world, role).has_perm("needs.change_space_need", need) is expected


@pytest.mark.parametrize("which", ["own", "neighbour"])
@pytest.mark.parametrize("role", ROLES)
def test_add_space_need(world, needs, role, which):
    organisation = world.organisation if which == "own" else needs.neighbour
    expected = ADD[role][0 if which == "own" else 1]
    assert user_for(world, role).has_perm("needs.add_space_need", organisation) is expected
