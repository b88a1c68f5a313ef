"""The pure matching engine: hand-computed examples per component and constraint, German
reasons, weight validation, and hypothesis properties of scoring, top-k lists and assignment."""

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allmende.matching.engine import (
    COMPONENT_NAMES,
    EARTH_RADIUS_KM,
    Condition,
    Needs,
    Properties,
    ScoredPairs,
    SpatialIndex,
    Transfer,
    Use,
    Weights,
    candidate_pairs,
    constraint_failures,
    explain,
    format_number,
    greedy_assignment,
    optimal_assignment,
    python_loop_score,
    rescore_need,
    rescore_property,
    score_all,
    score_pairs,
    top_k_for_needs,
    top_k_for_properties,
    top_k_order,
)

BERLIN = (52.52, 13.405)
KM_PER_DEGREE_LAT = EARTH_RADIUS_KM * math.pi / 180
SETTINGS = settings(max_examples=50, deadline=None)


def north_of(km: float, origin: tuple[float, float] = BERLIN) -> dict[str, float]:
    """Coordinates km due north of origin (great-circle distance exactly km)."""
    return {"lat": origin[0] + km / KM_PER_DEGREE_LAT, "lon": origin[1]}


def prop(**fields: Any) -> dict[str, Any]:
    record = {
        "ids": 1,
        **north_of(12),
        "area": 420.0,
        "transfer": int(Transfer.RENT),
        "rent": 6.5,
        "uses": int(Use.MEETING_PLACE | Use.COWORKING | Use.HOUSING),
        "condition": int(Condition.NEEDS_RENOVATION),
        "accessible": True,
    }
    record.update(fields)
    return record


def need(**fields: Any) -> dict[str, Any]:
    record = {
        "ids": 10,
        "lat": BERLIN[0],
        "lon": BERLIN[1],
        "radius_km": 30.0,
        "area_min": 300.0,
        "area_max": 500.0,
        "transfer": int(Transfer.RENT | Transfer.LEASEHOLD),
        "max_rent": 8.0,
        "uses": int(Use.MEETING_PLACE | Use.COWORKING | Use.CULTURE),
        "renovation": int(Condition.NEEDS_RENOVATION),
        "common_good": 0.8,
    }
    record.update(fields)
    return record


def score_one(p: dict[str, Any], n: dict[str, Any], weights: Weights | None = None) -> ScoredPairs:
    props, needs = Properties.from_records([p]), Needs.from_records([n])
    return score_pairs(props, needs, [0], [0], weights or Weights())


def component(p: dict[str, Any], n: dict[str, Any], name: str) -> float:
    scored = score_one(p, n)
    assert len(scored) == 1, "the pair should be feasible"
    return float(scored.components[0, COMPONENT_NAMES.index(name)])


# --- components, hand-computed -------------------------------------------------------------


