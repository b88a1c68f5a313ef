"""Reads of properties shared by the pages and the API; permission filtering happens here."""

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from allmende.core.geo import MAX_POINTS, BBox, cell_size, cluster_points
from allmende.networks.models import (
    Membership,
    MembershipStatus,
    Network,
    Organisation,
    OrganisationRole,
    OrganisationRoleKind,
)
from allmende.properties.models import (
    Moderation,
    PipelineMove,
    Property,
    PropertyKind,
    PropertyStatus,
    PropertyStatusChange,
)

# Filter value → boolean field of the transfer option.
TRANSFER_FIELDS = {
    "sale": "transfer_sale",
    "leasehold": "transfer_leasehold",
    "rent": "transfer_rent",
    "interim": "transfer_interim",
}


@dataclass(frozen=True, slots=True)
class PropertyFilters:
    """The list's filters; empty values mean "no filter"."""

    kind: str = ""
    status: str = ""
    state: str = ""
    town: str = ""
    area_min: int | None = None
    area_max: int | None = None
    transfer: str = ""
    use: str = ""


def _own_organisation_ids(user: Any) -> QuerySet[OrganisationRole, Any]:
    return OrganisationRole.objects.filter(user=user).values("organisation_id")


def _coordinated_organisation_ids(user: Any) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(
        status=MembershipStatus.ACTIVE, network__coordinators__user=user
    ).values("organisation_id")


def _visible(user: Any) -> Q:
    """Published, approved properties for everyone; unpublished ones to the owner
    organisation's people, its networks' coordinators and admins. Reports waiting for
    moderation (or rejected) are never listed here."""
    public = Q(is_published=True, moderation=Moderation.APPROVED)
    if not user.is_authenticated:
        return public
    if user.is_superuser:
        return Q(moderation=Moderation.APPROVED)
    return public | Q(
        Q(owner_organisation_id__in=_own_organisation_ids(user))
        | Q(owner_organisation_id__in=_coordinated_organisation_ids(user)),
        moderation=Moderation.APPROVED,
    )


def property_list(*, filters: PropertyFilters, user: Any) -> QuerySet[Property]:
    """The properties the user may see that match the filters, ordered by title."""
    queryset = Property.objects.filter(_visible(user)).select_related("owner_organisation")
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.town:
        queryset = queryset.filter(city__icontains=filters.town)
    if filters.area_min is not None:
        queryset = queryset.filter(usable_area__gte=filters.area_min)
    if filters.area_max is not None:
        queryset = queryset.filter(usable_area__lte=filters.area_max)
    if filters.transfer in TRANSFER_FIELDS:
        queryset = queryset.filter(**{TRANSFER_FIELDS[filters.transfer]: True})
    if filters.use:
        # The JSON list is stored as text on SQLite and as jsonb on PostgreSQL; a quoted
        # substring match works on both and cannot match a longer use name.
        queryset = queryset.filter(suitable_uses__icontains=f'"{filters.use}"')
    return queryset.order_by("title", "pk")


def property_get(*, pk: int, user: Any) -> Property:
    """One property the user may see, with its status timeline; raises
    ``Property.DoesNotExist`` otherwise."""
    timeline = PropertyStatusChange.objects.select_related("actor").order_by(
        "valid_from", "created_at", "pk"
    )
    return (
        property_list(filters=PropertyFilters(), user=user)
        .prefetch_related(Prefetch("status_changes", queryset=timeline))
        .get(pk=pk)
    )


def organisations_for_new_property(*, user: Any) -> QuerySet[Organisation]:
    """The organisations for which the user may register a property: those they edit, the
    members of networks they coordinate, all for admins."""
    queryset = Organisation.objects.filter(is_active=True)
    if not user.is_authenticated:
        return queryset.none()
    if not user.is_superuser:
        edited = OrganisationRole.objects.filter(
            user=user, role=OrganisationRoleKind.EDITOR
        ).values("organisation_id")
        queryset = queryset.filter(Q(pk__in=edited) | Q(pk__in=_coordinated_organisation_ids(user)))
    return queryset.order_by("name", "pk")


def pipeline_properties(
    *, organisation: Organisation | None = None, network: Network | None = None
) -> QuerySet[Property]:
    """The approved properties on a pipeline board: those of one owner organisation or of the
    active member organisations of one network. The caller checks who may see the board."""
    queryset = Property.objects.filter(moderation=Moderation.APPROVED).select_related(
        "owner_organisation"
    )
    if organisation is not None:
        queryset = queryset.filter(owner_organisation=organisation)
    elif network is not None:
        members = Membership.objects.filter(network=network, status=MembershipStatus.ACTIVE).values(
            "organisation_id"
        )
        queryset = queryset.filter(owner_organisation_id__in=members)
    else:
        queryset = queryset.none()
    return queryset.order_by("title", "pk")


def report_list(*, user: Any) -> QuerySet[Property]:
    """Reports by visitors waiting for moderation that the user may decide: admins all,
    coordinators those in a state where a member organisation of their networks is based."""
    queryset = Property.objects.filter(moderation=Moderation.PENDING)
    if not user.is_authenticated:
        return queryset.none()
    if not user.is_superuser:
        states = Organisation.objects.filter(
            memberships__status=MembershipStatus.ACTIVE,
            memberships__network__coordinators__user=user,
        ).values("state")
        queryset = queryset.filter(state__in=states)
    return queryset.order_by("created_at", "pk")


