"""Top-k recommendations per need and per property, and re-scoring of a new item."""

from dataclasses import dataclass
from typing import Literal

import numpy as np

from allmende.matching.engine.domain import DEFAULT_WEIGHTS, Weights
from allmende.matching.engine.scoring import Scorer
from allmende.matching.engine.spatial import SpatialIndex, run_batches
from allmende.matching.engine.tables import FloatArray, IntArray, Needs, Properties, ScoredPairs


@dataclass(frozen=True, eq=False)
class Ranking:
    """Recommendations per row item, in CSR layout.

    ``by`` says what the rows are: "need" (each need's best properties) or "property". Row i
    (``row_ids[i]``) owns ``pairs`` and ``ids`` from ``offsets[i]`` to ``offsets[i + 1]``,
    sorted by score descending, ties by the recommended item's id ascending. ``ids`` are the
    ids of the recommended items; ``pairs`` carries positions, components and distances.
    """

    by: Literal["need", "property"]
    row_ids: IntArray
    offsets: IntArray
    ids: IntArray
    pairs: ScoredPairs

    def __len__(self) -> int:
        return len(self.row_ids)

    def row(self, i: int) -> tuple[IntArray, FloatArray]:
        """Ids and scores recommended for row i (a position, not an id)."""
        start, stop = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.ids[start:stop], self.pairs.score[start:stop]

    def as_dict(self) -> dict[int, list[tuple[int, float]]]:
        """{row id: [(recommended id, score), …]} with plain Python values, rows without
        recommendations included as empty lists."""
        ids, scores = self.ids.tolist(), self.pairs.score.tolist()
        bounds = self.offsets.tolist()
        return {
            row_id: list(zip(ids[start:stop], scores[start:stop], strict=True))
            for row_id, start, stop in zip(
                self.row_ids.tolist(), bounds[:-1], bounds[1:], strict=True
            )
        }


# Scores are sorted by a 64-bit key: the group in the high bits, (1 − score) quantised to
# _SCORE_BITS bits below. Equal keys (exact ties and near-ties within 2**-40) are then put in
# exact (score desc, tie asc) order; one integer argsort is several times faster than a
# three-key lexsort at millions of pairs.
_SCORE_BITS = 41
_MAX_KEYED_GROUP = 1 << (64 - _SCORE_BITS)


