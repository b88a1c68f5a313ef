"""The pure aggregation engine of allocation procedures: hand-computed examples for every
method (Hamburg, Stuttgart, Wien, threshold), exclusions, price, mean vs median, conflicts,
advisory jurors, tie-break and lot, input validation, and hypothesis properties."""

import dataclasses
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allmende.procedures.scoring import (
    Application,
    Conflict,
    Criterion,
    Juror,
    Result,
    Rules,
    Score,
    aggregate,
    format_number,
    lot_key,
)

SETTINGS = settings(max_examples=60, deadline=None)

# Hamburg (facts.json): 1000 points, concept 700 = housing policy 280, urban design 280,
# energy 140; price 300 — as weights 28/28/14 and a price weight of 30.
HAMBURG = [
    Criterion("housing", "Wohnungspolitik", 28, 10, None),
    Criterion("urban", "Städtebau", 28, 10, None),
    Criterion("energy", "Energie", 14, 10, None),
]
HAMBURG_RULES = Rules(price_weight=30, price_mode="highest_bid", seed="hamburg-2026")
# Wien: four pillars of at most 11 points each (44); classes A 37–44, B 28–36, C 23–27,
# D 12–22, E 0–11, converted to the 0–100 total.
WIEN = [
    Criterion("economy", "Ökonomie", 25, 11, None),
    Criterion("social", "Soziale Nachhaltigkeit", 25, 11, None),
    Criterion("architecture", "Architektur", 25, 11, None),
    Criterion("ecology", "Ökologie", 25, 11, None),
]
WIEN_CLASSES = tuple(
    (label, low / 44 * 100) for label, low in [("A", 37), ("B", 28), ("C", 23), ("D", 12), ("E", 0)]
)
THREE = [Juror("j1", True), Juror("j2", True), Juror("j3", True)]


def scores_from(table: dict[str, dict[str, list[float]]], jurors: list[str]) -> list[Score]:
    """{application: {criterion: [points of jurors[0], jurors[1], …]}} as Score records."""
    return [
        Score(juror, application, criterion, points)
        for application, by_criterion in table.items()
        for criterion, row in by_criterion.items()
        for juror, points in zip(jurors, row, strict=True)
    ]


def apps(*keys: str, **bids: float) -> list[Application]:
    return [Application(key, key.upper(), True, bids.get(key)) for key in keys]


def ranked_keys(result: Result) -> list[str]:
    return [entry.key for entry in result.ranking]


# --- methods, hand-computed -------------------------------------------------------------------


def test_hamburg_scheme_weights_concept_and_price_linear_to_best_bid():
    table = {
        "a": {"housing": [8, 7, 9], "urban": [6, 6, 9], "energy": [5, 5, 5]},
        "b": {"housing": [6, 6, 6], "urban": [9, 9, 9], "energy": [10, 10, 10]},
    }
    result = aggregate(
        HAMBURG,
        THREE,
        apps("a", "b", a=900_000, b=1_200_000),
        scores_from(table, ["j1", "j2", "j3"]),
        [],
        HAMBURG_RULES,
    )
    a, b = result.by_key["a"], result.by_key["b"]
    # a: 8/10×28 + 7/10×28 + 5/10×14 + 0.9/1.2×30 = 22.4 + 19.6 + 7 + 22.5
    assert a.criteria["housing"].average == pytest.approx(8)
    assert a.criteria["housing"].weighted == pytest.approx(22.4)
    assert a.criteria["urban"].weighted == pytest.approx(19.6)
    assert a.price_score == pytest.approx(22.5)
    assert a.total == pytest.approx(71.5)
    # b: 16.8 + 25.2 + 14 + 30 = 86, i.e. 860 of Hamburg's 1000 points
    assert b.price_score == pytest.approx(30)
    assert b.total == pytest.approx(86)
    assert ranked_keys(result) == ["b", "a"]
    assert [e.rank for e in result.ranking] == [1, 2]
    assert result.best_bid == 1_200_000
    assert result.excluded == []
    assert any("900.000 ÷ 1.200.000 × 30 = 22,5" in step for step in result.steps)
    assert any(step.startswith("Rangfolge: 1. „B“ (86), 2. „A“ (71,5)") for step in result.steps)


