"""Aggregation of jury scores in allocation procedures (Konzeptverfahren): totals, exclusions,
ranking, tie-break and disagreement flags.

Pure Python without Django: the Django side maps its models onto the frozen dataclasses below
and calls `aggregate`. Every result is independent of the order of jurors, scores, conflicts and
applications in the input: sums use `math.fsum` (exactly rounded, hence order-free), and
everything that is listed is sorted by key. Only the criteria keep their given order, which is
the order the procedure presents them in.

The texts are German on purpose: they go verbatim into the reasons and the report of a German
procedure, and the engine stays free of Django's translation machinery.
"""

import hashlib
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Literal

Method = Literal["weighted_sum", "class_banding", "threshold"]
Average = Literal["mean", "median"]
PriceMode = Literal["none", "fixed", "highest_bid"]
TieBreak = Literal["criterion", "lot"]

METHODS: tuple[Method, ...] = ("weighted_sum", "class_banding", "threshold")
AVERAGES: tuple[Average, ...] = ("mean", "median")
PRICE_MODES: tuple[PriceMode, ...] = ("none", "fixed", "highest_bid")

METHOD_LABELS: dict[Method, str] = {
    "weighted_sum": "gewichtete Summe",
    "class_banding": "Klassenbildung",
    "threshold": "Schwellenmodell",
}
AVERAGE_LABELS: dict[Average, str] = {"mean": "Mittelwert", "median": "Median"}

# Totals, weighted scores, minimums and thresholds are compared with this tolerance, so that
# 37 of 44 points reach a class that starts at 37/44 × 100 whatever the floating-point rounding.
EPSILON = 1e-9
# Decimals to which totals are rounded before ties are detected.
TIE_DECIMALS = 9
# Criterion weights plus the price weight must sum to 100 within this tolerance.
WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Criterion:
    """An award criterion: weight in percent of 100, the scale 0..max_points, optional minimum."""

    key: str
    name: str
    weight: float
    max_points: float
    min_points: float | None = None


@dataclass(frozen=True)
class Juror:
    """A jury member; only voting members count, advisory ones (voting=False) never do."""

    key: str
    voting: bool = True


@dataclass(frozen=True)
class Score:
    """Points one juror gave one application on one criterion."""

    juror: str
    application: str
    criterion: str
    points: float


@dataclass(frozen=True)
class Application:
    """An application; `bid` only matters when the price counts (price_mode "highest_bid")."""

    key: str
    label: str
    eligible: bool = True
    bid: float | None = None


@dataclass(frozen=True)
class Conflict:
    """A declared conflict of interest: the juror's scores on this application never count."""

    juror: str
    application: str


@dataclass(frozen=True)
class Rules:
    """How a procedure aggregates.

    `price_weight` is in percent (0 when the price does not count); `disagreement_threshold` is
    a share of a criterion's max_points; `classes` are (label, min_total) pairs on the 0–100
    total scale for class banding; `threshold_points` is the minimum total (0–100 scale) for the
    threshold model; `seed` is the published seed of the lot.
    """

    method: Method = "weighted_sum"
    average: Average = "mean"
    price_weight: float = 0.0
    price_mode: PriceMode = "none"
    tie_break_criterion: str | None = None
    seed: str = ""
    disagreement_threshold: float = 0.3
    classes: tuple[tuple[str, float], ...] = ()
    threshold_points: float | None = None


@dataclass(frozen=True)
class CriterionResult:
    """One application's result on one criterion.

    `points` maps the counted jurors (voting, without conflict) to their points, sorted by juror
    key; `average`, `weighted` and `spread` are None when no juror counted.
    """

    criterion: str
    name: str
    points: dict[str, float]
    average: float | None
    weighted: float | None
    spread: float | None
    flagged: bool
    below_minimum: bool


