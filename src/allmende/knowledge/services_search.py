"""Scheduled knowledge content in the search index.

Content saved with ``published_at`` in the future is not public yet, so saving it leaves it
out of the index (its document is None), and nothing saves it again when the date arrives.
``knowledge_index_due`` closes that gap; ``allmende index_scheduled`` runs it from cron.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from allmende.knowledge.models import (
    Article,
    ExamplePlace,
    News,
    Position,
    Publication,
    Publishable,
    Tool,
)
from allmende.search.models import SearchEntry
from allmende.search.registry import type_for_model
from allmende.search.services import search_index

SCHEDULED_MODELS: tuple[type[Publishable], ...] = (
    Article,
    Tool,
    ExamplePlace,
    Publication,
    Position,
    News,
)


@transaction.atomic
def knowledge_index_due(now: datetime.datetime | None = None) -> int:
    """Index every published knowledge item (article, tool, example place, publication,
    position, news) whose ``published_at`` lies at or before ``now`` (default: the current
    time) and that has no search entry yet. Items already in the index are left alone, so
    running it again indexes nothing twice. One query per content type selects the items
    due. Returns the number of items indexed."""
    now = now or timezone.now()
    indexed = 0
    for model in SCHEDULED_MODELS:
        search_type = type_for_model(model)
        if search_type is None:
            continue
        content_type = ContentType.objects.get_for_model(model)
        in_index = SearchEntry.objects.filter(content_type=content_type).values("object_id")
        due: models.QuerySet[models.Model] = (
            search_type.queryset()
            .filter(is_published=True, published_at__lte=now)
            .exclude(pk__in=in_index)
        )
        for obj in due:
            if search_index(obj) is not None:
                indexed += 1
    return indexed