def top_k_order(group: IntArray, score: FloatArray, tie: IntArray, k: int | None) -> IntArray:
    """Positions of the best k entries per group (k None: all), sorted by (group, score desc,
    tie asc). Exact and deterministic; no Python loop over entries."""
    if not len(group):
        return np.empty(0, np.int64)
    if group.min() < 0 or group.max() >= _MAX_KEYED_GROUP:
        order = np.lexsort((tie, -score, group)).astype(np.int64)
    else:
        quantised = np.floor((1.0 - score) * 2.0 ** (_SCORE_BITS - 1)).astype(np.uint64)
        key = (group.astype(np.uint64) << np.uint64(_SCORE_BITS)) | quantised
        order = np.argsort(key).astype(np.int64)
        sorted_key = key[order]
        same = sorted_key[1:] == sorted_key[:-1]
        if same.any():
            in_run = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
            run = np.cumsum(np.r_[True, ~same])[in_run]
            members = order[in_run]
            order[in_run] = members[np.lexsort((tie[members], -score[members], run))]
    if k is None:
        return order
    sorted_group = group[order]
    starts = np.r_[True, sorted_group[1:] != sorted_group[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    return order[np.arange(len(order)) - first < k]


def _ranking(
    by: Literal["need", "property"],
    row_ids: IntArray,
    pairs: ScoredPairs,
    group: IntArray,
    other_ids: IntArray,
) -> Ranking:
    """A Ranking from pairs already sorted by row (``group``) and score."""
    counts = np.bincount(group, minlength=len(row_ids))
    return Ranking(
        by=by,
        row_ids=row_ids,
        offsets=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        ids=other_ids[pairs.p_idx if by == "need" else pairs.n_idx],
        pairs=pairs,
    )


def _check_index(index: SpatialIndex | None, props: Properties, needs: Needs) -> SpatialIndex:
    """The given index if it was built for these tables (else ValueError), or a new one."""
    if index is None:
        return SpatialIndex(props, needs)
    if index.props is not props or index.needs is not needs:
        raise ValueError("the spatial index was built for other tables")
    return index


def _ranked(
    scorer: Scorer, p: IntArray, n: IntArray, distance: FloatArray, by: str, k: int | None
) -> ScoredPairs:
    """The best k of feasible pairs per need or per property, in ranking order, with their
    components (computed for the kept pairs only; scores are bit-identical either way)."""
    score = scorer.scores(p, n, distance)
    if by == "need":
        order = top_k_order(n, score, scorer.props.ids[p], k)
    else:
        order = top_k_order(p, score, scorer.needs.ids[n], k)
    return scorer.pairs(p[order], n[order], distance[order])


def score_all(
    props: Properties,
    needs: Needs,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    index: SpatialIndex | None = None,
    workers: int | None = None,
) -> ScoredPairs:
    """Every feasible pair with its score (the input of optimal_assignment), in no set order."""
    index = _check_index(index, props, needs)
    scorer = index.scorer(weights)

    def batch(positions: IntArray) -> ScoredPairs:
        """Score one batch of needs (run on the thread pool)."""
        return scorer.pairs(*scorer.feasible(*index.need_candidates(positions)))

    return ScoredPairs.concatenate(list(run_batches(batch, index.need_batches(), workers)))


def top_k_for_needs(
    props: Properties,
    needs: Needs,
    k: int | None = 10,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    index: SpatialIndex | None = None,
    workers: int | None = None,
) -> Ranking:
    """For every need, its k best feasible properties (k None: all), as a Ranking by need."""
    index = _check_index(index, props, needs)
    scorer = index.scorer(weights)

    def batch(positions: IntArray) -> ScoredPairs:
        """Rank one batch of needs (run on the thread pool)."""
        p, n, distance = scorer.feasible(*index.need_candidates(positions))
        return _ranked(scorer, p, n, distance, "need", k)

    parts = ScoredPairs.concatenate(list(run_batches(batch, index.need_batches(), workers)))
    # Each need lives in one batch, already ranked: a stable sort by need keeps every row.
    pairs = parts.take(np.argsort(parts.n_idx, kind="stable"))
    return _ranking("need", needs.ids, pairs, pairs.n_idx, props.ids)


def top_k_for_properties(
    props: Properties,
    needs: Needs,
    k: int | None = 10,
    weights: Weights = DEFAULT_WEIGHTS,
    *,
    index: SpatialIndex | None = None,
    workers: int | None = None,
) -> Ranking:
    """For every property, its k best feasible needs (k None: all), as a Ranking by property."""
    index = _check_index(index, props, needs)
    scorer = index.scorer(weights)

    def batch(positions: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Feasible pairs of one batch of needs (run on the thread pool)."""
        return scorer.feasible(*index.need_candidates(positions))

    # A property's needs are spread over the need batches: rank once, over all of them.
    parts = list(run_batches(batch, index.need_batches(), workers))
    p, n, distance = (
        (np.concatenate([part[i] for part in parts]) for i in range(3))
        if parts
        else (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
    )
    pairs = _ranked(scorer, p, n, distance, "property", k)
    return _ranking("property", props.ids, pairs, pairs.p_idx, needs.ids)


def rescore_need(
    index: SpatialIndex,
    new_needs: Needs,
    weights: Weights = DEFAULT_WEIGHTS,
    k: int | None = 10,
) -> Ranking:
    """Best k properties of the index for needs that are not (or no longer) in it.

    Reuses the index's property trees and terms; ``pairs.n_idx`` are positions in
    ``new_needs``, ``pairs.p_idx`` positions in ``index.props``. Same numbers as a full
    top_k_for_needs that includes the new needs.
    """
    scorer = Scorer(index.props, new_needs, weights, prop_terms=index.prop_terms)
    p, n, distance = scorer.feasible(*index.properties_near(new_needs))
    pairs = _ranked(scorer, p, n, distance, "need", k)
    return _ranking("need", new_needs.ids, pairs, pairs.n_idx, index.props.ids)


def rescore_property(
    index: SpatialIndex,
    new_props: Properties,
    weights: Weights = DEFAULT_WEIGHTS,
    k: int | None = 10,
) -> Ranking:
    """Best k needs of the index for properties that are not (or no longer) in it.

    Reuses the index's need tree and terms; ``pairs.p_idx`` are positions in ``new_props``,
    ``pairs.n_idx`` positions in ``index.needs``. Same numbers as a full top_k_for_properties
    that includes the new properties.
    """
    scorer = Scorer(new_props, index.needs, weights, need_terms=index.need_terms)
    p, n, distance = scorer.feasible(*index.needs_near(new_props))
    pairs = _ranked(scorer, p, n, distance, "property", k)
    return _ranking("property", new_props.ids, pairs, pairs.p_idx, index.needs.ids)
