"""The public stand-in for a sensitive location stays within its radius and is stable."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from allmende.core.geo import MIN_SHIFT_SHARE, distance_m, point_shift


def test_distance_between_berlin_and_leipzig_is_about_149_km():
    assert 148_000 < distance_m(52.5200, 13.4050, 51.3397, 12.3731) < 151_000


def test_same_salt_gives_the_same_point_and_another_salt_another_point():
    first = point_shift(53.0153, 13.9994, radius_m=500, salt="abc")
    assert first == point_shift(53.0153, 13.9994, radius_m=500, salt="abc")
    assert first != point_shift(53.0153, 13.9994, radius_m=500, salt="abd")


def test_zero_radius_keeps_the_point():
    assert point_shift(50.0, 10.0, radius_m=0, salt="x") == (50.0, 10.0)


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(min_value=47.0, max_value=55.5),
    lon=st.floats(min_value=5.5, max_value=15.5),
    radius=st.floats(min_value=50, max_value=20_000),
    salt=st.text(min_size=1, max_size=40),
)
def test_shifted_point_lies_in_the_ring_between_inner_share_and_radius(lat, lon, radius, salt):
    shifted = point_shift(lat, lon, radius_m=radius, salt=salt)
    moved = distance_m(lat, lon, *shifted)
    assert moved <= radius * 1.001
    assert moved >= radius * MIN_SHIFT_SHARE * 0.999
    assert all(math.isfinite(v) for v in shifted)
