"""Object-level permissions: the coordinators of an election's network (and admins) edit it
and see its anonymous statistics; everyone may use a published election check."""

from typing import Any

import rules

from allmende.electioncheck.models import Election, Party, Thesis
from allmende.networks.models import Network
from allmende.networks.rules import is_admin


def _network_of(obj: Any) -> Network | None:
    if isinstance(obj, Network):
        return obj
    if isinstance(obj, Election):
        return obj.network
    if isinstance(obj, Thesis | Party):
        return obj.election.network
    return None


@rules.predicate
def is_election_coordinator(user: Any, obj: Any) -> bool:
    """The user coordinates the network the election (or the network itself) belongs to."""
    network = _network_of(obj)
    if network is None or not user.is_authenticated:
        return False
    return user.coordinator_roles.filter(network=network).exists()


@rules.predicate
def is_published_election(user: Any, election: Any) -> bool:
    return isinstance(election, Election) and election.is_published


rules.add_perm("electioncheck.change_election", is_admin | is_election_coordinator)
rules.add_perm(
    "electioncheck.view_election", is_published_election | is_admin | is_election_coordinator
)
