"""Signal receivers of the properties app, connected in ``apps.ready``."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from allmende.properties.models import Property, PropertyStatusChange
from allmende.properties.selectors import property_map_invalidate


@receiver(
    [post_save, post_delete], sender=Property, dispatch_uid="properties:property-map-invalidate"
)
@receiver(
    [post_save, post_delete],
    sender=PropertyStatusChange,
    dispatch_uid="properties:property-map-invalidate",
)
def _property_map_invalidate_on_change(sender: type, **kwargs: Any) -> None:
    """Make cached map answers stale: now for this process, and again after commit so that no
    request that read the old rows in between can leave a stale answer in the cache."""
    property_map_invalidate()
    transaction.on_commit(property_map_invalidate)
