"""Optimal assignment of properties to space needs within a region (a network, a state or a
district), beside the greedy one, for the coordinator page and ``allmende match``.

A district (Landkreis or kreisfreie Stadt) has no boundary in our places list, only a
centre: a property or need belongs to the district of its state whose centre is nearest.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from allmende.core.models import State
from allmende.core.places import Place, all_places, normalise_name
from allmende.matching import engine
from allmende.matching.services import score
from allmende.matching.snapshot import (
    NeedSnapshot,
    PropertySnapshot,
    active_needs,
    available_properties,
    states_of_points,
)
from allmende.needs.models import SpaceNeed
from allmende.networks.models import Membership, MembershipStatus, Network
from allmende.properties.models import Property

KINDS = ("network", "state", "district")


@dataclass(frozen=True)
class Region:
    kind: str
    value: str
    label: str


@cache
def _districts() -> dict[str, list[Place]]:
    by_state: dict[str, list[Place]] = {}
    for place in all_places():
        if place.kind == "district":
            by_state.setdefault(place.state, []).append(place)
    return by_state


def district_choices() -> list[tuple[str, str]]:
    """(value, label) of every district, for the form."""
    return sorted(
        (
            (f"{p.state}/{p.name}", f"{p.name} ({p.state})")
            for ps in _districts().values()
            for p in ps
        ),
        key=lambda item: normalise_name(item[1]),
    )


def _district(value: str) -> Place | None:
    state, _sep, name = value.partition("/")
    if not name:
        name, state = state, ""
    matches = [
        p
        for s, places in _districts().items()
        if not state or s == state
        for p in places
        if normalise_name(p.name) == normalise_name(name)
    ]
    return matches[0] if len(matches) == 1 else None


def region_parse(text: str) -> Region:
    """A region from "network:<slug>", "state:<name>" or "district:<state>/<name>" (or
    "district:<name>" when the name is unique); ValidationError with a German message."""
    kind, _sep, value = (text or "").partition(":")
    kind, value = kind.strip(), value.strip()
    if kind == "network":
        network = Network.objects.filter(slug=value).first()
        if network is None:
            raise ValidationError(_("There is no network “%(value)s”.") % {"value": value})
        return Region("network", network.slug, network.name)
    if kind == "state":
        if value not in State.values:
            raise ValidationError(_("There is no state “%(value)s”.") % {"value": value})
        return Region("state", value, value)
    if kind == "district":
        place = _district(value)
        if place is None:
            raise ValidationError(
                _("There is no district “%(value)s” (write it as state/district).")
                % {"value": value}
            )
        return Region("district", f"{place.state}/{place.name}", place.name)
    raise ValidationError(
        _("Give the region as network:<short name>, state:<state> or district:<state>/<district>.")
    )


def _nearest_district_mask(
    lat: np.ndarray[Any, Any], lon: np.ndarray[Any, Any], states: list[str], target: Place
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    keep = np.zeros(len(lat), dtype=bool)
    centres = _districts().get(target.state, [])
    if not centres or not len(lat):
        return keep
    c_lat = np.array([p.lat for p in centres])
    c_lon = np.array([p.lon for p in centres])
    target_index = next(i for i, p in enumerate(centres) if p.name == target.name)
    in_state = np.array([s == target.state for s in states], dtype=bool)
    distances = engine.haversine_km(lat[:, None], lon[:, None], c_lat[None, :], c_lon[None, :])
    keep = in_state & (np.argmin(distances, axis=1) == target_index)
    return np.asarray(keep, dtype=bool)


def region_items(region: Region, user: Any = None) -> tuple[PropertySnapshot, NeedSnapshot]:
    """The available properties and active needs of the region (those the user may see, when
    given), as engine snapshots."""
    props: QuerySet[Property] = available_properties()
    needs: QuerySet[SpaceNeed] = active_needs()
    if user is not None:
        from allmende.matching.selectors import visible_needs, visible_properties

        props = props.filter(pk__in=visible_properties(user).values("pk"))
        needs = needs.filter(pk__in=visible_needs(user).values("pk"))
    if region.kind == "network":
        members = Membership.objects.filter(
            network__slug=region.value, status=MembershipStatus.ACTIVE
        ).values("organisation_id")
        props = props.filter(owner_organisation_id__in=members)
        needs = needs.filter(Q(network__slug=region.value) | Q(organisation_id__in=members))
        return PropertySnapshot.of(props), NeedSnapshot.of(needs)
    if region.kind == "state":
        prop_snapshot = PropertySnapshot.of(props.filter(state=region.value))
        need_snapshot = NeedSnapshot.of(needs)
        # Needs searching in the state: their search circle's centre lies in it or they name it.
        return prop_snapshot, _needs_in_state(need_snapshot, region.value)
    place = _district(region.value)
    if place is None:
        raise ValidationError(_("There is no district “%(value)s”.") % {"value": region.value})
    prop_snapshot = PropertySnapshot.of(props.filter(state=place.state))
    table = prop_snapshot.table
    keep = _nearest_district_mask(table.lat, table.lon, list(prop_snapshot.states), place)
    prop_snapshot = PropertySnapshot(table.take(np.flatnonzero(keep)), prop_snapshot.states[keep])
    need_snapshot = _needs_in_state(NeedSnapshot.of(needs), place.state)
    n_table = need_snapshot.table
    n_keep = _nearest_district_mask(n_table.lat, n_table.lon, [place.state] * len(n_table), place)
    rows = np.flatnonzero(n_keep)
    return prop_snapshot, _take_needs(need_snapshot, rows)


def _take_needs(snapshot: NeedSnapshot, rows: np.ndarray[Any, Any]) -> NeedSnapshot:
    positions = rows.tolist()
    return NeedSnapshot(
        snapshot.table.take(rows),
        [snapshot.networks[i] for i in positions],
        [snapshot.states[i] for i in positions],
    )


def _needs_in_state(snapshot: NeedSnapshot, state: str) -> NeedSnapshot:
    """Needs searching in the state: they name it in their list of states, or the centre of
    their search area lies in it (by the nearest known place)."""
    centre_states = states_of_points(snapshot.table.lat, snapshot.table.lon)
    rows = [
        row
        for row in range(len(snapshot.table))
        if (state in snapshot.states[row] if snapshot.states[row] else centre_states[row] == state)
    ]
    return _take_needs(snapshot, np.array(rows, dtype=np.int64))


@dataclass(frozen=True)
class Pair:
    property_id: int
    property_title: str
    need_id: int
    need_title: str
    score: float


@dataclass(frozen=True)
class Proposal:
    method: str
    total: float
    pairs: list[Pair]


@dataclass(frozen=True)
class RegionAssignment:
    region: Region
    properties: int
    needs: int
    feasible_pairs: int
    optimal: Proposal
    greedy: Proposal

    @property
    def gain(self) -> float:
        return self.optimal.total - self.greedy.total


def region_assign(region: Region, user: Any = None) -> RegionAssignment:
    """Optimal and greedy assignment of the region's properties to its needs."""
    props, needs = region_items(region, user)
    scored = score(props, needs)
    pairs = engine.ScoredPairs(
        p_idx=scored.p,
        n_idx=scored.n,
        score=scored.score,
        components=scored.components,
        distance_km=scored.distance,
    )
    optimal = engine.optimal_assignment(pairs, len(props.table), len(needs.table))
    greedy = engine.greedy_assignment(pairs, len(props.table), len(needs.table))
    prop_ids = [int(props.table.ids[p]) for p in (*optimal.p_idx, *greedy.p_idx)]
    need_ids = [int(needs.table.ids[n]) for n in (*optimal.n_idx, *greedy.n_idx)]
    prop_titles = dict(Property.objects.filter(pk__in=prop_ids).values_list("pk", "title"))
    need_titles = dict(SpaceNeed.objects.filter(pk__in=need_ids).values_list("pk", "title"))

    def proposal(assignment: engine.Assignment) -> Proposal:
        chosen = []
        for p, n, value in zip(
            assignment.p_idx.tolist(),
            assignment.n_idx.tolist(),
            assignment.score.tolist(),
            strict=True,
        ):
            prop_id, need_id = int(props.table.ids[p]), int(needs.table.ids[n])
            chosen.append(
                Pair(
                    prop_id,
                    prop_titles.get(prop_id, ""),
                    need_id,
                    need_titles.get(need_id, ""),
                    value,
                )
            )
        chosen.sort(key=lambda pair: (-pair.score, pair.need_title, pair.need_id))
        return Proposal(assignment.method, float(assignment.total), chosen)

    return RegionAssignment(
        region=region,
        properties=len(props.table),
        needs=len(needs.table),
        feasible_pairs=len(scored),
        optimal=proposal(optimal),
        greedy=proposal(greedy),
    )
