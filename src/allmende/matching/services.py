"""Writes of the matching module: stored recommendations and expressions of interest.

Recommendations are kept per need (its best ``TOP_K`` properties, ``rank_for_need``) and per
property (its best ``TOP_K`` needs, ``rank_for_property``); one row per pair carries both ranks.
A change of one item re-ranks that item and the items of the other side whose lists it enters
or leaves, so that pages never run the engine.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.matching import engine
from allmende.matching.models import Interest, InterestState, Recommendation, Side
from allmende.matching.snapshot import (
    NeedSnapshot,
    PropertySnapshot,
    active_needs,
    available_properties,
    needs_reaching,
    network_weights,
    properties_within,
)
from allmende.needs.models import SpaceNeed
from allmende.networks.models import Network
from allmende.properties.models import Property

logger = logging.getLogger(__name__)

TOP_K = 10
_BATCH = 2000


@dataclass(frozen=True, eq=False)
class Scored:
    """Feasible pairs of a property snapshot and a need snapshot, scored with each need's
    network weights; ``p``/``n`` are positions in the snapshots."""

    props: PropertySnapshot
    needs: NeedSnapshot
    p: np.ndarray[Any, np.dtype[np.int64]]
    n: np.ndarray[Any, np.dtype[np.int64]]
    score: np.ndarray[Any, np.dtype[np.float64]]
    components: np.ndarray[Any, np.dtype[np.float64]]
    distance: np.ndarray[Any, np.dtype[np.float64]]
    weights: dict[int | None, engine.Weights] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.score)

    def top(self, by: str) -> np.ndarray[Any, np.dtype[np.intp]]:
        """Positions of the best TOP_K pairs per need (by="need") or per property."""
        k = TOP_K
        if by == "need":
            return engine.top_k_order(self.n, self.score, self.props.table.ids[self.p], k)
        return engine.top_k_order(self.p, self.score, self.needs.table.ids[self.n], k)


def score(props: PropertySnapshot, needs: NeedSnapshot) -> Scored:
    """Every feasible pair, each need scored with its network's weights; a need given as a
    list of states keeps only properties in those states."""
    weights = network_weights(needs.networks)
    parts: list[tuple[np.ndarray[Any, Any], engine.ScoredPairs]] = []
    if len(props.table) and len(needs.table):
        groups: dict[tuple[float, ...], list[int]] = {}
        for row, network in enumerate(needs.networks):
            key = tuple(weights[network].to_mapping().values())
            groups.setdefault(key, []).append(row)
        for rows in groups.values():
            positions = np.array(rows, dtype=np.int64)
            table = needs.table.take(positions) if len(rows) < len(needs.table) else needs.table
            pairs = engine.score_all(
                props.table, table, weights[needs.networks[rows[0]]], workers=1
            )
            mapped = positions[pairs.n_idx] if table is not needs.table else pairs.n_idx
            parts.append((mapped, pairs))
    if parts:
        p = np.concatenate([pairs.p_idx for _, pairs in parts])
        n = np.concatenate([mapped for mapped, _ in parts])
        scores = np.concatenate([pairs.score for _, pairs in parts])
        components = np.concatenate([pairs.components for _, pairs in parts])
        distance = np.concatenate([pairs.distance_km for _, pairs in parts])
    else:
        p = n = np.empty(0, np.int64)
        scores = distance = np.empty(0, np.float64)
        components = np.empty((0, len(engine.COMPONENT_NAMES)), np.float64)
    keep = _state_filter(props, needs, p, n)
    return Scored(
        props,
        needs,
        p[keep],
        n[keep],
        scores[keep],
        components[keep],
        distance[keep],
        weights,
    )


def _state_filter(
    props: PropertySnapshot,
    needs: NeedSnapshot,
    p: np.ndarray[Any, Any],
    n: np.ndarray[Any, Any],
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    keep = np.ones(len(p), dtype=bool)
    limited = [row for row, states in enumerate(needs.states) if states]
    if not limited or not len(p):
        return keep
    for row in limited:
        rows = np.flatnonzero(n == row)
        allowed = np.isin(props.states[p[rows]], list(needs.states[row]))
        keep[rows[~allowed]] = False
    return keep


@dataclass
class _Row:
    score: float
    components: dict[str, float]
    distance: float
    p: int
    n: int
    rank_for_need: int | None = None
    rank_for_property: int | None = None


def _rows(
    scored: Scored, by: str, ranked_ids: set[int] | None = None
) -> dict[tuple[int, int], _Row]:
    """{(property id, need id): row} for the top pairs per need or per property, restricted
    to the needs (or properties) in ``ranked_ids`` when given."""
    order = scored.top(by)
    rows: dict[tuple[int, int], _Row] = {}
    prop_ids, need_ids = scored.props.table.ids, scored.needs.table.ids
    previous, rank = -1, 0
    for position in order.tolist():
        p, n = int(scored.p[position]), int(scored.n[position])
        owner = n if by == "need" else p
        rank = rank + 1 if owner == previous else 1
        previous = owner
        owner_id = int(need_ids[n]) if by == "need" else int(prop_ids[p])
        if ranked_ids is not None and owner_id not in ranked_ids:
            continue
        row = _Row(
            score=float(scored.score[position]),
            components=dict(
                zip(engine.COMPONENT_NAMES, scored.components[position].tolist(), strict=True)
            ),
            distance=float(scored.distance[position]),
            p=p,
            n=n,
        )
        if by == "need":
            row.rank_for_need = rank
        else:
            row.rank_for_property = rank
        rows[(int(prop_ids[p]), int(need_ids[n]))] = row
    return rows


def _reasons(items: list[tuple[Scored, _Row]]) -> list[dict[str, str]]:
    """German reasons of the rows, computed per snapshot in one batch."""
    reasons: list[dict[str, str]] = [{} for _ in items]
    groups: dict[int, list[int]] = {}
    for position, (scored, _row) in enumerate(items):
        groups.setdefault(id(scored), []).append(position)
    for positions in groups.values():
        scored = items[positions[0]][0]
        rows = [items[i][1] for i in positions]
        batch = engine.reasons_for_pairs(
            scored.props.table,
            scored.needs.table,
            np.array([row.p for row in rows], dtype=np.int64),
            np.array([row.n for row in rows], dtype=np.int64),
            np.array([row.distance for row in rows], dtype=np.float64),
        )
        for i, text in zip(positions, batch, strict=True):
            reasons[i] = text
    return reasons


def _store(
    rows_by_scored: list[tuple[Scored, dict[tuple[int, int], _Row]]],
    *,
    need_ids: Iterable[int] = (),
    property_ids: Iterable[int] = (),
    everything: bool = False,
) -> int:
    """Replace the ranks of the given needs and properties by ``rows`` (all rows when
    ``everything``); pairs left without a rank on either side are deleted."""
    need_ids, property_ids = set(need_ids), set(property_ids)
    now = timezone.now()
    merged: dict[tuple[int, int], tuple[Scored, _Row]] = {}
    for scored, rows in rows_by_scored:
        for key, row in rows.items():
            if key in merged:
                known = merged[key][1]
                known.rank_for_need = known.rank_for_need or row.rank_for_need
                known.rank_for_property = known.rank_for_property or row.rank_for_property
            else:
                merged[key] = (scored, row)
    with transaction.atomic():
        if everything:
            Recommendation.objects.all().delete()
        else:
            Recommendation.objects.filter(need_id__in=need_ids).update(rank_for_need=None)
            Recommendation.objects.filter(property_id__in=property_ids).update(
                rank_for_property=None
            )
        groups: dict[tuple[bool, bool], list[Recommendation]] = {}
        reasons = _reasons(list(merged.values()))
        for ((property_id, need_id), (_scored, row)), texts in zip(
            merged.items(), reasons, strict=True
        ):
            groups.setdefault(
                (row.rank_for_need is not None, row.rank_for_property is not None), []
            ).append(
                Recommendation(
                    property_id=property_id,
                    need_id=need_id,
                    score=min(max(row.score, 0.0), 1.0),
                    components=row.components,
                    reasons=texts,
                    distance_km=row.distance,
                    rank_for_need=row.rank_for_need,
                    rank_for_property=row.rank_for_property,
                    computed_at=now,
                )
            )
        common = ["score", "components", "reasons", "distance_km", "computed_at"]
        if everything:
            _insert_all([obj for objects in groups.values() for obj in objects])
            return len(merged)
        for (has_need_rank, has_property_rank), objects in groups.items():
            update = common + (["rank_for_need"] if has_need_rank else [])
            update += ["rank_for_property"] if has_property_rank else []
            for start in range(0, len(objects), _BATCH):
                Recommendation.objects.bulk_create(
                    objects[start : start + _BATCH],
                    update_conflicts=True,
                    unique_fields=["property", "need"],
                    update_fields=update,
                )
        Recommendation.objects.filter(
            Q(need_id__in=need_ids) | Q(property_id__in=property_ids),
            rank_for_need__isnull=True,
            rank_for_property__isnull=True,
        ).delete()
    return len(merged)


def _insert_all(objects: list[Recommendation]) -> None:
    """Insert many new rows with one prepared statement (a full rebuild writes a row per
    recommendation; ``bulk_create`` spends most of its time compiling SQL)."""
    fields = [f for f in Recommendation._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(Recommendation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names only
    with connection.cursor() as cursor:
        for start in range(0, len(objects), _BATCH):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                    for obj in objects[start : start + _BATCH]
                ],
            )


def _needs_ranking(need_ids: set[int]) -> tuple[Scored, dict[tuple[int, int], _Row]]:
    """The needs' top lists against the available properties around them."""
    needs = NeedSnapshot.of(active_needs().filter(pk__in=need_ids))
    props = PropertySnapshot.of(properties_within(needs.bbox()))
    scored = score(props, needs)
    return scored, _rows(scored, "need")