@dataclass(frozen=True)
class RankedApplication:
    """One application's outcome.

    `rank` is None for excluded applications. `total` (0–100 including the price) is None when
    the application was excluded before totals were formed (not eligible, no valid score, below
    a minimum); an application excluded by the threshold keeps its total. `price_score` is None
    when the price does not count or the application was excluded before the price was scored.
    `tie_break` tells whether the tie-break criterion or the lot decided the place.
    """

    key: str
    label: str
    rank: int | None
    total: float | None
    class_label: str | None
    criteria: dict[str, CriterionResult]
    bid: float | None
    price_score: float | None
    price_note: str | None
    excluded_reason: str | None
    tie_break: TieBreak | None
    tie_break_note: str | None


@dataclass(frozen=True)
class Result:
    """The ranking (rank 1, 2, …), the excluded applications (by key) and a German walk-through."""

    ranking: list[RankedApplication]
    excluded: list[RankedApplication]
    steps: list[str]
    seed: str
    best_bid: float | None = None
    by_key: dict[str, RankedApplication] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries = {entry.key: entry for entry in [*self.ranking, *self.excluded]}
        object.__setattr__(self, "by_key", entries)


def format_number(value: float, decimals: int = 2) -> str:
    """German number format with at most `decimals` decimals, trailing zeros dropped
    (1.234,5; 3,5; 4)."""
    text = f"{value:,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _quoted(text: str) -> str:
    return f"„{text}“"


def lot_key(seed: str, application: str) -> str:
    """The lot's sort key of an application: SHA-256 of "<seed>:<key>" (hex), ascending first.

    It depends only on the published seed and the application's own key, so anyone can
    recompute the lot, and the input order cannot influence it.
    """
    return hashlib.sha256(f"{seed}:{application}".encode()).hexdigest()


def _check_number(value: float, what: str) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{what} ist keine endliche Zahl: {value!r}")


