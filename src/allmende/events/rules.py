"""Object-level permissions for events: the coordinators of an event's network (and admins)
edit it, see its participants and document it; members-only events are for people who belong
to an active member organisation of the network."""

from typing import Any

import rules

from allmende.events.models import Event, EventSeries
from allmende.networks.models import Membership, MembershipStatus, Network
from allmende.networks.rules import is_admin


def network_of(obj: Any) -> Network | None:
    if isinstance(obj, Network):
        return obj
    if isinstance(obj, Event | EventSeries):
        return obj.network
    return None


@rules.predicate
def is_event_coordinator(user: Any, obj: Any) -> bool:
    network = network_of(obj)
    if network is None or not user.is_authenticated:
        return False
    return user.coordinator_roles.filter(network=network).exists()


@rules.predicate
def is_member_of_events_network(user: Any, obj: Any) -> bool:
    """The user belongs to an organisation that is an active member of the event's network."""
    network = network_of(obj)
    if network is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        network=network, status=MembershipStatus.ACTIVE, organisation__person_roles__user=user
    ).exists()


rules.add_perm("events.change_event", is_admin | is_event_coordinator)
rules.add_perm(
    "events.attend_members_event", is_admin | is_event_coordinator | is_member_of_events_network
)