def test_stuttgart_60_40_without_price():
    criteria = [
        Criterion("object", "Objektkonzept", 60, 5, None),
        Criterion("group", "Gruppenkonzept", 40, 5, None),
    ]
    table = {"a": {"object": [4], "group": [3]}, "b": {"object": [3], "group": [5]}}
    result = aggregate(
        criteria, [Juror("j", True)], apps("a", "b"), scores_from(table, ["j"]), [], Rules()
    )
    assert result.by_key["a"].total == pytest.approx(72)  # 48 + 24
    assert result.by_key["b"].total == pytest.approx(76)  # 36 + 40
    assert result.by_key["a"].price_score is None
    assert ranked_keys(result) == ["b", "a"]


@pytest.mark.parametrize(
    ("pillars", "expected_class"),
    [
        ([11, 11, 10, 8], "A"),
        ([10, 9, 9, 9], "A"),  # exactly 37 of 44: the lower edge of A
        ([9, 9, 9, 9], "B"),
        ([7, 7, 7, 7], "B"),  # 28
        ([7, 7, 7, 6], "C"),  # 27
        ([6, 6, 6, 5], "C"),  # 23
        ([3, 3, 3, 3], "D"),
        ([3, 3, 3, 2], "E"),  # 11
        ([0, 0, 0, 0], "E"),
    ],
)
def test_wien_class_banding_assigns_class_by_total(pillars, expected_class):
    keys = [c.key for c in WIEN]
    result = aggregate(
        WIEN,
        [Juror("j", True)],
        apps("a"),
        scores_from({"a": dict(zip(keys, [[p] for p in pillars], strict=True))}, ["j"]),
        [],
        Rules(method="class_banding", classes=WIEN_CLASSES),
    )
    entry = result.by_key["a"]
    assert entry.class_label == expected_class
    assert entry.total == pytest.approx(sum(pillars) / 44 * 100)


def test_wien_ranking_orders_by_class_then_total():
    keys = [c.key for c in WIEN]
    raw = {"a": [9, 9, 9, 9], "b": [11, 11, 11, 11], "c": [6, 6, 6, 5], "d": [9, 9, 9, 8]}
    table = {app: dict(zip(keys, [[p] for p in row], strict=True)) for app, row in raw.items()}
    result = aggregate(
        WIEN,
        [Juror("j", True)],
        apps(*raw),
        scores_from(table, ["j"]),
        [],
        Rules(method="class_banding", classes=WIEN_CLASSES),
    )
    assert ranked_keys(result) == ["b", "a", "d", "c"]
    assert [e.class_label for e in result.ranking] == ["A", "B", "B", "C"]


def test_threshold_model_excludes_applications_below_the_threshold():
    criteria = [
        Criterion("object", "Objektkonzept", 60, 5, None),
        Criterion("group", "Gruppenkonzept", 40, 5, None),
    ]
    table = {
        "a": {"object": [4], "group": [3]},  # 72
        "b": {"object": [3], "group": [2]},  # 52
        "c": {"object": [5], "group": [0]},  # 60: exactly the threshold
    }
    result = aggregate(
        criteria,
        [Juror("j", True)],
        apps("a", "b", "c"),
        scores_from(table, ["j"]),
        [],
        Rules(method="threshold", threshold_points=60),
    )
    assert ranked_keys(result) == ["a", "c"]
    (b,) = result.excluded
    assert b.rank is None
    assert b.total == pytest.approx(52)
    assert b.excluded_reason == "Schwelle nicht erreicht: 52 von mindestens 60 Punkten"


# --- exclusions -------------------------------------------------------------------------------


def test_application_below_a_minimum_is_excluded_with_german_reason():
    criteria = [
        Criterion("housing", "Wohnungspolitik", 50, 10, 4),
        Criterion("urban", "Städtebau", 50, 10, None),
    ]
    table = {
        "a": {"housing": [3, 4], "urban": [10, 10]},
        "b": {"housing": [4, 4], "urban": [2, 2]},
    }
    result = aggregate(
        criteria, THREE[:2], apps("a", "b"), scores_from(table, ["j1", "j2"]), [], Rules()
    )
    assert ranked_keys(result) == ["b"]
    (a,) = result.excluded
    assert a.rank is None
    assert a.total is None
    assert a.criteria["housing"].below_minimum
    assert a.excluded_reason == (
        "Mindestpunktzahl bei „Wohnungspolitik“ nicht erreicht: 3,5 von mindestens 4"
    )


