"""API endpoints for networks, organisations, the organisations map and applications."""

from datetime import date
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django_ratelimit.core import is_ratelimited
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from allmende.core.api import ERROR_RESPONSES, BodyIn, ErrorOut, optional_auth, token_auth
from allmende.core.geo import BBox, BBoxError
from allmende.core.models import State
from allmende.networks import selectors, services
from allmende.networks.models import (
    MembershipKind,
    Network,
    Organisation,
    OrganisationKind,
)

router = Router(tags=["Networks"])


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100000)
        page_size: int = Field(50, ge=1, le=200)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        self.page_size = pagination.page_size
        return super().paginate_queryset(queryset, pagination, request, **params)


class NetworkOut(Schema):
    id: int
    slug: str
    name: str
    short_name: str
    description: str
    founded_on: date | None
    legal_form: str
    website: str
    contact_email: str
    coordination_office: str | None = Field(None, alias="coordination_office.slug")
    member_count: int
    url: str = Field(alias="get_absolute_url")


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    kind: OrganisationKind
    city: str
    state: str
    lat: float | None
    lon: float | None
    website: str
    url: str = Field(alias="get_absolute_url")


class MembershipOut(Schema):
    network: str = Field(alias="network.slug")
    kind: MembershipKind
    since: date


class OrganisationDetailOut(OrganisationOut):
    street: str
    postcode: str
    email: str
    phone: str
    description: str
    population: int | None
    ags: str
    vacancy_projects: str
    contact_role: str
    memberships: list[MembershipOut] = Field(alias="active_memberships")


class OrganisationFilterIn(FilterSchema):
    network: str = ""
    kind: list[OrganisationKind] = Field(default_factory=list)
    state: list[State] = Field(default_factory=list)
    q: str = Field("", max_length=200)


class OrganisationPatchIn(BodyIn):
    name: str | None = Field(None, min_length=2, max_length=200)
    street: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, pattern=r"^(\d{5})?$")
    city: str | None = Field(None, max_length=120)
    state: State | None = None
    website: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    description: str | None = Field(None, max_length=20000)


class MapQuery(Schema):
    bbox: str = Field("", description="west,south,east,north in degrees (WGS84)")
    zoom: int = Field(6, ge=0, le=20)
    network: str = ""
    kind: list[OrganisationKind] = Field(default_factory=list)
    state: list[State] = Field(default_factory=list)
    q: str = Field("", max_length=200)


class GeoJSONOut(Schema):
    type: Literal["FeatureCollection"]
    clustered: bool
    features: list[dict[str, Any]]


class ApplicationIn(BodyIn):
    network: str = Field(description="slug of the network")
    org_name: str = Field(min_length=2, max_length=200)
    org_kind: OrganisationKind
    org_street: str = Field("", max_length=200)
    org_postcode: str = Field("", pattern=r"^(\d{5})?$")
    org_city: str = Field(min_length=1, max_length=120)
    org_state: State
    org_website: str = Field("", max_length=200)
    contact_name: str = Field(min_length=2, max_length=150)
    contact_email: str = Field(max_length=254)
    membership_kind: MembershipKind = MembershipKind.MEMBER
    stance: str = Field(min_length=1, max_length=5000)
    motivation: str = Field(min_length=1, max_length=5000)
    expectations: str = Field(min_length=1, max_length=5000)
    vacancy_projects: str = Field("", max_length=5000)
    privacy_consent: bool = Field(description="must be true: the privacy notice was accepted")


class ApplicationOut(Schema):
    id: int
    network: str = Field(alias="network.slug")
    org_name: str
    status: str
    created_at: Any


def _filters(params: OrganisationFilterIn | MapQuery) -> selectors.OrganisationFilters:
    return selectors.OrganisationFilters(
        network=params.network,
        kinds=tuple(str(k) for k in params.kind),
        states=tuple(str(s) for s in params.state),
        q=params.q.strip(),
    )


class NetworkFilterIn(Schema):
    q: str = Field("", max_length=200, description="words in the name or the description")
    member: str = Field("", max_length=80, description="slug of an organisation that is a member")


@router.get("/networks", response={200: list[NetworkOut], 422: ErrorOut}, summary="List networks")
@paginate(Pagination)
def network_list(request: HttpRequest, filters: Query[NetworkFilterIn]) -> Any:
    return selectors.network_list(q=filters.q.strip(), member=filters.member.strip()).order_by(
        "name"
    )


@router.get("/networks/{slug}", response={200: NetworkOut, 404: ErrorOut}, summary="One network")
def network_detail(request: HttpRequest, slug: str) -> Any:
    return get_object_or_404(selectors.network_list(), slug=slug)


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], 422: ErrorOut},
    summary="List organisations",
)
@paginate(Pagination)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilterIn]) -> Any:
    return selectors.organisation_list(filters=_filters(filters))


@router.get(
    "/organisations.geojson",
    response={200: GeoJSONOut, 400: ErrorOut, 422: ErrorOut},
    summary="Organisations as GeoJSON for the map",
    description=(
        "Points in the bounding box; when there are more than 400, clusters per grid cell "
        "(properties.cluster = true, properties.count)."
    ),
)
def organisation_geojson(request: HttpRequest, params: Query[MapQuery]) -> Any:
    try:
        bbox = BBox.parse(params.bbox) if params.bbox else None
    except BBoxError as exc:
        raise HttpError(400, str(exc)) from exc
    return selectors.organisation_map_features(
        filters=_filters(params), bbox=bbox, zoom=params.zoom
    )


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationDetailOut, 404: ErrorOut},
    summary="One organisation",
)
def organisation_detail(request: HttpRequest, slug: str) -> Any:
    try:
        return selectors.organisation_get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc


@router.patch(
    "/organisations/{slug}",
    auth=optional_auth,
    response={200: OrganisationDetailOut, **ERROR_RESPONSES},
    summary="Change an organisation's profile (its editors and coordinators)",
)
def organisation_patch(request: HttpRequest, slug: str, payload: OrganisationPatchIn) -> Any:
    organisation = get_object_or_404(Organisation, slug=slug, is_active=True)
    data = payload.model_dump(exclude_unset=True)
    data = {k: ("" if v is None else v) for k, v in data.items()}
    services.organisation_update(organisation=organisation, actor=request.user, data=data)  # type: ignore[arg-type]
    return selectors.organisation_get(slug=slug)


@router.post(
    "/membership-applications",
    auth=[token_auth, lambda request: True],
    response={201: ApplicationOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Apply for membership in a network",
    # The token is optional (anonymous applications are welcome); `{}` says so in OpenAPI.
    openapi_extra={"security": [{}]},
)
def application_create(request: HttpRequest, payload: ApplicationIn) -> Any:
    if is_ratelimited(
        request,
        group="membership-application",
        key="ip",
        rate="10/h",
        method="POST",
        increment=True,
    ):
        return Status(
            429,
            {"detail": "Too many applications from this address. Please try later.", "errors": []},
        )
    if not payload.privacy_consent:
        raise HttpError(422, "The privacy notice must be accepted (privacy_consent: true).")
    network = get_object_or_404(Network, slug=payload.network)
    data = payload.model_dump(exclude={"network", "privacy_consent"})
    user = request.user if request.user.is_authenticated else None
    application = services.application_submit(network=network, data=data, applicant=user)  # type: ignore[arg-type]
    return Status(201, application)
