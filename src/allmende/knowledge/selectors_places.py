"""Reads of example places (Praxisbeispiele, Zukunftsorte) shared by the pages and the API.

Everyone sees published places whose publication date has come; drafts and places scheduled
for later are seen only by those with ``knowledge.change_content`` (admins and the
coordinators of the place's network), here in the list and on the detail page, never on the
public map or in the GeoJSON.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from allmende.core.geo import BBox
from allmende.knowledge.models import ExamplePlace, ExamplePlacePhoto, ImpactCriterion
from allmende.networks.models import Network


@dataclass(frozen=True, slots=True)
class PlaceFilters:
    """The list's filters; empty values mean "no filter"."""

    network: str = ""  # slug
    state: str = ""
    criterion: int | None = None
    text: str = ""


def _public() -> Q:
    return Q(is_published=True, published_at__lte=timezone.now())


def _visible(user: Any) -> Q:
    """Public places for everyone; all places of the networks a user coordinates; all for
    admins (the query form of ``knowledge.change_content``)."""
    if not user.is_authenticated:
        return _public()
    if user.is_superuser:
        return Q()
    return _public() | Q(network__coordinators__user=user)


def place_list(*, filters: PlaceFilters, user: Any) -> QuerySet[ExamplePlace]:
    """The example places the user may see that match the filters, ordered by name, with their
    network, carrier organisation and impact criteria loaded."""
    queryset = ExamplePlace.objects.filter(_visible(user))
    if filters.network:
        queryset = queryset.filter(network__slug=filters.network)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.criterion is not None:
        queryset = queryset.filter(impact_criteria__pk=filters.criterion)
    text = filters.text.strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(city__icontains=text)
            | Q(former_use__icontains=text)
            | Q(new_use__icontains=text)
            | Q(carrier_name__icontains=text)
            | Q(carrier_organisation__name__icontains=text)
        )
    return (
        queryset.distinct()
        .select_related("network", "carrier_organisation")
        .prefetch_related("impact_criteria")
        .order_by("name", "pk")
    )


def place_get(*, slug: str, user: Any) -> ExamplePlace:
    """One example place with photos, impact criteria, network and carrier; raises
    ``ExamplePlace.DoesNotExist`` when there is none or the user may not see it yet."""
    place = (
        ExamplePlace.objects.select_related("network", "carrier_organisation")
        .prefetch_related(
            "impact_criteria",
            Prefetch("photos", queryset=ExamplePlacePhoto.objects.order_by("position", "pk")),
        )
        .get(slug=slug)
    )
    if not place.is_public and not user.has_perm("knowledge.change_content", place):
        raise ExamplePlace.DoesNotExist
    return place


def place_geojson(
    *, network: str = "", state: str = "", bbox: BBox | None = None
) -> dict[str, Any]:
    """The public example places as a GeoJSON FeatureCollection (one query), optionally only
    those of one network (slug), of one state and inside a bounding box."""
    queryset: QuerySet[ExamplePlace] = ExamplePlace.objects.published()
    if network:
        queryset = queryset.filter(network__slug=network)
    if state:
        queryset = queryset.filter(state=state)
    if bbox is not None:
        queryset = bbox.filter(queryset)
    rows = queryset.order_by("name", "pk").values(
        "pk", "slug", "name", "city", "state", "new_use", "lat", "lon"
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {
                "id": row["pk"],
                "name": row["name"],
                "url": reverse("knowledge:place_detail", kwargs={"slug": row["slug"]}),
                "city": row["city"],
                "state": row["state"],
                "new_use": row["new_use"],
                # map.js shows ``kind_label`` under the name in the popup.
                "kind_label": row["new_use"],
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "clustered": False, "features": features}


def impact_criterion_list() -> QuerySet[ImpactCriterion]:
    """All impact criteria, by name (the vocabulary of filters and the editor)."""
    return ImpactCriterion.objects.order_by("name")


def networks_with_places() -> QuerySet[Network]:
    """The networks that have at least one public example place (choices of the filters)."""
    return (
        Network.objects.filter(example_places__in=ExamplePlace.objects.published())
        .distinct()
        .order_by("name")
    )


def networks_for_place_editing(*, user: Any) -> QuerySet[Network]:
    """The networks whose example places the user may create and edit: all for admins, the
    coordinated ones for coordinators, none for everyone else."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.order_by("name")
    return Network.objects.filter(coordinators__user=user).distinct().order_by("name")