@pytest.mark.parametrize(
    ("km", "radius", "expected"), [(12, 30, 0.6), (0, 30, 1.0), (29.999, 30, 0.0000333)]
)
def test_distance_component_falls_linearly_to_the_radius(km, radius, expected):
    value = component(prop(**north_of(km)), need(radius_km=radius), "distance")
    assert value == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("area", "expected"),
    [(420, 1.0), (300, 1.0), (500, 1.0), (285, 0.5), (271, 1 / 30), (525, 0.5), (549, 0.02)],
)
def test_area_component_is_one_inside_and_falls_to_zero_at_the_tolerance_edge(area, expected):
    assert component(prop(area=area), need(), "area") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("wanted", "suitable", "expected"),
    [
        (Use.MEETING_PLACE | Use.COWORKING | Use.CULTURE, Use.MEETING_PLACE | Use.COWORKING, 2 / 3),
        (Use.MEETING_PLACE | Use.COWORKING, 0, 1.0),
        (0, Use.HOUSING, 1.0),
        (Use.CARE, Use.HOUSING | Use.EDUCATION, 0.0),
        (Use.CARE, Use.CARE | Use.HOUSING, 1.0),
    ],
)
def test_use_component_is_the_share_of_wanted_uses(wanted, suitable, expected):
    value = component(prop(uses=int(suitable)), need(uses=int(wanted)), "use")
    assert value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("prop_fields", "need_fields", "expected"),
    [
        ({"rent": 6.5}, {"max_rent": 8.0}, 1.0),
        ({"rent": 8.0}, {"max_rent": 8.0}, 1.0),
        ({"rent": 10.0}, {"max_rent": 8.0}, 0.5),
        ({"rent": 12.0}, {"max_rent": 8.0}, 0.0),
        ({"rent": 20.0}, {"max_rent": 8.0}, 0.0),
        ({"rent": 20.0}, {"max_rent": None}, 1.0),
        ({"rent": None}, {"max_rent": 8.0}, 0.5),
        (
            {"transfer": int(Transfer.SALE), "price": 450_000},
            {"transfer": int(Transfer.SALE), "max_price": 400_000},
            0.75,
        ),
        # Rent too high, but a sale within budget is also possible: the better one counts.
        (
            {"transfer": int(Transfer.SALE | Transfer.RENT), "rent": 20.0, "price": 300_000},
            {"transfer": int(Transfer.SALE | Transfer.RENT), "max_price": 400_000},
            1.0,
        ),
        # A cheap sale price does not count when only renting is in common.
        (
            {"transfer": int(Transfer.SALE | Transfer.RENT), "rent": 10.0, "price": 1},
            {"transfer": int(Transfer.RENT), "max_price": 400_000},
            0.5,
        ),
        # Leasehold and interim use are judged by the rent field.
        ({"transfer": int(Transfer.LEASEHOLD), "rent": 10.0}, {}, 0.5),
    ],
)
def test_cost_component_uses_the_best_common_transfer_model(prop_fields, need_fields, expected):
    assert component(prop(**prop_fields), need(**need_fields), "cost") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("condition", "willingness", "expected"),
    [(2, 2, 1.0), (0, 3, 1.0), (3, 1, 1 / 3), (3, 0, 0.0), (1, 0, 2 / 3)],
)
def test_condition_component_drops_a_third_per_level_beyond_willingness(
    condition, willingness, expected
):
    value = component(prop(condition=condition), need(renovation=willingness), "condition")
    assert value == pytest.approx(expected)


def test_common_good_component_is_the_needs_offer():
    assert component(prop(), need(common_good=0.35), "common_good") == pytest.approx(0.35)


def test_score_is_the_weighted_sum_of_hand_computed_components():
    p = prop(area=285, rent=10.0, condition=3, uses=int(Use.MEETING_PLACE | Use.COWORKING))
    n = need(renovation=1)
    scored = score_one(p, n)
    expected = [0.6, 0.5, 2 / 3, 0.5, 1 / 3, 0.8]
    np.testing.assert_allclose(scored.components[0], expected, atol=1e-9)
    total = 0.25 * 0.6 + 0.2 * 0.5 + 0.2 * 2 / 3 + 0.15 * 0.5 + 0.1 / 3 + 0.1 * 0.8
    assert scored.score[0] == pytest.approx(total)
    assert scored.distance_km[0] == pytest.approx(12.0)
    custom = score_one(p, n, Weights(distance=1, area=0, use=0, cost=0, condition=0, common_good=1))
    assert custom.score[0] == pytest.approx((0.6 + 0.8) / 2)


# --- hard constraints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prop_fields", "need_fields", "feasible"),
    [
        ({}, {}, True),
        ({"available": False}, {}, False),
        ({}, {"radius_km": 11.9}, False),
        ({}, {"radius_km": 12.1}, True),
        ({"area": 271}, {}, True),
        ({"area": 269}, {}, False),
        ({"area": 549}, {}, True),
        ({"area": 551}, {}, False),
        ({"area": None}, {}, False),
        ({"area": 5000}, {"area_max": None}, True),
        ({"transfer": int(Transfer.SALE)}, {}, False),
        ({"transfer": int(Transfer.SALE | Transfer.LEASEHOLD)}, {}, True),
        ({"accessible": False}, {"accessibility_required": True}, False),
        ({"accessible": True}, {"accessibility_required": True}, True),
        ({"accessible": False}, {"accessibility_required": False}, True),
    ],
)
def test_hard_constraints_decide_whether_a_pair_is_kept(prop_fields, need_fields, feasible):
    p, n = prop(**prop_fields), need(**need_fields)
    assert (len(score_one(p, n)) == 1) is feasible
    props, needs = Properties.from_records([p]), Needs.from_records([n])
    assert (python_loop_score(props.record(0), needs.record(0)) is not None) is feasible
    assert (constraint_failures(props, needs, 0, 0) == []) is feasible


