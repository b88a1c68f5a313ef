"""Object-level permissions for space needs.

One predicate per fact about a need; the network predicates are reused by passing the need's
network (or organisation) to them.
"""

from typing import Any

import rules

from allmende.needs.models import SpaceNeed, Visibility
from allmende.networks.rules import (
    is_admin,
    is_network_coordinator,
    is_network_member,
    is_organisation_editor,
)


@rules.predicate
def is_need_active(user: Any, need: SpaceNeed | None) -> bool:
    return need is not None and need.is_active


@rules.predicate
def is_need_public(user: Any, need: SpaceNeed | None) -> bool:
    return need is not None and need.visibility == Visibility.PUBLIC


@rules.predicate
def is_initiative_person(user: Any, need: SpaceNeed | None) -> bool:
    """The user belongs to the initiative that looks for the space, in any role."""
    if need is None or not user.is_authenticated:
        return False
    return user.organisation_roles.filter(organisation_id=need.organisation_id).exists()


@rules.predicate
def is_initiative_editor(user: Any, need: SpaceNeed | None) -> bool:
    return need is not None and is_organisation_editor(user, need.organisation)


@rules.predicate
def is_need_network_member(user: Any, need: SpaceNeed | None) -> bool:
    return need is not None and is_network_member(user, need.network)


@rules.predicate
def is_need_network_coordinator(user: Any, need: SpaceNeed | None) -> bool:
    return need is not None and is_network_coordinator(user, need.network)


# Keep in step with selectors._visible_q, which applies the same rule in the query.
rules.add_perm(
    "needs.view_space_need",
    is_admin
    | is_initiative_person
    | is_need_network_coordinator
    | (is_need_active & (is_need_public | is_need_network_member)),
)
rules.add_perm(
    "needs.change_space_need",
    is_admin | is_initiative_editor | is_need_network_coordinator,
)
rules.add_perm("needs.add_space_need", is_admin | is_organisation_editor)
