"""How close a voter is to each party: the rule of the Wahl-O-Mat and Mat-O-Wahl, generalised
to a five-step scale. Pure Python, no Django; ``static/allmende/electioncheck-score.js`` is the
same rule for the browser and is tested against this module for identical results.

Positions are integers on a symmetric scale: -1, 0, 1 on the three-step scale (disagree,
neutral, agree) and -2 … 2 on the five-step scale (-- - 0 + ++). Per thesis a party earns points
proportional to its closeness to the voter: ``span - |voter - party|`` where ``span`` is the
width of the scale (2 or 4). On the three-step scale that is 2 for the same position, 1 for one
step apart and 0 for opposite positions, exactly the Wahl-O-Mat rule (Mat-O-Wahl halves both
points and maximum, which gives the same percentages). A skipped thesis counts neither points
nor maximum; a thesis the voter weights double counts twice in both. A party that took no
position on a thesis earns no points there, the maximum still counts.

The percentage is rounded half up to a whole number with integer arithmetic, so that Python and
JavaScript cannot round differently.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCALES: dict[int, tuple[int, ...]] = {3: (-1, 0, 1), 5: (-2, -1, 0, 1, 2)}


@dataclass(frozen=True)
class Answer:
    """The voter's answer to one thesis: a position, or None when skipped."""

    position: int | None
    double: bool = False


@dataclass(frozen=True)
class PartyResult:
    party: str
    points: int
    maximum: int
    percent: int | None  # None: every thesis was skipped, so there is nothing to compare


def span(scale: int) -> int:
    """The distance between the two ends of the scale (2 for three steps, 4 for five)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale: {scale}")
    return SCALES[scale][-1] - SCALES[scale][0]


def percent(points: int, maximum: int) -> int | None:
    """``points / maximum`` in whole percent, rounded half up (None when maximum is 0)."""
    if maximum <= 0:
        return None
    return (200 * points + maximum) // (2 * maximum)


def party_score(
    answers: Sequence[Answer], positions: Sequence[int | None], *, scale: int
) -> tuple[int, int]:
    """Points and maximum of one party whose positions (per thesis, None for none taken)
    line up with the voter's ``answers``."""
    if len(answers) != len(positions):
        raise ValueError("answers and positions must have one entry per thesis")
    width = span(scale)
    valid = SCALES[scale]
    points = maximum = 0
    for answer, position in zip(answers, positions, strict=True):
        if answer.position is None:
            continue
        if answer.position not in valid or (position is not None and position not in valid):
            raise ValueError(f"position outside the {scale}-step scale")
        weight = 2 if answer.double else 1
        maximum += width * weight
        if position is not None:
            points += (width - abs(answer.position - position)) * weight
    return points, maximum


def score(
    answers: Sequence[Answer],
    parties: Mapping[str, Sequence[int | None]],
    *,
    scale: int,
) -> list[PartyResult]:
    """Agreement of the voter with every party, the closest first (ties by the order of
    ``parties``)."""
    results = []
    for party, positions in parties.items():
        points, maximum = party_score(answers, positions, scale=scale)
        results.append(PartyResult(party, points, maximum, percent(points, maximum)))
    order = {party: index for index, party in enumerate(parties)}
    return sorted(
        results,
        key=lambda r: (-(r.percent if r.percent is not None else -1), order[r.party]),
    )