def _properties_ranking(property_ids: set[int]) -> tuple[Scored, dict[tuple[int, int], _Row]]:
    """The properties' top lists against the active needs that can reach them."""
    props = PropertySnapshot.of(available_properties().filter(pk__in=property_ids))
    needs = NeedSnapshot.of(needs_reaching(props))
    scored = score(props, needs)
    return scored, _rows(scored, "property")


def _lists_touched(scored: Scored, by: str, changed: set[int]) -> set[int]:
    """Items of the other side whose top list the changed items enter or leave.

    ``by="property"``: ``scored`` holds the feasible pairs of changed needs; a property's list
    changes only if a changed need now beats its last listed entry (or the list is not full)
    or a changed need was listed before. Nothing else changed, so every other list stays.
    """
    if by == "property":
        other_ids = scored.props.table.ids[scored.p]
        own, other_field = "need_id", "property_id"
        rank_field = "rank_for_property"
    else:
        other_ids = scored.needs.table.ids[scored.n]
        own, other_field = "property_id", "need_id"
        rank_field = "rank_for_need"
    best: dict[int, float] = {}
    for other, value in zip(other_ids.tolist(), scored.score.tolist(), strict=True):
        best[other] = max(value, best.get(other, 0.0))
    listed: dict[int, list[float]] = {}
    for other, value in (
        Recommendation.objects.filter(
            **{f"{other_field}__in": list(best), f"{rank_field}__isnull": False}
        )
        .exclude(**{f"{own}__in": changed})
        .values_list(other_field, "score")
    ):
        listed.setdefault(other, []).append(value)
    touched = {
        other
        for other, value in best.items()
        if len(listed.get(other, [])) < TOP_K or value >= min(listed[other])
    }
    touched |= set(
        Recommendation.objects.filter(
            **{f"{own}__in": changed, f"{rank_field}__isnull": False}
        ).values_list(other_field, flat=True)
    )
    return touched


