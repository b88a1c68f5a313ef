"""API endpoints for properties and their public map.

Location privacy follows the pages: every answer carries the public position
(``public_lat``/``public_lon``); ``lat``, ``lon``, ``street`` and ``postcode`` are filled only
for those with ``properties.view_exact_location`` on the property, otherwise ``null``. The map
shows the public positions only, whoever asks.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import BaseModel

from allmende.core.api import ERROR_RESPONSES, BodyIn, ErrorOut, optional_auth, token_auth
from allmende.core.choices import Condition, Use
from allmende.core.geo import MAX_POINTS, BBox, BBoxError
from allmende.core.models import State
from allmende.networks.api import Pagination
from allmende.networks.models import Membership, MembershipStatus, Organisation, OrganisationRole
from allmende.networks.rules import is_admin
from allmende.properties import selectors, services
from allmende.properties.models import (
    BuildingType,
    OwnerKind,
    Property,
    PropertyKind,
    PropertyStatus,
    VacancyDegree,
)

router = Router(tags=["Properties"])

# GET endpoints: anonymous, or with a token (or session) to also see the caller's drafts and
# exact locations. `{}` in OpenAPI says the token is optional.
OPTIONAL_TOKEN: dict[str, Any] = {
    "auth": [token_auth, lambda request: True],
    "openapi_extra": {"security": [{}]},
}

# Decimal model fields → (format for rounding the float input, as the model stores it).
DECIMAL_FIELDS = {
    "leasehold_rate_percent": "{:.2f}",
    "asking_price": "{:.0f}",
    "asking_rent": "{:.2f}",
}
# Fields that may be null in the database; other text fields store null as "".
NULLABLE_FIELDS = {
    "usable_area",
    "plot_area",
    "floors",
    "year_built",
    "vacant_since",
    "lat",
    "lon",
    "leasehold_term_years",
    "leasehold_rate_percent",
    "asking_price",
    "asking_rent",
}
EXACT_LOCATION_FIELDS = ("lat", "lon", "street", "postcode")


def exact_location_check(request: HttpRequest) -> Callable[[Property], bool]:
    """Whether the caller may see a property's exact location: the query form of
    ``properties.view_exact_location`` (rules.py: not sensitive, admin, a role in the owner
    organisation, coordinator of one of its networks), with one query per request instead of
    two per property. Cached on the request."""
    cached: Callable[[Property], bool] | None = getattr(request, "_exact_location_check", None)
    if cached is not None:
        return cached
    user = request.user
    if is_admin(user):
        allowed: set[int] | None = None
    elif not user.is_authenticated:
        allowed = set()
    else:
        own = (
            OrganisationRole.objects.filter(user=user)
            .order_by()
            .values_list("organisation_id", flat=True)
        )
        coordinated = (
            Membership.objects.filter(
                status=MembershipStatus.ACTIVE, network__coordinators__user=user
            )
            .order_by()
            .values_list("organisation_id", flat=True)
        )
        allowed = set(own.union(coordinated))

    def check(prop: Property) -> bool:
        if not prop.is_sensitive or allowed is None:
            return True
        return prop.owner_organisation_id in allowed

    request._exact_location_check = check  # type: ignore[attr-defined]
    return check


def _exact(obj: Property, context: Any, field: str) -> Any:
    request = (context or {}).get("request")
    if request is None or not exact_location_check(request)(obj):
        return None
    return getattr(obj, field)


class PropertyOut(Schema):
    id: int
    title: str
    kind: PropertyKind
    building_type: str
    description: str
    usable_area: int | None
    plot_area: int | None
    floors: int | None
    year_built: int | None
    epoch: str
    condition: int
    listed_building: bool
    accessible: bool
    vacant_since: date | None
    vacancy_degree: str
    city: str
    state: str
    public_lat: float | None = Field(description="the position everyone may see")
    public_lon: float | None
    is_sensitive: bool
    lat: float | None = Field(None, description="exact; null unless you may see it")
    lon: float | None = Field(None, description="exact; null unless you may see it")
    street: str | None = Field(None, description="null unless you may see the exact location")
    postcode: str | None = Field(None, description="null unless you may see the exact location")
    owner_kind: OwnerKind
    owner_organisation: str | None = Field(None, description="slug of the owner organisation")
    transfer_models: list[str]
    leasehold_term_years: int | None
    leasehold_rate_percent: float | None
    asking_price: float | None
    asking_rent: float | None
    suitable_uses: list[str]
    status: PropertyStatus
    pipeline_stage: int
    is_published: bool

    @staticmethod
    def resolve_lat(obj: Property, context: Any) -> Any:
        return _exact(obj, context, "lat")

    @staticmethod
    def resolve_lon(obj: Property, context: Any) -> Any:
        return _exact(obj, context, "lon")

    @staticmethod
    def resolve_street(obj: Property, context: Any) -> Any:
        return _exact(obj, context, "street")

    @staticmethod
    def resolve_postcode(obj: Property, context: Any) -> Any:
        return _exact(obj, context, "postcode")

    @staticmethod
    def resolve_owner_organisation(obj: Property) -> str | None:
        return obj.owner_organisation.slug if obj.owner_organisation else None


class PropertyFilterIn(FilterSchema):
    kind: PropertyKind | None = None
    status: PropertyStatus | None = None
    state: State | None = None
    city: str = Field("", max_length=120, description="part of the town's name")
    area_min: int | None = Field(None, ge=0, le=10_000_000, description="usable area from (m²)")
    area_max: int | None = Field(None, ge=0, le=10_000_000, description="usable area up to (m²)")
    transfer: Literal["sale", "leasehold", "rent", "interim"] | None = None
    use: Use | None = None


class _PropertyFieldsIn(BodyIn):
    """The editable fields; in a PATCH each is optional and ``null`` clears a field that may
    be empty (text fields become "")."""

    title: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    kind: PropertyKind = Field(None)  # type: ignore[assignment]
    building_type: BuildingType | None = None
    description: str | None = Field(None, max_length=20000)
    usable_area: int | None = Field(None, ge=0, le=10_000_000)
    plot_area: int | None = Field(None, ge=0, le=100_000_000)
    floors: int | None = Field(None, ge=0, le=200)
    year_built: int | None = Field(None, ge=800, le=2100)
    epoch: str | None = Field(None, max_length=80)
    condition: Condition = Field(None)  # type: ignore[assignment]
    listed_building: bool = Field(None)  # type: ignore[assignment]
    accessible: bool = Field(None)  # type: ignore[assignment]
    vacant_since: date | None = None
    vacancy_degree: VacancyDegree | None = None
    street: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, pattern=r"^(\d{5})?$")
    city: str = Field(None, min_length=1, max_length=120)  # type: ignore[assignment]
    state: State = Field(None)  # type: ignore[assignment]
    lat: float | None = Field(None, ge=-90, le=90, description="give lat and lon together")
    lon: float | None = Field(None, ge=-180, le=180)
    is_sensitive: bool = Field(None)  # type: ignore[assignment]
    privacy_radius_m: int = Field(None, ge=100, le=20_000)  # type: ignore[assignment]
    owner_kind: OwnerKind = Field(None)  # type: ignore[assignment]
    transfer_sale: bool = Field(None)  # type: ignore[assignment]
    transfer_leasehold: bool = Field(None)  # type: ignore[assignment]
    leasehold_term_years: int | None = Field(None, ge=0, le=199)
    leasehold_rate_percent: float | None = Field(None, ge=0, le=99)
    transfer_rent: bool = Field(None)  # type: ignore[assignment]
    transfer_interim: bool = Field(None)  # type: ignore[assignment]
    asking_price: float | None = Field(None, ge=0, le=999_999_999_000)
    asking_rent: float | None = Field(None, ge=0, le=99_999)
    suitable_uses: list[Use] = Field(None, max_length=20)  # type: ignore[arg-type]
    is_published: bool = Field(None)  # type: ignore[assignment]


class PropertyPatchIn(_PropertyFieldsIn):
    pass


class PropertyCreateIn(_PropertyFieldsIn):
    organisation: str = Field(description="slug of the owner organisation", max_length=200)
    title: str = Field(min_length=1, max_length=200)
    kind: PropertyKind
    city: str = Field(min_length=1, max_length=120)
    state: State
    owner_kind: OwnerKind


class MapQuery(Schema):
    bbox: str = Field("", description="west,south,east,north in degrees (WGS84)")
    zoom: int = Field(
        6, ge=0, le=20, description="the map's zoom level: sets the size of the cluster cells"
    )
    kind: PropertyKind | None = None
    status: PropertyStatus | None = None
    state: State | None = None
    city: str = Field("", max_length=120, description="part of the town's name")
    town: str = Field(
        "", max_length=120, description="the same as `city` (the name in the list's filter form)"
    )
    area_min: int | None = Field(None, ge=0, le=10_000_000)
    area_max: int | None = Field(None, ge=0, le=10_000_000)
    transfer: Literal["sale", "leasehold", "rent", "interim"] | None = None
    use: Use | None = None


def _filters(params: PropertyFilterIn | MapQuery) -> selectors.PropertyFilters:
    return selectors.PropertyFilters(
        kind=str(params.kind or ""),
        status=str(params.status or ""),
        state=str(params.state or ""),
        town=((params.town if isinstance(params, MapQuery) else "") or params.city).strip(),
        area_min=params.area_min,
        area_max=params.area_max,
        transfer=params.transfer or "",
        use=str(params.use or ""),
    )


# The map's answer is a plain dict (cached): plain pydantic models validate it many times
# faster than ninja's Schema, which reads every field through Django-aware getters.
class PointGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: list[float] = Field(
        min_length=2, max_length=2, description="[longitude, latitude] of the public position"
    )


class PropertyPointProperties(BaseModel):
    cluster: Literal[False] = False
    id: int
    title: str
    name: str = Field(description="the same as `title`")
    kind: PropertyKind
    kind_label: str
    status: PropertyStatus
    status_label: str
    city: str
    approximate: bool = Field(description="sensitive: the point is within the privacy radius")
    url: str = Field(description="path of the property's page")


class PropertyClusterProperties(BaseModel):
    cluster: Literal[True]
    count: int = Field(ge=1, description="number of properties in the cell")


class PropertyFeature(BaseModel):
    type: Literal["Feature"]
    geometry: PointGeometry
    properties: PropertyPointProperties | PropertyClusterProperties


class PropertyGeoJSONOut(BaseModel):
    type: Literal["FeatureCollection"]
    clustered: bool = Field(
        description="true: every feature is a cluster (`count`, mean public position)"
    )
    truncated: bool = Field(
        False, description="deprecated, always false: too many points now give clusters"
    )
    features: list[PropertyFeature]


def _service_data(payload: _PropertyFieldsIn, *, exclude: set[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in payload.model_dump(exclude_unset=True, exclude=exclude).items():
        if value is None:
            # Only fields that may be empty accept null: text fields store it as "".
            data[name] = None if name in NULLABLE_FIELDS else ""
            continue
        if name in DECIMAL_FIELDS:
            value = Decimal(DECIMAL_FIELDS[name].format(value))
        elif name == "suitable_uses":
            value = [str(use) for use in value]
        elif name == "condition":
            value = int(value)
        elif hasattr(value, "value"):
            value = str(value)
        data[name] = value
    return data


@router.get(
    "/properties",
    response={200: list[PropertyOut], 422: ErrorOut},
    summary="List properties",
    description=(
        "Published properties; with a token also the unpublished ones of your organisations "
        "and of the networks you coordinate. `lat`, `lon`, `street` and `postcode` are null "
        "unless you may see the exact location."
    ),
    **OPTIONAL_TOKEN,
)
@paginate(Pagination)
def property_list(request: HttpRequest, filters: Query[PropertyFilterIn]) -> Any:
    return selectors.property_list(filters=_filters(filters), user=request.user)


@router.get(
    "/properties.geojson",
    response={200: PropertyGeoJSONOut, 400: ErrorOut, 422: ErrorOut},
    summary="Properties as GeoJSON for the map",
    description=(
        "The properties you may see, at their public positions (shifted for sensitive "
        "properties, for everyone; exact positions are never part of this answer), in the "
        "bounding box widened to whole cluster cells. At most "
        f"{MAX_POINTS} properties come as points ordered by title (`clustered: false`); more "
        "come as one cluster per grid cell of the zoom level (`clustered: true`, "
        "`properties.count`). Same filters as the list."
    ),
    **OPTIONAL_TOKEN,
)
def property_geojson(request: HttpRequest, params: Query[MapQuery]) -> Any:
    try:
        bbox = BBox.parse(params.bbox) if params.bbox else None
    except BBoxError as exc:
        raise HttpError(400, str(exc)) from exc
    return selectors.property_map(
        filters=_filters(params), bbox=bbox, zoom=params.zoom, user=request.user
    )


@router.get(
    "/properties/{id}",
    response={200: PropertyOut, 404: ErrorOut, 422: ErrorOut},
    summary="One property",
    **OPTIONAL_TOKEN,
)
def property_detail(request: HttpRequest, id: int) -> Any:
    try:
        return selectors.property_get(pk=id, user=request.user)
    except Property.DoesNotExist as exc:
        raise Http404 from exc


@router.post(
    "/properties",
    auth=optional_auth,
    response={201: PropertyOut, **ERROR_RESPONSES},
    summary="Register a property (editors of the owner organisation, its coordinators)",
)
def property_create(request: HttpRequest, payload: PropertyCreateIn) -> Any:
    organisation = get_object_or_404(Organisation, slug=payload.organisation, is_active=True)
    prop = services.property_create(
        organisation=organisation,
        actor=request.user,  # type: ignore[arg-type]
        data=_service_data(payload, exclude={"organisation"}),
    )
    return Status(201, selectors.property_get(pk=prop.pk, user=request.user))


@router.patch(
    "/properties/{id}",
    auth=optional_auth,
    response={200: PropertyOut, **ERROR_RESPONSES},
    summary="Change a property (editors of the owner organisation, its coordinators)",
)
def property_patch(request: HttpRequest, id: int, payload: PropertyPatchIn) -> Any:
    try:
        prop = selectors.property_get(pk=id, user=request.user)
    except Property.DoesNotExist as exc:
        raise Http404 from exc
    services.property_update(
        property=prop,
        actor=request.user,  # type: ignore[arg-type]
        data=_service_data(payload, exclude=set()),
    )
    return selectors.property_get(pk=id, user=request.user)
