"""Who may see a property's exact location and who may change it.

The exact address and coordinates belong to the owner organisation; coordinators of the
networks the owner belongs to and admins may see them too. Everyone else sees the public
position (shifted for sensitive properties) and the town.
"""

from typing import Any

import rules

from allmende.networks.rules import (
    is_admin,
    is_coordinator_of_organisations_network,
    is_organisation_editor,
)
from allmende.properties.models import Property


@rules.predicate
def is_owner_editor(user: Any, prop: Property | None) -> bool:
    if prop is None or prop.owner_organisation_id is None:
        return False
    return bool(is_organisation_editor(user, prop.owner_organisation))


@rules.predicate
def belongs_to_owner(user: Any, prop: Property | None) -> bool:
    """The user has any role (member or editor) in the owner organisation."""
    if prop is None or prop.owner_organisation_id is None or not user.is_authenticated:
        return False
    return user.organisation_roles.filter(organisation_id=prop.owner_organisation_id).exists()


@rules.predicate
def coordinates_owners_network(user: Any, prop: Property | None) -> bool:
    if prop is None or prop.owner_organisation_id is None:
        return False
    return bool(is_coordinator_of_organisations_network(user, prop.owner_organisation))


@rules.predicate
def is_not_sensitive(user: Any, prop: Property | None) -> bool:
    return prop is not None and not prop.is_sensitive


rules.add_perm(
    "properties.view_exact_location",
    is_not_sensitive | is_admin | belongs_to_owner | coordinates_owners_network,
)
rules.add_perm(
    "properties.change_property", is_admin | is_owner_editor | coordinates_owners_network
)