def recommendations_refresh(
    *, need_ids: Iterable[int] = (), property_ids: Iterable[int] = ()
) -> int:
    """Re-rank the given needs and properties after they changed (or were deleted), and the
    items of the other side whose lists they enter or leave. Returns the rows written."""
    changed_needs, changed_props = set(need_ids), set(property_ids)
    rank_needs, rank_props = set(changed_needs), set(changed_props)
    results = []
    if changed_needs:
        scored, rows = _needs_ranking(changed_needs)
        results.append((scored, rows))
        rank_props |= _lists_touched(scored, "property", changed_needs)
    if changed_props:
        scored, rows = _properties_ranking(changed_props)
        results.append((scored, rows))
        rank_needs |= _lists_touched(scored, "need", changed_props)
    if rank_props - changed_props:
        results.append(_properties_ranking(rank_props - changed_props))
    if rank_needs - changed_needs:
        results.append(_needs_ranking(rank_needs - changed_needs))
    return _store(results, need_ids=rank_needs, property_ids=rank_props)


def recommendations_rebuild(*, progress: Callable[[str], None] | None = None) -> int:
    """Recompute every stored recommendation from scratch. Returns the rows written."""
    props = PropertySnapshot.of(available_properties())
    needs = NeedSnapshot.of(active_needs())
    if progress:
        progress(
            _("%(properties)d properties and %(needs)d space needs loaded")
            % {"properties": len(props.table), "needs": len(needs.table)}
        )
    scored = score(props, needs)
    written = _store(
        [(scored, _rows(scored, "need")), (scored, _rows(scored, "property"))], everything=True
    )
    if progress:
        progress(_("%(count)d recommendations stored") % {"count": written})
    return written


