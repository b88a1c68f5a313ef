"""Matches of recent queries kept per index generation: the same tests on both backends."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allmende.search import backends
from allmende.search.selectors import search
from tests.search.test_search import make_property

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    backends.hits_cache_clear()
    yield
    backends.hits_cache_clear()


def searched(queries):
    """Whether one of the captured queries searched the index (not only read the index
    generation or the page's entries)."""
    return any("search_fts" in q["sql"] or "@@" in q["sql"] for q in queries)


def outcome(result):
    return (
        [(h.url, h.score, h.compound_only) for h in result.hits],
        result.counts,
        result.facet_counts,
        result.total,
    )


def test_the_same_words_again_read_the_generation_instead_of_searching():
    for i in range(5):
        make_property(title=f"Kino {i}", description="Ein Saal im Kaufhaus")
    make_property(title="Warenhaus", description="Ein leeres Kaufhaus am Markt")
    first = search("Kaufhaus", limit=3)

    with CaptureQueriesContext(connection) as again:
        second = search("Kaufhaus", limit=3)
    with CaptureQueriesContext(connection) as next_page:
        page = search("Kaufhaus", limit=3, offset=3)
    backends.hits_cache_clear()
    fresh = search("Kaufhaus", limit=3)

    assert outcome(second) == outcome(first) == outcome(fresh)
    assert not searched(again.captured_queries)
    assert len(again.captured_queries) == 2  # the generation and the page
    assert not searched(next_page.captured_queries)
    assert {h.url for h in page.hits}.isdisjoint({h.url for h in first.hits})
    assert first.total == 6


def test_a_write_in_this_process_drops_the_cached_matches():
    make_property(title="Altes Kino")
    assert [h.title for h in search("Kino").hits] == ["Altes Kino"]

    make_property(title="Neues Kino")

    with CaptureQueriesContext(connection) as queries:
        titles = sorted(h.title for h in search("Kino").hits)
    assert titles == ["Altes Kino", "Neues Kino"]
    assert len(queries.captured_queries) == 2


def test_a_write_elsewhere_is_seen_through_the_index_generation(monkeypatch):
    # Another process writes: this process's cache is not told, the generation changes.
    kino = make_property(title="Altes Kino")
    assert [h.title for h in search("Kino").hits] == ["Altes Kino"]
    monkeypatch.setattr(backends, "_hits_cache_forget", lambda: None)

    make_property(title="Neues Kino")
    with CaptureQueriesContext(connection) as queries:
        titles = sorted(h.title for h in search("Kino").hits)
    kino.is_published = False
    kino.save()
    after_unpublishing = [h.title for h in search("Kino").hits]

    assert titles == ["Altes Kino", "Neues Kino"]
    # The generation, the search, the page.
    assert len(queries.captured_queries) == 3
    assert searched(queries.captured_queries)
    assert after_unpublishing == ["Neues Kino"]


def test_the_cache_is_bounded_by_queries_and_by_ids(monkeypatch):
    monkeypatch.setattr(backends, "HITS_CACHE_QUERIES", 2)
    for word in ("Kino", "Saal", "Markt"):
        make_property(title=f"{word} im Zentrum")
    for word in ("Kino", "Saal", "Markt"):
        search(word)
    held = backends._hits_cache[connection.alias]
    assert len(held) == 2
    assert [key[0] for key in held] == [("saal",), ("markt",)]

    monkeypatch.setattr(backends, "HITS_CACHE_IDS", 1)
    search("Zentrum")  # three matches: more than the cache holds
    assert [key[0] for key in held] == [("saal",), ("markt",)]


def test_the_rank_limit_is_part_of_what_is_cached(monkeypatch):
    make_property(title="Kino", description="Ein Kino")
    make_property(title="Saal", description="Ein Saal mit Kino")
    ranked = search("Kino")
    monkeypatch.setattr(backends, "RANK_LIMIT", 0)
    unranked = search("Kino")

    assert [h.title for h in ranked.hits] == [h.title for h in unranked.hits] == ["Kino", "Saal"]
    assert ranked.hits[0].score != unranked.hits[0].score


def test_cached_match_lists_cannot_be_changed_by_a_later_search():
    make_property(title="Altes Kino")
    search("Kino")

    (held,) = backends._hits_cache[connection.alias].values()
    with pytest.raises(ValueError, match="read-only"):
        held.ids[0] = 0
