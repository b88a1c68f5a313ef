"""The bridge from the database to the aggregation engine (``scoring.py``) and back to JSON.

``evaluate`` reads a procedure's criteria, jurors, submitted applications, scores and declared
conflicts and hands them to ``scoring.aggregate``; ``result_to_json`` turns the engine's result
into the plain JSON stored on the decided procedure (``Procedure.result``), together with what
is needed to show it later without the database: criteria, rules, seed and the labels of the
applications (real names for the report, anonymised ones for the public).
"""

import string
from dataclasses import asdict, dataclass
from typing import Any

from allmende.procedures import scoring
from allmende.procedures.models import (
    Aggregation,
    Application,
    ApplicationState,
    ConflictDeclaration,
    Eligibility,
    Juror,
    JurorRole,
    JuryScore,
    PriceModel,
    Procedure,
)

RESULT_VERSION = 1


def application_key(application: Application) -> str:
    """The key of an application in the engine (and so in the lot's hash): its primary key."""
    return str(application.pk)


def juror_key(juror: Juror) -> str:
    return str(juror.pk)


def public_letter(index: int) -> str:
    """A, B, …, Z, AA, AB, … for the 0-based position of an application."""
    letters = string.ascii_uppercase
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = letters[rest] + text
    return text


@dataclass(frozen=True)
class EvaluationInputs:
    """Everything ``scoring.aggregate`` needs, plus the model objects behind the keys."""

    criteria: list[scoring.Criterion]
    jurors: list[scoring.Juror]
    applications: list[scoring.Application]
    scores: list[scoring.Score]
    conflicts: list[scoring.Conflict]
    rules: scoring.Rules
    application_objects: dict[str, Application]
    juror_objects: dict[str, Juror]


