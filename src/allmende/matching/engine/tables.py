"""Column tables the engine works on: properties, needs and scored pairs.

Each table is a frozen dataclass of equally long, read-only numpy arrays, one row per item. The
Django side fills them from querysets (``values_list``); tests build them with ``from_records``.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

from allmende.matching.engine.domain import ALL_TRANSFERS, ALL_USES
from allmende.matching.engine.geometry import unit_xyz

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
SmallIntArray = npt.NDArray[np.int8]

_REQUIRED = object()


class _Table:
    """Shared behaviour of the column tables (coercion, validation, records, subsets)."""

    # Unit-sphere coordinates (n × 3) derived from lat/lon on construction.
    xyz: npt.NDArray[np.float64]

    # field name -> (dtype, default for from_records; _REQUIRED when it has none)
    _COLUMNS: ClassVar[dict[str, tuple[type[np.generic], object]]]

    def __post_init__(self) -> None:
        """Copy columns into read-only arrays of their dtype, check lengths and values."""
        length: int | None = None
        for name, (dtype, _default) in self._COLUMNS.items():
            array = np.array(getattr(self, name), dtype=dtype, copy=True)
            if array.ndim != 1:
                raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
            if length is None:
                length = len(array)
            elif len(array) != length:
                raise ValueError(f"{name} has {len(array)} rows, expected {length}")
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        self._normalise()
        self._validate()
        if "lat" in self._COLUMNS:
            xyz = unit_xyz(self._column("lat"), self._column("lon"))
            xyz.flags.writeable = False
            object.__setattr__(self, "xyz", xyz)

    def _normalise(self) -> None:
        """Hook to canonicalise columns before validation (e.g. NaN meaning "no limit")."""

    def _validate(self) -> None:
        """Hook raising ValueError for values outside their domain."""

    def _column(self, name: str) -> npt.NDArray[Any]:
        """A column by name."""
        column: npt.NDArray[Any] = getattr(self, name)
        return column

    def _replace_column(self, name: str, array: npt.NDArray[Any]) -> None:
        """Swap a column for a canonicalised copy (only during __post_init__)."""
        array = np.ascontiguousarray(array)
        array.flags.writeable = False
        object.__setattr__(self, name, array)

    def __len__(self) -> int:
        return len(self._column("ids"))

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Self:
        """A table from dicts keyed by field name; missing optional fields take their defaults.

        ``None`` also means the default (NaN for unknown prices, "no limit" for limits). A
        missing required field or an unknown key raises ValueError.
        """
        rows = list(records)
        columns: dict[str, list[Any]] = {name: [] for name in cls._COLUMNS}
        for number, row in enumerate(rows):
            unknown = set(row) - set(cls._COLUMNS)
            if unknown:
                raise ValueError(f"record {number}: unknown field(s) {sorted(unknown)}")
            for name, (_dtype, default) in cls._COLUMNS.items():
                value = row.get(name)
                if value is None:
                    if default is _REQUIRED:
                        raise ValueError(f"record {number}: {name} is required")
                    value = default
                columns[name].append(value)
        return cls(**columns)

    def take(self, index: Sequence[int] | npt.NDArray[np.integer[Any]]) -> Self:
        """The rows at ``index`` (positions), in that order, as a new table."""
        positions = np.asarray(index, dtype=np.intp)
        return type(self)(**{name: self._column(name)[positions] for name in self._COLUMNS})

    def records(self) -> list[dict[str, Any]]:
        """All rows as dicts of plain Python values (the inverse of from_records)."""
        names = list(self._COLUMNS)
        columns = [self._column(name).tolist() for name in names]
        return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]

    def record(self, position: int) -> dict[str, Any]:
        """One row as a dict of plain Python values."""
        return {name: self._column(name)[position].item() for name in self._COLUMNS}

    def _check(self, name: str, ok: npt.NDArray[np.bool_], expected: str) -> None:
        """ValueError naming the column and first bad row unless ``ok`` holds everywhere."""
        if not bool(np.all(ok)):
            bad = int(np.flatnonzero(~ok)[0])
            value = self._column(name)[bad].item()
            raise ValueError(f"{name} must be {expected}; row {bad} has {value!r}")

    def _check_ids_and_position(self) -> None:
        """Ids unique, coordinates finite degrees."""
        ids = self._column("ids")
        if len(np.unique(ids)) != len(ids):
            raise ValueError("ids must be unique")
        lat, lon = self._column("lat"), self._column("lon")
        self._check("lat", np.isfinite(lat) & (np.abs(lat) <= 90), "a latitude in degrees")
        self._check("lon", np.isfinite(lon) & (np.abs(lon) <= 180), "a longitude in degrees")

    def _check_optional_amount(self, name: str) -> None:
        """Amount ≥ 0, or NaN for unknown / no limit."""
        column = self._column(name)
        self._check(name, np.isnan(column) | (np.isfinite(column) & (column >= 0)), ">= 0 or NaN")

    def _check_range(self, name: str, low: int, high: int) -> None:
        """Integers within low..high."""
        column = self._column(name)
        self._check(name, (column >= low) & (column <= high), f"between {low} and {high}")


@dataclass(frozen=True, eq=False)
class Properties(_Table):
    """Properties (Objekte) to be matched, one row each.

    ``transfer`` and ``uses`` are bitmasks of Transfer and Use; ``uses`` 0 means suitable for
    any use. ``price`` is the asking sale price in €, ``rent`` the monthly rent per m² (NaN:
    not stated). ``area`` NaN (unknown) never passes the area constraint. ``available`` means
    published and available; other properties are never matched.
    """

    ids: IntArray
    lat: FloatArray
    lon: FloatArray
    area: FloatArray
    transfer: IntArray
    price: FloatArray
    rent: FloatArray
    accessible: BoolArray
    uses: IntArray
    condition: SmallIntArray
    available: BoolArray

    _COLUMNS = {
        "ids": (np.int64, _REQUIRED),
        "lat": (np.float64, _REQUIRED),
        "lon": (np.float64, _REQUIRED),
        "area": (np.float64, math.nan),
        "transfer": (np.int64, _REQUIRED),
        "price": (np.float64, math.nan),
        "rent": (np.float64, math.nan),
        "accessible": (np.bool_, False),
        "uses": (np.int64, 0),
        "condition": (np.int8, 0),
        "available": (np.bool_, True),
    }

    def _validate(self) -> None:
        """Domain checks of this table's columns."""
        self._check_ids_and_position()
        self._check_optional_amount("area")
        self._check_optional_amount("price")
        self._check_optional_amount("rent")
        self._check_range("transfer", 0, ALL_TRANSFERS)
        self._check_range("uses", 0, ALL_USES)
        self._check_range("condition", 0, 3)