@pytest.mark.parametrize(
    ("prop_fields", "need_fields", "name", "expected"),
    [
        # A zero radius takes only the exact spot, which is a perfect distance fit.
        ({"lat": BERLIN[0], "lon": BERLIN[1]}, {"radius_km": 0}, "distance", 1.0),
        # A zero rent limit: free is within it, anything else is not.
        ({"rent": 0.0}, {"max_rent": 0.0}, "cost", 1.0),
        ({"rent": 0.01}, {"max_rent": 0.0}, "cost", 0.0),
        # No area limits at all: any area fits, even 0 m².
        ({"area": 0.0}, {"area_min": 0, "area_max": None}, "area", 1.0),
        ({"area": 300.0}, {"area_min": 300, "area_max": 300}, "area", 1.0),
    ],
)
def test_components_at_degenerate_limits(prop_fields, need_fields, name, expected):
    assert component(prop(**prop_fields), need(**need_fields), name) == expected


def test_score_pairs_keeps_feasible_pairs_in_input_order_and_rejects_bad_positions():
    props = Properties.from_records([prop(ids=1), prop(ids=2, available=False), prop(ids=3)])
    needs = Needs.from_records([need()])
    scored = score_pairs(props, needs, [2, 1, 0], [0, 0, 0])
    assert scored.p_idx.tolist() == [2, 0]
    with pytest.raises(ValueError, match="positions"):
        score_pairs(props, needs, [3], [0])


# --- explain ---------------------------------------------------------------------------------


def test_explain_gives_german_reasons_for_every_component():
    props = Properties.from_records([prop(uses=int(Use.MEETING_PLACE | Use.COWORKING))])
    needs = Needs.from_records([need()])
    components = explain(props, needs, 0, 0)
    assert [c.name for c in components] == list(COMPONENT_NAMES)
    assert [c.label for c in components] == [
        "Entfernung",
        "Fläche",
        "Nutzung",
        "Kosten",
        "Zustand",
        "Gemeinwohl",
    ]
    assert [c.reason for c in components] == [
        "12 km entfernt (Suchradius 30 km)",
        "420 m² – gesucht 300–500 m²",
        "2 von 3 gewünschten Nutzungen möglich: Treffpunkt, Coworking",
        "Miete 6,50 €/m² – Obergrenze 8,00 €/m²",
        "Zustand: sanierungsbedürftig – Gruppe ist bereit zu sanieren",
        "Gemeinwohlangebot: stark",
    ]
    scored = score_pairs(props, needs, [0], [0])
    np.testing.assert_allclose([c.value for c in components], scored.components[0])
    assert sum(c.contribution for c in components) == pytest.approx(scored.score[0])
    assert sum(c.weight for c in components) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("prop_fields", "need_fields", "name", "reason"),
    [
        ({"lat": BERLIN[0], "lon": BERLIN[1]}, {}, "distance", "Im Suchzentrum (Suchradius 30 km)"),
        (north_of(3.44), {"radius_km": 7.5}, "distance", "3,4 km entfernt (Suchradius 7,5 km)"),
        ({"area": 285}, {}, "area", "285 m² – gesucht 300–500 m² (etwas kleiner als gesucht)"),
        ({"area": 1200}, {"area_max": None}, "area", "1.200 m² – gesucht ab 300 m²"),
        ({"uses": 0}, {}, "use", "Objekt ist für jede Nutzung offen"),
        ({}, {"uses": int(Use.HOUSING)}, "use", "Gewünschte Nutzung möglich: Wohnen"),
        ({}, {"uses": 0}, "use", "Keine bestimmte Nutzung gesucht"),
        (
            {"transfer": int(Transfer.SALE), "price": 1_250_000},
            {"transfer": int(Transfer.SALE), "max_price": 900_000},
            "cost",
            "Kaufpreis 1.250.000 € – Obergrenze 900.000 €",
        ),
        ({"rent": None}, {"max_rent": None}, "cost", "Miete nicht angegeben – keine Obergrenze"),
        (
            {"condition": 3},
            {"renovation": 1},
            "condition",
            "Zustand: Rohbau – Gruppe ist zu kleineren Reparaturen bereit",
        ),
        ({"condition": 0}, {}, "condition", "Zustand: gut"),
        ({}, {"common_good": 0.0}, "common_good", "Gemeinwohlangebot: keines angegeben"),
        ({}, {"common_good": 0.5}, "common_good", "Gemeinwohlangebot: mittel"),
    ],
)
def test_explain_reason_variants(prop_fields, need_fields, name, reason):
    props = Properties.from_records([prop(**prop_fields)])
    needs = Needs.from_records([need(**need_fields)])
    reasons = {c.name: c.reason for c in explain(props, needs, 0, 0)}
    assert reasons[name] == reason


