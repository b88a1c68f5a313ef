"""Who may see a property's exact location and who may change it.

The exact address and coordinates belong to the owner organisation; coordinators of the
networks the owner belongs to and admins may see them too. Everyone else sees the public
position (shifted for sensitive properties) and the town.
"""

from typing import Any

import rules

from allmende.networks.models import Membership, MembershipStatus, Organisation
from allmende.networks.rules import (
    is_admin,
    is_coordinator_of_organisations_network,
    is_network_coordinator,
    is_organisation_editor,
)
from allmende.properties.models import Moderation, Property


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
def belongs_to_organisation(user: Any, organisation: Organisation | None) -> bool:
    """The user has any role (member or editor) in the organisation."""
    if organisation is None or not user.is_authenticated:
        return False
    return user.organisation_roles.filter(organisation=organisation).exists()


@rules.predicate
def coordinates_report_area(user: Any, prop: Property | None) -> bool:
    """A visitor's report lies in a state where a member organisation of a network the user
    coordinates is based."""
    if prop is None or prop.moderation == Moderation.APPROVED or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        status=MembershipStatus.ACTIVE,
        network__coordinators__user=user,
        organisation__state=prop.state,
    ).exists()


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
# Documents not marked as public (expert reports, plans): the owner's side only, whether the
# property is sensitive or not.
rules.add_perm(
    "properties.view_private_documents",
    is_admin | belongs_to_owner | coordinates_owners_network,
)
# On an organisation: register a property for it as its owner.
rules.add_perm(
    "properties.add_property",
    is_admin | is_organisation_editor | is_coordinator_of_organisations_network,
)
# Pipeline boards: one per owner organisation, one per network.
rules.add_perm(
    "properties.view_organisation_pipeline",
    is_admin | belongs_to_organisation | is_coordinator_of_organisations_network,
)
rules.add_perm("properties.view_network_pipeline", is_admin | is_network_coordinator)
rules.add_perm("properties.moderate_report", is_admin | coordinates_report_area)
