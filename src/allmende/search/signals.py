"""Receivers connected by ``registry.register`` for every searchable model.

The entry is written in the same transaction as the object, so a rolled-back save leaves the
index as it was. Fixture loading (``raw``) is skipped; ``rebuild_search_index`` covers it.
"""

from typing import Any

from django.db import models


def object_saved(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    from allmende.search.services import search_index

    search_index(instance)


def object_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    from allmende.search.services import search_remove

    search_remove(instance)
