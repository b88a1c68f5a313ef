"""Pure drawing of synthetic rows: population-weighted places, positions scattered around
them, and every field of properties, needs and organisations as columns.

Each function takes its own ``numpy.random.Generator``; the same generator state gives the same
columns. Columns are keyed by model field names, so that a row is ``Model(**row)``.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from allmende.core.choices import Condition, TransferModel, Use
from allmende.core.places import Place, all_places
from allmende.matching.synthetic.vocabulary import (
    BUILDING_TYPE_WEIGHTS,
    BUILDING_TYPES,
    COMMON_GOOD_OFFERS,
    CONDITIONS,
    EPOCHS,
    FLOORS,
    INITIATIVE_PREFIXES,
    LEGAL_FORMS,
    LOT_NOUNS,
    NEED_TITLES,
    NEED_USE_WEIGHTS,
    OWNER_KINDS,
    PRIVATE_OWNER_SHARE,
    PROPERTY_KINDS,
    STREETS,
    SURNAMES,
    SYNTHETIC_SUFFIX,
    TITLE_NOUNS,
    USE_PROBABILITIES,
    USES,
)
from allmende.needs.models import TimeModel
from allmende.networks.models import OrganisationKind
from allmende.properties.models import (
    BuildingType,
    OwnerKind,
    PipelineStage,
    PropertyKind,
    VacancyDegree,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Columns = dict[str, list[Any]]

KM_PER_DEGREE = 111.32
SLUG_PREFIX = "synthetisch"

# --- Places ------------------------------------------------------------------------------------


def populated_places() -> tuple[Place, ...]:
    """The places (not districts) of the CSV with a known population."""
    return tuple(p for p in all_places() if p.kind == "place" and p.population)


def place_weights(places: Sequence[Place], districts: Sequence[Place] | None = None) -> FloatArray:
    """Probabilities (summing to 1) proportional to the places' populations.

    The CSV lists Berlin and Hamburg both as a whole and by their quarters, which would count
    their people twice or thrice; so within each state the weights are scaled down to at most
    the population of the state's districts (Landkreise and kreisfreie Städte).
    """
    if districts is None:
        districts = [p for p in all_places() if p.kind == "district"]
    weights = np.array([float(p.population or 0) for p in places])
    district_total: dict[str, float] = {}
    for district in districts:
        district_total[district.state] = district_total.get(district.state, 0.0) + float(
            district.population or 0
        )
    states = np.array([p.state for p in places])
    for state in np.unique(states):
        mask = states == state
        total = float(weights[mask].sum())
        limit = district_total.get(str(state), total)
        if limit and total > limit:
            weights[mask] *= limit / total
    return weights / weights.sum()


def jitter(
    rng: np.random.Generator, lat: FloatArray, lon: FloatArray, sigma_km: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Points scattered normally (at most 3 σ per axis) around the given centres, in degrees,
    rounded to five decimals (about a metre)."""
    north = np.clip(rng.normal(0.0, 1.0, len(lat)), -3, 3) * sigma_km
    east = np.clip(rng.normal(0.0, 1.0, len(lat)), -3, 3) * sigma_km
    new_lat = lat + north / KM_PER_DEGREE
    new_lon = lon + east / (KM_PER_DEGREE * np.cos(np.radians(lat)))
    return np.round(np.clip(new_lat, -90, 90), 5), np.round(np.clip(new_lon, -180, 180), 5)


def spread_km(population: FloatArray) -> FloatArray:
    """How far (σ in km) rows scatter around a place's centre: about 1 km in a small town,
    about 10 km in Berlin."""
    return 0.8 + 1.5 * np.sqrt(population / 100_000.0)


# --- Drawing helpers ---------------------------------------------------------------------------


