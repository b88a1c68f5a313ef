"""API: the stored recommendations of a need and of a property.

Each recommendation is listed only when the caller may see both its property and its need
(the same rules as the pages); the property's position is never part of this answer.
"""

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from allmende.core.api import ErrorOut, token_auth
from allmende.matching import selectors
from allmende.matching.engine import COMPONENT_LABELS, COMPONENT_NAMES
from allmende.matching.models import Recommendation
from allmende.needs.selectors import space_need_get
from allmende.properties.models import Property
from allmende.properties.selectors import property_get


def _property_get(*, pk: int, user: Any) -> Property:
    """The property if the user may see it; 404 otherwise."""
    try:
        return property_get(pk=pk, user=user)
    except Property.DoesNotExist as exc:
        raise Http404 from exc


router = Router(tags=["Matching"])

OPTIONAL_TOKEN: dict[str, Any] = {
    "auth": [token_auth, lambda request: True],
    "openapi_extra": {"security": [{}]},
}


class ComponentOut(Schema):
    name: str = Field(description="distance, area, use, cost, condition or common_good")
    label: str = Field(description="German label")
    value: float = Field(ge=0, le=1, description="How well the pair fits on this criterion")
    reason: str = Field(description="German one-line reason")


class RecommendedItemOut(Schema):
    id: int
    title: str
    url: str


class RecommendationOut(Schema):
    rank: int = Field(ge=1)
    score: float = Field(ge=0, le=1)
    distance_km: float = Field(ge=0)
    property: RecommendedItemOut
    need: RecommendedItemOut
    components: list[ComponentOut]
    interest: str | None = Field(
        description="State of an expressed interest (pending, accepted, declined, withdrawn)"
    )
    computed_at: datetime


def _out(recommendation: Recommendation, rank: int | None, by: str) -> dict[str, Any]:
    interest = selectors.interest_for(recommendation, by=by)
    prop, need = recommendation.property, recommendation.need
    return {
        "rank": rank or 1,
        "score": recommendation.score,
        "distance_km": round(recommendation.distance_km, 1),
        "property": {"id": prop.pk, "title": prop.title, "url": f"/objekte/{prop.pk}/"},
        "need": {"id": need.pk, "title": need.title, "url": f"/raumgesuche/{need.pk}/"},
        "components": [
            {
                "name": name,
                "label": COMPONENT_LABELS[name],
                "value": min(max(float(recommendation.components.get(name, 0.0)), 0.0), 1.0),
                "reason": recommendation.reasons.get(name, ""),
            }
            for name in COMPONENT_NAMES
        ],
        "interest": interest.state if interest else None,
        "computed_at": recommendation.computed_at,
    }


@router.get(
    "/needs/{id}/recommendations",
    response={200: list[RecommendationOut], 404: ErrorOut, 422: ErrorOut},
    summary="Matching properties of a space need",
    description=(
        "The need's best properties (at most 10), best first, each with its score, the six "
        "components with German reasons and the state of an expressed interest. Only "
        "properties you may see are listed."
    ),
    **OPTIONAL_TOKEN,
)
def need_recommendations(request: HttpRequest, id: int) -> Any:
    need = space_need_get(pk=id, user=request.user)
    return [
        _out(r, r.rank_for_need, "need")
        for r in selectors.need_recommendations(need=need, user=request.user).select_related("need")
    ]


@router.get(
    "/properties/{id}/recommendations",
    response={200: list[RecommendationOut], 404: ErrorOut, 422: ErrorOut},
    summary="Matching space needs of a property",
    description=(
        "The property's best space needs (at most 10), best first, with score, components, "
        "German reasons and interest state. Only needs you may see are listed."
    ),
    **OPTIONAL_TOKEN,
)
def property_recommendations(request: HttpRequest, id: int) -> Any:
    prop = _property_get(pk=id, user=request.user)
    return [
        _out(r, r.rank_for_property, "property")
        for r in selectors.property_recommendations(
            property=prop, user=request.user
        ).select_related("property")
    ]