def _validate(
    criteria: list[Criterion],
    jurors: list[Juror],
    applications: list[Application],
    scores: list[Score],
    conflicts: list[Conflict],
    rules: Rules,
) -> None:
    """Raise ValueError with a clear message on any inconsistent input."""
    for kind, keys in (
        ("Kriterium", [c.key for c in criteria]),
        ("Jurymitglied", [j.key for j in jurors]),
        ("Bewerbung", [a.key for a in applications]),
    ):
        duplicates = sorted(k for k, n in Counter(keys).items() if n > 1)
        if duplicates:
            raise ValueError(f"{kind} doppelt angegeben: {', '.join(duplicates)}")
    if not criteria:
        raise ValueError("Es ist kein Bewertungskriterium angegeben.")
    for c in criteria:
        _check_number(c.weight, f"Gewicht von {_quoted(c.name)}")
        _check_number(c.max_points, f"Höchstpunktzahl von {_quoted(c.name)}")
        if c.weight < 0:
            raise ValueError(f"Gewicht von {_quoted(c.name)} ist negativ: {c.weight}")
        if c.max_points <= 0:
            raise ValueError(f"Höchstpunktzahl von {_quoted(c.name)} muss positiv sein.")
        if c.min_points is not None:
            _check_number(c.min_points, f"Mindestpunktzahl von {_quoted(c.name)}")
            if not 0 <= c.min_points <= c.max_points:
                raise ValueError(
                    f"Mindestpunktzahl von {_quoted(c.name)} liegt nicht zwischen 0 und "
                    f"{c.max_points}: {c.min_points}"
                )
    if rules.method not in METHODS:
        raise ValueError(f"Unbekanntes Verfahren: {rules.method!r}")
    if rules.average not in AVERAGES:
        raise ValueError(f"Unbekannte Mittelung: {rules.average!r}")
    if rules.price_mode not in PRICE_MODES:
        raise ValueError(f"Unbekanntes Preismodell: {rules.price_mode!r}")
    _check_number(rules.price_weight, "Preisgewicht")
    if not 0 <= rules.price_weight <= 100:
        raise ValueError(f"Preisgewicht liegt nicht zwischen 0 und 100: {rules.price_weight}")
    if rules.price_mode != "highest_bid" and rules.price_weight:
        raise ValueError(
            f"Preisgewicht {rules.price_weight} angegeben, aber der Preis zählt nicht "
            f"(Preismodell {rules.price_mode!r})."
        )
    weight_sum = math.fsum([c.weight for c in criteria]) + rules.price_weight
    if abs(weight_sum - 100) > WEIGHT_TOLERANCE:
        raise ValueError(
            f"Gewichte der Kriterien ({math.fsum(c.weight for c in criteria):g} %) und des "
            f"Preises ({rules.price_weight:g} %) ergeben {weight_sum:g} % statt 100 %."
        )
    _check_number(rules.disagreement_threshold, "Schwelle für Abweichungen")
    if rules.disagreement_threshold < 0:
        raise ValueError("Die Schwelle für Abweichungen darf nicht negativ sein.")
    criterion_keys = {c.key for c in criteria}
    if rules.tie_break_criterion is not None and rules.tie_break_criterion not in criterion_keys:
        raise ValueError(
            f"Unbekanntes Kriterium für den Stichentscheid: {rules.tie_break_criterion}"
        )
    if rules.method == "class_banding":
        if not rules.classes:
            raise ValueError("Für die Klassenbildung fehlen die Klassen.")
        labels = [label for label, _ in rules.classes]
        if len(set(labels)) != len(labels):
            raise ValueError("Klassen doppelt angegeben.")
        mins = [min_total for _, min_total in rules.classes]
        for min_total in mins:
            _check_number(min_total, "Untergrenze einer Klasse")
        if len(set(mins)) != len(mins):
            raise ValueError("Zwei Klassen haben dieselbe Untergrenze.")
    if rules.method == "threshold":
        if rules.threshold_points is None:
            raise ValueError("Für das Schwellenmodell fehlt die Mindestpunktzahl.")
        _check_number(rules.threshold_points, "Mindestpunktzahl des Schwellenmodells")
    for a in applications:
        if a.bid is not None:
            _check_number(a.bid, f"Gebot von {_quoted(a.label)}")
            if a.bid < 0:
                raise ValueError(f"Gebot von {_quoted(a.label)} ist negativ: {a.bid}")
    juror_keys = {j.key for j in jurors}
    application_keys = {a.key for a in applications}
    max_points = {c.key: c.max_points for c in criteria}
    seen: set[tuple[str, str, str]] = set()
    for s in scores:
        if s.juror not in juror_keys:
            raise ValueError(f"Bewertung von unbekanntem Jurymitglied: {s.juror}")
        if s.application not in application_keys:
            raise ValueError(f"Bewertung einer unbekannten Bewerbung: {s.application}")
        if s.criterion not in criterion_keys:
            raise ValueError(f"Bewertung eines unbekannten Kriteriums: {s.criterion}")
        _check_number(s.points, f"Punkte von {s.juror} für {s.application}/{s.criterion}")
        if not 0 <= s.points <= max_points[s.criterion]:
            raise ValueError(
                f"Punkte von {s.juror} für {s.application}/{s.criterion} liegen nicht zwischen "
                f"0 und {max_points[s.criterion]:g}: {s.points:g}"
            )
        triple = (s.juror, s.application, s.criterion)
        if triple in seen:
            raise ValueError(f"Doppelte Bewertung von {s.juror} für {s.application}/{s.criterion}")
        seen.add(triple)
    for conflict in conflicts:
        if conflict.juror not in juror_keys:
            raise ValueError(
                f"Interessenkonflikt eines unbekannten Jurymitglieds: {conflict.juror}"
            )
        if conflict.application not in application_keys:
            raise ValueError(
                f"Interessenkonflikt bei einer unbekannten Bewerbung: {conflict.application}"
            )


@dataclass
class _Work:
    """Mutable state of one application while aggregating."""

    application: Application
    criteria: dict[str, CriterionResult]
    reasons: list[str] = field(default_factory=list)
    total: float | None = None
    price_score: float | None = None
    price_note: str | None = None
    class_label: str | None = None
    class_index: int = 0
    tie_break: TieBreak | None = None
    tie_break_note: str | None = None


