"""API of a procedure's applications and scores, for the permitted roles only.

- Applications: managers see the submitted ones, jurors the submitted and admitted ones,
  applicants their own (drafts included), admins all; bids only for managers, admins and the
  applicants themselves (the jury judges concepts, not prices).
- Scores: a juror sees their own always and the other jurors' once they submitted all of theirs
  (never for an application they declared a conflict for); managers and admins see every score
  and conflict once the evaluation is closed (decided or later), nobody else ever.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from allmende.core.api import ErrorOut, optional_auth
from allmende.procedures import selectors, selectors_applications
from allmende.procedures.models import (
    Application,
    ApplicationState,
    ConflictDeclaration,
    Eligibility,
    JuryScore,
    Procedure,
)
from allmende.procedures.selectors_jury import EVALUATION_CLOSED_STATES, juror_get

router = Router(tags=["Procedures"])


class ApplicationAttachmentOut(Schema):
    title: str
    content_type: str
    size_bytes: int
    sha256: str


class ProcedureApplicationOut(Schema):
    id: int
    organisation: str
    state: ApplicationState
    submitted_at: datetime.datetime | None
    receipt_hash: str
    eligibility: Eligibility
    concepts: dict[str, str]
    legal_form: str
    group_size: int | None
    self_use_share: int | None
    equity: Decimal | None
    loans: Decimal | None
    subsidies: Decimal | None
    planned_rent: Decimal | None
    bid: Decimal | None
    attachments: list[ApplicationAttachmentOut]


class JuryScoreOut(Schema):
    application: int
    juror: str
    voting: bool
    criterion: str
    points: Decimal
    reason: str


class JuryConflictOut(Schema):
    application: int
    juror: str
    reason: str


class JuryScoresOut(Schema):
    scores: list[JuryScoreOut]
    conflicts: list[JuryConflictOut]


PRIVATE_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}


def _procedure(request: HttpRequest, id: int) -> Procedure:
    return selectors.procedure_get(pk=id, user=request.user)


def _may_see_bid(user: Any, procedure: Procedure, application: Application) -> bool:
    return bool(
        user.is_superuser
        or user.has_perm("procedures.manage_procedure", procedure)
        or user.has_perm("procedures.change_application", application)
    )


@router.get(
    "/procedures/{id}/applications",
    auth=optional_auth,
    response={200: list[ProcedureApplicationOut], **PRIVATE_ERRORS},
    summary="Applications of a procedure (managers, jurors, the applicants themselves)",
)
def application_list(request: HttpRequest, id: int) -> Any:
    procedure = _procedure(request, id)
    rows = []
    for application in selectors_applications.application_list(
        procedure=procedure, user=request.user
    ):
        rows.append(
            {
                "id": application.pk,
                "organisation": application.organisation.name,
                "state": application.state,
                "submitted_at": application.submitted_at,
                "receipt_hash": application.receipt_hash,
                "eligibility": application.eligibility,
                "concepts": {str(k): str(v) for k, v in (application.concepts or {}).items()},
                "legal_form": application.legal_form,
                "group_size": application.group_size,
                "self_use_share": application.self_use_share,
                "equity": application.equity,
                "loans": application.loans,
                "subsidies": application.subsidies,
                "planned_rent": application.planned_rent,
                "bid": application.bid
                if _may_see_bid(request.user, procedure, application)
                else None,
                "attachments": list(application.attachments.all()),
            }
        )
    return rows


@router.get(
    "/procedures/{id}/scores",
    auth=optional_auth,
    response={200: JuryScoresOut, **PRIVATE_ERRORS},
    summary="Jury scores with reasons (jurors: blind until submitted; managers: once closed)",
)
def score_list(request: HttpRequest, id: int) -> Any:
    procedure = _procedure(request, id)
    user = request.user
    scores = JuryScore.objects.filter(juror__procedure=procedure).select_related(
        "juror__user", "criterion"
    )
    conflicts = ConflictDeclaration.objects.filter(
        juror__procedure=procedure, has_conflict=True
    ).select_related("juror__user")
    manager = user.is_superuser or user.has_perm("procedures.manage_procedure", procedure)
    if manager and procedure.state in EVALUATION_CLOSED_STATES:
        visible_scores = list(scores)
        visible_conflicts = list(conflicts)
    else:
        juror = juror_get(procedure=procedure, user=user)
        if juror is None:
            raise PermissionDenied(
                "Scores are shown to the jurors and, once the evaluation is closed, to the "
                "managers of the procedure."
            )
        # Blindness (see selectors_jury.may_see_other_scores), for all scores in one pass.
        conflicted = {c.application_id for c in conflicts if c.juror_id == juror.pk}
        sees_others = juror.scores_submitted_at is not None
        visible_scores = [
            score
            for score in scores
            if score.juror_id == juror.pk
            or (
                sees_others
                and score.juror.scores_submitted_at is not None
                and score.application_id not in conflicted
            )
        ]
        visible_conflicts = [c for c in conflicts if c.juror_id == juror.pk]
    return {
        "scores": [
            {
                "application": score.application_id,
                "juror": score.juror.user.name or score.juror.user.email,
                "voting": score.juror.role == "voting",
                "criterion": score.criterion.key,
                "points": score.points,
                "reason": score.reason,
            }
            for score in visible_scores
        ],
        "conflicts": [
            {
                "application": conflict.application_id,
                "juror": conflict.juror.user.name or conflict.juror.user.email,
                "reason": conflict.reason,
            }
            for conflict in visible_conflicts
        ],
    }
