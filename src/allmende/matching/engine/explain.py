"""German one-line reasons for every score component of one pair, and for failed constraints."""

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from allmende.matching.engine.domain import (
    AREA_TOLERANCE,
    COMPONENT_LABELS,
    COMPONENT_NAMES,
    CONDITION_LABELS,
    DEFAULT_WEIGHTS,
    RENOVATION_PHRASES,
    RENT_LIKE,
    TRANSFER_LABELS,
    USE_LABELS,
    Condition,
    Transfer,
    Weights,
)
from allmende.matching.engine.scoring import Scorer, area_bounds, pair_distance_km
from allmende.matching.engine.tables import Needs, Properties


@dataclass(frozen=True)
class Component:
    """One score component of a pair: value in [0, 1], normalised weight, German reason."""

    name: str
    label: str
    value: float
    weight: float
    reason: str

    @property
    def contribution(self) -> float:
        """The component's share of the score (value × weight)."""
        return self.value * self.weight


def format_number(value: float, decimals: int = 0) -> str:
    """German number format: dot for thousands, comma for decimals (1.234,50)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _km(value: float) -> str:
    """Kilometres for reasons: one decimal below 10 km unless whole, else none."""
    return format_number(value, 1 if value < 10 and round(value, 1) != round(value) else 0)


def _area(value: float) -> str:
    """An area in whole m²."""
    return f"{format_number(value)} m²"


# Plain integers: IntFlag arithmetic is slow when reasons are written for many pairs.
_USE_BITS = [(int(use), label) for use, label in USE_LABELS.items()]


def _uses(mask: int) -> list[str]:
    """German labels of the uses in a bitmask, in Use order."""
    return [label for bit, label in _USE_BITS if mask & bit]


def _distance_reason(distance: float, radius: float) -> str:
    """ "12 km entfernt (Suchradius 30 km)"."""
    if distance < 0.05:
        place = "Im Suchzentrum"
    else:
        place = f"{_km(distance)} km entfernt"
    return f"{place} (Suchradius {_km(radius)} km)"


def _area_reason(area: float, area_min: float, area_max: float) -> str:
    """ "420 m² – gesucht 300–500 m²", noting an area inside the tolerance only."""
    if math.isnan(area):
        return "Fläche nicht angegeben"
    if area_min <= 0 and math.isinf(area_max):
        wanted = "keine Flächenvorgabe"
    elif math.isinf(area_max):
        wanted = f"gesucht ab {_area(area_min)}"
    elif area_min <= 0:
        wanted = f"gesucht bis {_area(area_max)}"
    else:
        wanted = f"gesucht {format_number(area_min)}–{_area(area_max)}"
    reason = f"{_area(area)} – {wanted}"
    if area < area_min:
        reason += " (etwas kleiner als gesucht)"
    elif area > area_max:
        reason += " (etwas größer als gesucht)"
    return reason


def _use_reason(wanted: int, suitable: int) -> str:
    """ "2 von 3 gewünschten Nutzungen möglich: Treffpunkt, Coworking" and variants."""
    if wanted == 0:
        return "Keine bestimmte Nutzung gesucht"
    if suitable == 0:
        return "Objekt ist für jede Nutzung offen"
    possible = _uses(wanted & suitable)
    count = len(_uses(wanted))
    if not possible:
        return f"Keine der gewünschten Nutzungen vorgesehen ({', '.join(_uses(wanted))})"
    if count == 1:
        return f"Gewünschte Nutzung möglich: {possible[0]}"
    return f"{len(possible)} von {count} gewünschten Nutzungen möglich: {', '.join(possible)}"


def _amount(value: float, *, rent: bool) -> str:
    """A rent in €/m² with cents, or a price in whole €."""
    return f"{format_number(value, 2)} €/m²" if rent else f"{format_number(value)} €"


def _cost_reason(
    props: Properties, needs: Needs, p: int, n: int, rent_fit: float, sale_fit: float
) -> str:
    """Amount and limit of the common transfer model with the best cost fit."""
    common = int(props.transfer[p] & needs.transfer[n])
    options = []
    if common & RENT_LIKE:
        kind = (
            Transfer.RENT
            if common & Transfer.RENT
            else (Transfer.INTERIM if common & Transfer.INTERIM else Transfer.LEASEHOLD)
        )
        label = {
            Transfer.RENT: "Miete",
            Transfer.INTERIM: "Nutzungsentgelt",
            Transfer.LEASEHOLD: "Erbbauzins",
        }[kind]
        options.append((rent_fit, label, float(props.rent[p]), float(needs.max_rent[n]), True))
    if common & Transfer.SALE:
        options.append(
            (sale_fit, "Kaufpreis", float(props.price[p]), float(needs.max_price[n]), False)
        )
    if not options:
        return "Kein gemeinsames Übergabemodell"
    _fit, label, value, limit, rent = max(options, key=lambda option: option[0])
    shown = "nicht angegeben" if math.isnan(value) else _amount(value, rent=rent)
    bound = "keine Obergrenze" if math.isnan(limit) else f"Obergrenze {_amount(limit, rent=rent)}"
    return f"{label} {shown} – {bound}"


def _condition_reason(condition: int, willingness: int) -> str:
    """ "Zustand: sanierungsbedürftig – Gruppe ist bereit zu sanieren"."""
    label = CONDITION_LABELS[Condition(condition)]
    if condition == Condition.GOOD:
        return f"Zustand: {label}"
    return f"Zustand: {label} – {RENOVATION_PHRASES[Condition(willingness)]}"


def _common_good_reason(value: float) -> str:
    """ "Gemeinwohlangebot: stark" (thirds of [0, 1]: schwach, mittel, stark)."""
    if value <= 0:
        strength = "keines angegeben"
    elif value < 1 / 3:
        strength = "schwach"
    elif value < 2 / 3:
        strength = "mittel"
    else:
        strength = "stark"
    return f"Gemeinwohlangebot: {strength}"


def explain(
    props: Properties, needs: Needs, p: int, n: int, weights: Weights = DEFAULT_WEIGHTS
) -> list[Component]:
    """The six components of pair (props[p], needs[n]) with German one-line reasons.

    Values are exactly those score_pairs uses (the pair need not be feasible; see
    constraint_failures for why it is not).
    """
    one_prop, one_need = props.take([p]), needs.take([n])
    scorer = Scorer(one_prop, one_need, weights)
    first = np.zeros(1, dtype=np.int64)
    distance = pair_distance_km(one_prop, one_need, 0, 0)
    values = scorer.components(first, first, np.array([distance]))[:, 0].tolist()
    rent_fit, sale_fit = (float(fit[0]) for fit in scorer.cost_fits(first, first))
    reasons = {
        "distance": _distance_reason(distance, float(needs.radius_km[n])),
        "area": _area_reason(
            float(props.area[p]), float(needs.area_min[n]), float(needs.area_max[n])
        ),
        "use": _use_reason(int(needs.uses[n]), int(props.uses[p])),
        "cost": _cost_reason(props, needs, p, n, rent_fit, sale_fit),
        "condition": _condition_reason(int(props.condition[p]), int(needs.renovation[n])),
        "common_good": _common_good_reason(float(needs.common_good[n])),
    }
    normalised = weights.normalised()
    return [
        Component(
            name=name,
            label=COMPONENT_LABELS[name],
            value=value,
            weight=getattr(normalised, name),
            reason=reasons[name],
        )
        for name, value in zip(COMPONENT_NAMES, values, strict=True)
    ]


def constraint_failures(props: Properties, needs: Needs, p: int, n: int) -> list[str]:
    """German reasons why pair (props[p], needs[n]) is not recommended; empty when feasible."""
    failures = []
    if not props.available[p]:
        failures.append("Objekt ist nicht veröffentlicht oder nicht verfügbar")
    distance = pair_distance_km(props, needs, p, n)
    if not distance <= needs.radius_km[n]:
        failures.append(
            f"{_km(distance)} km entfernt – außerhalb des Suchradius von "
            f"{_km(float(needs.radius_km[n]))} km"
        )
    low, high = area_bounds(needs.take([n]))
    area = float(props.area[p])
    if math.isnan(area):
        failures.append("Fläche nicht angegeben")
    elif not low[0] <= area <= high[0]:
        wanted = _area_reason(area, float(needs.area_min[n]), float(needs.area_max[n]))
        side = "zu klein" if area < low[0] else "zu groß"
        failures.append(
            f"Fläche {side}: {wanted.split(' (')[0]} "
            f"(Toleranz {format_number(AREA_TOLERANCE * 100)} %)"
        )
    if not props.transfer[p] & needs.transfer[n]:
        offered = [label for t, label in TRANSFER_LABELS.items() if props.transfer[p] & t]
        failures.append(
            "Kein gemeinsames Übergabemodell (angeboten: " + (", ".join(offered) or "keins") + ")"
        )
    if needs.accessibility_required[n] and not props.accessible[p]:
        failures.append("Barrierefreiheit gefordert, Objekt ist nicht barrierefrei")
    return failures


def reasons_for_pairs(
    props: Properties,
    needs: Needs,
    p_idx: npt.NDArray[np.int64],
    n_idx: npt.NDArray[np.int64],
    distance_km: npt.NDArray[np.float64],
) -> list[dict[str, str]]:
    """German reasons for many pairs at once, as ``explain`` gives them one by one: the cost
    fits are computed for all pairs in one vectorised pass, only the sentences per pair."""
    if not len(p_idx):
        return []
    scorer = Scorer(props, needs)
    rent_fit, sale_fit = scorer.cost_fits(p_idx, n_idx)
    columns = zip(
        p_idx.tolist(),
        n_idx.tolist(),
        distance_km.tolist(),
        rent_fit.tolist(),
        sale_fit.tolist(),
        strict=True,
    )
    return [
        {
            "distance": _distance_reason(distance, float(needs.radius_km[n])),
            "area": _area_reason(
                float(props.area[p]), float(needs.area_min[n]), float(needs.area_max[n])
            ),
            "use": _use_reason(int(needs.uses[n]), int(props.uses[p])),
            "cost": _cost_reason(props, needs, p, n, rent, sale),
            "condition": _condition_reason(int(props.condition[p]), int(needs.renovation[n])),
            "common_good": _common_good_reason(float(needs.common_good[n])),
        }
        for p, n, distance, rent, sale in columns
    ]
