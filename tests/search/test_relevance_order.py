"""The first places in the order of relevance, chosen without sorting every match."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from allmende.search.backends import first_by_relevance


def by_sorting(positions, ids, tiers, scores, count):
    order = np.lexsort((ids[positions], -scores[positions], tiers[positions]))
    return positions[order][:count]


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(min_value=0, max_value=400),
    count=st.integers(min_value=1, max_value=60),
    distinct_scores=st.integers(min_value=1, max_value=5),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_first_places_are_those_of_a_full_sort(size, count, distinct_scores, seed):
    # Few distinct scores: many ties, broken by id, as when matches are not ranked.
    rng = np.random.default_rng(seed)
    ids = rng.permutation(size * 3)[:size].astype(np.int64)
    tiers = rng.integers(0, 2, size).astype(np.int64)
    scores = rng.integers(0, distinct_scores, size).astype(np.float64) / 3
    positions = np.flatnonzero(rng.random(size) < 0.8)

    found = first_by_relevance(positions, ids, tiers, scores, count)

    assert found.tolist() == by_sorting(positions, ids, tiers, scores, count).tolist()


def test_a_page_far_down_and_every_match():
    ids = np.arange(1_000, dtype=np.int64)[::-1].copy()
    tiers = (ids % 3 == 0).astype(np.int64)
    scores = (ids % 7).astype(np.float64)
    positions = np.arange(1_000)
    for count in (1, 20, 240, 1_000, 2_000):
        assert (
            first_by_relevance(positions, ids, tiers, scores, count).tolist()
            == by_sorting(positions, ids, tiers, scores, count).tolist()
        )
