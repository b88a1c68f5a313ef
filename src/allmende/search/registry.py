"""Which models are searchable and how an object becomes a search document.

A content type registers once, usually in its app's ``ready()``::

    register(
        "article",
        Article,
        label=_("Articles"),
        document=article_document,       # obj -> SearchDocument, or None when not public
        queryset=lambda: Article.objects.filter(is_published=True),
    )

Registering connects ``post_save``/``post_delete`` so the index follows every save and
delete; bulk writes (which send no signals) end with ``services.search_rebuild()``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchDocument:
    """The public text of one object. Only what anyone may read belongs here."""

    title: str
    body: str
    url: str
    facets: dict[str, Any] = field(default_factory=dict)
    language: str = "de"


@dataclass(frozen=True)
class SearchType:
    key: str
    model: type[models.Model]
    label: str | Promise
    document: Callable[[Any], SearchDocument | None]
    queryset: Callable[[], models.QuerySet[Any]]


_types: dict[str, SearchType] = {}


def register(
    key: str,
    model: type[models.Model],
    *,
    label: str | Promise,
    document: Callable[[Any], SearchDocument | None],
    queryset: Callable[[], models.QuerySet[Any]],
) -> SearchType:
    """Make ``model`` searchable under the type ``key`` and keep its entries current."""
    from allmende.search import signals

    search_type = SearchType(key, model, label, document, queryset)
    _types[key] = search_type
    post_save.connect(signals.object_saved, sender=model, dispatch_uid=f"search_saved_{key}")
    post_delete.connect(signals.object_deleted, sender=model, dispatch_uid=f"search_deleted_{key}")
    return search_type


def search_types() -> list[SearchType]:
    """All registered types in registration order."""
    return list(_types.values())


def type_for_model(model: type[models.Model]) -> SearchType | None:
    """The registered type of ``model`` (or of the concrete model behind a proxy)."""
    concrete = model._meta.concrete_model
    return next((t for t in _types.values() if t.model is concrete), None)