def test_ineligible_application_is_excluded_and_its_bid_does_not_set_the_best_bid():
    applications = [
        Application("a", "A", True, 500_000),
        Application("b", "B", False, 2_000_000),
    ]
    table = {
        "a": {"housing": [5, 5, 5], "urban": [5, 5, 5], "energy": [5, 5, 5]},
        "b": {"housing": [9, 9, 9], "urban": [9, 9, 9], "energy": [9, 9, 9]},
    }
    result = aggregate(
        HAMBURG, THREE, applications, scores_from(table, ["j1", "j2", "j3"]), [], HAMBURG_RULES
    )
    assert ranked_keys(result) == ["a"]
    assert result.by_key["b"].excluded_reason == "nicht zugelassen"
    assert result.best_bid == 500_000
    assert result.by_key["a"].price_score == pytest.approx(30)


def test_application_without_valid_score_is_excluded():
    table = {
        "a": {"housing": [5, 5, 5], "urban": [5, 5, 5], "energy": [5, 5, 5]},
        "b": {"housing": [5, 5, 5], "urban": [5, 5, 5]},
    }
    result = aggregate(
        HAMBURG,
        THREE,
        apps("a", "b", a=1, b=1),
        scores_from(table, ["j1", "j2", "j3"]),
        [],
        HAMBURG_RULES,
    )
    assert result.by_key["b"].excluded_reason == "keine gültige Bewertung für „Energie“"
    assert result.by_key["b"].criteria["energy"].average is None


def test_application_whose_every_voting_juror_is_conflicted_is_excluded():
    table = {"a": {"object": [4, 2]}, "b": {"object": [3, 3]}}
    criteria = [Criterion("object", "Objektkonzept", 100, 5, None)]
    jurors = [Juror("j1", True), Juror("j2", False)]
    result = aggregate(
        criteria,
        jurors,
        apps("a", "b"),
        scores_from(table, ["j1", "j2"]),
        [Conflict("j1", "a")],
        Rules(),
    )
    assert ranked_keys(result) == ["b"]
    assert result.by_key["a"].excluded_reason == "keine gültige Bewertung für „Objektkonzept“"


# --- price ------------------------------------------------------------------------------------


def test_price_score_is_linear_to_the_best_bid_and_missing_bid_scores_zero():
    criteria = [Criterion("concept", "Konzept", 70, 10, None)]
    table = {app: {"concept": [10]} for app in "abcd"}
    applications = [
        Application("a", "A", True, 400_000),
        Application("b", "B", True, 800_000),
        Application("c", "C", True, 200_000),
        Application("d", "D", True, None),
    ]
    result = aggregate(
        criteria,
        [Juror("j", True)],
        applications,
        scores_from(table, ["j"]),
        [],
        Rules(price_weight=30, price_mode="highest_bid"),
    )
    price = {e.key: e.price_score for e in result.ranking}
    assert price == pytest.approx({"a": 15, "b": 30, "c": 7.5, "d": 0})
    assert result.by_key["d"].price_note == "kein Gebot abgegeben: 0 Preispunkte"
    assert ranked_keys(result) == ["b", "a", "c", "d"]


def test_fixed_price_ignores_bids():
    criteria = [Criterion("concept", "Konzept", 100, 10, None)]
    table = {"a": {"concept": [6]}, "b": {"concept": [7]}}
    result = aggregate(
        criteria,
        [Juror("j", True)],
        apps("a", "b", a=9e9, b=1),
        scores_from(table, ["j"]),
        [],
        Rules(price_mode="fixed"),
    )
    assert ranked_keys(result) == ["b", "a"]
    assert result.by_key["a"].price_score is None
    assert result.best_bid is None


# --- averaging, conflicts, advisory jurors ----------------------------------------------------


def test_median_and_mean_can_rank_differently():
    criteria = [Criterion("concept", "Konzept", 100, 10, None)]
    table = {"a": {"concept": [2, 9, 9]}, "b": {"concept": [8, 8, 8]}}
    scores = scores_from(table, ["j1", "j2", "j3"])
    mean = aggregate(criteria, THREE, apps("a", "b"), scores, [], Rules(average="mean"))
    median = aggregate(criteria, THREE, apps("a", "b"), scores, [], Rules(average="median"))
    assert mean.by_key["a"].total == pytest.approx(200 / 3)  # 20/3 of 10
    assert ranked_keys(mean) == ["b", "a"]
    assert median.by_key["a"].total == pytest.approx(90)
    assert ranked_keys(median) == ["a", "b"]


