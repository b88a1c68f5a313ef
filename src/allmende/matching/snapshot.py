"""From the database to the engine's column tables, and the weights that apply to each need.

Only the public position of a property enters the engine (shifted for sensitive properties), so
that a stored distance or reason can never reveal more than the map does.

A need searches around a centre with a radius; a need given as a list of municipalities
searches around their middle with a radius that reaches every one of them (plus its own
radius); a need given as a list of states searches around the states' middle with a radius
that covers them, and pairs outside those states are dropped afterwards (``state_filter``).
"""

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.db.models import Max, Q, QuerySet

from allmende.core.places import Place, all_places, place_find
from allmende.matching import engine
from allmende.needs.models import SpaceNeed
from allmende.networks.models import Network
from allmende.properties.models import Moderation, Property, PropertyStatus

logger = logging.getLogger(__name__)

# Statuses in which a property is still looking for a new use.
AVAILABLE_STATUSES = (PropertyStatus.VACANT, PropertyStatus.INTERIM_USE)
KM_PER_DEGREE_LAT = 111.2

_TRANSFER_FLAGS = {
    "sale": engine.Transfer.SALE,
    "leasehold": engine.Transfer.LEASEHOLD,
    "rent": engine.Transfer.RENT,
    "interim": engine.Transfer.INTERIM,
}


def available_properties() -> QuerySet[Property]:
    """Published, approved properties with a position whose status is still open."""
    return Property.objects.filter(
        is_published=True,
        moderation=Moderation.APPROVED,
        status__in=AVAILABLE_STATUSES,
        public_lat__isnull=False,
        public_lon__isnull=False,
    )


def active_needs() -> QuerySet[SpaceNeed]:
    """Active needs (every visibility: who may see a recommendation is decided on reading)."""
    return SpaceNeed.objects.filter(is_active=True)


def uses_mask(values: Iterable[str]) -> int:
    """Bitmask of engine.Use for use values of core.choices.Use (unknown values ignored)."""
    mask = 0
    for value in values or ():
        flag = engine.Use.__members__.get(str(value).upper())
        if flag is not None:
            mask |= int(flag)
    return mask


def transfer_mask(values: Iterable[str]) -> int:
    """Bitmask of engine.Transfer for transfer model values."""
    mask = 0
    for value in values or ():
        flag = _TRANSFER_FLAGS.get(str(value))
        if flag is not None:
            mask |= int(flag)
    return mask


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


PROPERTY_COLUMNS = (
    "pk",
    "public_lat",
    "public_lon",
    "usable_area",
    "transfer_sale",
    "transfer_leasehold",
    "transfer_rent",
    "transfer_interim",
    "asking_price",
    "asking_rent",
    "accessible",
    "suitable_uses",
    "condition",
    "state",
)


@dataclass(frozen=True, eq=False)
class PropertySnapshot:
    """Properties as an engine table, with each row's state for the state filter."""

    table: engine.Properties
    states: np.ndarray[Any, np.dtype[np.str_]]

    @classmethod
    def of(cls, queryset: QuerySet[Property]) -> "PropertySnapshot":
        rows = list(queryset.order_by("pk").values_list(*PROPERTY_COLUMNS))
        records = []
        for (
            pk,
            lat,
            lon,
            area,
            sale,
            leasehold,
            rent,
            interim,
            price,
            asking_rent,
            accessible,
            uses,
            condition,
            _state,
        ) in rows:
            transfer = transfer_mask(
                name
                for name, offered in (
                    ("sale", sale),
                    ("leasehold", leasehold),
                    ("rent", rent),
                    ("interim", interim),
                )
                if offered
            )
            records.append(
                {
                    "ids": pk,
                    "lat": lat,
                    "lon": lon,
                    "area": _number(area),
                    "transfer": transfer,
                    "price": _number(price),
                    "rent": _number(asking_rent),
                    "accessible": accessible,
                    "uses": uses_mask(uses),
                    "condition": condition,
                    "available": True,
                }
            )
        table = engine.Properties.from_records(records)
        states = np.array([row[-1] for row in rows], dtype=str)
        return cls(table, states)