def test_constraint_failures_name_every_failed_constraint_in_german():
    props = Properties.from_records(
        [prop(available=False, area=1000, transfer=int(Transfer.SALE), accessible=False)]
    )
    needs = Needs.from_records([need(radius_km=10, accessibility_required=True)])
    assert constraint_failures(props, needs, 0, 0) == [
        "Objekt ist nicht veröffentlicht oder nicht verfügbar",
        "12 km entfernt – außerhalb des Suchradius von 10 km",
        "Fläche zu groß: 1.000 m² – gesucht 300–500 m² (Toleranz 10 %)",
        "Kein gemeinsames Übergabemodell (angeboten: Kauf)",
        "Barrierefreiheit gefordert, Objekt ist nicht barrierefrei",
    ]


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1234.5, 0, "1.234"), (1234.5, 2, "1.234,50"), (6.5, 2, "6,50"), (1_250_000, 0, "1.250.000")],
)
def test_format_number_uses_german_separators(value, decimals, text):
    assert format_number(value, decimals) == text


# --- weights and tables ----------------------------------------------------------------------


def test_weights_have_documented_defaults_and_normalise():
    weights = Weights()
    assert weights.to_mapping() == {
        "distance": 0.25,
        "area": 0.20,
        "use": 0.20,
        "cost": 0.15,
        "condition": 0.10,
        "common_good": 0.10,
    }
    assert sum(weights.as_array()) == pytest.approx(1.0)
    doubled = Weights(**{k: 2 * v for k, v in weights.to_mapping().items()})
    np.testing.assert_allclose(doubled.normalised().as_array(), weights.as_array())


def test_weights_from_mapping_keeps_defaults_for_missing_keys():
    weights = Weights.from_mapping({"distance": 1, "common_good": 0.5})
    assert weights.distance == 1
    assert weights.common_good == 0.5
    assert weights.area == Weights().area
    assert Weights.from_mapping(None) == Weights()
    assert Weights.from_mapping(weights.to_mapping()) == weights


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"distanz": 1}, "unknown weight"),
        ({"distance": -0.1}, "must be a finite number >= 0"),
        ({"distance": "viel"}, "must be a number"),
        ({"distance": True}, "must be a number"),
        ({"distance": math.inf}, "must be a finite number"),
        (dict.fromkeys(COMPONENT_NAMES, 0), "at least one weight"),
    ],
)
def test_weights_from_mapping_rejects_invalid_settings(mapping, message):
    with pytest.raises(ValueError, match=message):
        Weights.from_mapping(mapping)


def test_tables_validate_their_columns():
    columns = {name: [value] for name, value in Properties.from_records([prop()]).record(0).items()}
    with pytest.raises(ValueError, match="rows"):
        Properties(**{**columns, "area": [1.0, 2.0]})
    with pytest.raises(ValueError, match="condition"):
        Properties.from_records([prop(condition=4)])
    with pytest.raises(ValueError, match="unique"):
        Properties.from_records([prop(ids=1), prop(ids=1)])
    with pytest.raises(ValueError, match="unknown field"):
        Needs.from_records([need(colour="rot")])
    with pytest.raises(ValueError, match="radius_km is required"):
        Needs.from_records([need(radius_km=None)])
    with pytest.raises(ValueError, match="area_max"):
        Needs.from_records([need(area_min=500, area_max=300)])
    assert Needs.from_records([need(area_max=math.nan)]).area_max[0] == math.inf


