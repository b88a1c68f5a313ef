"""API: the public result of a decided procedure, anonymised like the result page."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from allmende.core.api import ErrorOut
from allmende.procedures import report
from allmende.procedures.models import Procedure

router = Router(tags=["Procedures"])


class CriterionOut(Schema):
    key: str
    name: str
    weight: float
    max_points: float
    min_points: float | None = None


class CriterionResultOut(Schema):
    key: str
    name: str
    average: float | None
    weighted: float | None
    spread: float | None
    votes: int
    flagged: bool
    below_minimum: bool


class ApplicationResultOut(Schema):
    key: str
    label: str
    named: bool
    rank: int | None
    total: float | None
    class_label: str | None
    excluded_reason: str | None
    is_winner: bool
    price_score: float | None
    tie_break: str | None
    tie_break_note: str | None
    criteria: list[CriterionResultOut]


class WinnerOut(Schema):
    key: str
    label: str
    named: bool


class ResultOut(Schema):
    id: int
    title: str
    decided_at: datetime | None
    winner: WinnerOut | None
    ranking_followed: bool
    deviation_reason: str
    reasons_summary: str = Field(
        description="The manager's summary of the reasons, written at the decision"
    )
    method: str
    average: str
    criteria: list[CriterionOut]
    price_weight: float
    tie_break_criterion: str | None
    seed: str
    applications: list[ApplicationResultOut]


@router.get(
    "/procedures/{id}/results",
    response={200: ResultOut, 404: ErrorOut, 422: ErrorOut},
    summary="Result of a decided procedure",
    description=(
        "The public result once the procedure is decided: the awarded application, the ranking "
        "with the results per criterion, the manager's summary of the reasons, the reason for a "
        "deviation from the ranking and the seed of the lot. Applicants that did not agree to be "
        "named are labelled 'Bewerbung A', 'Bewerbung B', …; jurors are never named. 404 while "
        "the procedure is not decided yet or not visible to the caller."
    ),
)
def procedure_results(request: HttpRequest, id: int) -> Any:
    procedure = Procedure.objects.filter(pk=id).first()
    if procedure is None or not request.user.has_perm("procedures.view_procedure", procedure):
        return Status(404, {"detail": "Not found.", "errors": []})
    if not report.is_decided(procedure):
        return Status(404, {"detail": "The procedure has no result yet.", "errors": []})
    return report.result_public(procedure)
