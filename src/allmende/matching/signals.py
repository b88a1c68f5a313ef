"""Recompute stored recommendations in the background when a property or need changes.

Bulk operations (imports with ``bulk_create``, ``generate``) send no signals; they call
``services.recommendations_rebuild`` or ``allmende match --refresh`` instead.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from allmende.matching.models import Recommendation
from allmende.needs.models import SpaceNeed
from allmende.properties.models import Property

_state = threading.local()


@contextmanager
def recommendations_deferred() -> Iterator[None]:
    """Queue no recomputation for saves inside the block (for bulk loads that end with
    ``services.recommendations_rebuild()``)."""
    _state.deferred = getattr(_state, "deferred", 0) + 1
    try:
        yield
    finally:
        _state.deferred -= 1


def _flush() -> None:
    from allmende.matching.tasks import refresh_recommendations

    pending, _state.pending = getattr(_state, "pending", None), None
    if pending and (pending[0] or pending[1]):
        refresh_recommendations.enqueue(
            need_ids=sorted(pending[0]), property_ids=sorted(pending[1])
        )


def _enqueue(*, need_ids: list[int], property_ids: list[int]) -> None:
    """Collect the changed items; after the commit the first callback queues one task for all
    of them and the later ones find nothing left to do."""
    if getattr(_state, "deferred", 0) or not (need_ids or property_ids):
        return
    pending = getattr(_state, "pending", None)
    if pending is None:
        pending = _state.pending = (set[int](), set[int]())
    pending[0].update(need_ids)
    pending[1].update(property_ids)
    transaction.on_commit(_flush)  # runs at once outside a transaction


@receiver(post_save, sender=Property, dispatch_uid="matching_property_saved")
def property_saved(sender: Any, instance: Property, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not instance.is_synthetic:
        _enqueue(need_ids=[], property_ids=[instance.pk])


@receiver(post_save, sender=SpaceNeed, dispatch_uid="matching_need_saved")
def need_saved(sender: Any, instance: SpaceNeed, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not instance.is_synthetic:
        _enqueue(need_ids=[instance.pk], property_ids=[])


@receiver(pre_delete, sender=Property, dispatch_uid="matching_property_deleting")
def property_deleting(sender: Any, instance: Property, **kwargs: Any) -> None:
    # The needs that listed the property re-rank without it once it is gone.
    instance._matching_needs = list(  # type: ignore[attr-defined]
        Recommendation.objects.filter(property=instance, rank_for_need__isnull=False).values_list(
            "need_id", flat=True
        )
    )


@receiver(post_delete, sender=Property, dispatch_uid="matching_property_deleted")
def property_deleted(sender: Any, instance: Property, **kwargs: Any) -> None:
    _enqueue(need_ids=getattr(instance, "_matching_needs", []), property_ids=[])


@receiver(pre_delete, sender=SpaceNeed, dispatch_uid="matching_need_deleting")
def need_deleting(sender: Any, instance: SpaceNeed, **kwargs: Any) -> None:
    instance._matching_properties = list(  # type: ignore[attr-defined]
        Recommendation.objects.filter(need=instance, rank_for_property__isnull=False).values_list(
            "property_id", flat=True
        )
    )


@receiver(post_delete, sender=SpaceNeed, dispatch_uid="matching_need_deleted")
def need_deleted(sender: Any, instance: SpaceNeed, **kwargs: Any) -> None:
    _enqueue(need_ids=[], property_ids=getattr(instance, "_matching_properties", []))