def test_tables_round_trip_through_records_and_are_read_only():
    props = Properties.from_records([prop(ids=1), prop(ids=2, rent=None)])
    again = Properties.from_records(props.records())
    assert again.records()[1]["ids"] == 2
    assert math.isnan(again.record(1)["rent"])
    assert props.take([1]).ids.tolist() == [2]
    with pytest.raises(ValueError, match="read-only"):
        props.area[0] = 1.0


# --- top-k, re-scoring, candidates -----------------------------------------------------------


def test_top_k_ranks_by_score_then_id_and_includes_needs_without_matches():
    props = Properties.from_records(
        [prop(ids=7, area=400), prop(ids=3, area=400), prop(ids=5, area=260, **north_of(1))]
    )
    needs = Needs.from_records([need(ids=10), need(ids=11, **north_of(500))])
    ranking = top_k_for_needs(props, needs, k=2)
    # 3 and 7 are identical, so the lower id comes first; 5 is closer but too small.
    recommended = ranking.as_dict()
    assert [pid for pid, _ in recommended[10]] == [3, 7]
    assert recommended[11] == []
    ids, scores = ranking.row(0)
    assert ids.tolist() == [3, 7]
    assert scores[0] == scores[1]
    by_property = top_k_for_properties(props, needs, k=1).as_dict()
    score = recommended[10][0][1]
    assert by_property == {7: [(10, score)], 3: [(10, score)], 5: []}


def test_rescore_reuses_the_index_and_matches_a_full_run():
    props = Properties.from_records([prop(ids=1), prop(ids=2, **north_of(20))])
    needs = Needs.from_records([need(ids=10), need(ids=11, radius_km=10)])
    index = SpatialIndex(props, needs)
    new_need = Needs.from_records([need(ids=12, radius_km=25)])
    assert [pid for pid, _ in rescore_need(index, new_need).as_dict()[12]] == [1, 2]
    new_prop = Properties.from_records([prop(ids=3, **north_of(14))])
    assert [nid for nid, _ in rescore_property(index, new_prop).as_dict()[3]] == [10]
    with pytest.raises(ValueError, match="other tables"):
        top_k_for_needs(props, needs.take([0]), index=index)


def test_empty_tables_give_empty_results():
    props = Properties.from_records([])
    needs = Needs.from_records([need()])
    assert top_k_for_needs(props, needs).as_dict() == {10: []}
    assert len(score_all(props, needs)) == 0
    assert optimal_assignment(ScoredPairs.empty(), 0, 1).pairs == []
    assert greedy_assignment(ScoredPairs.empty(), 0, 1).total == 0


# --- assignment, hand-computed ---------------------------------------------------------------


def scored_from(edges: list[tuple[int, int, float]]) -> ScoredPairs:
    p, n, s = (np.array(column) for column in zip(*edges, strict=True))
    return ScoredPairs(
        p_idx=p.astype(np.int64),
        n_idx=n.astype(np.int64),
        score=s.astype(np.float64),
        components=np.zeros((len(edges), 6)),
        distance_km=np.zeros(len(edges)),
    )


@pytest.mark.parametrize("method", ["dense", "sparse", "auto"])
def test_optimal_assignment_beats_greedy_where_greedy_is_shortsighted(method):
    scored = scored_from([(0, 0, 0.9), (0, 1, 0.8), (1, 0, 0.7), (1, 1, 0.1)])
    greedy = greedy_assignment(scored, 2, 2)
    assert greedy.pairs == [(0, 0), (1, 1)]
    assert greedy.total == pytest.approx(1.0)
    optimal = optimal_assignment(scored, 2, 2, method=method)
    assert optimal.pairs == [(1, 0), (0, 1)]
    assert optimal.total == pytest.approx(1.5)


