"""Object-level permissions for the knowledge content.

Coordinators edit the knowledge of their own network (articles, toolboxes and tools, example
places, publications, positions, news); admins edit everything. Editors of an organisation that
is an active member of a position's network sign the position for their organisation.
"""

from typing import Any

import rules

from allmende.knowledge.models import (
    Article,
    CodePrefix,
    ExamplePlace,
    FacetTerm,
    News,
    Position,
    Publication,
    Tool,
    Toolbox,
)
from allmende.networks.models import Membership, MembershipStatus, Network, OrganisationRoleKind
from allmende.networks.rules import is_admin


def network_of(obj: Any) -> Network | None:
    """The network a knowledge object (or the network itself) belongs to."""
    if isinstance(obj, Network):
        return obj
    if isinstance(obj, (Article, Toolbox, ExamplePlace, Publication, Position, News)):
        return obj.network
    if isinstance(obj, Tool | CodePrefix | FacetTerm):
        return obj.toolbox.network
    return None


@rules.predicate
def is_knowledge_coordinator(user: Any, obj: Any) -> bool:
    """The user works in the coordination office of the network the content belongs to."""
    network = network_of(obj)
    if network is None or not user.is_authenticated:
        return False
    return user.coordinator_roles.filter(network=network).exists()


@rules.predicate
def is_editor_of_member_organisation(user: Any, position: Any) -> bool:
    """The user edits an organisation that is an active member of the position's network."""
    if not isinstance(position, Position) or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        network_id=position.network_id,
        status=MembershipStatus.ACTIVE,
        organisation__person_roles__user=user,
        organisation__person_roles__role=OrganisationRoleKind.EDITOR,
    ).exists()


rules.add_perm("knowledge.change_content", is_admin | is_knowledge_coordinator)
rules.add_perm("knowledge.sign_position", is_admin | is_editor_of_member_organisation)
