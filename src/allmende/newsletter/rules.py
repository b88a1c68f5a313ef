"""Object-level permissions: the coordinators of a network (and admins) write, test and send
its newsletter issues and see their delivery logs."""

from typing import Any

import rules

from allmende.networks.models import Network
from allmende.networks.rules import is_admin
from allmende.newsletter.models import NewsletterIssue


def _network_of(obj: Any) -> Network | None:
    if isinstance(obj, Network):
        return obj
    if isinstance(obj, NewsletterIssue):
        return obj.network
    return None


@rules.predicate
def is_newsletter_coordinator(user: Any, obj: Any) -> bool:
    """The user coordinates the network the issue (or the network itself) belongs to."""
    network = _network_of(obj)
    if network is None or not user.is_authenticated:
        return False
    return user.coordinator_roles.filter(network=network).exists()


rules.add_perm("newsletter.manage_newsletter", is_admin | is_newsletter_coordinator)
