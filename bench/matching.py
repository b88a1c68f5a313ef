"""Benchmark: the matching engine at 100 000 properties × 10 000 needs (SPEC §2 budgets).

Synthetic data on real German places (src/allmende/data/places.csv): each property and need
sits at a population-weighted place with a little jitter (larger towns spread wider); areas
50–3000 m², search radii 5–50 km, random transfer, use and accessibility masks. Times each part
several times with time.perf_counter and reports the median. Prints a table and writes
bench/results/matching.json. Never asserts time: budgets are compared, not enforced.

    .venv/bin/python bench/matching.py --properties 100000 --needs 10000 --seed 1
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from allmende.core.places import all_places
from allmende.matching.engine import (
    ALL_TRANSFERS,
    ALL_USES,
    Needs,
    Properties,
    ScoredPairs,
    Scorer,
    SpatialIndex,
    candidate_pairs,
    greedy_assignment,
    optimal_assignment,
    python_loop_score,
    rescore_need,
    rescore_property,
    score_all,
    score_pairs,
    top_k_for_needs,
    top_k_for_properties,
)

KM_PER_DEGREE = 111.2


class Places:
    """Coordinates and population weights of German places, optionally within a region."""

    def __init__(self, centre: tuple[float, float] | None = None, radius_km: float = 0) -> None:
        places = [p for p in all_places() if p.kind == "place" and p.population]
        lat = np.array([p.lat for p in places])
        lon = np.array([p.lon for p in places])
        population = np.array([p.population for p in places], dtype=np.float64)
        if centre is not None:
            dy = (lat - centre[0]) * KM_PER_DEGREE
            dx = (lon - centre[1]) * KM_PER_DEGREE * math.cos(math.radians(centre[0]))
            near = np.hypot(dx, dy) <= radius_km
            lat, lon, population = lat[near], lon[near], population[near]
        self.lat, self.lon = lat, lon
        self.weights = population / population.sum()
        # Jitter radius: half a kilometre for a village, several for a city.
        self.spread_km = 0.5 + np.sqrt(population) / 300

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n points at population-weighted places, jittered uniformly within each place."""
        at = rng.choice(len(self.lat), size=n, p=self.weights)
        angle = rng.uniform(0, 2 * math.pi, n)
        radius = self.spread_km[at] * np.sqrt(rng.uniform(0, 1, n))
        lat = self.lat[at] + radius * np.sin(angle) / KM_PER_DEGREE
        lon = self.lon[at] + radius * np.cos(angle) / (
            KM_PER_DEGREE * np.cos(np.radians(self.lat[at]))
        )
        return lat, lon


def random_masks(rng: np.random.Generator, n: int, bits: int, most: int) -> np.ndarray:
    """Bitmasks with 1..most of ``bits`` bits set."""
    count = rng.integers(1, most + 1, n)
    keys = rng.random((n, bits))
    # The `count` smallest random keys per row pick the bits.
    ranks = keys.argsort(axis=1).argsort(axis=1)
    chosen = ranks < count[:, None]
    return (chosen * (1 << np.arange(bits))).sum(axis=1).astype(np.int64)


def make_properties(rng: np.random.Generator, places: Places, n: int, first_id: int = 1):
    lat, lon = places.sample(rng, n)
    area = np.exp(rng.uniform(math.log(50), math.log(3000), n))
    uses = np.where(rng.random(n) < 0.2, 0, random_masks(rng, n, 12, 4))
    return Properties(
        ids=np.arange(first_id, first_id + n),
        lat=lat,
        lon=lon,
        area=area,
        transfer=random_masks(rng, n, 4, 3),
        price=np.where(rng.random(n) < 0.2, np.nan, area * rng.uniform(300, 3000, n)),
        rent=np.where(rng.random(n) < 0.2, np.nan, rng.uniform(2, 18, n)),
        accessible=rng.random(n) < 0.3,
        uses=uses & ALL_USES,
        condition=rng.integers(0, 4, n).astype(np.int8),
        available=rng.random(n) < 0.9,
    )


