"""``GET /api/v1/search``: the search page's answer as JSON (same selectors, same rules)."""

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from allmende.core.api import ErrorOut
from allmende.search.forms import MAX_PAGE, MAX_QUERY_INPUT
from allmende.search.registry import search_types
from allmende.search.selectors import (
    MAX_FILTER_VALUES,
    MAX_LIMIT,
    facet_groups,
    search,
    search_suggestion,
)

router = Router(tags=["Search"])

# The facets of the search as query parameters. A test checks that this list covers every
# facet registered for the search page.
FACET_PARAMETERS = (
    "network",
    "audience",
    "phase",
    "topic",
    "toolbox",
    "strategy",
    "target_group",
    "spatial_level",
    "project_type",
    "field",
    "carrier",
    "partner",
    "state",
    "kind",
)


def _facet(description: str) -> Any:
    return Field(None, description=description, max_length=MAX_FILTER_VALUES)


class SearchIn(Schema):
    q: str = Field(
        "",
        max_length=MAX_QUERY_INPUT,
        description=(
            "words to look for, in any form (Wohnungen finds Wohnung, Genossenschaft finds "
            "Wohnungsbaugenossenschaften, ae/oe/ue and ss stand for ä/ö/ü and ß); words in "
            'quotes ("Haus am Markt") must follow each other. Operators have no meaning. '
            "Empty: everything of the chosen types and facets."
        ),
    )
    type: list[str] = _facet("content types (article, tool, place, publication, position, …)")
    network: list[str] = _facet("network slugs")
    audience: list[str] = _facet("audiences: initiatives, owners")
    phase: list[str] = _facet("phases or steps (search, found, build, operate, step_1 … step_6)")
    topic: list[str] = _facet("topic slugs")
    toolbox: list[str] = _facet("toolbox slugs")
    strategy: list[str] = _facet("toolbox facet Strategie: term slugs")
    target_group: list[str] = _facet("toolbox facet Zielgruppe: term slugs")
    spatial_level: list[str] = _facet("toolbox facet Räumliche Ebene: term slugs")
    project_type: list[str] = _facet("toolbox facet Projektart: term slugs")
    field: list[str] = _facet("toolbox facet Handlungsfeld: term slugs")
    carrier: list[str] = _facet("toolbox facet Projektträger: term slugs")
    partner: list[str] = _facet("toolbox facet Projektpartner: term slugs")
    state: list[str] = _facet("German states (Bundesländer), as their German names")
    kind: list[str] = _facet("kinds of organisations, properties and publications")
    order: Literal["relevance", "date"] = Field("relevance", description="date: newest first")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(20, ge=1, le=MAX_LIMIT)


class HitOut(Schema):
    title: str
    url: str
    type: str
    type_label: str
    snippet: str = Field(description="HTML: escaped text with <mark> around matching words")
    score: float
    compound_only: bool = Field(description="found only inside longer (compound) words")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    query: str
    total: int
    page: int
    page_size: int
    hits: list[HitOut]
    counts: dict[str, int] = Field(
        description="matches per type, with the facet filters applied (not the type filter)"
    )
    facets: dict[str, list[FacetValueOut]] = Field(
        description=(
            "per facet its values among the matches; each count with the type filter and the "
            "other facets' filters applied (what ticking the value would show)"
        )
    )
    suggestion: str | None = Field(description="another spelling to try when nothing was found")
    message: str | None = Field(description="why nothing was searched, if so")


@router.get(
    "/search",
    response={200: SearchOut, 422: ErrorOut},
    summary="Search all public content",
    description=(
        "German full-text search over articles, tools, example places, publications, positions, "
        "news, organisations, properties and space needs, with facet filters (AND across facets, "
        "OR within one facet) and facet counts. Any text is a valid query."
    ),
)
def search_api(request: HttpRequest, params: Query[SearchIn]) -> Any:
    filters = {key: getattr(params, key) or [] for key in FACET_PARAMETERS}
    results = search(
        params.q,
        types=params.type or None,
        filters=filters,
        order=params.order,
        limit=params.page_size,
        offset=(params.page - 1) * params.page_size,
    )
    labels = {t.key: str(t.label) for t in search_types()}
    message = None
    if params.q.strip() and not results.has_words:
        message = _("The query contains no words to search for.")
    suggestion = None
    if results.total == 0 and results.has_words:
        suggestion = search_suggestion(params.q)
    return {
        "query": params.q,
        "total": results.total,
        "page": params.page,
        "page_size": params.page_size,
        "hits": [
            {
                "title": hit.title,
                "url": request.build_absolute_uri(hit.url),
                "type": hit.type,
                "type_label": labels.get(hit.type, hit.type),
                "snippet": str(hit.snippet),
                "score": hit.score,
                "compound_only": hit.compound_only,
            }
            for hit in results.hits
        ],
        "counts": results.counts,
        "facets": {
            group.key: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in group.values
            ]
            for group in facet_groups(results)
        },
        "suggestion": suggestion,
        "message": message,
    }
