"""Reads shared by the newsletter's views, API, services and demo."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.text import capfirst

from allmende.events.models import Event
from allmende.knowledge.models import Article, News, Tool
from allmende.networks.models import Network
from allmende.newsletter.models import (
    Delivery,
    DeliveryStatus,
    IssueStatus,
    NewsletterIssue,
    Subscriber,
    SubscriberStatus,
)

EVENTS_AHEAD = datetime.timedelta(days=60)


@dataclass(frozen=True)
class Item:
    """One entry of an automatic section: a title, a line below it and a link."""

    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class IssueSections:
    events: list[Item] = field(default_factory=list)
    knowledge: list[Item] = field(default_factory=list)


def network_list() -> QuerySet[Network]:
    return Network.objects.order_by("name")


def editable_networks(*, user: Any) -> QuerySet[Network]:
    """The networks whose newsletter the user may manage."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser and user.is_active:
        return Network.objects.order_by("name")
    return Network.objects.filter(coordinators__user=user).distinct().order_by("name")


def issue_list(*, network: Network) -> QuerySet[NewsletterIssue]:
    """A network's issues, newest first, with their delivery counts."""
    return (
        NewsletterIssue.objects.filter(network=network)
        .select_related("created_by")
        .annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            queued_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.QUEUED)),
        )
        .order_by("-created_at", "-pk")
    )


def issue_get(*, pk: int) -> NewsletterIssue:
    return NewsletterIssue.objects.select_related("network", "created_by").get(pk=pk)


def delivery_list(*, issue: NewsletterIssue) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(issue=issue)
        .select_related("subscriber")
        .order_by("status", "subscriber__email")
    )


def delivery_counts(*, issue: NewsletterIssue) -> dict[str, int]:
    """Number of deliveries of the issue per status (every status present, zero if none)."""
    counts = {status: 0 for status in DeliveryStatus.values}
    rows = Delivery.objects.filter(issue=issue).values("status").annotate(n=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def confirmed_subscribers(*, network: Network) -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(network=network, status=SubscriberStatus.CONFIRMED)


def subscriber_counts(*, network: Network) -> dict[str, int]:
    counts = {status: 0 for status in SubscriberStatus.values}
    rows = Subscriber.objects.filter(network=network).values("status").annotate(n=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def _url(obj: Any) -> str:
    # The public pages of some content types may not be mounted in every installation; a
    # missing page leaves the entry without a link instead of breaking the mail.
    try:
        return str(obj.get_absolute_url())
    except NoReverseMatch:
        return ""


def _local(moment: datetime.datetime) -> datetime.datetime:
    # Mails are rendered by the worker, outside any request: always the site's time zone.
    return timezone.localtime(moment, timezone.get_default_timezone())


def upcoming_events(*, network: Network, now: datetime.datetime) -> list[Event]:
    """Published, not cancelled events of the network starting within the next 60 days."""
    return list(
        Event.objects.filter(
            network=network,
            is_published=True,
            is_cancelled=False,
            starts_at__gte=now,
            starts_at__lt=now + EVENTS_AHEAD,
        ).order_by("starts_at", "pk")
    )


def last_sent_before(*, issue: NewsletterIssue, now: datetime.datetime) -> datetime.datetime | None:
    """When the network's previous issue was sent (the start of "new knowledge")."""
    previous = (
        NewsletterIssue.objects.filter(
            network_id=issue.network_id,
            status__in=[IssueStatus.SENDING, IssueStatus.SENT],
            sent_at__lt=now,
        )
        .exclude(pk=issue.pk)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return previous


def new_knowledge(
    *, network: Network, since: datetime.datetime | None, until: datetime.datetime
) -> list[Article | Tool | News]:
    """Articles, tools and news of the network published after ``since`` (everything of the
    last 60 days when there was no issue before) up to ``until``, newest first."""
    start = since if since is not None else until - EVENTS_AHEAD
    window = Q(is_published=True, published_at__gt=start, published_at__lte=until)
    articles = list(Article.objects.filter(window, network=network))
    tools = list(
        Tool.objects.filter(window, toolbox__network=network).select_related("toolbox", "prefix")
    )
    news = list(News.objects.filter(window, network=network))
    items: list[Article | Tool | News] = [*articles, *tools, *news]
    items.sort(key=lambda item: (item.published_at, item.pk), reverse=True)
    return items


def issue_sections(*, issue: NewsletterIssue) -> IssueSections:
    """The automatic sections of an issue, as they are (or were) at the moment of sending; for
    a draft, as they would be now."""
    now = issue.sent_at or timezone.now()
    events: list[Item] = []
    knowledge: list[Item] = []
    if issue.include_events:
        for event in upcoming_events(network=issue.network, now=now):
            start = _local(event.starts_at)
            place = event.city or event.venue
            detail = f"{start:%d.%m.%Y, %H:%M}"
            if place:
                detail = f"{detail} · {place}"
            events.append(Item(title=event.title, detail=detail, url=_url(event)))
    if issue.include_knowledge:
        since = last_sent_before(issue=issue, now=now)
        for item in new_knowledge(network=issue.network, since=since, until=now):
            detail = f"{item._meta.verbose_name} · {_local(item.published_at):%d.%m.%Y}"
            knowledge.append(Item(title=str(item), detail=capfirst(detail), url=_url(item)))
    return IssueSections(events=events, knowledge=knowledge)
