"""Pure matching engine: properties × space needs → scores, top-k lists, optimal assignment.

No Django imports: the Django side fills ``Properties`` and ``Needs`` (numpy column tables)
from the database and stores the per-network ``Weights`` as a JSON object.

Flow::

    index = SpatialIndex(props, needs)                  # k-d trees, built once per snapshot
    top_k_for_needs(props, needs, 10, weights, index=index)       # Ranking per need
    top_k_for_properties(props, needs, 10, weights, index=index)  # Ranking per property
    rescore_need(index, Needs.from_records([...]), weights)       # one new need, trees reused
    scored = score_all(props, needs, weights, index=index)        # every feasible pair
    optimal_assignment(scored, len(props), len(needs))            # vs greedy_assignment(...)
    explain(props, needs, p, n, weights)                # six components with German reasons

Hard constraints and components follow SPEC §2; see ``scoring.score_pairs``.
"""

from allmende.matching.engine.assignment import (
    DENSE_MAX_CELLS,
    DENSE_MIN_DENSITY,
    Assignment,
    greedy_assignment,
    optimal_assignment,
)
from allmende.matching.engine.domain import (
    ALL_TRANSFERS,
    ALL_USES,
    AREA_TOLERANCE,
    COMPONENT_LABELS,
    COMPONENT_NAMES,
    CONDITION_LABELS,
    COST_TOLERANCE,
    DEFAULT_WEIGHTS,
    EARTH_RADIUS_KM,
    RENOVATION_PHRASES,
    RENT_LIKE,
    TRANSFER_LABELS,
    UNKNOWN_COST_FIT,
    USE_LABELS,
    Condition,
    Transfer,
    Use,
    Weights,
)
from allmende.matching.engine.explain import (
    Component,
    constraint_failures,
    explain,
    format_number,
    reasons_for_pairs,
)
from allmende.matching.engine.geometry import chord_for_km, haversine_km, km_for_chord, unit_xyz
from allmende.matching.engine.ranking import (
    Ranking,
    rescore_need,
    rescore_property,
    score_all,
    top_k_for_needs,
    top_k_for_properties,
    top_k_order,
)
from allmende.matching.engine.scoring import (
    NeedTerms,
    PropertyTerms,
    Scorer,
    area_bounds,
    pair_distance_km,
    python_loop_score,
    score_pairs,
)
from allmende.matching.engine.spatial import SpatialIndex, candidate_pairs
from allmende.matching.engine.tables import Needs, Properties, ScoredPairs

__all__ = [
    "ALL_TRANSFERS",
    "ALL_USES",
    "AREA_TOLERANCE",
    "COMPONENT_LABELS",
    "COMPONENT_NAMES",
    "CONDITION_LABELS",
    "COST_TOLERANCE",
    "DEFAULT_WEIGHTS",
    "DENSE_MAX_CELLS",
    "DENSE_MIN_DENSITY",
    "EARTH_RADIUS_KM",
    "RENOVATION_PHRASES",
    "RENT_LIKE",
    "TRANSFER_LABELS",
    "UNKNOWN_COST_FIT",
    "USE_LABELS",
    "Assignment",
    "Component",
    "Condition",
    "NeedTerms",
    "Needs",
    "Properties",
    "PropertyTerms",
    "Ranking",
    "ScoredPairs",
    "Scorer",
    "SpatialIndex",
    "Transfer",
    "Use",
    "Weights",
    "area_bounds",
    "candidate_pairs",
    "chord_for_km",
    "constraint_failures",
    "explain",
    "format_number",
    "greedy_assignment",
    "haversine_km",
    "km_for_chord",
    "optimal_assignment",
    "pair_distance_km",
    "python_loop_score",
    "reasons_for_pairs",
    "rescore_need",
    "rescore_property",
    "score_all",
    "score_pairs",
    "top_k_for_needs",
    "top_k_for_properties",
    "top_k_order",
    "unit_xyz",
]
