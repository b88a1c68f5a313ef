"""Reads of articles shared by the pages, the feeds and the API; visibility is decided here.

Everyone sees published articles whose publication date has come. Drafts and articles due
later are seen only by those who may edit them: admins, and the coordinators of the article's
network (``knowledge.change_content``)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from allmende.knowledge.models import Article, Audience, Tool, Topic
from allmende.networks.models import Coordinator, Network


@dataclass(frozen=True, slots=True)
class ArticleFilters:
    """The list's filters (slugs and choice values); empty values mean "no filter"."""

    audience: str = ""
    phase: str = ""
    topic: str = ""
    network: str = ""


def _public() -> Q:
    return Q(is_published=True, published_at__lte=timezone.now())


def _visible(user: Any) -> Q:
    """Public articles, plus every article of the networks the user coordinates (all for
    admins): the query form of ``knowledge.change_content``."""
    if not user.is_authenticated:
        return _public()
    if user.is_superuser:
        return Q()
    coordinated = Coordinator.objects.filter(user=user).values("network_id")
    return _public() | Q(network_id__in=coordinated)


def article_list(*, filters: ArticleFilters, user: Any) -> QuerySet[Article]:
    """The articles the user may see that match the filters, newest first. An audience filter
    for initiatives or for owners also finds the articles written for both."""
    queryset = (
        Article.objects.filter(_visible(user))
        .select_related("network", "author_organisation")
        .prefetch_related("topics")
    )
    if filters.audience in (Audience.INITIATIVES, Audience.OWNERS):
        queryset = queryset.filter(audience__in=[filters.audience, Audience.BOTH])
    elif filters.audience == Audience.BOTH:
        queryset = queryset.filter(audience=Audience.BOTH)
    if filters.phase:
        queryset = queryset.filter(phase=filters.phase)
    if filters.topic:
        queryset = queryset.filter(topics__slug=filters.topic)
    if filters.network:
        queryset = queryset.filter(network__slug=filters.network)
    return queryset.order_by("-published_at", "pk")


def article_get(*, slug: str, user: Any) -> Article:
    """One article the user may see, with its topics and the public related articles and
    tools; raises ``Article.DoesNotExist`` otherwise."""
    related_articles = Article.objects.filter(_public()).order_by("title", "pk")
    related_tools = (
        Tool.objects.filter(is_published=True, published_at__lte=timezone.now())
        .select_related("toolbox", "prefix")
        .order_by("code", "pk")
    )
    return (
        Article.objects.filter(_visible(user))
        .select_related("network", "author_organisation")
        .prefetch_related(
            "topics",
            Prefetch("related_articles", queryset=related_articles),
            Prefetch("related_tools", queryset=related_tools),
        )
        .get(slug=slug)
    )


def article_latest(*, limit: int) -> QuerySet[Article]:
    """The newest public articles (for feeds and the overview)."""
    return (
        Article.objects.filter(_public())
        .select_related("network", "author_organisation")
        .prefetch_related("topics")
        .order_by("-published_at", "pk")[:limit]
    )


def networks_for_article_editing(*, user: Any) -> QuerySet[Network]:
    """The networks in which the user may write articles: those they coordinate, all for
    admins, none for anyone else."""
    if not user.is_authenticated:
        return Network.objects.none()
    queryset = Network.objects.all()
    if not user.is_superuser:
        queryset = queryset.filter(coordinators__user=user)
    return queryset.distinct().order_by("name", "pk")


def topic_list() -> QuerySet[Topic]:
    """All topics, by name."""
    return Topic.objects.order_by("name", "pk")
