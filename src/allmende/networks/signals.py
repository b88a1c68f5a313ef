"""Keep derived data current when organisations or memberships change."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from allmende.networks.models import Membership, Organisation
from allmende.networks.selectors import organisation_map_invalidate


@receiver([post_save, post_delete], sender=Organisation)
@receiver([post_save, post_delete], sender=Membership)
def invalidate_organisation_map(sender: type, **kwargs: Any) -> None:
    # Now for this process, and again after commit so that no request that read the old rows
    # in between can leave a stale answer in the cache.
    organisation_map_invalidate()
    transaction.on_commit(organisation_map_invalidate)