def submitted_applications(procedure: Procedure) -> list[Application]:
    """The procedure's submitted applications in the order of submission (the order that gives
    them their public letters)."""
    return list(
        Application.objects.filter(procedure=procedure, state=ApplicationState.SUBMITTED)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


def evaluation_inputs(procedure: Procedure, seed: str = "") -> EvaluationInputs:
    """Read the procedure's scheme and the jury's work from the database (five queries).

    Applications: the submitted ones; only those admitted in the eligibility check count as
    eligible (pending and refused ones are listed as excluded). Jurors: voting and advisory
    ones (the engine ignores advisory scores). Conflicts: declarations with a conflict.
    """
    criteria_objects = list(procedure.criteria.order_by("position", "pk"))
    criteria = [
        scoring.Criterion(
            key=c.key,
            name=c.name,
            weight=float(c.weight),
            max_points=float(c.max_points),
            min_points=float(c.min_points) if c.min_points is not None else None,
        )
        for c in criteria_objects
    ]
    juror_objects = {
        juror_key(j): j for j in Juror.objects.filter(procedure=procedure).select_related("user")
    }
    jurors = [
        scoring.Juror(key=key, voting=juror.role == JurorRole.VOTING)
        for key, juror in juror_objects.items()
    ]
    application_objects = {application_key(a): a for a in submitted_applications(procedure)}
    price_counts = procedure.price_counts
    applications = [
        scoring.Application(
            key=key,
            label=a.organisation.name,
            eligible=a.eligibility == Eligibility.ELIGIBLE,
            bid=float(a.bid) if price_counts and a.bid is not None else None,
        )
        for key, a in application_objects.items()
    ]
    criterion_keys = {c.pk: c.key for c in criteria_objects}
    application_ids = [a.pk for a in application_objects.values()]
    scores = [
        scoring.Score(
            juror=str(s.juror_id),
            application=str(s.application_id),
            criterion=criterion_keys[s.criterion_id],
            points=float(s.points),
        )
        for s in JuryScore.objects.filter(
            juror__procedure=procedure, application_id__in=application_ids
        )
        if s.criterion_id in criterion_keys
    ]
    conflicts = [
        scoring.Conflict(juror=str(d.juror_id), application=str(d.application_id))
        for d in ConflictDeclaration.objects.filter(
            juror__procedure=procedure,
            has_conflict=True,
            application_id__in=application_ids,
        )
    ]
    rules = scoring.Rules(
        method=_method(procedure.aggregation),
        average="median" if procedure.averaging == "median" else "mean",
        price_weight=float(procedure.price_weight) if price_counts else 0.0,
        price_mode=_price_mode(procedure),
        tie_break_criterion=procedure.tie_break_criterion or None,
        seed=seed,
        disagreement_threshold=float(procedure.disagreement_threshold),
        # Stored on the 0–100 scale of the total, as the engine compares them (schemes.py
        # converts raw points such as Vienna's 37 of 44).
        classes=tuple((str(label), float(low)) for label, low in (procedure.classes or [])),
        threshold_points=(
            float(procedure.threshold_points) if procedure.threshold_points is not None else None
        ),
    )
    return EvaluationInputs(
        criteria=criteria,
        jurors=jurors,
        applications=applications,
        scores=scores,
        conflicts=conflicts,
        rules=rules,
        application_objects=application_objects,
        juror_objects=juror_objects,
    )


def _method(aggregation: str) -> scoring.Method:
    if aggregation == Aggregation.CLASS_BANDING:
        return "class_banding"
    if aggregation == Aggregation.THRESHOLD:
        return "threshold"
    return "weighted_sum"


def _price_mode(procedure: Procedure) -> scoring.PriceMode:
    if procedure.price_counts:
        return "highest_bid"
    if procedure.price_model == PriceModel.FIXED:
        return "fixed"
    return "none"


def evaluate(procedure: Procedure, seed: str | None = None) -> scoring.Result:
    """The aggregation of the procedure's current scores (``seed`` "" when None: a preview
    whose lots are not drawn yet). Raises ValueError on inconsistent data (for example weights
    that do not sum to 100)."""
    inputs = evaluation_inputs(procedure, seed or "")
    return aggregate_inputs(inputs)


def aggregate_inputs(inputs: EvaluationInputs) -> scoring.Result:
    return scoring.aggregate(
        inputs.criteria,
        inputs.jurors,
        inputs.applications,
        inputs.scores,
        inputs.conflicts,
        inputs.rules,
    )


def _entry_json(entry: scoring.RankedApplication) -> dict[str, Any]:
    data = asdict(entry)
    # Keep the criteria in the procedure's order (a JSON object keeps insertion order).
    data["criteria"] = {key: asdict(value) for key, value in entry.criteria.items()}
    return data


def result_to_json(result: scoring.Result, inputs: EvaluationInputs) -> dict[str, Any]:
    """The complete aggregation output as JSON: ranking and excluded applications with every
    intermediate number, the German steps, the seed, the criteria and rules it was computed
    with, and per application its name, public letter and consent to be named."""
    applications: dict[str, dict[str, Any]] = {}
    for index, (key, application) in enumerate(inputs.application_objects.items()):
        applications[key] = {
            "pk": application.pk,
            "name": application.organisation.name,
            "organisation": application.organisation_id,
            "letter": public_letter(index),
            "may_be_named": application.may_be_named,
        }
    return {
        "version": RESULT_VERSION,
        "seed": result.seed,
        "best_bid": result.best_bid,
        "criteria": [asdict(c) for c in inputs.criteria],
        "rules": {**asdict(inputs.rules), "classes": [list(c) for c in inputs.rules.classes]},
        "ranking": [_entry_json(entry) for entry in result.ranking],
        "excluded": [_entry_json(entry) for entry in result.excluded],
        "steps": list(result.steps),
        "applications": applications,
        "jurors": {
            key: {"name": juror.user.name or juror.user.email, "voting": juror.role == "voting"}
            for key, juror in inputs.juror_objects.items()
        },
    }
