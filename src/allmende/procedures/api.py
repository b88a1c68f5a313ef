"""API of allocation procedures: public list and detail.

Read-only: the scheme of a procedure (criteria, weights, scales, aggregation, tie-break) has no
write endpoint, so that a published scheme cannot be changed through the API either; a write
method on these paths is answered 405. The results after the decision live in their own
module.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from allmende.core.api import ErrorOut, token_auth
from allmende.networks.api import Pagination
from allmende.procedures import selectors
from allmende.procedures.models import (
    Aggregation,
    Averaging,
    PriceModel,
    ProcedureKind,
    ProcedureState,
    TransferTerms,
)

router = Router(tags=["Procedures"])

# GET endpoints: anonymous, or with a token to also see the drafts you manage.
OPTIONAL_TOKEN: dict[str, Any] = {
    "auth": [token_auth, lambda request: True],
    "openapi_extra": {"security": [{}]},
}


class PropertyRefOut(Schema):
    id: int
    title: str
    city: str


class OrganisationRefOut(Schema):
    slug: str
    name: str


class ProcedureListOut(Schema):
    id: int
    title: str
    kind: ProcedureKind
    state: ProcedureState
    property: PropertyRefOut
    organisation: OrganisationRefOut
    submission_deadline: datetime.datetime | None
    url: str = Field(alias="get_absolute_url", description="path of the procedure's page")


class AwardCriterionOut(Schema):
    key: str
    name: str
    description: str
    weight: float = Field(description="percent of the total, the price weight included")
    max_points: float
    min_points: float | None = Field(description="fewer points exclude an application")
    guidance: dict[str, str] = Field(description="score level → what it means")


class EligibilityCriterionOut(Schema):
    text: str
    description: str


class DocumentOut(Schema):
    title: str
    size_bytes: int
    url: str


class TermsOut(Schema):
    transfer: TransferTerms
    leasehold_term_years: int | None
    ground_rent_percent: float | None
    rent_per_m2: float | None
    fixed_price: float | None
    minimum_bid: float | None
    note: str


class DatesOut(Schema):
    publication: datetime.date | None
    question_deadline: datetime.datetime | None
    submission_deadline: datetime.datetime | None
    presentation: datetime.date | None
    jury_session: datetime.date | None
    decision: datetime.date | None
    option_until: datetime.date | None
    status_check: datetime.date | None


class SchemeOut(Schema):
    price_model: PriceModel
    price_weight: float
    aggregation: Aggregation
    averaging: Averaging
    tie_break_criterion: str
    disagreement_threshold: float
    classes: list[list[Any]] = Field(description="[label, minimum total] for class banding")
    threshold_points: float | None
    scheme_hash: str = Field(description="SHA-256 of the scheme as published (empty: draft)")


class ProcedureOut(ProcedureListOut):
    summary: str
    published_at: datetime.datetime | None
    cancel_reason: str
    terms: TermsOut
    scheme: SchemeOut
    dates: DatesOut
    criteria: list[AwardCriterionOut]
    eligibility_criteria: list[EligibilityCriterionOut]
    documents: list[DocumentOut]


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _detail(procedure: Any) -> dict[str, Any]:
    return {
        "id": procedure.pk,
        "title": procedure.title,
        "kind": procedure.kind,
        "state": procedure.state,
        "property": procedure.property,
        "organisation": procedure.organisation,
        "submission_deadline": procedure.submission_deadline,
        "get_absolute_url": procedure.get_absolute_url(),
        "summary": procedure.summary,
        "published_at": procedure.published_at,
        "cancel_reason": procedure.cancel_reason,
        "terms": {
            "transfer": procedure.transfer,
            "leasehold_term_years": procedure.leasehold_term_years,
            "ground_rent_percent": _optional_float(procedure.ground_rent_percent),
            "rent_per_m2": _optional_float(procedure.rent_per_m2),
            "fixed_price": _optional_float(procedure.fixed_price),
            "minimum_bid": _optional_float(procedure.minimum_bid),
            "note": procedure.terms_note,
        },
        "scheme": {
            "price_model": procedure.price_model,
            "price_weight": float(procedure.price_weight),
            "aggregation": procedure.aggregation,
            "averaging": procedure.averaging,
            "tie_break_criterion": procedure.tie_break_criterion,
            "disagreement_threshold": procedure.disagreement_threshold,
            "classes": procedure.classes or [],
            "threshold_points": _optional_float(procedure.threshold_points),
            "scheme_hash": procedure.scheme_hash,
        },
        "dates": {
            "publication": procedure.publication_date,
            "question_deadline": procedure.question_deadline,
            "submission_deadline": procedure.submission_deadline,
            "presentation": procedure.presentation_date,
            "jury_session": procedure.jury_session_date,
            "decision": procedure.decision_date,
            "option_until": procedure.option_until,
            "status_check": procedure.status_check_date,
        },
        "criteria": [
            {
                "key": c.key,
                "name": c.name,
                "description": c.description,
                "weight": float(c.weight),
                "max_points": float(c.max_points),
                "min_points": _optional_float(c.min_points),
                "guidance": {str(k): str(v) for k, v in (c.guidance or {}).items()},
            }
            for c in procedure.criteria.all()
        ],
        "eligibility_criteria": [
            {"text": e.text, "description": e.description}
            for e in procedure.eligibility_criteria.all()
        ],
        "documents": [
            {
                "title": d.title,
                "size_bytes": d.size_bytes,
                "url": reverse(
                    "procedures:procedure_document", kwargs={"pk": procedure.pk, "doc_pk": d.pk}
                ),
            }
            for d in procedure.documents.all()
        ],
    }


class ProcedureFilterIn(Schema):
    state: ProcedureState | None = None
    kind: ProcedureKind | None = None


@router.get(
    "/procedures",
    response={200: list[ProcedureListOut], 422: ErrorOut},
    summary="List allocation procedures",
    description="Published procedures (every state after the draft), newest first.",
    **OPTIONAL_TOKEN,
)
@paginate(Pagination)
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilterIn]) -> Any:
    queryset = selectors.procedure_list(
        filters=selectors.ProcedureFilters(
            state=str(filters.state or ""), kind=str(filters.kind or "")
        ),
        user=request.user,
    )
    return queryset.exclude(state=ProcedureState.DRAFT)


@router.get(
    "/procedures/{id}",
    response={200: ProcedureOut, 404: ErrorOut, 422: ErrorOut},
    summary="One allocation procedure with its terms, criteria, dates and documents",
    description=(
        "404 for a draft unless you manage it (send your token). Read-only: the scheme cannot "
        "be changed through the API."
    ),
    **OPTIONAL_TOKEN,
)
def procedure_detail(request: HttpRequest, id: int) -> Any:
    return _detail(selectors.procedure_get(pk=id, user=request.user))