def _choice(rng: np.random.Generator, n: int, weights: Sequence[float] | FloatArray) -> IntArray:
    """n indices into ``weights``, drawn with probability proportional to them."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int64)


def _conditional_choice(
    rng: np.random.Generator, group: IntArray, table: Sequence[Sequence[float]]
) -> IntArray:
    """For each row, an index drawn from the weights in ``table[group[row]]``."""
    cdf = np.cumsum(np.asarray(table, dtype=float), axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(group))
    index = (u[:, None] > cdf[group]).sum(axis=1)
    return np.minimum(index, cdf.shape[1] - 1).astype(np.int64)


def _lognormal(
    rng: np.random.Generator, n: int, median: float, sigma: float, low: float, high: float
) -> FloatArray:
    return np.clip(rng.lognormal(np.log(median), sigma, n), low, high)


def _bitsets(rng: np.random.Generator, probabilities: npt.NDArray[np.float64]) -> BoolArray:
    """Rows of independent yes/no draws with the given probabilities; never an empty row (the
    most likely column is set where all draws said no)."""
    picked: BoolArray = rng.random(probabilities.shape) < probabilities
    empty = ~picked.any(axis=1)
    picked[empty, np.argmax(probabilities[empty], axis=1)] = True
    return picked


def _ranked_without_replacement(
    rng: np.random.Generator, n: int, weights: Sequence[float]
) -> IntArray:
    """For each of n rows, all indices of ``weights`` in the order of drawing them one by one
    without replacement, each with probability proportional to its weight (Gumbel top-k)."""
    keys = np.log(np.asarray(weights, dtype=float)) + rng.gumbel(size=(n, len(weights)))
    return np.argsort(-keys, axis=1).astype(np.int64)


def _money(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def _salts(rng: np.random.Generator, n: int) -> list[str]:
    raw = rng.bytes(16 * n).hex()
    return [raw[32 * i : 32 * i + 32] for i in range(n)]


# --- Columns -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationColumns:
    """Synthetic organisations, one entry per row."""

    slugs: list[str]
    names: list[str]
    kinds: list[str]
    place: IntArray
    lat: FloatArray
    lon: FloatArray


def owner_columns(
    rng: np.random.Generator, places: Sequence[Place], weights: FloatArray, count: int, seed: int
) -> tuple[OrganisationColumns, list[str]]:
    """Owner organisations at population-weighted places, and the property owner kind that
    each of them stands for."""
    place = _choice(rng, count, weights)
    kind = _choice(rng, count, [w for _k, _o, w, _n in OWNER_KINDS])
    surname = rng.integers(0, len(SURNAMES), count)
    lat, lon = jitter(
        rng, _column(places, place, "lat"), _column(places, place, "lon"), np.full(count, 1.0)
    )
    names = [
        OWNER_KINDS[k][3].format(city=places[p].name, state=places[p].state, surname=SURNAMES[s])
        + SYNTHETIC_SUFFIX
        for k, p, s in zip(kind, place, surname, strict=True)
    ]
    columns = OrganisationColumns(
        slugs=[f"{SLUG_PREFIX}-eigentuemer-{i + 1}-{seed}" for i in range(count)],
        names=names,
        kinds=[str(OWNER_KINDS[k][0]) for k in kind],
        place=place,
        lat=lat,
        lon=lon,
    )
    return columns, [str(OWNER_KINDS[k][1]) for k in kind]


def initiative_columns(
    rng: np.random.Generator, places: Sequence[Place], weights: FloatArray, count: int, seed: int
) -> OrganisationColumns:
    """Initiatives at population-weighted places."""
    place = _choice(rng, count, weights)
    prefix = rng.integers(0, len(INITIATIVE_PREFIXES), count)
    lat, lon = jitter(
        rng, _column(places, place, "lat"), _column(places, place, "lon"), np.full(count, 1.0)
    )
    return OrganisationColumns(
        slugs=[f"{SLUG_PREFIX}-initiative-{i + 1}-{seed}" for i in range(count)],
        names=[
            f"{INITIATIVE_PREFIXES[x]} {places[p].name}{SYNTHETIC_SUFFIX}"
            for x, p in zip(prefix, place, strict=True)
        ],
        kinds=[str(OrganisationKind.INITIATIVE)] * count,
        place=place,
        lat=lat,
        lon=lon,
    )


def _column(places: Sequence[Place], index: IntArray, name: str) -> FloatArray:
    values = np.array([float(getattr(p, name) or 0) for p in places])
    return values[index]


def property_columns(
    rng: np.random.Generator,
    *,
    places: Sequence[Place],
    weights: FloatArray,
    count: int,
    owners: OrganisationColumns,
    owner_kinds: Sequence[str],
    today: datetime.date,
) -> Columns:
    """Every field of ``count`` synthetic properties as columns (numpy arrays or lists).

    ``owner`` holds an index into ``owners`` (an owner in the property's state where there is
    one) or -1 for a private owner without an organisation.
    """
    n = count
    place = _choice(rng, n, weights)
    population = _column(places, place, "population")
    lat, lon = jitter(
        rng, _column(places, place, "lat"), _column(places, place, "lon"), spread_km(population)
    )
    size = population / 100_000.0  # 1.0 for a town of 100 000 people

    kind = _choice(rng, n, [w for _k, w in PROPERTY_KINDS])
    kinds = [k for k, _w in PROPERTY_KINDS]
    is_lot = kind == kinds.index(PropertyKind.VACANT_LOT)
    building = _conditional_choice(rng, kind, [BUILDING_TYPE_WEIGHTS[k] for k in kinds])
    building_type = np.where(is_lot, -1, building)
    low_rise = np.isin(
        building_type,
        [
            BUILDING_TYPES.index(BuildingType.INDUSTRIAL),
            BUILDING_TYPES.index(BuildingType.AGRICULTURAL),
        ],
    )

    usable = np.round(_lognormal(rng, n, 350, 0.85, 80, 3000)).astype(np.int64)
    floors = np.array([f for f, _w in FLOORS])[_choice(rng, n, [w for _f, w in FLOORS])]
    floors = np.where(low_rise, np.minimum(floors, 2), floors)
    plot = np.round(usable / floors * rng.uniform(1.2, 4.0, n)).astype(np.int64)
    lot_area = np.round(_lognormal(rng, n, 600, 0.8, 100, 20_000)).astype(np.int64)
    plot = np.where(is_lot, lot_area, np.maximum(plot, 50))

    epoch = _choice(rng, n, [e[3] for e in EPOCHS])
    first = np.array([e[0] for e in EPOCHS])[epoch]
    last = np.array([e[1] for e in EPOCHS])[epoch]
    year = first + np.floor(rng.random(n) * (last - first + 1)).astype(np.int64)
    condition = np.array([c for c, _w in CONDITIONS])[_choice(rng, n, [w for _c, w in CONDITIONS])]
    old = year < 1919
    condition = np.where(old & (rng.random(n) < 0.3), np.minimum(condition + 1, 3), condition)
    condition = np.where(is_lot, int(Condition.GOOD), condition)
    historical = building_type == BUILDING_TYPES.index(BuildingType.HISTORICAL)
    listed = ~is_lot & (rng.random(n) < np.where(old | historical, 0.35, 0.04))
    accessible = ~is_lot & (rng.random(n) < 0.3)
    vacant_days = np.round(_lognormal(rng, n, 700, 0.9, 30, 7300)).astype(np.int64)
    complete = rng.random(n) < 0.65
    street = rng.integers(0, len(STREETS), n)
    number = rng.integers(1, 121, n)
    sensitive = rng.random(n) < 0.08
    radius = np.array([300, 500, 1000, 2000])[rng.integers(0, 4, n)]
    salts = _salts(rng, n)

    owner = _owners_by_state(rng, places, place, owners, private_share=PRIVATE_OWNER_SHARE)
    owner_kind = np.array([str(OwnerKind.PRIVATE), *owner_kinds])[owner + 1]
    municipal = owner_kind == str(OwnerKind.MUNICIPAL)

    sale = rng.random(n) < 0.35
    leasehold = rng.random(n) < np.where(municipal, 0.5, 0.2)
    rent = ~is_lot & (rng.random(n) < 0.55)
    interim = rng.random(n) < 0.2
    none = ~(sale | leasehold | rent | interim)
    rent |= none & ~is_lot
    leasehold |= none & is_lot
    term = np.array([50, 66, 75, 99])[rng.integers(0, 4, n)]
    rate = np.array([1.5, 2.0, 2.5, 3.0, 4.0])[rng.integers(0, 5, n)]
    building_price = 1200 * size**0.2 * rng.lognormal(0, 0.35, n) * usable
    land_price = 150 * size**0.3 * rng.lognormal(0, 0.4, n) * plot
    price = np.maximum(np.round(np.where(is_lot, land_price, building_price), -3), 1000)
    rent_per_m2 = np.clip(6.5 * size**0.15 * rng.lognormal(0, 0.3, n), 2, 30)
    rent_per_m2 = np.where(rent, rent_per_m2, rent_per_m2 * 0.5)
    states_rent = (rent | interim) & (rng.random(n) < 0.9)

    use_table = np.array(
        [USE_PROBABILITIES[BUILDING_TYPES[b] if b >= 0 else ""] for b in range(-1, 7)]
    )
    uses = _bitsets(rng, use_table[building_type + 1])
    stage = np.array(PipelineStage.values)[_choice(rng, n, [0.6, 0.2, 0.1, 0.05, 0.03, 0.02])]
    noun_pick = rng.integers(0, 1_000_000, n)

    titles = []
    for i in range(n):
        city = places[place[i]].name
        nouns = LOT_NOUNS if is_lot[i] else TITLE_NOUNS[BUILDING_TYPES[building_type[i]]]
        titles.append(f"{nouns[noun_pick[i] % len(nouns)]} in {city}")
    return {
        "title": titles,
        "kind": [str(kinds[k]) for k in kind],
        "building_type": ["" if b < 0 else str(BUILDING_TYPES[b]) for b in building_type],
        "usable_area": [None if lot else int(a) for lot, a in zip(is_lot, usable, strict=True)],
        "plot_area": plot.tolist(),
        "floors": [None if lot else int(f) for lot, f in zip(is_lot, floors, strict=True)],
        "year_built": [None if lot else int(y) for lot, y in zip(is_lot, year, strict=True)],
        "epoch": ["" if lot else EPOCHS[e][2] for lot, e in zip(is_lot, epoch, strict=True)],
        "condition": condition.tolist(),
        "listed_building": listed.tolist(),
        "accessible": accessible.tolist(),
        "vacant_since": [today - datetime.timedelta(days=int(d)) for d in vacant_days],
        "vacancy_degree": [
            "" if lot else str(VacancyDegree.COMPLETE if c else VacancyDegree.PARTIAL)
            for lot, c in zip(is_lot, complete, strict=True)
        ],
        "street": [f"{STREETS[s]} {k}" for s, k in zip(street, number, strict=True)],
        "city": [places[p].name for p in place],
        "state": [places[p].state for p in place],
        "lat": lat.tolist(),
        "lon": lon.tolist(),
        "is_sensitive": sensitive.tolist(),
        "privacy_radius_m": radius.tolist(),
        "privacy_salt": salts,
        "owner": owner.tolist(),
        "owner_kind": owner_kind.tolist(),
        "transfer_sale": sale.tolist(),
        "transfer_leasehold": leasehold.tolist(),
        "leasehold_term_years": [
            int(t) if x else None for x, t in zip(leasehold, term, strict=True)
        ],
        "leasehold_rate_percent": [
            _money(r, 2) if x else None for x, r in zip(leasehold, rate, strict=True)
        ],
        "transfer_rent": rent.tolist(),
        "transfer_interim": interim.tolist(),
        "asking_price": [_money(p, 0) if s else None for s, p in zip(sale, price, strict=True)],
        "asking_rent": [
            _money(r, 2) if s else None for s, r in zip(states_rent, rent_per_m2, strict=True)
        ],
        "suitable_uses": [[str(USES[j]) for j in np.flatnonzero(row)] for row in uses],
        "pipeline_stage": stage.tolist(),
    }


def _owners_by_state(
    rng: np.random.Generator,
    places: Sequence[Place],
    place: IntArray,
    owners: OrganisationColumns,
    *,
    private_share: float,
) -> IntArray:
    """For each property, an owner organisation from its state (any owner where the state has
    none), or -1 (a private person) with probability ``private_share``."""
    n = len(place)
    owner = np.full(n, -1, dtype=np.int64)
    if not len(owners.place):
        return owner
    prop_state = np.array([places[p].state for p in place]) if n else np.array([], dtype=str)
    owner_state = np.array([places[p].state for p in owners.place])
    draw = rng.random(n)
    for state in np.unique(prop_state):
        rows = np.flatnonzero(prop_state == state)
        candidates = np.flatnonzero(owner_state == state)
        if not len(candidates):
            candidates = np.arange(len(owner_state))
        owner[rows] = candidates[rng.integers(0, len(candidates), len(rows))]
    owner[draw < private_share] = -1
    return owner


def need_columns(
    rng: np.random.Generator,
    *,
    places: Sequence[Place],
    count: int,
    initiatives: OrganisationColumns,
    today: datetime.date,
) -> Columns:
    """Every field of ``count`` synthetic space needs as columns; ``initiative`` holds an index
    into ``initiatives``, whose place is the need's search centre."""
    n = count
    initiative = rng.integers(0, max(1, len(initiatives.place)), n)
    place = initiatives.place[initiative] if len(initiatives.place) else np.zeros(n, np.int64)
    lat, lon = jitter(
        rng, _column(places, place, "lat"), _column(places, place, "lon"), np.full(n, 1.0)
    )

    ranked = _ranked_without_replacement(rng, n, NEED_USE_WEIGHTS)
    use_count = 1 + rng.binomial(2, 0.35, n)
    uses = [[str(USES[j]) for j in row[:k]] for row, k in zip(ranked, use_count, strict=True)]
    area_min = np.round(_lognormal(rng, n, 180, 0.8, 30, 2000)).astype(np.int64)
    area_max = np.clip(np.round(area_min * rng.uniform(1.3, 3.0, n)), area_min, 5000).astype(
        np.int64
    )
    radius = np.round(_lognormal(rng, n, 20, 0.6, 5, 60)).astype(np.int64)

    transfers = _bitsets(rng, np.tile([0.25, 0.35, 0.75, 0.30], (n, 1)))
    transfer_values = [
        str(TransferModel.SALE),
        str(TransferModel.LEASEHOLD),
        str(TransferModel.RENT),
        str(TransferModel.INTERIM),
    ]
    rent_like = transfers[:, 1] | transfers[:, 2] | transfers[:, 3]
    has_max_rent = rent_like & (rng.random(n) < 0.85)
    max_rent = _lognormal(rng, n, 7.5, 0.3, 3, 25)
    has_max_price = transfers[:, 0] & (rng.random(n) < 0.8)
    max_price = np.maximum(np.round(area_max * 1500 * rng.lognormal(0, 0.4, n), -3), 1000)

    time_model = _choice(rng, n, [0.7, 0.15, 0.15])
    time_models = [str(TimeModel.PERMANENT), str(TimeModel.FROM_DATE), str(TimeModel.INTERIM)]
    from_days = rng.integers(30, 541, n)
    group_size = np.round(_lognormal(rng, n, 12, 0.8, 2, 400)).astype(np.int64)
    legal_form = rng.integers(0, len(LEGAL_FORMS), n)
    self_use = np.array([50, 60, 70, 80, 90, 100])[rng.integers(0, 6, n)]
    accessibility = rng.random(n) < 0.25
    renovation = np.array([c for c, _w in CONDITIONS])[_choice(rng, n, [0.2, 0.4, 0.3, 0.1])]
    offer_count = 1 + (rng.random(n) < 0.5)
    offers = rng.integers(0, len(COMMON_GOOD_OFFERS), (n, 2))

    return {
        "initiative": initiative.tolist(),
        "title": [
            f"{NEED_TITLES[Use(u[0])]} in {places[p].name}"
            for u, p in zip(uses, place, strict=True)
        ],
        "uses": uses,
        "area_min": area_min.tolist(),
        "area_max": area_max.tolist(),
        "centre_name": [places[p].name for p in place],
        "centre_lat": lat.tolist(),
        "centre_lon": lon.tolist(),
        "radius_km": radius.tolist(),
        "max_rent": [
            _money(r, 2) if h else None for h, r in zip(has_max_rent, max_rent, strict=True)
        ],
        "max_price": [
            _money(p, 0) if h else None for h, p in zip(has_max_price, max_price, strict=True)
        ],
        "transfer_models": [[transfer_values[j] for j in np.flatnonzero(row)] for row in transfers],
        "time_model": [time_models[t] for t in time_model],
        "available_from": [
            today + datetime.timedelta(days=int(d)) if t == 1 else None
            for t, d in zip(time_model, from_days, strict=True)
        ],
        "group_size": group_size.tolist(),
        "legal_form": [LEGAL_FORMS[x] for x in legal_form],
        "self_use_share": self_use.tolist(),
        "accessibility_required": accessibility.tolist(),
        "renovation_willingness": renovation.tolist(),
        "common_good_offer": [
            " ".join(dict.fromkeys(COMMON_GOOD_OFFERS[o] for o in row[:c]))
            for row, c in zip(offers, offer_count, strict=True)
        ],
    }