@cache
def _state_areas() -> dict[str, tuple[float, float, float]]:
    """{state: (lat, lon, radius_km)}: the population-weighted middle of a state's places and a
    radius that reaches all of them."""
    by_state: dict[str, list[Place]] = {}
    for place in all_places():
        by_state.setdefault(place.state, []).append(place)
    areas = {}
    for state, places in by_state.items():
        lats = np.array([p.lat for p in places], dtype=float)
        lons = np.array([p.lon for p in places], dtype=float)
        weights = np.array([max(p.population or 1, 1) for p in places], dtype=float)
        lat = float(np.average(lats, weights=weights))
        lon = float(np.average(lons, weights=weights))
        reach = float(
            np.max(
                engine.haversine_km(np.full_like(lats, lat), np.full_like(lons, lon), lats, lons)
            )
        )
        areas[state] = (lat, lon, reach + 5.0)
    return areas


@cache
def _place_tree() -> tuple[Any, list[str]]:
    from scipy.spatial import cKDTree

    places = all_places()
    xyz = engine.unit_xyz(
        np.array([p.lat for p in places], dtype=float),
        np.array([p.lon for p in places], dtype=float),
    )
    return cKDTree(xyz), [p.state for p in places]


def states_of_points(lat: np.ndarray[Any, Any], lon: np.ndarray[Any, Any]) -> list[str]:
    """The state of the nearest known place for each point (our places list has no
    boundaries; near a border this may name the neighbouring state)."""
    if not len(lat):
        return []
    tree, states = _place_tree()
    _distance, index = tree.query(engine.unit_xyz(np.asarray(lat, float), np.asarray(lon, float)))
    return [states[int(i)] for i in np.atleast_1d(index)]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance of two points in km."""
    return float(engine.haversine_km(*(np.array([v]) for v in (lat1, lon1, lat2, lon2)))[0])


def _covering_circle(
    points: list[tuple[float, float]], extra_km: float
) -> tuple[float, float, float]:
    """Middle of the points and a radius reaching every point plus ``extra_km``."""
    lat = float(np.mean([p[0] for p in points]))
    lon = float(np.mean([p[1] for p in points]))
    reach = max(_km(lat, lon, p[0], p[1]) for p in points)
    return lat, lon, reach + extra_km


def need_search_area(need: SpaceNeed) -> tuple[float, float, float] | None:
    """(lat, lon, radius_km) the need searches in; None when it names no place we know."""
    if need.centre_lat is not None and need.centre_lon is not None:
        return need.centre_lat, need.centre_lon, float(need.radius_km)
    if need.municipalities:
        places = [place_find(name) for name in need.municipalities]
        points = [(p.lat, p.lon) for p in places if p is not None]
        if points:
            return _covering_circle(points, float(need.radius_km))
    if need.states:
        areas = [_state_areas()[s] for s in need.states if s in _state_areas()]
        if areas:
            lat, lon, _ = _covering_circle([(a[0], a[1]) for a in areas], 0)
            radius = max(_km(lat, lon, a[0], a[1]) + a[2] for a in areas)
            return lat, lon, radius
    return None


def common_good_strength(offer: str) -> float:
    """Strength of a common-good offer in [0, 1]: none, a line, or a described offer."""
    words = len((offer or "").split())
    if words == 0:
        return 0.0
    return min(1.0, 0.4 + words / 50)


NEED_FIELDS = (
    "pk",
    "network_id",
    "centre_lat",
    "centre_lon",
    "radius_km",
    "municipalities",
    "states",
    "area_min",
    "area_max",
    "transfer_models",
    "max_rent",
    "max_price",
    "accessibility_required",
    "uses",
    "renovation_willingness",
    "common_good_offer",
)


@dataclass(frozen=True, eq=False)
class NeedSnapshot:
    """Needs as an engine table, with each row's network and its list of states (empty: no
    state filter)."""

    table: engine.Needs
    networks: list[int | None]
    states: list[frozenset[str]]

    @classmethod
    def of(cls, queryset: QuerySet[SpaceNeed]) -> "NeedSnapshot":
        records, networks, states = [], [], []
        for row in queryset.order_by("pk").values(*NEED_FIELDS):
            need = SimpleNamespace(**row)
            area = need_search_area(need)  # type: ignore[arg-type]
            if area is None:
                continue
            lat, lon, radius = area
            records.append(
                {
                    "ids": need.pk,
                    "lat": lat,
                    "lon": lon,
                    "radius_km": radius,
                    "area_min": float(need.area_min),
                    "area_max": float(need.area_max),
                    "transfer": transfer_mask(need.transfer_models),
                    "max_rent": _number(need.max_rent),
                    "max_price": _number(need.max_price),
                    "accessibility_required": need.accessibility_required,
                    "uses": uses_mask(need.uses),
                    "renovation": need.renovation_willingness,
                    "common_good": common_good_strength(need.common_good_offer),
                }
            )
            networks.append(need.network_id)
            with_centre = need.centre_lat is not None or bool(need.municipalities)
            states.append(frozenset() if with_centre else frozenset(need.states or ()))
        return cls(engine.Needs.from_records(records), networks, states)

    def bbox(self) -> tuple[float, float, float, float] | None:
        """(south, west, north, east) around every need's search circle, or None if empty."""
        table = self.table
        if not len(table):
            return None
        dlat = table.radius_km / KM_PER_DEGREE_LAT
        coslat = np.maximum(np.cos(np.radians(np.minimum(np.abs(table.lat) + dlat, 89.0))), 0.01)
        dlon = table.radius_km / (KM_PER_DEGREE_LAT * coslat)
        return (
            float(np.min(table.lat - dlat)),
            float(np.min(table.lon - dlon)),
            float(np.max(table.lat + dlat)),
            float(np.max(table.lon + dlon)),
        )


