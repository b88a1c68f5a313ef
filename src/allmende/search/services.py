"""Writes to the search index: the entry, its facet values, its title words, and the
backend's own index."""

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.core.progress import ProgressCallback
from allmende.search.backends import backend, facet_rows_changing, facet_table_forget
from allmende.search.facettable import TYPE_FACET
from allmende.search.models import SearchEntry, SearchFacet, SearchWord
from allmende.search.registry import SearchDocument, SearchType, search_types, type_for_model
from allmende.search.stemming import MAX_TERM_CHARS, words

REBUILD_BATCH = 500
# Facet keys of documents that are no filters: the date orders; the type is the entry's own
# (written as a facet row by the index, not by the document).
NOT_FILTERS = frozenset({"date", TYPE_FACET})
# Title words shorter than this are no useful spelling suggestions.
MIN_SUGGESTION_CHARS = 4


def facet_pairs(facets: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (facet, value) pairs of a document's facets: a string value is one value, a list
    several; empty values and anything else (numbers, nested data) are left out."""
    pairs: dict[tuple[str, str], None] = {}
    for key, value in facets.items():
        if key in NOT_FILTERS:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str) and item:
                pairs[(key[:40], item[:120])] = None
    return list(pairs)


def _document_date(document: SearchDocument) -> datetime.date | None:
    if document.date is not None:
        return document.date
    value = document.facets.get("date")
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _entry_values(search_type: SearchType, obj: models.Model) -> dict[str, object] | None:
    document = search_type.document(obj)
    if document is None:
        return None
    return {
        "type": search_type.key,
        "title": document.title[:300],
        "body": document.body,
        "url": document.url[:300],
        "facets": document.facets,
        "language": document.language,
        "updated_at": timezone.now(),
        "date": _document_date(document),
    }


def _title_words(titles: Iterable[str]) -> list[SearchWord]:
    found = {
        word[:MAX_TERM_CHARS]
        for title in titles
        for word in words(title)
        if len(word) >= MIN_SUGGESTION_CHARS and not word.isdigit()
    }
    return [SearchWord(word=word) for word in sorted(found)]


def _write_facets(entries: Sequence[SearchEntry], *, replace: bool) -> None:
    facets = [
        SearchFacet(entry=entry, facet=facet, value=value)
        for entry in entries
        for facet, value in [(TYPE_FACET, entry.type), *facet_pairs(entry.facets)]
    ]
    if replace:
        SearchFacet.objects.filter(entry__in=entries).delete()
    SearchFacet.objects.bulk_create(facets)


def _write(entries: Sequence[SearchEntry], *, replace: bool) -> None:
    """Facet rows, title words and the backend index of saved entries. ``replace``: the
    entries may have been indexed before (a single write, which also keeps this process's
    copy of the facet table current); otherwise a bulk load, after which the copy is read
    again by the next search."""
    if replace:
        added = [
            (entry.pk, facet, value)
            for entry in entries
            for facet, value in [(TYPE_FACET, entry.type), *facet_pairs(entry.facets)]
        ]
        with facet_rows_changing([e.pk for e in entries], added):
            _write_facets(entries, replace=True)
    else:
        _write_facets(entries, replace=False)
    SearchWord.objects.bulk_create(_title_words(e.title for e in entries), ignore_conflicts=True)
    backend().write(entries)


@transaction.atomic
def search_index(obj: models.Model) -> SearchEntry | None:
    """Index ``obj`` (a saved object of a registered type) as it is now: create or update
    its entry, or remove it when the object is not public (any more). Returns the entry, or
    None when the object is not indexed (not public, or its type not registered)."""
    search_type = type_for_model(type(obj))
    if search_type is None:
        return None
    values = _entry_values(search_type, obj)
    if values is None:
        search_remove(obj)
        return None
    entry, _created = SearchEntry.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        defaults=values,
    )
    _write([entry], replace=True)
    return entry


@transaction.atomic
def search_remove(obj: models.Model) -> None:
    """Remove ``obj`` from the index (nothing happens when it is not in it)."""
    if type_for_model(type(obj)) is None:
        return
    entries = SearchEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
    ids = list(entries.values_list("pk", flat=True))
    if ids:
        backend().remove(ids)
        with facet_rows_changing(ids, []):
            SearchEntry.objects.filter(pk__in=ids).delete()


@transaction.atomic
def search_entries_delete(entry_ids: Sequence[int]) -> None:
    """Remove these entries from the index (a bulk removal: their facet rows and the entries
    in one statement each; ``QuerySet.delete()`` removes entries a hundred at a time, and on
    PostgreSQL every statement also changes the bitmaps of the common words)."""
    ids = [int(pk) for pk in entry_ids]
    if not ids:
        return
    backend().remove(ids)
    SearchFacet.objects.filter(entry_id__in=ids).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {SearchEntry._meta.db_table} "  # noqa: S608 - no user text
            f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )


@transaction.atomic
def search_reindex_facet_value(facet: str, value: str) -> int:
    """Index again every object whose entry has ``value`` for ``facet`` (after the thing
    behind the value got another short name, which is in the facets and often in the
    entries' addresses). Returns the number of objects indexed again."""
    entries = SearchEntry.objects.filter(
        facet_values__facet=facet, facet_values__value=value
    ).values_list("content_type_id", "object_id")
    by_type: dict[int, list[int]] = {}
    for content_type_id, object_id in entries:
        by_type.setdefault(content_type_id, []).append(object_id)
    done = 0
    for content_type_id, object_ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        search_type = type_for_model(model) if model is not None else None
        if search_type is None:
            continue
        for obj in search_type.queryset().filter(pk__in=object_ids):
            search_index(obj)
            done += 1
    return done


def _batches(search_type: SearchType) -> Iterator[list[models.Model]]:
    batch: list[models.Model] = []
    for obj in search_type.queryset().order_by("pk").iterator(chunk_size=REBUILD_BATCH):
        batch.append(obj)
        if len(batch) == REBUILD_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def search_rebuild(progress: ProgressCallback | None = None) -> int:
    """Drop the whole index and index every public object of every registered type again
    (after bulk writes, which send no signals). Returns the number of entries."""
    index = backend()
    with index.rebuilding():
        index.clear()
        SearchFacet.objects.all().delete()
        SearchEntry.objects.all().delete()
        SearchWord.objects.all().delete()
        total = 0
        for search_type in search_types():
            content_type = ContentType.objects.get_for_model(search_type.model)
            todo = search_type.queryset().count()
            done = 0
            label = _("Search index: %(type)s") % {"type": search_type.label}
            if progress:
                progress(label, 0, todo)
            for batch in _batches(search_type):
                entries = []
                for obj in batch:
                    values = _entry_values(search_type, obj)
                    if values is not None:
                        entries.append(
                            SearchEntry(content_type=content_type, object_id=obj.pk, **values)
                        )
                created = SearchEntry.objects.bulk_create(entries)
                _write(created, replace=False)
                total += len(created)
                done += len(batch)
                if progress:
                    progress(label, done, todo)
    facet_table_forget()
    if connection.vendor == "postgresql":
        # Fresh statistics: with the estimates of an empty table the planner loops over the
        # matches once per facet row (minutes instead of milliseconds at 50 000 entries).
        # And the GIN indexes' pending lists merged, which every search would read through.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchentry")
            cursor.execute("ANALYZE search_searchfacet")
            cursor.execute("ANALYZE search_searchterm")
            cursor.execute("ANALYZE search_title")
            cursor.execute("ANALYZE search_posting")
            cursor.execute("ANALYZE search_postbits")
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE a.amname = 'gin' AND i.indrelid IN "
                "('search_searchentry'::regclass, 'search_searchterm'::regclass, "
                "'search_title'::regclass)"
            )
    return total