@pytest.mark.parametrize("method", ["dense", "sparse"])
def test_optimal_assignment_leaves_items_unmatched_and_skips_zero_scores(method):
    scored = scored_from([(0, 0, 0.5), (1, 0, 0.4), (2, 1, 0.0)])
    optimal = optimal_assignment(scored, 3, 3, method=method)
    assert optimal.pairs == [(0, 0)]
    assert optimal.total == pytest.approx(0.5)


# --- hypothesis properties -------------------------------------------------------------------

# A 30 km × 40 km box with a few shared spots, so that distances vary and ties happen.
SPOTS = [(50.0, 8.0), (50.1, 8.2), (50.2, 8.4), (50.25, 8.1)]
coordinates = st.one_of(
    st.sampled_from(SPOTS),
    st.tuples(st.floats(50.0, 50.27), st.floats(8.0, 8.56)),
)
masks = st.integers(0, 15)
use_masks = st.one_of(st.just(0), st.integers(1, (1 << 12) - 1))
amounts = st.one_of(st.none(), st.just(0.0), st.floats(1, 30))
areas = st.one_of(st.sampled_from([None, 0.0, 100.0, 200.0, 400.0]), st.floats(20, 900))


@st.composite
def property_records(draw: st.DrawFn, count: int) -> list[dict[str, Any]]:
    records = []
    for i in range(count):
        lat, lon = draw(coordinates)
        records.append(
            {
                "ids": 100 + i,
                "lat": lat,
                "lon": lon,
                "area": draw(areas),
                "transfer": draw(masks),
                "price": draw(st.one_of(st.none(), st.floats(1e4, 1e6))),
                "rent": draw(amounts),
                "accessible": draw(st.booleans()),
                "uses": draw(use_masks),
                "condition": draw(st.integers(0, 3)),
                "available": draw(st.booleans()) or draw(st.booleans()),
            }
        )
    return records


@st.composite
def need_records(draw: st.DrawFn, count: int) -> list[dict[str, Any]]:
    records = []
    for i in range(count):
        lat, lon = draw(coordinates)
        area_min = draw(st.one_of(st.just(0.0), st.floats(0, 500)))
        records.append(
            {
                "ids": 900 - i,
                "lat": lat,
                "lon": lon,
                "radius_km": draw(st.one_of(st.just(0.0), st.floats(0.5, 40))),
                "area_min": area_min,
                "area_max": draw(
                    st.one_of(st.none(), st.just(area_min), st.floats(area_min, area_min + 600))
                ),
                "transfer": draw(masks),
                "max_rent": draw(amounts),
                "max_price": draw(st.one_of(st.none(), st.floats(1e4, 1e6))),
                "accessibility_required": draw(st.booleans()),
                "uses": draw(use_masks),
                "renovation": draw(st.integers(0, 3)),
                "common_good": draw(st.floats(0, 1)),
            }
        )
    return records


@st.composite
def problems(draw: st.DrawFn) -> tuple[Properties, Needs]:
    props = draw(st.integers(0, 14).flatmap(property_records))
    needs = draw(st.integers(1, 8).flatmap(need_records))
    return Properties.from_records(props), Needs.from_records(needs)


weights_strategy = st.builds(Weights, *[st.floats(0, 5) for _ in COMPONENT_NAMES]).filter(
    lambda w: sum(w.to_mapping().values()) > 0
)


def pairs_of(scored: ScoredPairs) -> list[tuple[int, int]]:
    return list(zip(scored.p_idx.tolist(), scored.n_idx.tolist(), strict=True))


def all_pairs(props: Properties, needs: Needs) -> tuple[np.ndarray, np.ndarray]:
    p, n = np.meshgrid(np.arange(len(props)), np.arange(len(needs)), indexing="ij")
    return p.ravel(), n.ravel()


@SETTINGS
@given(problems(), weights_strategy)
def test_vectorised_scores_equal_the_python_loop_and_stay_in_unit_interval(problem, weights):
    props, needs = problem
    scored = score_pairs(props, needs, *all_pairs(props, needs), weights)
    assert np.all((scored.score >= 0) & (scored.score <= 1))
    assert np.all((scored.components >= 0) & (scored.components <= 1))
    prop_records, need_records_ = props.records(), needs.records()
    expected = {
        (p, n): score
        for p, n in itertools.product(range(len(props)), range(len(needs)))
        if (score := python_loop_score(prop_records[p], need_records_[n], weights)) is not None
    }
    got = dict(zip(pairs_of(scored), scored.score.tolist(), strict=True))
    # Every returned pair passes the hard constraints, and no feasible pair is missing.
    assert got.keys() == expected.keys()
    for pair, score in got.items():
        assert score == pytest.approx(expected[pair], rel=1e-9, abs=1e-12)


