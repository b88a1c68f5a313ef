"""Reads shared by the pages and the API: directory, network pages, map data, applications."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from allmende.core.geo import MAX_POINTS, BBox, cell_size, cluster_points
from allmende.networks.models import (
    OPEN_APPLICATION_STATES,
    Coordinator,
    Membership,
    MembershipApplication,
    MembershipStatus,
    Network,
    Organisation,
    OrganisationKind,
    WorkingGroup,
)


@dataclass(frozen=True, slots=True)
class OrganisationFilters:
    """The directory's filters; empty values mean "no filter"."""

    network: str = ""
    kinds: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    q: str = ""


def network_list(*, q: str = "", member: str = "") -> QuerySet[Network]:
    """Networks with their number of active members; ``q`` keeps those whose name or
    description contains every word, ``member`` those with that organisation (slug) as an
    active member."""
    networks = Network.objects.select_related("coordination_office")
    for word in q.split():
        networks = networks.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if member:
        # A subquery, so that the filter does not narrow the member count below.
        networks = networks.filter(
            pk__in=Membership.objects.filter(
                organisation__slug=member, status=MembershipStatus.ACTIVE
            ).values("network_id")
        )
    return networks.annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE), distinct=True
        )
    )


def network_get(*, slug: str) -> Network:
    return network_list().get(slug=slug)


def directory_stats() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.filter(is_active=True).count(),
        "networks": Network.objects.count(),
    }


def organisation_list(*, filters: OrganisationFilters) -> QuerySet[Organisation]:
    """Active organisations matching the filters, ordered by name."""
    queryset = Organisation.objects.filter(is_active=True)
    if filters.network:
        queryset = queryset.filter(
            memberships__network__slug=filters.network,
            memberships__status=MembershipStatus.ACTIVE,
        )
    if filters.kinds:
        queryset = queryset.filter(kind__in=filters.kinds)
    if filters.states:
        queryset = queryset.filter(state__in=filters.states)
    if filters.q:
        for word in filters.q.split()[:8]:
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(city__icontains=word) | Q(description__icontains=word)
            )
    return queryset.order_by("name", "pk")


def organisation_list_with_networks(*, filters: OrganisationFilters) -> QuerySet[Organisation]:
    active = Membership.objects.filter(status=MembershipStatus.ACTIVE).select_related("network")
    return organisation_list(filters=filters).prefetch_related(
        Prefetch("memberships", queryset=active, to_attr="active_memberships")
    )


def organisation_get(*, slug: str) -> Organisation:
    active = (
        Membership.objects.filter(status=MembershipStatus.ACTIVE)
        .select_related("network")
        .order_by("network__name")
    )
    return Organisation.objects.prefetch_related(
        Prefetch("memberships", queryset=active, to_attr="active_memberships")
    ).get(slug=slug, is_active=True)


def network_members(*, network: Network) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(network=network, status=MembershipStatus.ACTIVE)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def network_coordinators(*, network: Network) -> QuerySet[Coordinator]:
    return Coordinator.objects.filter(network=network).select_related("user").order_by("user__name")


MAP_VERSION_KEY = "networks:organisation-map-version"
MAP_CACHE_SECONDS = 600


def organisation_map_invalidate() -> None:
    """Make every cached map answer stale; called when organisations or memberships change."""
    try:
        cache.incr(MAP_VERSION_KEY)
    except ValueError:
        cache.set(MAP_VERSION_KEY, 1, None)


def organisation_map_features(
    *, filters: OrganisationFilters, bbox: BBox | None, zoom: int
) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the organisations in the bounding box: single points when
    there are at most ``MAX_POINTS``, otherwise server-side grid clusters.

    The bounding box is widened to whole cluster cells, so that panning reuses cached answers
    and clusters do not jump; answers are cached until an organisation or membership changes.
    """
    if bbox is not None:
        size = cell_size(zoom)
        bbox = BBox(
            west=max(-180.0, (bbox.west // size) * size),
            south=max(-90.0, (bbox.south // size) * size),
            east=min(180.0, (bbox.east // size + 1) * size),
            north=min(90.0, (bbox.north // size + 1) * size),
        )
    version = cache.get_or_set(MAP_VERSION_KEY, 1, None)
    fingerprint = json.dumps(
        [
            filters.network,
            filters.kinds,
            filters.states,
            filters.q,
            zoom,
            None if bbox is None else [bbox.west, bbox.south, bbox.east, bbox.north],
        ],
        sort_keys=True,
    )
    key = f"networks:organisation-map:{version}:{hashlib.sha256(fingerprint.encode()).hexdigest()}"
    cached: dict[str, Any] | None = cache.get(key)
    if cached is not None:
        return cached
    result = _organisation_map_features(filters=filters, bbox=bbox, zoom=zoom)
    cache.set(key, result, MAP_CACHE_SECONDS)
    return result


def _organisation_map_features(
    *, filters: OrganisationFilters, bbox: BBox | None, zoom: int
) -> dict[str, Any]:
    queryset = organisation_list(filters=filters).filter(lat__isnull=False, lon__isnull=False)
    if bbox is not None:
        queryset = bbox.filter(queryset)
    points = list(
        queryset.order_by().values("pk", "name", "slug", "kind", "city", "lat", "lon")[
            : MAX_POINTS + 1
        ]
    )
    if len(points) <= MAX_POINTS:
        points.sort(key=lambda p: (p["name"], p["pk"]))
        kind_labels = dict(OrganisationKind.choices)
        url_prefix = reverse("networks:organisation_detail", kwargs={"slug": "x"})[:-2]
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                "properties": {
                    "id": p["pk"],
                    "name": p["name"],
                    "slug": p["slug"],
                    "kind": p["kind"],
                    "kind_label": str(kind_labels.get(p["kind"], p["kind"])),
                    "city": p["city"],
                    "url": f"{url_prefix}{p['slug']}/",
                },
            }
            for p in points
        ]
        return {"type": "FeatureCollection", "clustered": False, "features": features}
    clusters = cluster_points(queryset, zoom=zoom)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
            "properties": {"cluster": True, "count": c["count"]},
        }
        for c in clusters
    ]
    return {"type": "FeatureCollection", "clustered": True, "features": features}


def application_list(*, network: Network, status: str = "") -> QuerySet[MembershipApplication]:
    queryset = MembershipApplication.objects.filter(network=network).select_related(
        "organisation", "applicant"
    )
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_APPLICATION_STATES)
    elif status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at")


def application_get(*, network: Network, pk: int) -> MembershipApplication:
    return (
        MembershipApplication.objects.select_related("network", "organisation", "applicant")
        .prefetch_related("events__actor")
        .get(network=network, pk=pk)
    )


def working_group_list(*, network: Network) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(network=network).annotate(
        member_count=Count("members", distinct=True)
    )


def working_group_get(*, network: Network, slug: str) -> WorkingGroup:
    return (
        WorkingGroup.objects.select_related("network")
        .prefetch_related("members", "documents")
        .get(network=network, slug=slug)
    )


def networks_coordinated_by(*, user: Any) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    return Network.objects.filter(coordinators__user=user)
