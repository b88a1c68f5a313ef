"""Hard constraints and score components, vectorised over index arrays of pairs.

``Scorer`` is the one place where pairs are judged: score_pairs, candidate generation, top-k
lists, re-scoring and explain() all go through it, so every path gives the same numbers. It
derives a few per-item terms once (divisors, effective use masks) so that the kernel is a
short run of gathers and arithmetic per pair. ``python_loop_score`` is an independent
plain-Python reference for one pair (tests, benchmark).
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from allmende.matching.engine.domain import (
    ALL_TRANSFERS,
    ALL_USES,
    AREA_TOLERANCE,
    COMPONENT_NAMES,
    COST_TOLERANCE,
    DEFAULT_WEIGHTS,
    EARTH_RADIUS_KM,
    RENT_LIKE,
    UNKNOWN_COST_FIT,
    Transfer,
    Weights,
)
from allmende.matching.engine.geometry import chords, km_for_chord
from allmende.matching.engine.tables import (
    FloatArray,
    IntArray,
    Needs,
    Properties,
    ScoredPairs,
)

SALE = int(Transfer.SALE)
# Stands in for a zero divisor (zero radius, zero price limit): x / _TINY is 0 for x = 0 and
# huge otherwise, which is the limit the component approaches.
_TINY = 1e-300
# An extra use bit meaning "no preference" / "any use", so that the use share needs no branch.
_ANY_USE = 1 << 12
# Transfer, availability and accessibility checks in one lookup: a property's gate is its
# transfer mask (0 when unavailable) plus _ACCESS if accessible, a need's gate its transfer
# mask plus _ACCESS if it requires accessibility.
_ACCESS = 1 << 4
_GATES = 1 << 5
_GATE_OPEN = np.array(
    [
        bool(prop_gate & need_gate & ALL_TRANSFERS)
        and (not need_gate & _ACCESS or bool(prop_gate & _ACCESS))
        for prop_gate in range(_GATES)
        for need_gate in range(_GATES)
    ]
)


def area_bounds(needs: Needs) -> tuple[FloatArray, FloatArray]:
    """Smallest and largest acceptable property area per need (range widened by the tolerance)."""
    return needs.area_min * (1.0 - AREA_TOLERANCE), needs.area_max * (1.0 + AREA_TOLERANCE)


@dataclass(frozen=True, eq=False)
class PropertyTerms:
    """Per-property values the kernel needs, derived once from a Properties table."""

    suitable: IntArray  # use mask, 0 (any) widened to all uses, plus the "any" bit
    gate: IntArray
    x: FloatArray  # unit-sphere coordinates as separate columns (fast per-pair gathers)
    y: FloatArray
    z: FloatArray

    @classmethod
    def of(cls, props: Properties) -> "PropertyTerms":
        """The terms of every property."""
        offered = np.where(props.available, props.transfer, 0)
        gate = (offered | np.where(props.accessible, _ACCESS, 0)).astype(np.int64)
        x, y, z = (np.ascontiguousarray(column) for column in props.xyz.T)
        return cls(
            suitable=np.where(props.uses == 0, ALL_USES, props.uses) | _ANY_USE,
            gate=gate,
            x=x,
            y=y,
            z=z,
        )


@dataclass(frozen=True, eq=False)
class NeedTerms:
    """Per-need values the kernel needs, derived once from a Needs table."""

    area_low: FloatArray
    area_high: FloatArray
    # Widths of the tolerance bands below area_min and above area_max (so that the fit is
    # exactly 1 at the range's edges).
    below_divisor: FloatArray
    above_divisor: FloatArray
    radius_divisor: FloatArray
    wanted: IntArray  # use mask, 0 (no preference) replaced by the "any" bit
    wanted_count: FloatArray
    rent_divisor: FloatArray  # COST_TOLERANCE × max_rent (NaN: no limit)
    price_divisor: FloatArray
    rent_unknown: FloatArray  # cost fit of a property without a stated rent
    price_unknown: FloatArray
    gate: IntArray
    x: FloatArray
    y: FloatArray
    z: FloatArray

    @classmethod
    def of(cls, needs: Needs) -> "NeedTerms":
        """The terms of every need."""
        low, high = area_bounds(needs)
        wanted = np.where(needs.uses == 0, _ANY_USE, needs.uses)

        def divisor(limit: FloatArray) -> FloatArray:
            """COST_TOLERANCE × limit, a zero limit replaced by _TINY."""
            return np.where(limit == 0, _TINY, COST_TOLERANCE * limit)

        def unknown(limit: FloatArray) -> FloatArray:
            """1 without a limit, else UNKNOWN_COST_FIT."""
            return np.where(np.isnan(limit), 1.0, UNKNOWN_COST_FIT)

        with np.errstate(invalid="ignore"):
            # inf − inf (no maximum area) is NaN on purpose: the kernel skips that band.
            above_divisor = high - needs.area_max
        return cls(
            area_low=low,
            area_high=high,
            below_divisor=needs.area_min - low,
            above_divisor=above_divisor,
            radius_divisor=np.maximum(needs.radius_km, _TINY),
            wanted=wanted,
            wanted_count=np.bitwise_count(wanted).astype(np.float64),
            rent_divisor=divisor(needs.max_rent),
            price_divisor=divisor(needs.max_price),
            rent_unknown=unknown(needs.max_rent),
            price_unknown=unknown(needs.max_price),
            gate=(needs.transfer | np.where(needs.accessibility_required, _ACCESS, 0)).astype(
                np.int64
            ),
            x=np.ascontiguousarray(needs.xyz[:, 0]),
            y=np.ascontiguousarray(needs.xyz[:, 1]),
            z=np.ascontiguousarray(needs.xyz[:, 2]),
        )


class Scorer:
    """Hard constraints and score components for pairs of one Properties and one Needs table.

    Methods take index arrays (positions) of pairs and never loop over pairs in Python.
    Components, in COMPONENT_NAMES order, each in [0, 1]:

    - distance: 1 − d / radius (a need with radius 0 only takes d = 0, with value 1);
    - area: 1 inside [area_min, area_max], linearly down to 0 at the tolerance edge;
    - use: |wanted ∩ suitable| / |wanted|, 1 when either side has no preference (0);
    - cost: the best fit over the transfer models in common — rent for rent, leasehold and
      interim use, asking price for sale; each 1 without a limit or within it, falling linearly
      to 0 at (1 + COST_TOLERANCE) × the limit, UNKNOWN_COST_FIT if the amount is not stated;
    - condition: 1 when condition ≤ willingness, else 1 − (condition − willingness) / 3;
    - common_good: the need's common-good offer.

    The score is their weighted sum with normalised weights, in [0, 1].
    """

    def __init__(
        self,
        props: Properties,
        needs: Needs,
        weights: Weights = DEFAULT_WEIGHTS,
        *,
        prop_terms: PropertyTerms | None = None,
        need_terms: NeedTerms | None = None,
    ) -> None:
        """Derive the terms (or reuse the given ones, e.g. from a SpatialIndex)."""
        self.props = props
        self.needs = needs
        self.weights = weights.as_array().tolist()
        self.prop_terms = prop_terms or PropertyTerms.of(props)
        self.need_terms = need_terms or NeedTerms.of(needs)

    def feasible(
        self, p_idx: IntArray, n_idx: IntArray, chord: FloatArray | None = None
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """(p, n, distance_km) of the pairs that pass every hard constraint, in input order.

        Constraints: property available; great-circle distance ≤ the need's radius; area in
        [area_min·(1 − AREA_TOLERANCE), area_max·(1 + AREA_TOLERANCE)]; a transfer model in
        common; accessible when required. ``chord`` (unit-sphere distance per pair) comes free
        from the k-d tree join; without it, it is computed from the tables' coordinates. The
        most selective test (area) runs first, the others only on its survivors.
        """
        terms, prop_terms = self.need_terms, self.prop_terms
        area = self.props.area[p_idx]
        keep = np.flatnonzero((area >= terms.area_low[n_idx]) & (area <= terms.area_high[n_idx]))
        p, n = p_idx[keep], n_idx[keep]
        ok = np.flatnonzero(_GATE_OPEN[prop_terms.gate[p] * _GATES + terms.gate[n]])
        keep, p, n = keep[ok], p[ok], n[ok]
        if chord is None:
            dx = prop_terms.x[p] - terms.x[n]
            dy = prop_terms.y[p] - terms.y[n]
            dz = prop_terms.z[p] - terms.z[n]
            pair_chord = np.sqrt(dx * dx + dy * dy + dz * dz)
        else:
            pair_chord = chord[keep]
        distance = km_for_chord(pair_chord)
        near = np.flatnonzero(distance <= self.needs.radius_km[n])
        return p[near], n[near], distance[near]

    def cost_fits(self, p: IntArray, n: IntArray) -> tuple[FloatArray, FloatArray]:
        """Cost fit of each pair by rent (vs max_rent) and by sale price (vs max_price), each as
        if it were the only transfer model in common."""
        props, needs, terms = self.props, self.needs, self.need_terms
        return (
            _cost_fit(props.rent[p], needs.max_rent[n], terms.rent_divisor, terms.rent_unknown, n),
            _cost_fit(
                props.price[p], needs.max_price[n], terms.price_divisor, terms.price_unknown, n
            ),
        )

    def component_rows(
        self, p: IntArray, n: IntArray, distance: FloatArray
    ) -> Iterator[FloatArray]:
        """The six components of the pairs, one array at a time in COMPONENT_NAMES order.

        Defined for infeasible pairs too (explain() shows them), clipped into [0, 1].
        """
        props, needs, terms = self.props, self.needs, self.need_terms
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            yield np.clip(1.0 - distance / terms.radius_divisor[n], 0.0, 1.0)
            area = props.area[p]
            below = (area - terms.area_low[n]) / terms.below_divisor[n]
            above = (terms.area_high[n] - area) / terms.above_divisor[n]
            # fmin skips the NaN of a 0/0 or inf/inf band (no lower / no upper limit).
            fit = np.clip(np.fmin(below, above), 0.0, 1.0)
        odd = np.flatnonzero(np.isnan(fit))
        # Both bands undefined: inside an unbounded range, unless the area is unknown.
        fit[odd] = np.where(np.isnan(area[odd]), 0.0, 1.0)
        yield fit
        shared = np.bitwise_count(terms.wanted[n] & self.prop_terms.suitable[p])
        yield shared / terms.wanted_count[n]
        common = props.transfer[p] & needs.transfer[n]
        rent_fit, sale_fit = self.cost_fits(p, n)
        yield np.maximum(
            np.where((common & RENT_LIKE) != 0, rent_fit, 0.0),
            np.where((common & SALE) != 0, sale_fit, 0.0),
        )
        gap = np.maximum(props.condition[p] - needs.renovation[n], 0)
        yield 1.0 - gap / 3.0
        yield np.asarray(needs.common_good[n], dtype=np.float64)

    def components(self, p: IntArray, n: IntArray, distance: FloatArray) -> FloatArray:
        """The components as a 6 × m matrix (rows in COMPONENT_NAMES order)."""
        if not len(p):
            return np.empty((len(COMPONENT_NAMES), 0), dtype=np.float64)
        return np.vstack(list(self.component_rows(p, n, distance)))

    def scores(self, p: IntArray, n: IntArray, distance: FloatArray) -> FloatArray:
        """Weighted sums of the components, without keeping them (the top-k hot path)."""
        return _weighted(self.component_rows(p, n, distance), self.weights, len(p))

    def pairs(self, p: IntArray, n: IntArray, distance: FloatArray) -> ScoredPairs:
        """ScoredPairs with components and scores (bit-identical to ``scores``)."""
        components = self.components(p, n, distance)
        return ScoredPairs(
            p_idx=np.asarray(p, dtype=np.int64),
            n_idx=np.asarray(n, dtype=np.int64),
            score=_weighted(iter(components), self.weights, len(p)),
            components=np.ascontiguousarray(components.T),
            distance_km=distance,
        )


def _cost_fit(
    value: FloatArray, limit: FloatArray, divisor: FloatArray, unknown: FloatArray, n: IntArray
) -> FloatArray:
    """1 within the limit or without one, 0 from (1 + COST_TOLERANCE) × the limit on."""
    with np.errstate(invalid="ignore", over="ignore"):
        fit = np.clip(1.0 - (value - limit) / divisor[n], 0.0, 1.0)
    odd = np.flatnonzero(np.isnan(fit))
    fit[odd] = unknown[n[odd]]
    return fit


def _weighted(rows: Iterator[FloatArray], weights: list[float], size: int) -> FloatArray:
    """Σ weight × row in COMPONENT_NAMES order, clipped into [0, 1]."""
    score = np.zeros(size, dtype=np.float64)
    for weight, row in zip(weights, rows, strict=True):
        score += weight * row
    return np.clip(score, 0.0, 1.0, out=score)


def _as_index(values: npt.ArrayLike, size: int, name: str) -> IntArray:
    """Positions as a flat int64 array; ValueError when outside 0..size − 1."""
    index = np.asarray(values, dtype=np.int64).ravel()
    if len(index) and (index.min() < 0 or index.max() >= size):
        raise ValueError(f"{name} holds positions outside 0..{size - 1}")
    return index


def score_pairs(
    props: Properties,
    needs: Needs,
    p_idx: npt.ArrayLike,
    n_idx: npt.ArrayLike,
    weights: Weights = DEFAULT_WEIGHTS,
) -> ScoredPairs:
    """Score the pairs (props[p_idx[i]], needs[n_idx[i]]), keeping only feasible ones.

    See Scorer for the hard constraints and components. Survivors keep their input order;
    positions outside the tables raise ValueError. No Python loop over pairs.
    """
    p_all = _as_index(p_idx, len(props), "p_idx")
    n_all = _as_index(n_idx, len(needs), "n_idx")
    if len(p_all) != len(n_all):
        raise ValueError("p_idx and n_idx must have the same length")
    scorer = Scorer(props, needs, weights)
    return scorer.pairs(*scorer.feasible(p_all, n_all))


def pair_distance_km(props: Properties, needs: Needs, p: int, n: int) -> float:
    """Great-circle distance in km between one property and one need (as score_pairs has it)."""
    return float(km_for_chord(chords(props.xyz[p : p + 1], needs.xyz[n : n + 1]))[0])


def python_loop_score(
    prop: Mapping[str, Any], need: Mapping[str, Any], weights: Weights = DEFAULT_WEIGHTS
) -> float | None:
    """Score of one pair in plain Python (math module), or None if a hard constraint fails.

    An independent re-statement of score_pairs for one pair, taking the dicts of
    ``Properties.record`` / ``Needs.record``: the tests compare the two on random data and the
    benchmark times it as the "Python loop over pairs" baseline.
    """
    phi1, phi2 = math.radians(prop["lat"]), math.radians(need["lat"])
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1)
        * math.cos(phi2)
        * math.sin(math.radians(need["lon"] - prop["lon"]) / 2) ** 2
    )
    distance = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
    area = prop["area"]
    area_min, area_max = need["area_min"], need["area_max"]
    common = prop["transfer"] & need["transfer"]
    if (
        not prop["available"]
        or not distance <= need["radius_km"]
        or not area_min * (1 - AREA_TOLERANCE) <= area <= area_max * (1 + AREA_TOLERANCE)
        or not common
        or (need["accessibility_required"] and not prop["accessible"])
    ):
        return None
    radius = need["radius_km"]
    distance_fit = 1 - distance / radius if radius > 0 else 1.0
    low, high = area_min * (1 - AREA_TOLERANCE), area_max * (1 + AREA_TOLERANCE)
    if area < area_min:
        area_fit = (area - low) / (area_min - low)
    elif area > area_max:
        area_fit = (high - area) / (high - area_max)
    else:
        area_fit = 1.0
    wanted, suitable = need["uses"], prop["uses"]
    if wanted == 0 or suitable == 0:
        use_fit = 1.0
    else:
        use_fit = (wanted & suitable).bit_count() / wanted.bit_count()

    def cost_fit(value: float, limit: float) -> float:
        """One pair's cost fit by one amount and its limit."""
        if math.isnan(limit):
            return 1.0
        if math.isnan(value):
            return UNKNOWN_COST_FIT
        if value <= limit:
            return 1.0
        if limit <= 0:
            return 0.0
        return max(0.0, 1 - (value - limit) / (COST_TOLERANCE * limit))

    cost = 0.0
    if common & RENT_LIKE:
        cost = max(cost, cost_fit(prop["rent"], need["max_rent"]))
    if common & SALE:
        cost = max(cost, cost_fit(prop["price"], need["max_price"]))
    gap = prop["condition"] - need["renovation"]
    condition_fit = 1.0 if gap <= 0 else max(0.0, 1 - gap / 3)
    values = (distance_fit, area_fit, use_fit, cost, condition_fit, need["common_good"])
    normalised = weights.normalised()
    score = 0.0
    for name, value in zip(COMPONENT_NAMES, values, strict=True):
        score += getattr(normalised, name) * min(1.0, max(0.0, value))
    return min(1.0, max(0.0, score))
