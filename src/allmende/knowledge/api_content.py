"""API endpoints of the articles (practical knowledge): the list with its filters and one
article with its body rendered as sanitised HTML. Same visibility as the pages: published
articles for everyone, drafts also for those who may edit them (with a token or session)."""

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from allmende.core.api import ErrorOut, token_auth
from allmende.core.markdown import render_markdown
from allmende.knowledge import selectors_content as selectors
from allmende.knowledge.models import Article, Audience, Phase
from allmende.networks.api import Pagination

router = Router(tags=["Knowledge"])

OPTIONAL_TOKEN: dict[str, Any] = {
    "auth": [token_auth, lambda request: True],
    "openapi_extra": {"security": [{}]},
}


class TopicOut(Schema):
    slug: str
    name: str


class ArticleOut(Schema):
    slug: str
    title: str
    key_points: list[str] = Field(description="the three points of “Kurz gesagt”")
    audience: Audience
    phase: Phase | None = Field(description="phase or step; null when none is given")
    topics: list[TopicOut]
    network: str = Field(alias="network.slug", description="slug of the network")
    author_organisation: str | None = Field(None, description="slug of the author organisation")
    is_published: bool
    published_at: datetime
    updated_at: datetime
    url: str = Field(alias="get_absolute_url", description="path of the article's page")

    @staticmethod
    def resolve_phase(obj: Article) -> str | None:
        return obj.phase or None

    @staticmethod
    def resolve_topics(obj: Article) -> list[Any]:
        return list(obj.topics.all())

    @staticmethod
    def resolve_author_organisation(obj: Article) -> str | None:
        return obj.author_organisation.slug if obj.author_organisation else None


class RelatedOut(Schema):
    title: str
    url: str


class ArticleDetailOut(ArticleOut):
    body: str = Field(description="the text as written (Markdown)")
    body_html: str = Field(description="the text rendered as sanitised HTML")
    related_articles: list[RelatedOut]
    related_tools: list[RelatedOut]

    @staticmethod
    def resolve_body_html(obj: Article) -> str:
        return str(render_markdown(obj.body))

    @staticmethod
    def resolve_related_articles(obj: Article) -> list[dict[str, str]]:
        return [
            {"title": other.title, "url": other.get_absolute_url()}
            for other in obj.related_articles.all()
        ]

    @staticmethod
    def resolve_related_tools(obj: Article) -> list[dict[str, str]]:
        return [
            {"title": str(tool), "url": tool.get_absolute_url()} for tool in obj.related_tools.all()
        ]


class ArticleFilterIn(FilterSchema):
    audience: Audience | None = Field(
        None, description="initiatives or owners also find articles for both"
    )
    phase: Phase | None = None
    topic: str = Field("", max_length=80, description="slug of a topic")
    network: str = Field("", max_length=80, description="slug of a network")


@router.get(
    "/articles",
    response={200: list[ArticleOut], 422: ErrorOut},
    summary="List articles",
    description=(
        "Published articles, newest first; with a token also the drafts of the networks you "
        "coordinate. Filters combine with AND."
    ),
    **OPTIONAL_TOKEN,
)
@paginate(Pagination)
def article_list(request: HttpRequest, filters: Query[ArticleFilterIn]) -> Any:
    return selectors.article_list(
        filters=selectors.ArticleFilters(
            audience=str(filters.audience or ""),
            phase=str(filters.phase or ""),
            topic=filters.topic.strip(),
            network=filters.network.strip(),
        ),
        user=request.user,
    )


@router.get(
    "/articles/{slug}",
    response={200: ArticleDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="One article",
    description="With the body as Markdown and as sanitised HTML, and the related items.",
    **OPTIONAL_TOKEN,
)
def article_detail(request: HttpRequest, slug: str) -> Any:
    try:
        return selectors.article_get(slug=slug, user=request.user)
    except Article.DoesNotExist as exc:
        raise Http404 from exc
