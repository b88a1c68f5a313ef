"""API of the events: the published events with filters, one event, and the upcoming events
on site as GeoJSON for maps. The meeting link of online events is never part of it."""

import datetime
import re
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import BaseModel, BeforeValidator

from allmende.core.api import ErrorOut
from allmende.core.geo import BBox, BBoxError
from allmende.events import selectors_events
from allmende.events.models import Event, EventAudience, EventKind
from allmende.networks.api import Pagination

router = Router(tags=["Events"])
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    # pydantic would also read "0" or "1700000000" as a date (Unix time): only YYYY-MM-DD.
    if value is None:
        return None
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[datetime.date | None, BeforeValidator(_iso_date_only)]


class EventQuery(Schema):
    network: str = Field("", max_length=80, description="slug of a network")
    kind: EventKind | None = Field(None, description="kind of event")
    date_from: IsoDate = Field(
        None, alias="from", description="events that end on or after this day (Berlin time)"
    )
    date_to: IsoDate = Field(
        None, alias="to", description="events that start on or before this day (Berlin time)"
    )
    past: bool = Field(
        False, description="false: events not yet ended, soonest first; true: ended, latest first"
    )


class EventOut(Schema):
    id: int
    slug: str
    title: str
    kind: EventKind
    network: str = Field(alias="network.slug", description="slug of the network")
    series: str | None = Field(None, description="slug of the series")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    is_online: bool
    venue: str
    city: str = Field(description="the town; empty for online events")
    lat: float | None
    lon: float | None
    audience: EventAudience
    capacity: int | None = Field(description="places; null means no limit")
    is_cancelled: bool
    url: str = Field(description="path of the event's page")
    ics_url: str = Field(description="path of the event's iCalendar file")

    @staticmethod
    def resolve_series(obj: Event) -> str | None:
        return obj.series.slug if obj.series else None

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_ics_url(obj: Event) -> str:
        return reverse("events:event_ics", kwargs={"slug": obj.slug})


class EventDetailOut(EventOut):
    description: str = Field(description="Markdown")
    street: str
    postcode: str
    state: str
    registration_enabled: bool
    registration_opens_at: datetime.datetime | None
    registration_closes_at: datetime.datetime | None
    waiting_list: bool
    confirmed_count: int = Field(description="confirmed registrations")
    free_places: int | None = Field(description="null means no limit")
    contact_name: str
    contact_email: str
    documentation_url: str | None = Field(description="path of the published documentation")

    @staticmethod
    def resolve_free_places(obj: Event) -> int | None:
        if obj.capacity is None:
            return None
        return max(obj.capacity - obj.confirmed_count, 0)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_documentation_url(obj: Event) -> str | None:
        documentation = getattr(obj, "documentation", None)
        if documentation is None or not documentation.is_published:
            return None
        return reverse("events:documentation_detail", kwargs={"slug": obj.slug})


@router.get(
    "/events",
    response={200: list[EventOut], 422: ErrorOut},
    summary="List events",
    description=(
        "Published events: by default those not yet ended, soonest first; with `past=true` "
        "those that have ended, latest first. Filters combine with AND; an unknown network "
        "gives an empty list. Invalid parameters give 422."
    ),
)
@paginate(Pagination)
def event_list(request: HttpRequest, params: Query[EventQuery]) -> Any:
    filters = selectors_events.EventFilters(
        network=params.network.strip(),
        kind=str(params.kind or ""),
        past=params.past,
        date_from=params.date_from,
        date_to=params.date_to,
    )
    return selectors_events.event_list(filters=filters, user=None)


class PointGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: list[float] = Field(
        min_length=2, max_length=2, description="[longitude, latitude]"
    )


class EventPointProperties(BaseModel):
    id: int
    name: str = Field(description="the event's title")
    url: str
    city: str
    starts_at: str = Field(description="ISO 8601")
    kind: str
    kind_label: str
    is_cancelled: bool


class EventFeature(BaseModel):
    type: Literal["Feature"]
    geometry: PointGeometry
    properties: EventPointProperties


class EventGeoJSONOut(BaseModel):
    type: Literal["FeatureCollection"]
    clustered: Literal[False] = Field(description="always false: every feature is one event")
    features: list[EventFeature]


class GeoQuery(Schema):
    bbox: str = Field("", max_length=200, description="west,south,east,north in degrees (WGS84)")
    network: str = Field("", max_length=80, description="slug of a network")


@router.get(
    "/events.geojson",
    response={200: EventGeoJSONOut, 400: ErrorOut, 422: ErrorOut},
    summary="Upcoming events on site as GeoJSON",
    description=(
        "Published events on site that have not ended, as a GeoJSON FeatureCollection of "
        "points, soonest first; optionally only inside `bbox` or of one network. A bounding "
        "box that cannot be read gives 400."
    ),
)
def event_geojson(request: HttpRequest, params: Query[GeoQuery]) -> Any:
    try:
        bbox = BBox.parse(params.bbox) if params.bbox else None
    except BBoxError as exc:
        raise HttpError(400, str(exc)) from exc
    return selectors_events.event_geojson(network=params.network.strip(), bbox=bbox)


@router.get(
    "/events/{event_id}",
    response={200: EventDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="One event",
    description="A published event with its description and free places; 404 otherwise.",
)
def event_detail(request: HttpRequest, event_id: int) -> Any:
    try:
        return selectors_events.event_get_public(pk=event_id)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
