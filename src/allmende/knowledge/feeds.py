"""RSS and Atom feeds of the published articles, news and tools (newest first)."""

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allmende.core.markdown import render_markdown
from allmende.knowledge.models import News, Tool
from allmende.knowledge.selectors_content import article_latest

FEED_SIZE = 30


class _KnowledgeFeed(Feed):
    """Common parts: dates from the content, the title as the item's title."""

    def item_title(self, item: Any) -> str:
        return str(item)

    def item_pubdate(self, item: Any) -> datetime:
        return item.published_at  # type: ignore[no-any-return]

    def item_updateddate(self, item: Any) -> datetime:
        return max(item.published_at, item.updated_at)  # type: ignore[no-any-return]


class ArticleFeed(_KnowledgeFeed):
    title = gettext_lazy("Practical knowledge: new articles")
    description = gettext_lazy("The newest articles of the networks' practical knowledge.")

    def link(self) -> str:
        return reverse("knowledge:article_list")

    def items(self) -> Any:
        return article_latest(limit=FEED_SIZE)

    def item_description(self, item: Any) -> SafeString:
        points = format_html_join("", "<li>{}</li>", ((point,) for point in item.key_points))
        return format_html(
            "<p><strong>{}</strong></p><ul>{}</ul>{}",
            _("In short"),
            points,
            render_markdown(item.body),
        )

    def item_author_name(self, item: Any) -> str:
        if item.author_organisation is not None:
            return str(item.author_organisation.name)
        return str(item.network.name)

    def item_categories(self, item: Any) -> list[str]:
        return [topic.name for topic in item.topics.all()]


class ArticleAtomFeed(ArticleFeed):
    feed_type = Atom1Feed
    subtitle = ArticleFeed.description


class NewsFeed(_KnowledgeFeed):
    title = gettext_lazy("News of the networks")
    description = gettext_lazy("The newest news of the networks.")

    def link(self) -> str:
        return reverse("knowledge:news_list")

    def items(self) -> QuerySet[News]:
        return (
            News.objects.published()
            .select_related("network")
            .order_by("-published_at", "pk")[:FEED_SIZE]
        )

    def item_description(self, item: News) -> SafeString:
        return format_html("<p>{}</p>{}", item.lead, render_markdown(item.body))

    def item_author_name(self, item: News) -> str:
        return str(item.network.name)


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


class ToolFeed(_KnowledgeFeed):
    title = gettext_lazy("Toolbox: new tools")
    description = gettext_lazy("The newest project ideas of the networks' toolboxes.")

    def link(self) -> str:
        return reverse("knowledge:toolbox_list")

    def items(self) -> QuerySet[Tool]:
        return (
            Tool.objects.published()
            .select_related("toolbox__network", "prefix")
            .order_by("-published_at", "pk")[:FEED_SIZE]
        )

    def item_description(self, item: Tool) -> SafeString:
        slogan = format_html("<p><strong>{}</strong></p>", item.slogan) if item.slogan else ""
        return format_html("{}<p>{}</p>{}", slogan, item.summary, render_markdown(item.effects))

    def item_author_name(self, item: Tool) -> str:
        return str(item.toolbox.network.name)

    def item_categories(self, item: Tool) -> list[str]:
        return [item.toolbox.name]


class ToolAtomFeed(ToolFeed):
    feed_type = Atom1Feed
    subtitle = ToolFeed.description
