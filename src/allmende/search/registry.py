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

Facets a document carries (``facets={"network": ["stadtluecken"], ...}``) are filterable by
any key; the ones the search page shows with counts are registered with
:func:`register_facets`, with a function that turns their values (slugs) into labels.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_init, post_save
from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchDocument:
    """The public text of one object. Only what anyone may read belongs here."""

    title: str
    body: str
    url: str
    facets: dict[str, Any] = field(default_factory=dict)
    language: str = "de"
    # The content's own date, for "newest first" (publication, issue, date of a declaration).
    date: datetime.date | None = None


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


# {facet: values present} -> {facet: {value: label}}; one query for all facets it serves.
FacetLabeller = Callable[[Mapping[str, set[str]]], dict[str, dict[str, str]]]


@dataclass(frozen=True)
class FacetKind:
    key: str
    label: str | Promise
    labeller: FacetLabeller
    position: int = 100


_facets: dict[str, FacetKind] = {}


def register_facets(
    facets: Sequence[tuple[str, str | Promise]], *, labels: FacetLabeller, position: int = 100
) -> None:
    """Show these facets (key, label) on the search page, in this order, with counts; their
    values are turned into readable labels by ``labels`` (called once for all of them). A
    facet several apps use (``kind``) may be registered by each: the first label stays, the
    labellers are asked in turn. ``position`` orders the facets on the page (then the order of
    registration)."""
    for key, label in facets:
        if (known := _facets.get(key)) is not None and known.labeller is not labels:
            _facets[key] = FacetKind(
                key, known.label, _chain(known.labeller, labels), known.position
            )
        else:
            _facets[key] = FacetKind(key, label, labels, position)


def _chain(first: FacetLabeller, second: FacetLabeller) -> FacetLabeller:
    def labeller(values: Mapping[str, set[str]]) -> dict[str, dict[str, str]]:
        labels = first(values)
        for facet, names in second(values).items():
            for value, name in names.items():
                if labels.get(facet, {}).get(value, value) == value:
                    labels.setdefault(facet, {})[value] = name
        return labels

    return labeller


def facet_kinds() -> list[FacetKind]:
    """The facets shown with counts, in page order."""
    return sorted(_facets.values(), key=lambda kind: kind.position)


def choice_labels(*choices: Any) -> FacetLabeller:
    """A labeller for facets whose values are ``TextChoices`` values (no query)."""

    def labeller(values: Mapping[str, set[str]]) -> dict[str, dict[str, str]]:
        # Translated now, in the language of the request.
        names: dict[str, str] = {}
        for choice in choices:
            names.update({str(value): str(label) for value, label in choice.choices})
        return {
            facet: {value: names.get(value, value) for value in found}
            for facet, found in values.items()
        }

    return labeller


def register_facet_source(
    model: type[models.Model], *, facet: str | None = None, facet_field: str | None = None
) -> None:
    """Objects of ``model`` lend their short name (``slug``) to a facet of indexed entries
    (a network to "network"; a toolbox term to the facet named in its ``facet_field``), and
    often to the entries' addresses too. When it changes, every object whose entry carries the
    old value is indexed again. The value an object was loaded with is kept when it is made
    (no query); objects loaded without it are not followed."""
    if (facet is None) == (facet_field is None):
        raise ValueError("Give either facet or facet_field.")
    fields = ["slug"] if facet_field is None else ["slug", facet_field]

    def current(instance: models.Model) -> tuple[str, str]:
        key = facet if facet_field is None else getattr(instance, facet_field)
        return str(key), str(instance.slug)  # type: ignore[attr-defined]

    def remember(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        deferred = instance.get_deferred_fields()
        loaded = instance.pk is not None and not any(f in deferred for f in fields)
        instance._search_facet_value = current(instance) if loaded else None  # type: ignore[attr-defined]

    def follow(
        sender: type[models.Model],
        instance: models.Model,
        created: bool = False,
        raw: bool = False,
        **kwargs: Any,
    ) -> None:
        before = getattr(instance, "_search_facet_value", None)
        after = current(instance)
        instance._search_facet_value = after  # type: ignore[attr-defined]
        if raw or created or before is None or before == after:
            return
        from allmende.search.services import search_reindex_facet_value

        search_reindex_facet_value(*before)

    uid = f"search_facet_source_{model._meta.label_lower}"
    post_init.connect(remember, sender=model, weak=False, dispatch_uid=f"{uid}_init")
    post_save.connect(follow, sender=model, weak=False, dispatch_uid=f"{uid}_saved")