def _criterion_result(
    criterion: Criterion, points: dict[str, float], average: Average, threshold: float
) -> CriterionResult:
    values = list(points.values())
    if not values:
        return CriterionResult(criterion.key, criterion.name, {}, None, None, None, False, False)
    avg = math.fsum(values) / len(values) if average == "mean" else statistics.median(values)
    spread = max(values) - min(values)
    return CriterionResult(
        criterion=criterion.key,
        name=criterion.name,
        points=points,
        average=avg,
        weighted=avg / criterion.max_points * criterion.weight,
        spread=spread,
        flagged=spread > threshold * criterion.max_points + EPSILON,
        below_minimum=criterion.min_points is not None and avg < criterion.min_points - EPSILON,
    )


def aggregate(
    criteria: list[Criterion] | tuple[Criterion, ...],
    jurors: list[Juror] | tuple[Juror, ...],
    applications: list[Application] | tuple[Application, ...],
    scores: list[Score] | tuple[Score, ...],
    conflicts: list[Conflict] | tuple[Conflict, ...],
    rules: Rules,
) -> Result:
    """Aggregate the jury's scores into a ranking.

    Per criterion the mean (or median) of the points of voting jurors without a conflict on the
    application, normalised to the weight (average / max_points × weight); plus, when the price
    counts, bid / best bid × price weight. Applications that are not eligible, lack a valid
    score on a criterion, miss a criterion's minimum or (threshold model) the threshold are
    excluded with a German reason and get no rank. The rest are ranked by class (class banding)
    and total, ties broken by the tie-break criterion's weighted score and then by the lot
    (`lot_key`). Raises ValueError on inconsistent input.
    """
    criteria = list(criteria)
    _validate(criteria, list(jurors), list(applications), list(scores), list(conflicts), rules)
    voting = {j.key for j in jurors if j.voting}
    conflicted = {(c.juror, c.application) for c in conflicts}
    counted: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for s in sorted(scores, key=lambda s: (s.application, s.criterion, s.juror)):
        if s.juror in voting and (s.juror, s.application) not in conflicted:
            counted[s.application, s.criterion][s.juror] = float(s.points)

    works = [
        _Work(
            application=a,
            criteria={
                c.key: _criterion_result(
                    c, counted.get((a.key, c.key), {}), rules.average, rules.disagreement_threshold
                )
                for c in criteria
            },
        )
        for a in sorted(applications, key=lambda a: a.key)
    ]
    by_criterion = {c.key: c for c in criteria}

    # Exclusions that come before totals: eligibility, missing scores, minimum points.
    for w in works:
        if not w.application.eligible:
            w.reasons.append("nicht zugelassen")
            continue
        missing = [r.name for r in w.criteria.values() if r.average is None]
        if missing:
            names = ", ".join(_quoted(name) for name in missing)
            w.reasons.append(f"keine gültige Bewertung für {names}")
        for r in w.criteria.values():
            minimum = by_criterion[r.criterion].min_points
            if r.below_minimum and r.average is not None and minimum is not None:
                w.reasons.append(
                    f"Mindestpunktzahl bei {_quoted(r.name)} nicht erreicht: "
                    f"{format_number(r.average)} von mindestens {format_number(minimum)}"
                )
    admitted = [w for w in works if not w.reasons]

    price_counts = rules.price_mode == "highest_bid" and rules.price_weight > 0
    bids = [w.application.bid for w in admitted if w.application.bid is not None]
    best_bid = max(bids) if price_counts and bids else None
    for w in admitted:
        parts = [r.weighted for r in w.criteria.values() if r.weighted is not None]
        if price_counts:
            bid = w.application.bid
            if bid is None:
                w.price_score, w.price_note = 0.0, "kein Gebot abgegeben: 0 Preispunkte"
            elif not best_bid:
                w.price_score, w.price_note = 0.0, "kein positives Gebot: 0 Preispunkte"
            else:
                w.price_score = bid / best_bid * rules.price_weight
            parts.append(w.price_score)
        w.total = math.fsum(parts)

    if rules.method == "threshold" and rules.threshold_points is not None:
        for w in admitted:
            if w.total is not None and w.total < rules.threshold_points - EPSILON:
                w.reasons.append(
                    f"Schwelle nicht erreicht: {format_number(w.total)} von mindestens "
                    f"{format_number(rules.threshold_points)} Punkten"
                )
        admitted = [w for w in admitted if not w.reasons]

    classes = sorted(rules.classes, key=lambda item: -item[1])
    if rules.method == "class_banding":
        for w in admitted:
            total = w.total or 0.0
            w.class_index = len(classes)
            for index, (label, min_total) in enumerate(classes):
                if total + EPSILON >= min_total:
                    w.class_label, w.class_index = label, index
                    break

    ranked = _rank(admitted, rules)
    excluded = [w for w in works if w.reasons]
    ranking = [_entry(w, rank) for rank, w in enumerate(ranked, start=1)]
    excluded_entries = [_entry(w, None) for w in excluded]
    steps = _steps(criteria, rules, ranked, excluded, best_bid, price_counts, classes)
    return Result(ranking, excluded_entries, steps, rules.seed, best_bid)


