"""Object-level permissions for networks, organisations, applications and working groups.

One predicate per fact; permissions are composed from them. Every permission is checked against
an object (this network, this organisation), never globally.
"""

from typing import Any

import rules

from allmende.networks.models import (
    Membership,
    MembershipApplication,
    MembershipStatus,
    Network,
    Organisation,
    OrganisationRoleKind,
    WorkingGroup,
)


def _network_of(obj: Any) -> Network | None:
    if isinstance(obj, Network):
        return obj
    if isinstance(obj, (MembershipApplication, WorkingGroup, Membership)):
        return obj.network
    return None


@rules.predicate
def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def is_network_coordinator(user: Any, obj: Any) -> bool:
    """The user works in the coordination office of the network the object belongs to."""
    network = _network_of(obj)
    if network is None or not user.is_authenticated:
        return False
    return user.coordinator_roles.filter(network=network).exists()


@rules.predicate
def is_organisation_editor(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    return user.organisation_roles.filter(
        organisation=organisation, role=OrganisationRoleKind.EDITOR
    ).exists()


@rules.predicate
def is_coordinator_of_organisations_network(user: Any, organisation: Organisation | None) -> bool:
    """The user coordinates a network in which the organisation is an active member."""
    if organisation is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        organisation=organisation,
        status=MembershipStatus.ACTIVE,
        network__coordinators__user=user,
    ).exists()


@rules.predicate
def is_network_member(user: Any, obj: Any) -> bool:
    """The user belongs to an organisation that is an active member of the object's network."""
    network = _network_of(obj)
    if network is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        network=network,
        status=MembershipStatus.ACTIVE,
        organisation__person_roles__user=user,
    ).exists()


@rules.predicate
def is_working_group_member(user: Any, group: WorkingGroup | None) -> bool:
    if group is None or not user.is_authenticated:
        return False
    return group.members.filter(pk=user.pk).exists()


rules.add_perm(
    "networks.change_organisation",
    is_admin | is_organisation_editor | is_coordinator_of_organisations_network,
)
rules.add_perm("networks.change_network", is_admin | is_network_coordinator)
rules.add_perm("networks.view_applications", is_admin | is_network_coordinator)
rules.add_perm("networks.review_application", is_admin | is_network_coordinator)
rules.add_perm(
    "networks.view_working_group",
    is_admin | is_network_coordinator | is_network_member | is_working_group_member,
)
rules.add_perm("networks.change_working_group", is_admin | is_network_coordinator)
rules.add_perm(
    "networks.add_working_group_document",
    is_admin | is_network_coordinator | is_working_group_member,
)