def test_conflicted_juror_is_ignored_for_that_application_only():
    criteria = [Criterion("concept", "Konzept", 100, 10, None)]
    table = {"a": {"concept": [10, 4, 4]}, "b": {"concept": [10, 6, 6]}}
    result = aggregate(
        criteria,
        THREE,
        apps("a", "b"),
        scores_from(table, ["j1", "j2", "j3"]),
        [Conflict("j1", "a")],
        Rules(),
    )
    assert result.by_key["a"].criteria["concept"].points == {"j2": 4, "j3": 4}
    assert result.by_key["a"].total == pytest.approx(40)
    assert result.by_key["b"].criteria["concept"].points == {"j1": 10, "j2": 6, "j3": 6}
    assert result.by_key["b"].total == pytest.approx(220 / 3)


def test_advisory_jurors_never_count():
    criteria = [Criterion("concept", "Konzept", 100, 10, None)]
    jurors = [Juror("j1", True), Juror("adv", False)]
    table = {"a": {"concept": [5, 0]}, "b": {"concept": [4, 10]}}
    result = aggregate(
        criteria, jurors, apps("a", "b"), scores_from(table, ["j1", "adv"]), [], Rules()
    )
    assert ranked_keys(result) == ["a", "b"]
    assert result.by_key["b"].criteria["concept"].points == {"j1": 4}
    assert result.by_key["b"].total == pytest.approx(40)


def test_strong_disagreement_is_flagged_above_the_threshold():
    criteria = [
        Criterion("object", "Objektkonzept", 50, 10, None),
        Criterion("group", "Gruppenkonzept", 50, 10, None),
    ]
    table = {"a": {"object": [2, 6, 5], "group": [4, 7, 6]}}  # spreads 4 and 3
    result = aggregate(
        criteria,
        THREE,
        apps("a"),
        scores_from(table, ["j1", "j2", "j3"]),
        [],
        Rules(disagreement_threshold=0.3),
    )
    entry = result.by_key["a"]
    assert entry.criteria["object"].spread == 4
    assert entry.criteria["object"].flagged
    assert entry.criteria["group"].spread == 3
    assert not entry.criteria["group"].flagged  # exactly 30 % of 10 is not above it
    assert any("Jury uneinig" in step and "Objektkonzept" in step for step in result.steps)


# --- tie-break --------------------------------------------------------------------------------

TIE_CRITERIA = [
    Criterion("object", "Objektkonzept", 50, 10, None),
    Criterion("group", "Gruppenkonzept", 50, 10, None),
]


def test_tie_is_broken_by_the_named_criterion():
    table = {"a": {"object": [6], "group": [8]}, "b": {"object": [8], "group": [6]}}
    result = aggregate(
        TIE_CRITERIA,
        [Juror("j", True)],
        apps("a", "b"),
        scores_from(table, ["j"]),
        [],
        Rules(tie_break_criterion="group"),
    )
    assert ranked_keys(result) == ["a", "b"]
    assert [e.tie_break for e in result.ranking] == ["criterion", "criterion"]
    assert result.ranking[0].tie_break_note == (
        "Gleichstand mit „B“ bei 70 Punkten; entschieden durch „Gruppenkonzept“ (40 Punkte)"
    )


def lot_case(seed: str, order: list[str] | None = None) -> Result:
    keys = order or ["a", "b", "c", "d"]
    table = {key: {"object": [7], "group": [7]} for key in keys}
    table["z"] = {"object": [9], "group": [9]}
    return aggregate(
        TIE_CRITERIA,
        [Juror("j", True)],
        apps(*table),
        scores_from(table, ["j"]),
        [],
        Rules(tie_break_criterion="object", seed=seed),
    )


def test_lot_decides_remaining_ties_reproducibly_and_depends_on_the_seed():
    first = lot_case("Ziehung 2026-03-01")
    again = lot_case("Ziehung 2026-03-01", order=["d", "c", "b", "a"])
    other = lot_case("Ziehung 2026-03-02")
    assert ranked_keys(first)[0] == "z"
    assert first.by_key["z"].tie_break is None
    assert ranked_keys(first) == ranked_keys(again)
    assert ranked_keys(first) != ranked_keys(other)
    expected = sorted("abcd", key=lambda key: lot_key("Ziehung 2026-03-01", key))
    assert ranked_keys(first)[1:] == expected
    assert {first.by_key[key].tie_break for key in "abcd"} == {"lot"}
    note = first.by_key["a"].tie_break_note
    assert note is not None
    assert "und bei „Objektkonzept“; Platz durch Los (Seed „Ziehung 2026-03-01“)" in note
    assert first.seed == "Ziehung 2026-03-01"