def properties_within(bbox: tuple[float, float, float, float] | None) -> QuerySet[Property]:
    """Available properties whose public position lies in the box."""
    if bbox is None:
        return Property.objects.none()
    south, west, north, east = bbox
    return available_properties().filter(
        Q(public_lat__gte=south, public_lat__lte=north)
        & Q(public_lon__gte=west, public_lon__lte=east)
    )


def needs_reaching(props: PropertySnapshot) -> QuerySet[SpaceNeed]:
    """Active needs that can reach any of the properties: a centre within the largest search
    radius of the properties' box, or a search area given by places (always considered)."""
    table = props.table
    if not len(table):
        return SpaceNeed.objects.none()
    reach = (
        active_needs().filter(centre_lat__isnull=False).aggregate(most=Max("radius_km"))["most"]
        or 0
    )
    dlat = reach / KM_PER_DEGREE_LAT
    south, north = float(np.min(table.lat)) - dlat, float(np.max(table.lat)) + dlat
    coslat = max(math.cos(math.radians(min(max(abs(south), abs(north)), 89.0))), 0.01)
    dlon = reach / (KM_PER_DEGREE_LAT * coslat)
    west, east = float(np.min(table.lon)) - dlon, float(np.max(table.lon)) + dlon
    return active_needs().filter(
        Q(centre_lat__isnull=True)
        | Q(
            centre_lat__gte=south,
            centre_lat__lte=north,
            centre_lon__gte=west,
            centre_lon__lte=east,
        )
    )


def network_weights(network_ids: Iterable[int | None]) -> dict[int | None, engine.Weights]:
    """Each network's matching weights (defaults for None, for an empty setting, and for a
    setting that does not validate, which is logged)."""
    wanted = {pk for pk in network_ids if pk is not None}
    weights: dict[int | None, engine.Weights] = {None: engine.DEFAULT_WEIGHTS}
    for pk, mapping in Network.objects.filter(pk__in=wanted).values_list("pk", "matching_weights"):
        try:
            weights[pk] = engine.Weights.from_mapping(mapping)
        except ValueError as exc:
            logger.warning("Network %s has invalid matching weights (%s); using defaults", pk, exc)
            weights[pk] = engine.DEFAULT_WEIGHTS
    for pk in wanted - set(weights):
        weights[pk] = engine.DEFAULT_WEIGHTS
    return weights
