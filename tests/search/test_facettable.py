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
