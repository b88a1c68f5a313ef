"""API of the example places: the public places as GeoJSON for the map and other sites."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel

from allmende.core.api import ErrorOut
from allmende.core.geo import BBox, BBoxError
from allmende.core.models import State
from allmende.knowledge import selectors_places

router = Router(tags=["Example places"])


class PlaceQuery(Schema):
    bbox: str = Field("", max_length=200, description="west,south,east,north in degrees (WGS84)")
    network: str = Field("", max_length=80, description="slug of a network")
    state: State | None = Field(None, description="a German state")


class PlaceGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: list[float] = Field(
        min_length=2, max_length=2, description="[longitude, latitude]"
    )


class PlaceProperties(BaseModel):
    id: int
    name: str
    url: str = Field(description="path of the example place's page")
    city: str = Field(description="the town")
    state: str
    new_use: str
    kind_label: str = Field(description="the same as `new_use` (the popup's subtitle)")


class PlaceFeature(BaseModel):
    type: Literal["Feature"]
    geometry: PlaceGeometry
    properties: PlaceProperties


class PlaceGeoJSONOut(BaseModel):
    type: Literal["FeatureCollection"]
    clustered: Literal[False] = Field(description="always false: every feature is one place")
    features: list[PlaceFeature]


@router.get(
    "/places",
    response={200: PlaceGeoJSONOut, 400: ErrorOut, 422: ErrorOut},
    summary="Example places as GeoJSON",
    description=(
        "The published example places (Praxisbeispiele, Zukunftsorte) as a GeoJSON "
        "FeatureCollection of points, ordered by name; optionally only those inside `bbox`, "
        "of one network or of one state. An unknown network gives an empty collection; a "
        "bounding box that cannot be read gives 400."
    ),
)
def place_geojson(request: HttpRequest, params: Query[PlaceQuery]) -> Any:
    try:
        bbox = BBox.parse(params.bbox) if params.bbox else None
    except BBoxError as exc:
        raise HttpError(400, str(exc)) from exc
    return selectors_places.place_geojson(
        network=params.network.strip(),
        state=str(params.state or ""),
        bbox=bbox,
    )