def _tie_value(w: _Work, criterion: str | None) -> float:
    if criterion is None:
        return 0.0
    return round(w.criteria[criterion].weighted or 0.0, TIE_DECIMALS)


def _rank(admitted: list[_Work], rules: Rules) -> list[_Work]:
    """Order by class, total, tie-break criterion, lot; note where a tie-break decided."""
    tie = rules.tie_break_criterion

    def group_key(w: _Work) -> tuple[int, float]:
        return (w.class_index, -round(w.total or 0.0, TIE_DECIMALS))

    ranked = sorted(
        admitted,
        key=lambda w: (*group_key(w), -_tie_value(w, tie), lot_key(rules.seed, w.application.key)),
    )
    groups: dict[tuple[int, float], list[_Work]] = defaultdict(list)
    for w in ranked:
        groups[group_key(w)].append(w)
    for group in groups.values():
        if len(group) < 2:
            continue
        for w in group:
            others = ", ".join(_quoted(o.application.label) for o in group if o is not w)
            note = f"Gleichstand mit {others} bei {format_number(w.total or 0.0)} Punkten"
            tied = [o for o in group if _tie_value(o, tie) == _tie_value(w, tie)]
            if tie is not None and len(tied) == 1:
                name = _quoted(w.criteria[tie].name)
                w.tie_break = "criterion"
                w.tie_break_note = (
                    f"{note}; entschieden durch {name} "
                    f"({format_number(w.criteria[tie].weighted or 0.0)} Punkte)"
                )
            else:
                same = f" und bei {_quoted(w.criteria[tie].name)}" if tie is not None else ""
                w.tie_break = "lot"
                w.tie_break_note = f"{note}{same}; Platz durch Los (Seed {_quoted(rules.seed)})"
    return ranked


def _entry(w: _Work, rank: int | None) -> RankedApplication:
    return RankedApplication(
        key=w.application.key,
        label=w.application.label,
        rank=rank,
        total=w.total,
        class_label=w.class_label if rank is not None else None,
        criteria=w.criteria,
        bid=w.application.bid,
        price_score=w.price_score,
        price_note=w.price_note,
        excluded_reason="; ".join(w.reasons) if w.reasons else None,
        tie_break=w.tie_break,
        tie_break_note=w.tie_break_note,
    )


