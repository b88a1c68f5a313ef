"""Great-circle distances and unit-sphere coordinates (spherical Earth, IUGG mean radius)."""

import numpy as np
import numpy.typing as npt

from allmende.matching.engine.domain import EARTH_RADIUS_KM

FloatArray = npt.NDArray[np.float64]


def unit_xyz(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Points on the unit sphere (n × 3) for latitudes and longitudes in degrees."""
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    xyz = np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])
    return np.asarray(xyz, dtype=np.float64)


def chord_for_km(km: FloatArray) -> FloatArray:
    """Straight-line distance on the unit sphere for great-circle distances in km (≥ 0)."""
    angle = np.minimum(np.asarray(km, dtype=np.float64) / EARTH_RADIUS_KM, np.pi)
    return np.asarray(2.0 * np.sin(angle / 2.0), dtype=np.float64)


def km_for_chord(chord: FloatArray) -> FloatArray:
    """Great-circle distance in km for straight-line distances on the unit sphere."""
    half = np.minimum(np.asarray(chord, dtype=np.float64) / 2.0, 1.0)
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(half), dtype=np.float64)


def chords(a: FloatArray, b: FloatArray) -> FloatArray:
    """Row-wise straight-line distances between two n × 3 arrays of unit-sphere points."""
    diff = a - b
    return np.asarray(np.sqrt(np.einsum("ij,ij->i", diff, diff)), dtype=np.float64)


def haversine_km(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Great-circle distances in km between points given in degrees (element-wise)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = (phi2 - phi1) / 2.0
    half_dlam = np.radians(lon2 - lon1) / 2.0
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlam) ** 2
    distance = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return np.asarray(distance, dtype=np.float64)