# --- validation -------------------------------------------------------------------------------


def valid_input() -> dict[str, object]:
    return {
        "criteria": TIE_CRITERIA,
        "jurors": [Juror("j", True)],
        "applications": apps("a"),
        "scores": [Score("j", "a", "object", 5), Score("j", "a", "group", 5)],
        "conflicts": [],
        "rules": Rules(),
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scores": [Score("x", "a", "object", 5)]}, "unbekanntem Jurymitglied: x"),
        ({"scores": [Score("j", "x", "object", 5)]}, "unbekannten Bewerbung: x"),
        ({"scores": [Score("j", "a", "x", 5)]}, "unbekannten Kriteriums: x"),
        ({"scores": [Score("j", "a", "object", 11)]}, "nicht zwischen 0 und 10: 11"),
        ({"scores": [Score("j", "a", "object", -1)]}, "nicht zwischen 0 und 10: -1"),
        ({"scores": [Score("j", "a", "object", math.nan)]}, "keine endliche Zahl"),
        (
            {"scores": [Score("j", "a", "object", 5), Score("j", "a", "object", 6)]},
            "Doppelte Bewertung von j für a/object",
        ),
        ({"conflicts": [Conflict("x", "a")]}, "unbekannten Jurymitglieds: x"),
        ({"criteria": [TIE_CRITERIA[0]]}, "ergeben 50 % statt 100 %"),
        (
            {"rules": Rules(price_weight=30, price_mode="highest_bid")},
            "ergeben 130 % statt 100 %",
        ),
        ({"rules": Rules(price_weight=30, price_mode="fixed")}, "der Preis zählt nicht"),
        ({"rules": Rules(tie_break_criterion="x")}, "Stichentscheid: x"),
        ({"rules": Rules(method="class_banding")}, "fehlen die Klassen"),
        ({"rules": Rules(method="threshold")}, "fehlt die Mindestpunktzahl"),
        ({"applications": [*apps("a"), *apps("a")]}, "Bewerbung doppelt angegeben: a"),
        (
            {"criteria": [Criterion("object", "O", 100, 10, 12)], "scores": []},
            "Mindestpunktzahl von „O“",
        ),
    ],
)
def test_invalid_input_raises_a_clear_value_error(change, message):
    arguments = valid_input() | change
    with pytest.raises(ValueError, match=message):
        aggregate(**arguments)


def test_german_number_format():
    assert format_number(3.5) == "3,5"
    assert format_number(4.0) == "4"
    assert format_number(1_234_567.891) == "1.234.567,89"
    assert format_number(-0.001) == "0"


# --- hypothesis properties --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Procedure:
    """The arguments of one `aggregate` call."""

    criteria: list[Criterion]
    jurors: list[Juror]
    applications: list[Application]
    scores: list[Score]
    conflicts: list[Conflict]
    rules: Rules

    def run(self) -> Result:
        return aggregate(
            self.criteria, self.jurors, self.applications, self.scores, self.conflicts, self.rules
        )


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    """Random but valid input: 1–4 criteria whose weights plus the price weight sum to 100."""
    count = draw(st.integers(1, 4))
    price_weight = draw(st.sampled_from([0, 0, 20, 30]))
    cuts = draw(
        st.lists(st.integers(0, 100 - price_weight), min_size=count - 1, max_size=count - 1)
    )
    bounds = [0, *sorted(cuts), 100 - price_weight]
    criteria = [
        Criterion(
            f"c{i}",
            f"Kriterium {i}",
            bounds[i + 1] - bounds[i],
            draw(st.sampled_from([5.0, 10.0, 11.0])),
            draw(st.one_of(st.none(), st.sampled_from([1.0, 2.0, 3.0]))),
        )
        for i in range(count)
    ]
    jurors = [Juror(f"j{i}", draw(st.booleans()) or i == 0) for i in range(draw(st.integers(1, 5)))]
    applications = [
        Application(
            f"a{i}",
            f"Bewerbung {i}",
            draw(st.booleans()) or draw(st.booleans()),
            draw(st.one_of(st.none(), st.sampled_from([1e5, 2e5, 5e5]), st.floats(0, 1e6))),
        )
        for i in range(draw(st.integers(1, 6)))
    ]
    # Mostly round points so that ties and exact minimums happen; some arbitrary floats.
    scores = [
        Score(j.key, a.key, c.key, draw(st.sampled_from([0.0, c.max_points / 2, c.max_points])))
        if draw(st.booleans())
        else Score(j.key, a.key, c.key, draw(st.floats(0, c.max_points)))
        for j in jurors
        for a in applications
        for c in criteria
        if draw(st.integers(0, 9)) > 0
    ]
    conflicts = [
        Conflict(j.key, a.key) for j in jurors for a in applications if draw(st.integers(0, 6)) == 0
    ]
    method = draw(st.sampled_from(["weighted_sum", "class_banding", "threshold"]))
    rules = Rules(
        method=method,
        average=draw(st.sampled_from(["mean", "median"])),
        price_weight=price_weight,
        price_mode="highest_bid" if price_weight else draw(st.sampled_from(["none", "fixed"])),
        tie_break_criterion=draw(st.one_of(st.none(), st.sampled_from([c.key for c in criteria]))),
        seed=draw(st.text(max_size=8)),
        disagreement_threshold=draw(st.sampled_from([0.0, 0.3, 0.5])),
        classes=(("A", 80.0), ("B", 50.0), ("C", 20.0)) if method == "class_banding" else (),
        threshold_points=draw(st.sampled_from([0.0, 40.0, 60.0]))
        if method == "threshold"
        else None,
    )
    return Procedure(criteria, jurors, applications, scores, conflicts, rules)


