"""Who may run the optimal assignment for a region: coordinators and admins."""

import rules

from allmende.networks.rules import is_admin, is_network_coordinator


@rules.predicate
def is_any_coordinator(user: object) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.coordinator_roles.exists()  # type: ignore[attr-defined]
    )


rules.add_perm("matching.view_assignment", is_admin | is_any_coordinator)

# On a network: set the weights of the matching score for its space needs.
rules.add_perm("matching.change_weights", is_admin | is_network_coordinator)
