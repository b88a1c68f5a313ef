"""The scoring rule with hand-computed examples on both scales and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allmende.electioncheck.scoring import Answer, party_score, percent, score


def test_three_steps_same_full_one_step_half_opposite_none():
    answers = [Answer(1), Answer(1), Answer(1)]
    # same: 2, one step apart (neutral): 1, opposite: 0 → 3 of 6
    assert party_score(answers, [1, 0, -1], scale=3) == (3, 6)
    assert percent(3, 6) == 50


def test_skipped_thesis_leaves_the_maximum():
    answers = [Answer(1), Answer(None), Answer(-1)]
    # thesis 2 counts neither points nor maximum: 2 + 0 of 4
    assert party_score(answers, [1, 1, 1], scale=3) == (2, 4)


def test_double_weight_counts_twice():
    answers = [Answer(1, double=True), Answer(-1)]
    # 2·2 + 0 of 2·2 + 2 → 4 of 6 = 66.67 → 67 %
    points, maximum = party_score(answers, [1, 1], scale=3)
    assert (points, maximum) == (4, 6)
    assert percent(points, maximum) == 67


def test_party_neutral_to_everything_gets_half_of_any_decided_voter():
    answers = [Answer(1), Answer(-1, double=True), Answer(1)]
    assert percent(*party_score(answers, [0, 0, 0], scale=3)) == 50


def test_neutral_voter_and_neutral_party_agree_fully():
    assert percent(*party_score([Answer(0), Answer(0)], [0, 0], scale=3)) == 100


def test_five_steps_points_in_proportion_to_closeness():
    answers = [Answer(2)] * 5
    # distances 0, 1, 2, 3, 4 of a span of 4: points 4, 3, 2, 1, 0 → 10 of 20
    assert party_score(answers, [2, 1, 0, -1, -2], scale=5) == (10, 20)
    assert percent(10, 20) == 50


def test_five_steps_one_step_apart_is_three_quarters():
    assert percent(*party_score([Answer(1)], [0], scale=5)) == 75


def test_position_not_taken_scores_nothing_but_counts_in_the_maximum():
    assert party_score([Answer(1), Answer(1)], [1, None], scale=3) == (2, 4)


def test_all_skipped_gives_no_percentage():
    [result] = score([Answer(None), Answer(None)], {"A": [1, -1]}, scale=3)
    assert result.percent is None
    assert result.maximum == 0


def test_percent_rounds_half_up():
    assert percent(1, 8) == 13  # 12.5
    assert percent(3, 8) == 38  # 37.5
    assert percent(5, 8) == 63  # 62.5


def test_results_are_sorted_by_agreement_then_party_order():
    answers = [Answer(1), Answer(-1)]
    results = score(answers, {"A": [0, 0], "B": [1, -1], "C": [0, 0]}, scale=3)
    assert [(r.party, r.percent) for r in results] == [("B", 100), ("A", 50), ("C", 50)]


@pytest.mark.parametrize(
    ("answers", "positions", "scale"),
    [([Answer(1)], [1, 0], 3), ([Answer(3)], [1], 3), ([Answer(1)], [2], 3)],
)
def test_bad_input_is_refused(answers, positions, scale):
    with pytest.raises(ValueError, match=r"thesis|scale"):
        party_score(answers, positions, scale=scale)


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="scale"):
        party_score([Answer(1)], [1], scale=4)


@st.composite
def cases(draw):
    scale = draw(st.sampled_from([3, 5]))
    values = [-1, 0, 1] if scale == 3 else [-2, -1, 0, 1, 2]
    n = draw(st.integers(1, 20))
    answers = [
        Answer(draw(st.one_of(st.none(), st.sampled_from(values))), draw(st.booleans()))
        for _ in range(n)
    ]
    positions = [draw(st.one_of(st.none(), st.sampled_from(values))) for _ in range(n)]
    return scale, answers, positions


@given(cases())
def test_percentage_lies_between_0_and_100(case):
    scale, answers, positions = case
    value = percent(*party_score(answers, positions, scale=scale))
    assert value is None or 0 <= value <= 100


@given(cases())
def test_a_party_with_the_voters_own_answers_agrees_fully(case):
    scale, answers, _positions = case
    own = [a.position for a in answers]
    value = percent(*party_score(answers, own, scale=scale))
    assert value in (None, 100)


@given(cases())
def test_doubling_every_thesis_changes_nothing(case):
    scale, answers, positions = case
    single = [Answer(a.position) for a in answers]
    double = [Answer(a.position, True) for a in answers]
    assert percent(*party_score(single, positions, scale=scale)) == percent(
        *party_score(double, positions, scale=scale)
    )
