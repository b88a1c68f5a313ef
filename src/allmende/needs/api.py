"""API endpoints for space needs (Raumgesuche), with the same visibility as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from allmende.core.api import ERROR_RESPONSES, BodyIn, ErrorOut, optional_auth, token_auth
from allmende.core.choices import Condition, TransferModel, Use
from allmende.core.models import State
from allmende.needs import selectors, services
from allmende.needs.models import TimeModel, Visibility
from allmende.networks.api import Pagination
from allmende.networks.models import Network, Organisation

router = Router(tags=["Space needs"])

# GET endpoints: anonymous, or with a token (or session) to also see the needs shared with
# your networks and those of your initiatives. `{}` in OpenAPI says the token is optional.
OPTIONAL_TOKEN: dict[str, Any] = {
    "auth": [token_auth, lambda request: True],
    "openapi_extra": {"security": [{}]},
}
DECIMAL_FIELDS = {"max_rent": "{:.2f}", "max_price": "{:.0f}"}
# Text fields of the model that store null as "".
TEXT_FIELDS = {"description", "centre_name", "legal_form", "common_good_offer"}


class SpaceNeedOut(Schema):
    id: int
    title: str
    description: str
    organisation: str = Field(alias="organisation.slug", description="slug of the initiative")
    organisation_name: str = Field(alias="organisation.name")
    network: str | None = Field(None, description="slug of the network")
    uses: list[str]
    area_min: int
    area_max: int
    centre_name: str
    centre_lat: float | None
    centre_lon: float | None
    radius_km: int
    municipalities: list[str]
    states: list[str]
    max_rent: float | None
    max_price: float | None
    transfer_models: list[str]
    time_model: TimeModel
    available_from: date | None
    group_size: int | None
    legal_form: str
    self_use_share: int | None
    accessibility_required: bool
    renovation_willingness: int
    common_good_offer: str
    visibility: Visibility
    is_active: bool
    created_at: datetime

    @staticmethod
    def resolve_network(obj: Any) -> str | None:
        return obj.network.slug if obj.network_id else None


class SpaceNeedFilterIn(FilterSchema):
    use: Use | None = None
    state: State | None = None
    area: int | None = Field(None, ge=0, le=10_000_000, description="needs that fit this area")
    q: str = Field("", max_length=200)


class SpaceNeedPatchIn(BodyIn):
    """Each field optional; ``null`` clears a field that may be empty."""

    title: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    description: str | None = Field(None, max_length=20000)
    uses: list[Use] = Field(None, min_length=1, max_length=20)  # type: ignore[arg-type]
    area_min: int = Field(None, ge=0, le=10_000_000)  # type: ignore[assignment]
    area_max: int = Field(None, ge=0, le=10_000_000)  # type: ignore[assignment]
    centre_name: str | None = Field(None, max_length=120, description="a town we know")
    centre_lat: float | None = Field(None, ge=-90, le=90)
    centre_lon: float | None = Field(None, ge=-180, le=180)
    radius_km: int = Field(None, ge=1, le=800)  # type: ignore[assignment]
    municipalities: list[str] = Field(None, max_length=50)  # type: ignore[arg-type]
    states: list[State] = Field(None, max_length=16)  # type: ignore[arg-type]
    max_rent: float | None = Field(None, ge=0, le=99_999)
    max_price: float | None = Field(None, ge=0, le=999_999_999_000)
    transfer_models: list[TransferModel] = Field(None, min_length=1, max_length=4)  # type: ignore[arg-type]
    time_model: TimeModel = Field(None)  # type: ignore[assignment]
    available_from: date | None = None
    group_size: int | None = Field(None, ge=0, le=1_000_000)
    legal_form: str | None = Field(None, max_length=120)
    self_use_share: int | None = Field(None, ge=0, le=100)
    accessibility_required: bool = Field(None)  # type: ignore[assignment]
    renovation_willingness: Condition = Field(None)  # type: ignore[assignment]
    common_good_offer: str | None = Field(None, max_length=20000)
    visibility: Visibility = Field(None)  # type: ignore[assignment]
    network: str | None = Field(None, max_length=200, description="slug of the network")
    is_active: bool = Field(None)  # type: ignore[assignment]


class SpaceNeedCreateIn(SpaceNeedPatchIn):
    organisation: str = Field(max_length=200, description="slug of the initiative")
    title: str = Field(min_length=1, max_length=200)
    uses: list[Use] = Field(min_length=1, max_length=20)
    area_min: int = Field(ge=0, le=10_000_000)
    area_max: int = Field(ge=0, le=10_000_000)
    transfer_models: list[TransferModel] = Field(min_length=1, max_length=4)


def _service_data(payload: SpaceNeedPatchIn, *, exclude: set[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in payload.model_dump(exclude_unset=True, exclude=exclude).items():
        if value is None:
            data[name] = "" if name in TEXT_FIELDS else None
        elif name == "network":
            network = Network.objects.filter(slug=value).first()
            if network is None:
                raise ValidationError({"network": ["There is no network with this slug."]})
            data[name] = network
        elif name in DECIMAL_FIELDS:
            data[name] = Decimal(DECIMAL_FIELDS[name].format(value))
        elif name in ("uses", "states", "transfer_models"):
            data[name] = [str(v) for v in value]
        elif name == "renovation_willingness":
            data[name] = int(value)
        elif hasattr(value, "value"):
            data[name] = str(value)
        else:
            data[name] = value
    return data


@router.get(
    "/needs",
    response={200: list[SpaceNeedOut], 422: ErrorOut},
    summary="List space needs",
    description=(
        "Active public needs; with a token also those shared with your networks, those of "
        "your initiatives and those of the networks you coordinate. Newest first."
    ),
    **OPTIONAL_TOKEN,
)
@paginate(Pagination)
def space_need_list(request: HttpRequest, filters: Query[SpaceNeedFilterIn]) -> Any:
    return selectors.space_need_list(
        filters=selectors.SpaceNeedFilters(
            use=str(filters.use or ""),
            state=str(filters.state or ""),
            area=filters.area,
            q=filters.q.strip(),
        ),
        user=request.user,
    )


@router.get(
    "/needs/{id}",
    response={200: SpaceNeedOut, 404: ErrorOut, 422: ErrorOut},
    summary="One space need",
    **OPTIONAL_TOKEN,
)
def space_need_detail(request: HttpRequest, id: int) -> Any:
    return selectors.space_need_get(pk=id, user=request.user)


@router.post(
    "/needs",
    auth=optional_auth,
    response={201: SpaceNeedOut, **ERROR_RESPONSES},
    summary="Add a space need for an initiative (its editors)",
    description=(
        "Give a search centre (a town we know, or its coordinates), municipalities or "
        "states; `area_max` must not be smaller than `area_min`. Rules the schema cannot "
        "express are answered with 422 and the field errors."
    ),
)
def space_need_create(request: HttpRequest, payload: SpaceNeedCreateIn) -> Any:
    organisation = get_object_or_404(Organisation, slug=payload.organisation, is_active=True)
    need = services.space_need_create(
        organisation=organisation,
        actor=request.user,  # type: ignore[arg-type]
        data=_service_data(payload, exclude={"organisation"}),
    )
    return Status(201, need)


@router.patch(
    "/needs/{id}",
    auth=optional_auth,
    response={200: SpaceNeedOut, **ERROR_RESPONSES},
    summary="Change a space need (the initiative's editors, the network's coordinators)",
)
def space_need_patch(request: HttpRequest, id: int, payload: SpaceNeedPatchIn) -> Any:
    need = selectors.space_need_get(pk=id, user=request.user)
    return services.space_need_update(
        need=need,
        actor=request.user,  # type: ignore[arg-type]
        data=_service_data(payload, exclude=set()),
    )