def _steps(
    criteria: list[Criterion],
    rules: Rules,
    ranked: list[_Work],
    excluded: list[_Work],
    best_bid: float | None,
    price_counts: bool,
    classes: list[tuple[str, float]],
) -> list[str]:
    """A German step-by-step account of how every total and place came about."""
    average = AVERAGE_LABELS[rules.average]
    steps = [
        f"Verfahren: {METHOD_LABELS[rules.method]}. Je Kriterium zählt der {average} der Punkte "
        "der stimmberechtigten Jurymitglieder ohne Interessenkonflikt; beratende Mitglieder "
        "zählen nicht. Der Wert wird auf das Gewicht umgerechnet: "
        f"{average} ÷ Höchstpunktzahl × Gewicht."
    ]
    weights = []
    for c in criteria:
        minimum = f", mindestens {format_number(c.min_points)}" if c.min_points is not None else ""
        weights.append(
            f"{_quoted(c.name)} {format_number(c.weight)} % "
            f"(höchstens {format_number(c.max_points)} Punkte{minimum})"
        )
    if price_counts:
        weights.append(f"Preis {format_number(rules.price_weight)} % (linear zum besten Gebot)")
    steps.append(f"Gewichtung: {'; '.join(weights)}.")
    if rules.method == "class_banding":
        bands = ", ".join(f"{label} ab {format_number(low)}" for label, low in classes)
        steps.append(f"Klassen nach Gesamtpunktzahl (von 100): {bands}.")
    if rules.method == "threshold" and rules.threshold_points is not None:
        steps.append(
            f"Schwelle: mindestens {format_number(rules.threshold_points)} von 100 Punkten."
        )
    if price_counts:
        best = format_number(best_bid) if best_bid is not None else "keines"
        steps.append(f"Bestes Gebot der zugelassenen, nicht ausgeschlossenen Bewerbungen: {best}.")
    for w in [*ranked, *excluded]:
        label = _quoted(w.application.label)
        if not w.application.eligible:
            steps.append(f"{label}: ausgeschlossen – nicht zugelassen.")
            continue
        parts = []
        for c in criteria:
            r = w.criteria[c.key]
            if r.average is None or r.weighted is None:
                parts.append(f"{_quoted(c.name)} ohne gültige Bewertung")
                continue
            parts.append(
                f"{_quoted(c.name)} {average} {format_number(r.average)} "
                f"({len(r.points)} Stimmen) ÷ {format_number(c.max_points)} × "
                f"{format_number(c.weight)} = {format_number(r.weighted)}"
            )
        if w.price_score is not None:
            if w.price_note is not None:
                parts.append(f"Preis: {w.price_note}")
            elif w.application.bid is not None and best_bid is not None:
                parts.append(
                    f"Preis {format_number(w.application.bid)} ÷ {format_number(best_bid)} × "
                    f"{format_number(rules.price_weight)} = {format_number(w.price_score)}"
                )
        text = f"{label}: {'; '.join(parts)}"
        if w.total is not None:
            text += f"; Summe {format_number(w.total)} Punkte"
        if w.class_label is not None:
            text += f", Klasse {w.class_label}"
        if w.reasons:
            text += f" – ausgeschlossen: {'; '.join(w.reasons)}"
        steps.append(f"{text}.")
        for c in criteria:
            r = w.criteria[c.key]
            if r.flagged and r.spread is not None:
                steps.append(
                    f"{label}, {_quoted(c.name)}: Jury uneinig – Spanne "
                    f"{format_number(r.spread)} Punkte, mehr als "
                    f"{format_number(rules.disagreement_threshold * c.max_points)}."
                )
    steps.extend(
        f"{_quoted(w.application.label)}: {w.tie_break_note}." for w in ranked if w.tie_break_note
    )
    if ranked:
        places = ", ".join(
            f"{rank}. {_quoted(w.application.label)} ({format_number(w.total or 0.0)})"
            for rank, w in enumerate(ranked, start=1)
        )
        steps.append(f"Rangfolge: {places}.")
    else:
        steps.append("Rangfolge: keine Bewerbung bleibt im Verfahren.")
    steps.append(
        f"Los-Seed: {_quoted(rules.seed)}; ein Los ordnet nach SHA-256 von „Seed:Schlüssel“ "
        "der Bewerbung, aufsteigend."
    )
    return steps