# --- the map --------------------------------------------------------------------------------

PROPERTY_MAP_VERSION_KEY = "properties:property-map-version"
PROPERTY_MAP_CACHE_SECONDS = 600


def property_map_invalidate() -> None:
    """Make every cached map answer stale; called whenever a property or its status changes."""
    try:
        cache.incr(PROPERTY_MAP_VERSION_KEY)
    except ValueError:
        cache.set(PROPERTY_MAP_VERSION_KEY, 1, None)


def _map_audience(user: Any) -> str:
    """A name for the set of properties the user may see (``_visible``): the same name means
    the same properties, so users with one audience may share cached map answers.

    ``_visible`` depends only on whether the user is logged in or an admin and on the
    organisations they belong to or coordinate; if it ever depends on more, so must this."""
    if not user.is_authenticated:
        return "public"
    if user.is_superuser:
        return "approved"
    own = OrganisationRole.objects.filter(user=user).order_by().values_list("organisation_id")
    coordinated = (
        Membership.objects.filter(status=MembershipStatus.ACTIVE, network__coordinators__user=user)
        .order_by()
        .values_list("organisation_id")
    )
    ids = sorted({pk for (pk,) in own.union(coordinated)})
    if not ids:
        # Nobody's unpublished properties: the same as a visitor.
        return "public"
    return "organisations:" + ",".join(str(pk) for pk in ids)


def _snap_to_cells(bbox: BBox, zoom: int) -> BBox:
    size = cell_size(zoom)
    return BBox(
        west=max(-180.0, (bbox.west // size) * size),
        south=max(-90.0, (bbox.south // size) * size),
        east=min(180.0, (bbox.east // size + 1) * size),
        north=min(90.0, (bbox.north // size + 1) * size),
    )


def property_map(
    *, filters: PropertyFilters, bbox: BBox | None, zoom: int, user: Any
) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the properties the user may see that match the filters,
    at their public positions (shifted for sensitive properties, for every user: the exact
    position is never part of the answer): single points, ordered by title, when there are
    at most ``MAX_POINTS`` in the bounding box, otherwise server-side grid clusters with a
    count and the mean public position (``clustered`` says which).

    The bounding box is widened to whole cluster cells so that panning reuses cached answers
    and clusters do not jump. Answers are cached per audience (``_map_audience``: visitors
    and users without organisations share one) until a property changes.
    """
    if bbox is not None:
        bbox = _snap_to_cells(bbox, zoom)
    version = cache.get_or_set(PROPERTY_MAP_VERSION_KEY, 1, None)
    fingerprint = json.dumps(
        [
            _map_audience(user),
            get_language(),
            asdict(filters),
            zoom,
            None if bbox is None else [bbox.west, bbox.south, bbox.east, bbox.north],
        ],
        sort_keys=True,
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    key = f"properties:property-map:{version}:{digest}"
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        return cached
    result = _property_map(filters=filters, bbox=bbox, zoom=zoom, user=user)
    cache.set(key, result, PROPERTY_MAP_CACHE_SECONDS)
    return result


def _property_map(
    *, filters: PropertyFilters, bbox: BBox | None, zoom: int, user: Any
) -> dict[str, Any]:
    queryset = property_list(filters=filters, user=user).filter(
        public_lat__isnull=False, public_lon__isnull=False
    )
    if bbox is not None:
        queryset = bbox.filter(queryset, lat="public_lat", lon="public_lon")
    # Only public fields: never lat, lon, street or postcode.
    points = list(
        queryset.order_by().values(
            "pk", "title", "kind", "status", "city", "is_sensitive", "public_lat", "public_lon"
        )[: MAX_POINTS + 1]
    )
    if len(points) <= MAX_POINTS:
        points.sort(key=lambda p: (p["title"], p["pk"]))
        kind_labels = dict(PropertyKind.choices)
        status_labels = dict(PropertyStatus.choices)
        url_prefix = reverse("properties:property_detail", kwargs={"pk": 0})[:-2]
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p["public_lon"], p["public_lat"]]},
                "properties": {
                    "cluster": False,
                    "id": p["pk"],
                    "title": p["title"],
                    "name": p["title"],
                    "kind": p["kind"],
                    "kind_label": str(kind_labels.get(p["kind"], p["kind"])),
                    "status": p["status"],
                    "status_label": str(status_labels.get(p["status"], p["status"])),
                    "city": p["city"],
                    "approximate": p["is_sensitive"],
                    "url": f"{url_prefix}{p['pk']}/",
                },
            }
            for p in points
        ]
        return {"type": "FeatureCollection", "clustered": False, "features": features}
    clusters = cluster_points(queryset, zoom=zoom, lat="public_lat", lon="public_lon")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
            "properties": {"cluster": True, "count": c["count"]},
        }
        for c in clusters
    ]
    return {"type": "FeatureCollection", "clustered": True, "features": features}


def pipeline_moves(*, property: Property) -> QuerySet[PipelineMove]:
    """The property's moves between pipeline stages with who made them, newest first."""
    return (
        PipelineMove.objects.filter(property=property)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
