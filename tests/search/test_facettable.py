"""The in-memory facet table: disjunctive counts by hand, changes, and the index generation."""

import numpy as np
import pytest
from django.db import connection

from allmende.search.facettable import FacetTable

ROWS = [
    (1, "type", "article"),
    (1, "topic", "geld"),
    (1, "topic", "recht"),
    (2, "type", "article"),
    (2, "topic", "geld"),
    (3, "type", "tool"),
    (3, "topic", "recht"),
    (4, "type", "tool"),
]


def test_counts_each_facet_with_the_other_filters_but_not_its_own():
    table = FacetTable(7, ROWS)

    found = table.count(
        np.array([1, 2, 3, 4, 99]), filters={"topic": ["recht"]}, types=["tool"], facets=[]
    )

    # Types with the topic filter; topics with the type filter; id 99 is unknown.
    assert found.counts == {"article": 1, "tool": 1}
    assert found.facet_counts == {"topic": {"recht": 1}}
    assert found.selected.tolist() == [2]


def test_without_filters_every_known_match_is_selected_and_counted():
    found = FacetTable(7, ROWS).count(np.array([4, 1]), filters={}, types=None, facets=["topic"])

    assert found.counts == {"article": 1, "tool": 1}
    assert found.facet_counts == {"topic": {"geld": 1, "recht": 1}}
    assert found.selected.tolist() == [0, 1]


def test_changes_replace_the_rows_of_an_entry_and_keep_the_old_table():
    table = FacetTable(7, ROWS)

    changed = table.with_changes(
        8, removed=[1, 4], added=[(1, "type", "tool"), (5, "type", "news")]
    )

    ids = np.array([1, 2, 3, 4, 5])
    assert changed.token == 8
    assert changed.count(ids, filters={}, types=None, facets=[]).counts == {
        "article": 1,
        "tool": 2,
        "news": 1,
    }
    assert table.count(ids, filters={}, types=None, facets=[]).counts == {
        "article": 2,
        "tool": 2,
    }


@pytest.mark.django_db
def test_every_write_of_facet_rows_gives_the_index_a_new_generation():
    from allmende.search.backends import _index_generation
    from allmende.search.models import SearchFacet
    from tests.search.test_search import make_property

    with connection.cursor() as cursor:
        before = _index_generation(cursor)
        make_property(title="Altes Kino")
        after_write = _index_generation(cursor)
        SearchFacet.objects.all().delete()
        after_delete = _index_generation(cursor)

    assert len({before, after_write, after_delete}) == 3


def brute_force(rows, ids, filters, types, facets):
    """The counts by definition, entry by entry."""
    values: dict[int, dict[str, set[str]]] = {}
    for entry, facet, value in rows:
        values.setdefault(entry, {}).setdefault(facet, set()).add(value)
    matches = [i for i in dict.fromkeys(ids) if i in values]

    def passes(entry, skip, with_type):
        ok = all(values[entry].get(f, set()) & set(v) for f, v in filters.items() if f != skip)
        if with_type and types is not None:
            ok = ok and bool(values[entry].get("type", set()) & set(types))
        return ok

    def tally(facet, skip, with_type):
        found: dict[str, int] = {}
        for entry in matches:
            if passes(entry, skip, with_type):
                for value in values[entry].get(facet, ()):
                    found[value] = found.get(value, 0) + 1
        return found

    counts = tally("type", None, False)
    facet_counts = {f: tally(f, f, True) for f in filters}
    facet_counts.update({f: tally(f, None, True) for f in facets if f not in filters})
    return counts, {f: c for f, c in facet_counts.items() if c}


@pytest.mark.parametrize("seed", range(40))
def test_counts_equal_counting_entry_by_entry(seed):
    # Facets of very different sizes: some counted by reading only their rows, some by one
    # pass over every row.
    rng = np.random.default_rng(seed)
    sizes = {"type": 4, "topic": 12, "audience": 2, "rare": 3, "network": 5}
    rows = []
    for entry in range(1, 301):
        rows.append((entry, "type", f"t{rng.integers(sizes['type'])}"))
        for facet, share in (("topic", 0.9), ("audience", 0.6), ("rare", 0.05), ("network", 1)):
            if rng.random() < share:
                for value in set(rng.integers(sizes[facet], size=rng.integers(1, 4)).tolist()):
                    rows.append((entry, facet, f"{facet[0]}{value}"))
    table = FacetTable(1, rows)
    ids = rng.choice(np.arange(1, 340), size=rng.integers(1, 300), replace=False)
    chosen = rng.choice(["topic", "audience", "rare", "network"], size=rng.integers(0, 3))
    filters = {f: [f"{f[0]}{v}" for v in rng.integers(sizes[f], size=2)] for f in chosen}
    types = [f"t{v}" for v in rng.integers(4, size=2)] if rng.random() < 0.5 else None
    facets = ["topic", "audience", "rare", "network"]

    found = table.count(ids.astype(np.int64), filters=filters, types=types, facets=facets)

    assert (found.counts, found.facet_counts) == brute_force(
        rows, ids.tolist(), filters, types, facets
    )