@dataclass(frozen=True, eq=False)
class Needs(_Table):
    """Space needs (Raumgesuche) to be matched, one row each.

    ``radius_km`` ≥ 0 around (lat, lon); ``area_max`` inf (or NaN, stored as inf) means no upper
    limit; ``max_rent`` (€/m² per month) and ``max_price`` (€) NaN mean no limit. ``uses`` is
    the bitmask wanted (0: no preference), ``renovation`` the most work the group takes on on
    the Condition scale, ``common_good`` the strength of its common-good offer in [0, 1].
    """

    ids: IntArray
    lat: FloatArray
    lon: FloatArray
    radius_km: FloatArray
    area_min: FloatArray
    area_max: FloatArray
    transfer: IntArray
    max_rent: FloatArray
    max_price: FloatArray
    accessibility_required: BoolArray
    uses: IntArray
    renovation: SmallIntArray
    common_good: FloatArray

    _COLUMNS = {
        "ids": (np.int64, _REQUIRED),
        "lat": (np.float64, _REQUIRED),
        "lon": (np.float64, _REQUIRED),
        "radius_km": (np.float64, _REQUIRED),
        "area_min": (np.float64, 0.0),
        "area_max": (np.float64, math.inf),
        "transfer": (np.int64, ALL_TRANSFERS),
        "max_rent": (np.float64, math.nan),
        "max_price": (np.float64, math.nan),
        "accessibility_required": (np.bool_, False),
        "uses": (np.int64, 0),
        "renovation": (np.int8, 0),
        "common_good": (np.float64, 0.0),
    }

    def _normalise(self) -> None:
        """Store a missing maximum area (NaN) as inf."""
        area_max = self._column("area_max")
        if np.isnan(area_max).any():
            self._replace_column("area_max", np.where(np.isnan(area_max), np.inf, area_max))

    def _validate(self) -> None:
        """Domain checks of this table's columns."""
        self._check_ids_and_position()
        radius = self._column("radius_km")
        self._check("radius_km", np.isfinite(radius) & (radius >= 0), "a finite number >= 0")
        area_min = self._column("area_min")
        self._check("area_min", np.isfinite(area_min) & (area_min >= 0), "a finite number >= 0")
        self._check("area_max", self._column("area_max") >= area_min, ">= area_min")
        self._check_optional_amount("max_rent")
        self._check_optional_amount("max_price")
        self._check_range("transfer", 0, ALL_TRANSFERS)
        self._check_range("uses", 0, ALL_USES)
        self._check_range("renovation", 0, 3)
        common_good = self._column("common_good")
        self._check("common_good", (common_good >= 0) & (common_good <= 1), "in [0, 1]")


@dataclass(frozen=True, eq=False)
class ScoredPairs:
    """Feasible (property, need) pairs with their score.

    ``p_idx`` and ``n_idx`` are positions in the Properties and Needs tables (not ids);
    ``components`` has one row per pair and one column per COMPONENT_NAMES entry, each in
    [0, 1]; ``score`` is their weighted sum with normalised weights, in [0, 1].
    """

    p_idx: IntArray
    n_idx: IntArray
    score: FloatArray
    components: FloatArray
    distance_km: FloatArray

    def __len__(self) -> int:
        return len(self.score)

    def take(self, index: npt.NDArray[Any]) -> "ScoredPairs":
        """The pairs selected by a boolean mask or positions, in that order."""
        return ScoredPairs(
            p_idx=self.p_idx[index],
            n_idx=self.n_idx[index],
            score=self.score[index],
            components=self.components[index],
            distance_km=self.distance_km[index],
        )

    @classmethod
    def empty(cls) -> "ScoredPairs":
        """No pairs."""
        return cls.concatenate([])

    @classmethod
    def concatenate(cls, parts: Sequence["ScoredPairs"]) -> "ScoredPairs":
        """All pairs of ``parts`` in order."""
        if not parts:
            return cls(
                p_idx=np.empty(0, np.int64),
                n_idx=np.empty(0, np.int64),
                score=np.empty(0, np.float64),
                components=np.empty((0, 6), np.float64),
                distance_km=np.empty(0, np.float64),
            )
        if len(parts) == 1:
            return parts[0]
        return cls(
            **{
                f.name: np.concatenate([getattr(part, f.name) for part in parts])
                for f in fields(cls)
            }
        )
