"""Reads of events, series and documentation that the pages, the calendars and the API share.
Published events are public (members-only events too: only registering needs membership);
drafts are seen by admins and the coordinators of the event's network."""

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from allmende.core.geo import BBox
from allmende.events.models import (
    Event,
    EventDocumentation,
    EventKind,
    EventSeries,
    RegistrationStatus,
)
from allmende.networks.models import Network

BERLIN = ZoneInfo("Europe/Berlin")
# The network feed looks back this far, so that clients keep recent events.
FEED_PAST_DAYS = 90


@dataclass(frozen=True)
class EventFilters:
    network: str = ""
    kind: str = ""
    month: str = ""  # YYYY-MM
    place: str = ""
    past: bool = False
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _berlin_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=BERLIN)


def month_range(month: str) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The start of the month ``YYYY-MM`` and of the next one in Berlin time; None if the text
    is not such a month."""
    try:
        first = datetime.datetime.strptime(month, "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return None
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return _berlin_midnight(first), _berlin_midnight(following)


def _visible(user: Any) -> Q:
    """Published events, and for coordinators also the drafts of their networks."""
    if getattr(user, "is_superuser", False):
        return Q()
    if user is not None and user.is_authenticated:
        coordinated = Network.objects.filter(coordinators__user=user).values("pk")
        return Q(is_published=True) | Q(network__in=coordinated)
    return Q(is_published=True)


def with_confirmed_count(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate ``confirmed_count``: the confirmed registrations of each event."""
    return queryset.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        )
    )


def event_list(*, filters: EventFilters, user: Any) -> QuerySet[Event]:
    """The events the user may see matching ``filters``: upcoming (not yet ended) soonest first,
    or past ones latest first; with network and series loaded."""
    now = timezone.now()
    queryset = Event.objects.filter(_visible(user))
    if filters.past:
        queryset = queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        queryset = queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if filters.network:
        queryset = queryset.filter(network__slug=filters.network)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.month and (bounds := month_range(filters.month)):
        queryset = queryset.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])
    if filters.place:
        queryset = queryset.filter(city__icontains=filters.place)
    if filters.date_from:
        queryset = queryset.filter(ends_at__gte=_berlin_midnight(filters.date_from))
    if filters.date_to:
        following = filters.date_to + datetime.timedelta(days=1)
        queryset = queryset.filter(starts_at__lt=_berlin_midnight(following))
    return queryset.select_related("network", "series")


def event_get(*, slug: str, user: Any) -> Event:
    """One event by slug with its network, series and confirmed count; raises
    ``Event.DoesNotExist`` when there is none or the user may not see a draft."""
    event = with_confirmed_count(
        Event.objects.select_related("network", "series").filter(slug=slug)
    ).get()
    if not event.is_published and not user.has_perm("events.change_event", event):
        raise Event.DoesNotExist
    return event


def event_get_public(*, pk: int) -> Event:
    """A published event by id with its confirmed count (the API's detail)."""
    return with_confirmed_count(
        Event.objects.select_related("network", "series").filter(pk=pk, is_published=True)
    ).get()


def programme_events(*, year: int) -> QuerySet[Event]:
    """The published events starting in ``year`` (Berlin time), in date order."""
    return (
        Event.objects.filter(
            is_published=True,
            starts_at__gte=_berlin_midnight(datetime.date(year, 1, 1)),
            starts_at__lt=_berlin_midnight(datetime.date(year + 1, 1, 1)),
        )
        .select_related("network")
        .order_by("starts_at", "pk")
    )


def map_events(*, network: str = "", bbox: BBox | None = None) -> QuerySet[Event]:
    """Published, upcoming in-person events with coordinates."""
    queryset = Event.objects.filter(
        is_published=True,
        is_online=False,
        ends_at__gte=timezone.now(),
        lat__isnull=False,
        lon__isnull=False,
    )
    if network:
        queryset = queryset.filter(network__slug=network)
    if bbox is not None:
        queryset = bbox.filter(queryset)
    return queryset.order_by("starts_at", "pk")


def event_geojson(*, network: str = "", bbox: BBox | None = None) -> dict[str, Any]:
    """The map's events as a GeoJSON FeatureCollection of points (one query)."""
    labels = dict(EventKind.choices)
    rows = map_events(network=network, bbox=bbox).values(
        "pk", "slug", "title", "kind", "city", "starts_at", "lat", "lon", "is_cancelled"
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {
                "id": row["pk"],
                "name": row["title"],
                "url": reverse("events:event_detail", kwargs={"slug": row["slug"]}),
                "city": row["city"],
                "starts_at": row["starts_at"].isoformat(),
                "kind": row["kind"],
                # map.js shows ``kind_label`` under the name in the popup.
                "kind_label": str(labels.get(row["kind"], row["kind"])),
                "is_cancelled": row["is_cancelled"],
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "clustered": False, "features": features}


def network_feed_events(*, network: Network) -> QuerySet[Event]:
    """The network's published events for its calendar feed: upcoming and those that ended in
    the last ``FEED_PAST_DAYS`` days."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    return Event.objects.filter(network=network, is_published=True, ends_at__gte=since).order_by(
        "starts_at", "pk"
    )


def series_get(*, slug: str) -> EventSeries:
    """A series with its network; raises ``EventSeries.DoesNotExist``."""
    return EventSeries.objects.select_related("network").get(slug=slug)


def series_events(*, series: EventSeries, user: Any) -> QuerySet[Event]:
    """The visible events of a series in date order."""
    return (
        Event.objects.filter(_visible(user), series=series)
        .select_related("network")
        .order_by("starts_at", "pk")
    )


def documentation_get(*, event: Event, user: Any) -> EventDocumentation:
    """The event's documentation with agenda, files and photos prefetched; unpublished ones
    only for those who may change the event. Raises ``EventDocumentation.DoesNotExist``."""
    documentation = EventDocumentation.objects.get(event=event)
    if not documentation.is_published and not user.has_perm("events.change_event", event):
        raise EventDocumentation.DoesNotExist
    return documentation


def documentation_list(*, network: str = "") -> QuerySet[EventDocumentation]:
    """Published documentation of published events, latest event first."""
    queryset = EventDocumentation.objects.filter(is_published=True, event__is_published=True)
    if network:
        queryset = queryset.filter(event__network__slug=network)
    return queryset.select_related("event__network").order_by("-event__starts_at", "-pk")


def networks_with_events() -> QuerySet[Network]:
    """Networks that have published events (the filters' choices)."""
    return Network.objects.filter(events__is_published=True).distinct().order_by("name")


def networks_for_event_editing(*, user: Any) -> QuerySet[Network]:
    """The networks whose events the user may edit: all for admins, else those coordinated."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.order_by("name")
    return Network.objects.filter(coordinators__user=user).distinct().order_by("name")
