"""Writes on articles: creating and editing practical knowledge (Praxiswissen)."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.text import unique_slug
from allmende.knowledge.models import Article, Tool, Topic
from allmende.networks.models import Network
from allmende.search.services import search_index

# What coordinators may set through the editor (and the admin); network, slug and the
# topics are handled separately.
ARTICLE_EDITABLE_FIELDS = (
    "title",
    "key_point_1",
    "key_point_2",
    "key_point_3",
    "body",
    "audience",
    "phase",
    "author_organisation",
    "is_published",
    "published_at",
)
KEY_POINT_FIELDS = ("key_point_1", "key_point_2", "key_point_3")
# Path segments under /wissen/artikel/ that are pages of their own, never an article's slug.
RESERVED_SLUGS = frozenset({"neu"})


def _slug_taken(slug: str) -> bool:
    return slug in RESERVED_SLUGS or Article.objects.filter(slug=slug).exists()


def _apply(article: Article, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key in ARTICLE_EDITABLE_FIELDS:
            setattr(article, key, value.strip() if key in KEY_POINT_FIELDS else value)
    empty = {
        key: _("Write three short key points; this one is empty.")
        for key in KEY_POINT_FIELDS
        if not getattr(article, key)
    }
    if empty:
        raise ValidationError(empty)


def _set_topics(article: Article, topics: Iterable[Topic] | None) -> None:
    if topics is not None:
        article.topics.set(list(topics))


def _set_related(
    article: Article,
    related_articles: Iterable[Article] | None,
    related_tools: Iterable[Tool] | None,
) -> None:
    """Link articles and tools of the article's own network (not the article itself);
    ``None`` leaves the links as they are."""
    errors = {}
    if related_articles is not None:
        articles = [a for a in related_articles if a.pk != article.pk]
        if any(a.network_id != article.network_id for a in articles):
            errors["related_articles"] = _("Only articles of the same network can be linked.")
    if related_tools is not None:
        tools = list(related_tools)
        if any(t.toolbox.network_id != article.network_id for t in tools):
            errors["related_tools"] = _("Only tools of the same network can be linked.")
    if errors:
        raise ValidationError(errors)
    if related_articles is not None:
        article.related_articles.set(articles)
    if related_tools is not None:
        article.related_tools.set(tools)
    # The post_save hook indexed the article before its topics were set.
    search_index(article)


@transaction.atomic
def article_create(
    *,
    network: Network,
    actor: User,
    data: dict[str, Any],
    topics: Iterable[Topic] | None = None,
    related_articles: Iterable[Article] | None = None,
    related_tools: Iterable[Tool] | None = None,
) -> Article:
    """Write an article of ``network``: admins and the network's coordinators may. Unknown
    keys of ``data`` are ignored; all three key points must be given. The short name in the
    address is derived from the title and stays when the title changes later. Related
    articles and tools must be of the same network."""
    if not actor.has_perm("knowledge.change_content", network):
        raise PermissionDenied(_("You may not write articles for this network."))
    article = Article(network=network)
    _apply(article, data)
    article.slug = unique_slug(article.title, _slug_taken)
    article.full_clean()
    article.save()
    _set_topics(article, topics)
    _set_related(article, related_articles, related_tools)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor: User,
    data: dict[str, Any],
    topics: Iterable[Topic] | None = None,
    related_articles: Iterable[Article] | None = None,
    related_tools: Iterable[Tool] | None = None,
) -> Article:
    """Change an article; those with ``knowledge.change_content`` on it may. Unknown keys are
    ignored; ``topics=None`` (and the same for the related items) leaves them as they are."""
    if not actor.has_perm("knowledge.change_content", article):
        raise PermissionDenied(_("You may not edit this article."))
    _apply(article, data)
    article.full_clean()
    article.save()
    _set_topics(article, topics)
    _set_related(article, related_articles, related_tools)
    return article