# Interest --------------------------------------------------------------------------------


def _side_of(user: User, *, property: Property, need: SpaceNeed) -> str | None:
    """The side the user may act for on this pair: the initiative's or the owner's."""
    if user.has_perm("needs.change_space_need", need):
        return Side.NEED
    if user.has_perm("properties.change_property", property):
        return Side.PROPERTY
    return None


def interest_express(
    *, property: Property, need: SpaceNeed, actor: User, message: str = ""
) -> Interest:
    """Record the actor's side's interest in the pair and e-mail the other side.

    Allowed for the initiative's editors (for the need) and the owner's editors (for the
    property) when the pair is recommended. A declined or withdrawn interest can be renewed.
    """
    from allmende.matching import notifications

    side = _side_of(actor, property=property, need=need)
    if side is None:
        raise PermissionDenied(_("You may not express interest for either side of this match."))
    if not Recommendation.objects.filter(property=property, need=need).exists():
        raise ValidationError(_("This property is not among the recommendations for this need."))
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationError({"message": _("Please keep the message under 2000 characters.")})
    with transaction.atomic():
        interest = Interest.objects.select_for_update().filter(property=property, need=need).first()
        if interest is not None and interest.state in (
            InterestState.PENDING,
            InterestState.ACCEPTED,
        ):
            raise ValidationError(_("Interest in this match has already been expressed."))
        if interest is None:
            interest = Interest(property=property, need=need)
        interest.side = side
        interest.state = InterestState.PENDING
        interest.message = message
        interest.created_by = actor
        interest.created_at = timezone.now()
        interest.decided_by = None
        interest.decided_at = None
        interest.save()
        transaction.on_commit(lambda: notifications.interest_expressed(interest))
    return interest


def interest_decide(*, interest: Interest, actor: User, accept: bool) -> Interest:
    """The other side accepts (contact data is shared with both) or declines."""
    from allmende.matching import notifications

    side = _side_of(actor, property=interest.property, need=interest.need)
    deciding = interest.deciding_side()
    allowed = (
        actor.has_perm("needs.change_space_need", interest.need)
        if deciding == Side.NEED
        else actor.has_perm("properties.change_property", interest.property)
    )
    if side is None or not allowed:
        raise PermissionDenied(_("Only the other side of the match can answer this interest."))
    with transaction.atomic():
        locked = Interest.objects.select_for_update().get(pk=interest.pk)
        if locked.state != InterestState.PENDING:
            raise ValidationError(_("This interest has already been answered."))
        locked.state = InterestState.ACCEPTED if accept else InterestState.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        transaction.on_commit(lambda: notifications.interest_decided(locked))
    return locked


def interest_withdraw(*, interest: Interest, actor: User) -> Interest:
    """The side that expressed the interest takes it back (also after acceptance)."""
    allowed = (
        actor.has_perm("needs.change_space_need", interest.need)
        if interest.side == Side.NEED
        else actor.has_perm("properties.change_property", interest.property)
    )
    if not allowed:
        raise PermissionDenied(_("Only the side that expressed the interest can withdraw it."))
    with transaction.atomic():
        locked = Interest.objects.select_for_update().get(pk=interest.pk)
        if locked.state == InterestState.WITHDRAWN:
            return locked
        locked.state = InterestState.WITHDRAWN
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_by", "decided_at"])
    return locked


def network_weights_set(*, network: Network, weights: engine.Weights, actor: User) -> Network:
    """Store a network's matching weights and re-rank its space needs in the background."""
    if not actor.has_perm("matching.change_weights", network):
        raise PermissionDenied(_("You may not change the weights of this network."))
    network.matching_weights = weights.to_mapping()
    network.save(update_fields=["matching_weights", "updated_at"])
    need_ids = list(SpaceNeed.objects.filter(network=network).values_list("pk", flat=True))
    if need_ids:
        from allmende.matching.tasks import refresh_recommendations

        transaction.on_commit(
            lambda: refresh_recommendations.enqueue(need_ids=need_ids, property_ids=[])
        )
    return network
