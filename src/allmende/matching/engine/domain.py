"""Vocabulary of the matching engine: enumerations, German labels, constants and weights.

Nothing here knows about Django; the Django side maps its choices onto these integers.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import IntEnum, IntFlag
from typing import Self

import numpy as np
import numpy.typing as npt

# IUGG mean Earth radius; great-circle distances and unit-sphere chords use it.
EARTH_RADIUS_KM = 6371.0088
# A property may be this much smaller than the minimum or larger than the maximum area wanted.
AREA_TOLERANCE = 0.10
# The cost fit falls linearly from 1 at the limit to 0 at (1 + COST_TOLERANCE) × the limit.
COST_TOLERANCE = 0.5
# Cost fit when a need has a limit but the property does not state its price or rent: neither a
# reason to hide the property nor a recommendation.
UNKNOWN_COST_FIT = 0.5


class Transfer(IntFlag):
    """Transfer models a property offers or a need accepts (bitmask)."""

    SALE = 1
    LEASEHOLD = 2
    RENT = 4
    INTERIM = 8


ALL_TRANSFERS = int(Transfer.SALE | Transfer.LEASEHOLD | Transfer.RENT | Transfer.INTERIM)
# Transfer models whose cost is the monthly rent per m² (leasehold rate and interim-use fees are
# converted to it by the Django side); a sale is judged by the asking price.
RENT_LIKE = int(Transfer.LEASEHOLD | Transfer.RENT | Transfer.INTERIM)

TRANSFER_LABELS: dict[Transfer, str] = {
    Transfer.SALE: "Kauf",
    Transfer.LEASEHOLD: "Erbbaurecht",
    Transfer.RENT: "Miete",
    Transfer.INTERIM: "Zwischennutzung",
}


class Use(IntFlag):
    """Uses a need wants or a property is suitable for (bitmask; 0 means "any")."""

    MULTIGENERATIONAL_HOUSING = 1 << 0
    MEETING_PLACE = 1 << 1
    SOCIOCULTURE = 1 << 2
    COWORKING = 1 << 3
    WORKSHOPS = 1 << 4
    FOUNDER_HUB = 1 << 5
    HOUSING = 1 << 6
    COMMERCE = 1 << 7
    CULTURE = 1 << 8
    EDUCATION = 1 << 9
    CARE = 1 << 10
    OTHER = 1 << 11


ALL_USES = (1 << 12) - 1

USE_LABELS: dict[Use, str] = {
    Use.MULTIGENERATIONAL_HOUSING: "Mehrgenerationenwohnen",
    Use.MEETING_PLACE: "Treffpunkt",
    Use.SOCIOCULTURE: "Soziokultur",
    Use.COWORKING: "Coworking",
    Use.WORKSHOPS: "Werkstätten",
    Use.FOUNDER_HUB: "Gründer-Hub",
    Use.HOUSING: "Wohnen",
    Use.COMMERCE: "Gewerbe",
    Use.CULTURE: "Kultur",
    Use.EDUCATION: "Bildung",
    Use.CARE: "Pflege",
    Use.OTHER: "Sonstiges",
}


class Condition(IntEnum):
    """Building condition; renovation willingness uses the same scale (most work taken on)."""

    GOOD = 0
    NEEDS_REPAIR = 1
    NEEDS_RENOVATION = 2
    SHELL = 3


CONDITION_LABELS: dict[Condition, str] = {
    Condition.GOOD: "gut",
    Condition.NEEDS_REPAIR: "reparaturbedürftig",
    Condition.NEEDS_RENOVATION: "sanierungsbedürftig",
    Condition.SHELL: "Rohbau",
}

# What a group with a given willingness (same scale as Condition) is prepared to do.
RENOVATION_PHRASES: dict[Condition, str] = {
    Condition.GOOD: "Gruppe sucht bezugsfertige Räume",
    Condition.NEEDS_REPAIR: "Gruppe ist zu kleineren Reparaturen bereit",
    Condition.NEEDS_RENOVATION: "Gruppe ist bereit zu sanieren",
    Condition.SHELL: "Gruppe ist bereit, auch einen Rohbau auszubauen",
}

COMPONENT_NAMES: tuple[str, ...] = (
    "distance",
    "area",
    "use",
    "cost",
    "condition",
    "common_good",
)
COMPONENT_LABELS: dict[str, str] = {
    "distance": "Entfernung",
    "area": "Fläche",
    "use": "Nutzung",
    "cost": "Kosten",
    "condition": "Zustand",
    "common_good": "Gemeinwohl",
}


@dataclass(frozen=True)
class Weights:
    """Weights of the score components, a per-network setting stored as a JSON object.

    Defaults: distance 0.25, area 0.20, use 0.20, cost 0.15, condition 0.10, common_good 0.10.
    Weights need not sum to 1: the score uses ``normalised()``. Every weight is a finite number
    ≥ 0; constructing one that is not raises ValueError.
    """

    distance: float = 0.25
    area: float = 0.20
    use: float = 0.20
    cost: float = 0.15
    condition: float = 0.10
    common_good: float = 0.10

    def __post_init__(self) -> None:
        """Reject weights that are not finite numbers ≥ 0."""
        for name in COMPONENT_NAMES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"weight {name!r} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {name!r} must be a finite number >= 0, got {value!r}")

    def normalised(self) -> Self:
        """The same weights scaled to sum 1; ValueError when all are 0."""
        total = sum(getattr(self, name) for name in COMPONENT_NAMES)
        if total <= 0:
            raise ValueError("at least one weight must be greater than 0")
        return type(self)(**{name: getattr(self, name) / total for name in COMPONENT_NAMES})

    def as_array(self) -> npt.NDArray[np.float64]:
        """The normalised weights as a vector in COMPONENT_NAMES order."""
        normalised = self.normalised()
        return np.array([getattr(normalised, name) for name in COMPONENT_NAMES], dtype=np.float64)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object] | None) -> Self:
        """Weights from a network's JSON setting; missing keys keep their defaults.

        Unknown keys, values that are not numbers, negative values and all-zero weights raise
        ValueError naming the problem, so that a settings form can show it.
        """
        mapping = mapping or {}
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(key) for key in mapping if key not in known)
        if unknown:
            raise ValueError(
                f"unknown weight(s): {', '.join(unknown)}; "
                f"expected some of: {', '.join(COMPONENT_NAMES)}"
            )
        weights = cls(**{str(k): v for k, v in mapping.items()})  # type: ignore[arg-type]
        weights.normalised()
        return weights

    def to_mapping(self) -> dict[str, float]:
        """The weights as a JSON-ready dict (not normalised), inverse of from_mapping."""
        return {name: float(getattr(self, name)) for name in COMPONENT_NAMES}


DEFAULT_WEIGHTS = Weights()