@SETTINGS
@given(problems())
def test_candidates_and_top_k_agree_with_scoring_every_pair(problem):
    props, needs = problem
    scored = score_pairs(props, needs, *all_pairs(props, needs))
    candidates = set(zip(*(a.tolist() for a in candidate_pairs(props, needs)), strict=True))
    assert set(pairs_of(scored)) <= candidates
    ranking = top_k_for_needs(props, needs, k=None)
    for n in range(len(needs)):
        mine = scored.n_idx == n
        expected = sorted(
            zip(props.ids[scored.p_idx[mine]].tolist(), scored.score[mine].tolist(), strict=True),
            key=lambda item: (-item[1], item[0]),
        )
        ids, scores = ranking.row(n)
        assert ids.tolist() == [pid for pid, _ in expected]
        np.testing.assert_allclose(scores, [s for _, s in expected], rtol=1e-12)
        top3_ids, _ = top_k_for_needs(props, needs, k=3).row(n)
        assert top3_ids.tolist() == ids[:3].tolist()
    assert len(score_all(props, needs)) == len(scored)


@SETTINGS
@given(problems(), st.randoms(use_true_random=False))
def test_top_k_is_independent_of_input_order(problem, random):
    props, needs = problem
    prop_order = list(range(len(props)))
    need_order = list(range(len(needs)))
    random.shuffle(prop_order)
    random.shuffle(need_order)
    shuffled_props, shuffled_needs = props.take(prop_order), needs.take(need_order)
    assert top_k_for_needs(props, needs, k=3).as_dict() == (
        top_k_for_needs(shuffled_props, shuffled_needs, k=3).as_dict()
    )
    assert top_k_for_properties(props, needs, k=3).as_dict() == (
        top_k_for_properties(shuffled_props, shuffled_needs, k=3).as_dict()
    )
    # Splitting the properties into area bands (as at scale) changes nothing either.
    banded = SpatialIndex(props, needs, area_bands=3)
    assert len(banded.bands) == min(3, int((props.available & ~np.isnan(props.area)).sum()))
    assert top_k_for_needs(props, needs, k=3, index=banded).as_dict() == (
        top_k_for_needs(props, needs, k=3).as_dict()
    )


@SETTINGS
@given(problems(), st.data())
def test_rescoring_one_item_equals_its_row_of_the_full_computation(problem, data):
    props, needs = problem
    if len(props):
        i = data.draw(st.integers(0, len(props) - 1))
        rest = props.take([j for j in range(len(props)) if j != i])
        ranking = rescore_property(SpatialIndex(rest, needs), props.take([i]), k=None)
        full = top_k_for_properties(props, needs, k=None).as_dict()[int(props.ids[i])]
        assert_same_row(ranking.as_dict()[int(props.ids[i])], full)
    i = data.draw(st.integers(0, len(needs) - 1))
    rest_needs = needs.take([j for j in range(len(needs)) if j != i])
    ranking = rescore_need(SpatialIndex(props, rest_needs), needs.take([i]), k=None)
    full = top_k_for_needs(props, needs, k=None).as_dict()[int(needs.ids[i])]
    assert_same_row(ranking.as_dict()[int(needs.ids[i])], full)