def shuffled[T](items: list[T], rnd: random.Random) -> list[T]:
    copy = list(items)
    rnd.shuffle(copy)
    return copy


@SETTINGS
@given(procedures(), st.randoms(use_true_random=False))
def test_result_is_independent_of_input_order(procedure, rnd):
    permuted = dataclasses.replace(
        procedure,
        jurors=shuffled(procedure.jurors, rnd),
        applications=shuffled(procedure.applications, rnd),
        scores=shuffled(procedure.scores, rnd),
        conflicts=shuffled(procedure.conflicts, rnd),
    )
    assert permuted.run() == procedure.run()


@SETTINGS
@given(procedures(), st.data())
def test_a_juror_conflicted_on_an_application_changes_nothing_for_it(procedure, data):
    target = data.draw(st.sampled_from([a.key for a in procedure.applications]))
    before = procedure.run()

    # Scoring only the conflicted application: nothing at all changes.
    on_target = [
        Score("zz", target, c.key, data.draw(st.floats(0, c.max_points)))
        for c in procedure.criteria
    ]
    only_target = dataclasses.replace(
        procedure,
        jurors=[*procedure.jurors, Juror("zz", True)],
        scores=[*procedure.scores, *on_target],
        conflicts=[*procedure.conflicts, Conflict("zz", target)],
    )
    after = only_target.run()
    assert after.ranking == before.ranking
    assert after.excluded == before.excluded

    # Scoring everyone: the conflicted application's criterion results stay the same.
    elsewhere = [
        Score("zz", a.key, c.key, data.draw(st.floats(0, c.max_points)))
        for a in procedure.applications
        for c in procedure.criteria
        if a.key != target
    ]
    scored_all = dataclasses.replace(only_target, scores=[*only_target.scores, *elsewhere])
    assert scored_all.run().by_key[target].criteria == before.by_key[target].criteria


@SETTINGS
@given(procedures())
def test_totals_stay_within_0_and_100_and_excluded_never_get_a_rank(procedure):
    result = procedure.run()
    for entry in [*result.ranking, *result.excluded]:
        if entry.total is not None:
            assert -1e-9 <= entry.total <= 100 + 1e-9
    assert [e.rank for e in result.ranking] == list(range(1, len(result.ranking) + 1))
    assert all(e.rank is None and e.excluded_reason for e in result.excluded)
    assert all(e.excluded_reason is None for e in result.ranking)
    assert len(result.ranking) + len(result.excluded) == len(procedure.applications)
    totals = [round(e.total or 0.0, 9) for e in result.ranking]
    # Classes are bands of the total, so class-then-total is total order too.
    assert totals == sorted(totals, reverse=True)


@SETTINGS
@given(procedures())
def test_weighted_sum_total_is_the_sum_of_weighted_criteria_and_price(procedure):
    rules = dataclasses.replace(procedure.rules, method="weighted_sum", classes=())
    result = dataclasses.replace(procedure, rules=rules).run()
    for entry in result.ranking:
        parts = [r.weighted or 0.0 for r in entry.criteria.values()]
        assert entry.total == pytest.approx(sum(parts) + (entry.price_score or 0.0))
