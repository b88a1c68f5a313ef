"""Bounding boxes and server-side clustering of points for the maps.

The map asks for the points in its visible bounding box. When there are few, it gets them all;
when there are many, it gets one cluster per grid cell (count and mean position), computed by
the database so that 100 000 points never travel to Python.
"""

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, ExpressionWrapper, F, IntegerField, QuerySet

MAX_POINTS = 400
# Models that are clustered store integer grid cells at this resolution (2**16 cells around the
# globe); coarser cells for a zoom level are an integer division of them.
GRID_LEVEL = 16
GRID_CELLS_PER_DEGREE = 2**GRID_LEVEL / 360.0


class BBoxError(ValueError):
    """A bounding box that cannot be read; the message is fit for the user."""


@dataclass(frozen=True, slots=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, raw: str) -> "BBox":
        """Read ``west,south,east,north`` in degrees (WGS84), as Leaflet's ``toBBoxString``."""
        parts = raw.split(",")
        if len(parts) != 4:
            raise BBoxError("bbox needs four comma-separated numbers: west,south,east,north")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError as exc:
            raise BBoxError("bbox values must be numbers") from exc
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise BBoxError("bbox values must be finite numbers")
        west, east = max(west, -180.0), min(east, 180.0)
        south, north = max(south, -90.0), min(north, 90.0)
        if west >= east or south >= north:
            raise BBoxError("bbox must have west < east and south < north")
        return cls(west, south, east, north)

    def filter(self, queryset: QuerySet[Any], lat: str = "lat", lon: str = "lon") -> QuerySet[Any]:
        return queryset.filter(
            **{
                f"{lat}__gte": self.south,
                f"{lat}__lte": self.north,
                f"{lon}__gte": self.west,
                f"{lon}__lte": self.east,
            }
        )


def cell_size(zoom: int) -> float:
    """Grid cell edge in degrees at a web-map zoom: about 64 screen pixels."""
    return 360.0 / 2 ** cluster_level(zoom)


def cluster_level(zoom: int) -> int:
    """The grid level used for clusters at a zoom level (4 cells per 256-pixel tile)."""
    return max(0, min(GRID_LEVEL, zoom + 2))


def cluster_points(
    queryset: QuerySet[Any],
    *,
    zoom: int,
    lat: str = "lat",
    lon: str = "lon",
    grid_x: str = "grid_x",
    grid_y: str = "grid_y",
) -> list[dict[str, Any]]:
    """Group the queryset's rows into grid cells; returns count and mean position per cell.

    The rows carry integer cells at ``GRID_LEVEL``; dividing them by a power of two gives the
    cells of the zoom level, which both SQLite and PostgreSQL compute without floating point.
    """
    divisor = 2 ** (GRID_LEVEL - cluster_level(zoom))
    rows = (
        queryset.order_by()
        .annotate(
            cell_x=ExpressionWrapper(F(grid_x) / divisor, output_field=IntegerField()),
            cell_y=ExpressionWrapper(F(grid_y) / divisor, output_field=IntegerField()),
        )
        .values("cell_x", "cell_y")
        .annotate(count=Count("pk"), mean_lat=Avg(lat), mean_lon=Avg(lon))
        .order_by("cell_y", "cell_x")
    )
    return [
        {"count": r["count"], "lat": float(r["mean_lat"]), "lon": float(r["mean_lon"])}
        for r in rows
    ]


EARTH_RADIUS_M = 6_371_008.8
MIN_SHIFT_SHARE = 0.3


def point_shift(lat: float, lon: float, *, radius_m: float, salt: str) -> tuple[float, float]:
    """A public stand-in for a sensitive location: a point within ``radius_m`` of the real one,
    at least ``MIN_SHIFT_SHARE`` of the radius away from it, in a direction and distance
    derived from ``salt``.

    The same salt always gives the same point (so the public marker does not wander and cannot
    be averaged out over requests); the salt is a random secret kept with the object, so the
    shift cannot be undone from public data.
    """
    if radius_m <= 0:
        return lat, lon
    digest = hashlib.sha256(salt.encode()).digest()
    angle = int.from_bytes(digest[:8], "big") / 2**64 * 2 * math.pi
    share = int.from_bytes(digest[8:16], "big") / 2**64
    # Uniform over the ring between MIN_SHIFT_SHARE·r and r (area-uniform, not radius-uniform).
    inner = MIN_SHIFT_SHARE**2
    distance = radius_m * math.sqrt(inner + (1 - inner) * share)
    delta_lat = distance * math.cos(angle) / EARTH_RADIUS_M
    delta_lon = distance * math.sin(angle) / (EARTH_RADIUS_M * math.cos(math.radians(lat)))
    return lat + math.degrees(delta_lat), lon + math.degrees(delta_lon)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