def assert_same_row(got: list[tuple[int, float]], expected: list[tuple[int, float]]) -> None:
    assert dict(got).keys() == dict(expected).keys()
    for key, score in dict(got).items():
        assert score == pytest.approx(dict(expected)[key], rel=1e-12)


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.one_of(st.integers(0, 5), st.just(2**40)),
            st.sampled_from([0.0, 0.5, math.nextafter(0.5, 1), 0.5 + 2**-45, 1.0]),
            st.integers(0, 20),
        ),
        max_size=60,
    ),
    st.one_of(st.none(), st.integers(1, 4)),
)
def test_top_k_order_sorts_by_group_then_score_then_tie_exactly(entries, k):
    group, score, tie = (
        (np.array(column) for column in zip(*entries, strict=True))
        if entries
        else (np.empty(0, np.int64), np.empty(0), np.empty(0, np.int64))
    )
    group, tie = group.astype(np.int64), tie.astype(np.int64)
    expected = sorted(range(len(entries)), key=lambda i: (group[i], -score[i], tie[i]))
    if k is not None:
        rank: dict[int, int] = {}
        kept = []
        for i in expected:
            rank[group[i]] = rank.get(group[i], 0) + 1
            if rank[group[i]] <= k:
                kept.append(i)
        expected = kept
    got = top_k_order(group, score.astype(np.float64), tie, k)
    assert [(group[i], score[i], tie[i]) for i in got] == [
        (group[i], score[i], tie[i]) for i in expected
    ]


@st.composite
def scored_pair_sets(draw: st.DrawFn) -> tuple[ScoredPairs, int, int]:
    n_props, n_needs = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    cells = list(itertools.product(range(n_props), range(n_needs)))
    chosen = draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells)))
    scores = draw(
        st.lists(
            st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1)),
            min_size=len(chosen),
            max_size=len(chosen),
        )
    )
    if not chosen:
        return ScoredPairs.empty(), n_props, n_needs
    return (
        scored_from([(p, n, s) for (p, n), s in zip(chosen, scores, strict=True)]),
        (n_props),
        n_needs,
    )


def brute_force_best(scored: ScoredPairs) -> float:
    """Best total over every matching (small problems only)."""
    edges = [
        (p, n, s) for p, n, s in zip(scored.p_idx, scored.n_idx, scored.score, strict=True) if s > 0
    ]
    best = 0.0
    for size in range(1, min(4, len(edges)) + 1):
        for subset in itertools.combinations(edges, size):
            ps, ns = {e[0] for e in subset}, {e[1] for e in subset}
            if len(ps) == size and len(ns) == size:
                best = max(best, sum(e[2] for e in subset))
    return best


def sequential_greedy(scored: ScoredPairs) -> float:
    order = sorted(
        zip(scored.score.tolist(), scored.p_idx.tolist(), scored.n_idx.tolist(), strict=True),
        key=lambda e: (-e[0], e[1], e[2]),
    )
    used_p, used_n, total = set(), set(), 0.0
    for s, p, n in order:
        if s > 0 and p not in used_p and n not in used_n:
            used_p.add(p)
            used_n.add(n)
            total += s
    return total


@SETTINGS
@given(scored_pair_sets())
def test_optimal_assignment_is_one_to_one_and_never_worse_than_greedy(problem):
    scored, n_props, n_needs = problem
    greedy = greedy_assignment(scored, n_props, n_needs)
    dense = optimal_assignment(scored, n_props, n_needs, method="dense")
    sparse = optimal_assignment(scored, n_props, n_needs, method="sparse")
    score_of = dict(zip(pairs_of(scored), scored.score.tolist(), strict=True))
    for result in (greedy, dense, sparse):
        assert len(set(result.p_idx.tolist())) == len(result)
        assert len(set(result.n_idx.tolist())) == len(result)
        assert all(score_of[pair] > 0 for pair in result.pairs)
        assert result.total == pytest.approx(sum(score_of[pair] for pair in result.pairs))
    assert dense.total >= greedy.total - 1e-9
    assert sparse.total == pytest.approx(dense.total, abs=1e-9)
    assert greedy.total == pytest.approx(sequential_greedy(scored), abs=1e-9)
    if min(n_props, n_needs) <= 4:
        assert dense.total == pytest.approx(brute_force_best(scored), abs=1e-9)


@SETTINGS
@given(problems())
def test_assignment_of_scored_problems_uses_only_feasible_pairs(problem):
    props, needs = problem
    scored = score_all(props, needs)
    feasible = set(pairs_of(scored))
    optimal = optimal_assignment(scored, len(props), len(needs))
    greedy = greedy_assignment(scored, len(props), len(needs))
    assert set(optimal.pairs) <= feasible
    assert optimal.total >= greedy.total - 1e-9