def make_needs(rng: np.random.Generator, places: Places, n: int, first_id: int = 1):
    lat, lon = places.sample(rng, n)
    area_min = np.exp(rng.uniform(math.log(50), math.log(2000), n))
    return Needs(
        ids=np.arange(first_id, first_id + n),
        lat=lat,
        lon=lon,
        radius_km=rng.uniform(5, 50, n),
        area_min=area_min,
        area_max=area_min * rng.uniform(1.2, 3.0, n),
        transfer=random_masks(rng, n, 4, 3) & ALL_TRANSFERS,
        max_rent=np.where(rng.random(n) < 0.3, np.nan, rng.uniform(4, 14, n)),
        max_price=np.where(rng.random(n) < 0.3, np.nan, rng.uniform(1e5, 2e6, n)),
        accessibility_required=rng.random(n) < 0.15,
        uses=np.where(rng.random(n) < 0.1, 0, random_masks(rng, n, 12, 3)),
        renovation=rng.integers(0, 4, n).astype(np.int8),
        common_good=rng.random(n),
    )


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time in seconds over ``repeat`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--properties", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dense", type=int, default=2000, help="size of the dense assignment")
    parser.add_argument("--loop-sample", type=int, default=50_000)
    parser.add_argument("--vector-sample", type=int, default=1_000_000)
    parser.add_argument("--output", default="bench/results/matching.json")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    germany = Places()
    props = make_properties(rng, germany, args.properties)
    needs = make_needs(rng, germany, args.needs)
    figures: dict[str, dict[str, Any]] = {}
    facts: dict[str, Any] = {}

    def record(name: str, seconds: float, budget: float | None = None, **extra: Any) -> None:
        entry: dict[str, Any] = {"seconds": round(seconds, 4)}
        if budget is not None:
            entry["budget_seconds"] = budget
            entry["within_budget"] = seconds <= budget
        entry.update(extra)
        figures[name] = entry
        limit = ""
        if budget is not None:
            limit = f"budget {budget * 1000:8.0f} ms  {'ok' if seconds <= budget else 'OVER'}"
        print(f"{name:<66}{seconds * 1000:10.1f} ms   {limit}")
        for key, value in extra.items():
            print(f"    {key}: {value}")

    print(f"{args.properties} properties × {args.needs} needs, {os.cpu_count()} cores")

    # Top-10 for every need, from scratch (building the k-d trees included).
    def top10_needs():
        return top_k_for_needs(props, needs, 10)

    seconds, ranking = timed(top10_needs, args.repeat)
    with_results = int((np.diff(ranking.offsets) > 0).sum())
    record(
        "top-10 for all needs (incl. index build)",
        seconds,
        5.0,
        needs_with_recommendations=with_results,
    )
    index_seconds, index = timed(lambda: SpatialIndex(props, needs), args.repeat)
    record("  of which: building the spatial index", index_seconds)
    seconds, _ = timed(lambda: top_k_for_needs(props, needs, 10, index=index), args.repeat)
    record("top-10 for all needs (index reused)", seconds)
    seconds, _ = timed(lambda: top_k_for_properties(props, needs, 10, index=index), args.repeat)
    record("top-10 for all properties (index reused)", seconds)
    candidate_seconds, (cand_p, cand_n) = timed(
        lambda: candidate_pairs(props, needs, index=index), 1
    )
    facts["candidate_pairs"] = len(cand_p)
    record("spatial candidates (all pairs within radius)", candidate_seconds, pairs=len(cand_p))
    seconds, scored = timed(lambda: score_all(props, needs, index=index), args.repeat)
    facts["feasible_pairs"] = len(scored)
    record("score every feasible pair (score_all)", seconds, feasible_pairs=len(scored))

    # Re-scoring one new item against the whole other side, the index kept.
    new_props = [make_properties(rng, germany, 1, first_id=10**9 + i) for i in range(25)]
    new_needs = [make_needs(rng, germany, 1, first_id=10**9 + i) for i in range(25)]
    times = []
    for item in new_props:
        start = time.perf_counter()
        rescore_property(index, item, k=10)
        times.append(time.perf_counter() - start)
    record("re-score one new property (median of 25)", statistics.median(times), 0.05)
    times = []
    for item in new_needs:
        start = time.perf_counter()
        rescore_need(index, item, k=10)
        times.append(time.perf_counter() - start)
    record("re-score one new need (median of 25)", statistics.median(times), 0.05)

    # Optimal assignment, dense: a region around Leipzig with 2 000 × 2 000.
    region = Places(centre=(51.34, 12.37), radius_km=60)
    dense_props = make_properties(rng, region, args.dense)
    dense_needs = make_needs(rng, region, args.dense)
    dense_scored = score_all(dense_props, dense_needs)
    size = (args.dense, args.dense)
    seconds, dense = timed(
        lambda: optimal_assignment(dense_scored, *size, method="dense"), args.repeat
    )
    greedy_seconds, greedy = timed(lambda: greedy_assignment(dense_scored, *size), args.repeat)
    sparse_seconds, sparse_same = timed(
        lambda: optimal_assignment(dense_scored, *size, method="sparse"), args.repeat
    )
    dense_extra = {
        "feasible_pairs": len(dense_scored),
        "density": round(len(dense_scored) / (args.dense * args.dense), 3),
        "matched": len(dense),
        "total_optimal": round(dense.total, 3),
        "total_greedy": round(greedy.total, 3),
        "optimal_gain_over_greedy_percent": round(100 * (dense.total / greedy.total - 1), 2),
    }
    label = f"optimal assignment {args.dense} × {args.dense}, Leipzig region (dense solver)"
    record(label, seconds, 2.0, **dense_extra)
    record(
        f"  same, sparse solver ({args.dense} × {args.dense})",
        sparse_seconds,
        total=round(sparse_same.total, 3),
        equal_to_dense=math.isclose(sparse_same.total, dense.total, rel_tol=1e-9),
    )
    record(f"  greedy ({args.dense} × {args.dense})", greedy_seconds)

    # Worst case for the dense solver: every pair feasible, uniformly random scores.
    cells = args.dense * args.dense
    full = ScoredPairs(
        p_idx=np.repeat(np.arange(args.dense), args.dense),
        n_idx=np.tile(np.arange(args.dense), args.dense),
        score=rng.random(cells),
        components=np.zeros((cells, 6)),
        distance_km=np.zeros(cells),
    )
    seconds, full_dense = timed(lambda: optimal_assignment(full, *size, method="dense"), 3)
    greedy_full = greedy_assignment(full, *size)
    record(
        f"optimal assignment {args.dense} × {args.dense}, all pairs feasible (dense solver)",
        seconds,
        2.0,
        total_optimal=round(full_dense.total, 3),
        total_greedy=round(greedy_full.total, 3),
    )

    # Optimal assignment, sparse: every feasible pair of the full problem.
    seconds, sparse = timed(
        lambda: optimal_assignment(scored, len(props), len(needs), method="sparse"), 1
    )
    greedy_seconds, greedy = timed(lambda: greedy_assignment(scored, len(props), len(needs)), 1)
    record(
        f"optimal assignment {args.properties} × {args.needs} (sparse solver)",
        seconds,
        feasible_pairs=len(scored),
        matched=len(sparse),
        total_optimal=round(sparse.total, 3),
        total_greedy=round(greedy.total, 3),
        optimal_gain_over_greedy_percent=round(100 * (sparse.total / greedy.total - 1), 2),
    )
    record(f"  greedy ({args.properties} × {args.needs})", greedy_seconds)

    # Baseline: the same scoring as a plain Python loop over pairs, side by side on the same
    # candidate pairs. The vectorised side runs on a batch of the size the engine works with
    # (about a million candidates); the loop on the first --loop-sample of them, extrapolated.
    size = min(args.vector_sample, len(cand_p))
    sample = np.sort(rng.choice(len(cand_p), size=size, replace=False))
    sample_p, sample_n = cand_p[sample], cand_n[sample]
    prop_records, need_records = props.records(), needs.records()
    looped = min(args.loop_sample, size)
    pairs = list(zip(sample_p[:looped].tolist(), sample_n[:looped].tolist(), strict=True))

    def loop() -> list[float | None]:
        return [python_loop_score(prop_records[p], need_records[n]) for p, n in pairs]

    loop_seconds, loop_scores = timed(loop, args.repeat)
    scorer = Scorer(props, needs)

    def vectorised_scores() -> np.ndarray:
        return scorer.scores(*scorer.feasible(sample_p, sample_n))

    # Same output as the loop (a score per feasible pair), as the top-k path computes it.
    vector_seconds, vector = timed(vectorised_scores, 5)
    # score_pairs also builds the pairs × 6 component matrix and checks its input.
    pairs_seconds, _ = timed(lambda: score_pairs(props, needs, sample_p, sample_n), 5)
    check = score_pairs(props, needs, sample_p[:looped], sample_n[:looped])
    assert len(check) == sum(s is not None for s in loop_scores)
    per_pair_loop = loop_seconds / looped
    per_pair_vector = vector_seconds / size
    top10_seconds = figures["top-10 for all needs (incl. index build)"]["seconds"]
    loop_candidates = per_pair_loop * len(cand_p)
    loop_all = per_pair_loop * args.properties * args.needs
    record(
        f"Python loop, {looped} candidate pairs",
        loop_seconds,
        microseconds_per_pair=round(per_pair_loop * 1e6, 3),
    )
    record(
        f"vectorised scores, {size} candidate pairs",
        vector_seconds,
        microseconds_per_pair=round(per_pair_vector * 1e6, 4),
        feasible=len(vector),
    )
    record(
        f"  score_pairs with component matrix, same {size} pairs",
        pairs_seconds,
        microseconds_per_pair=round(pairs_seconds / size * 1e6, 4),
    )
    ratios = {
        "same_pairs_loop_over_vectorised": round(per_pair_loop / per_pair_vector, 1),
        "same_pairs_loop_over_score_pairs": round(per_pair_loop / (pairs_seconds / size), 1),
        "loop_over_all_candidates_extrapolated_seconds": round(loop_candidates, 1),
        "loop_over_candidates_vs_top10": round(loop_candidates / top10_seconds, 1),
        "loop_over_all_pairs_extrapolated_seconds": round(loop_all, 1),
        "loop_over_all_pairs_vs_top10": round(loop_all / top10_seconds, 1),
        "budget_min_ratio": 100,
    }
    print("speed-up over the Python loop (budget ≥ 100×):")
    for key, value in ratios.items():
        print(f"    {key}: {value}")

    output = {
        "properties": args.properties,
        "needs": args.needs,
        "seed": args.seed,
        "repeat": args.repeat,
        "cores": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "facts": facts,
        "figures": figures,
        "python_loop_baseline": ratios,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(output, indent=2, ensure_ascii=False), "utf-8")
    print(f"written {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
