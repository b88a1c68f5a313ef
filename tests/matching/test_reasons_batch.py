"""The batch reasons give the same sentences as ``explain`` pair by pair."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from allmende.matching.engine import (
    Needs,
    Properties,
    explain,
    pair_distance_km,
    reasons_for_pairs,
)

properties = st.fixed_dictionaries(
    {
        "lat": st.floats(50, 51),
        "lon": st.floats(10, 11),
        "area": st.one_of(st.none(), st.floats(10, 2000)),
        "transfer": st.integers(1, 15),
        "price": st.one_of(st.none(), st.floats(0, 1e6)),
        "rent": st.one_of(st.none(), st.floats(0, 30)),
        "uses": st.integers(0, 4095),
        "condition": st.integers(0, 3),
    }
)
needs = st.fixed_dictionaries(
    {
        "lat": st.floats(50, 51),
        "lon": st.floats(10, 11),
        "radius_km": st.floats(1, 200),
        "area_min": st.floats(0, 500),
        "transfer": st.integers(1, 15),
        "max_rent": st.one_of(st.none(), st.floats(1, 30)),
        "max_price": st.one_of(st.none(), st.floats(1, 1e6)),
        "uses": st.integers(0, 4095),
        "renovation": st.integers(0, 3),
        "common_good": st.floats(0, 1),
    }
)


@settings(max_examples=40, deadline=None)
@given(st.lists(properties, min_size=1, max_size=5), st.lists(needs, min_size=1, max_size=5))
def test_batch_reasons_equal_explain(prop_records, need_records):
    props = Properties.from_records([{"ids": i, **r} for i, r in enumerate(prop_records)])
    need_table = Needs.from_records(
        [{"ids": i, "area_max": r["area_min"] + 300, **r} for i, r in enumerate(need_records)]
    )
    p = np.repeat(np.arange(len(props)), len(need_table))
    n = np.tile(np.arange(len(need_table)), len(props))
    distance = np.array(
        [pair_distance_km(props, need_table, int(a), int(b)) for a, b in zip(p, n, strict=True)]
    )

    batch = reasons_for_pairs(props, need_table, p, n, distance)

    for (a, b), reasons in zip(zip(p, n, strict=True), batch, strict=True):
        expected = {c.name: c.reason for c in explain(props, need_table, int(a), int(b))}
        assert reasons == expected
