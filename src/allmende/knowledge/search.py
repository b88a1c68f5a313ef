"""The knowledge content in the search index: public items only, with the facets the search
page filters by (network, audience, phase, topics, toolbox and the seven toolbox facets), and
the labels of those facets' values."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.knowledge.models import (
    Article,
    Audience,
    ExamplePlace,
    Facet,
    FacetTerm,
    News,
    Phase,
    Position,
    Publication,
    PublicationKind,
    Tool,
    Toolbox,
    Topic,
)
from allmende.search.registry import (
    SearchDocument,
    choice_labels,
    register,
    register_facet_source,
    register_facets,
)


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _date(obj: Any) -> datetime.date:
    return timezone.localtime(obj.published_at).date()


def _audiences(audience: str) -> list[str]:
    # Written for both: found under either audience.
    if audience == Audience.BOTH:
        return [Audience.INITIATIVES, Audience.OWNERS]
    return [audience]


def article_document(article: Article) -> SearchDocument | None:
    if not article.is_public:
        return None
    return SearchDocument(
        title=article.title,
        body=_join(*article.key_points, article.body),
        url=article.get_absolute_url(),
        facets={
            "network": [article.network.slug],
            "audience": _audiences(article.audience),
            "phase": [article.phase] if article.phase else [],
            "topic": sorted(t.slug for t in article.topics.all()),
        },
        date=_date(article),
    )


def tool_document(tool: Tool) -> SearchDocument | None:
    if not tool.is_public:
        return None
    facets: dict[str, Any] = {
        "network": [tool.toolbox.network.slug],
        "toolbox": [tool.toolbox.slug],
    }
    for term in tool.terms.all():
        facets.setdefault(term.facet, []).append(term.slug)
    steps = [step.text for step in tool.steps.all()]
    return SearchDocument(
        title=f"{tool.code} {tool.title}",
        body=_join(tool.slogan, tool.summary, *steps, tool.effects),
        url=tool.get_absolute_url(),
        facets=facets,
        date=_date(tool),
    )


def place_document(place: ExamplePlace) -> SearchDocument | None:
    if not place.is_public:
        return None
    return SearchDocument(
        title=place.name,
        body=_join(place.city, place.former_use, place.new_use, place.carrier, place.story),
        url=place.get_absolute_url(),
        facets={"network": [place.network.slug], "state": [place.state]},
        date=_date(place),
    )


def publication_document(publication: Publication) -> SearchDocument | None:
    if not publication.is_public:
        return None
    return SearchDocument(
        title=publication.title,
        body=publication.cover_text,
        url=publication.get_absolute_url(),
        facets={
            "network": [publication.network.slug],
            "kind": [publication.kind],
        },
        date=publication.issued_on,
    )


def position_document(position: Position) -> SearchDocument | None:
    if not position.is_public:
        return None
    return SearchDocument(
        title=position.title,
        body=position.text,
        url=position.get_absolute_url(),
        facets={"network": [position.network.slug]},
        date=position.dated,
    )


def news_document(news: News) -> SearchDocument | None:
    if not news.is_public:
        return None
    return SearchDocument(
        title=news.title,
        body=_join(news.lead, news.body),
        url=news.get_absolute_url(),
        facets={"network": [news.network.slug]},
        date=_date(news),
    )


register(
    "article",
    Article,
    label=_("Articles"),
    document=article_document,
    queryset=lambda: (
        Article.objects.published().select_related("network").prefetch_related("topics")
    ),
)
register(
    "tool",
    Tool,
    label=_("Tools"),
    document=tool_document,
    queryset=lambda: (
        Tool.objects.published()
        .select_related("toolbox__network", "prefix")
        .prefetch_related("terms", "steps")
    ),
)
register(
    "place",
    ExamplePlace,
    label=_("Example places"),
    document=place_document,
    queryset=lambda: ExamplePlace.objects.published().select_related(
        "network", "carrier_organisation"
    ),
)
register(
    "publication",
    Publication,
    label=_("Publications"),
    document=publication_document,
    queryset=lambda: Publication.objects.published().select_related("network"),
)
register(
    "position",
    Position,
    label=_("Positions"),
    document=position_document,
    queryset=lambda: Position.objects.published().select_related("network"),
)
register(
    "news",
    News,
    label=_("News"),
    document=news_document,
    queryset=lambda: News.objects.published().select_related("network"),
)


def topic_labels(values: Mapping[str, set[str]]) -> dict[str, dict[str, str]]:
    """Topic names by slug, one query."""
    names = dict(Topic.objects.filter(slug__in=values["topic"]).values_list("slug", "name"))
    return {"topic": {v: names.get(v, v) for v in values["topic"]}}


def toolbox_labels(values: Mapping[str, set[str]]) -> dict[str, dict[str, str]]:
    """Toolbox names by slug, one query."""
    found = values["toolbox"]
    names = dict(Toolbox.objects.filter(slug__in=found).values_list("slug", "name"))
    return {"toolbox": {v: names.get(v, v) for v in found}}


def term_labels(values: Mapping[str, set[str]]) -> dict[str, dict[str, str]]:
    """The names of the toolbox facets' terms by facet and slug: one query for all seven
    facets. Toolboxes using the same slug for a term name it alike (the first one wins)."""
    slugs = set().union(*values.values())
    labels: dict[str, dict[str, str]] = {facet: {} for facet in values}
    terms = FacetTerm.objects.filter(facet__in=list(values), slug__in=slugs).order_by(
        "toolbox_id", "position"
    )
    for facet, slug, name in terms.values_list("facet", "slug", "name"):
        labels[facet].setdefault(slug, name)
    return {facet: {v: labels[facet].get(v, v) for v in found} for facet, found in values.items()}


register_facets([("audience", _("Intended for"))], labels=choice_labels(Audience), position=20)
register_facets([("phase", _("Phase or step"))], labels=choice_labels(Phase), position=30)
register_facets([("topic", _("Topic"))], labels=topic_labels, position=40)
register_facets([("toolbox", _("Toolbox"))], labels=toolbox_labels, position=50)
register_facets([(f.value, f.label) for f in Facet], labels=term_labels, position=60)
register_facets([("kind", _("Kind"))], labels=choice_labels(PublicationKind))
# A renamed topic, toolbox or term: the entries carrying the old short name are indexed again
# (a toolbox's short name is in its tools' addresses, too).
register_facet_source(Topic, facet="topic")
register_facet_source(Toolbox, facet="toolbox")
register_facet_source(FacetTerm, facet_field="facet")
