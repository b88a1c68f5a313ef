"""API of the toolboxes: published tools with the faceted filter and its counts, and one tool.

The filter behaves as on the toolbox page (``selectors_toolbox.tool_search``): repeated query
parameters per facet (``?strategy=a&strategy=b&field=wohnen``) combine with OR within a facet
and AND across facets; ``facets`` gives every term's count under the other facets' filters.
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from allmende.core.api import ErrorOut
from allmende.knowledge import selectors_toolbox as selectors
from allmende.knowledge.models import Facet, LinkKind, StepPhase, Tool, Toolbox

router = Router(tags=["Toolbox"])

FACET_DESCRIPTION = (
    "slug of a term of this facet; repeat the parameter for several terms (OR); needs `toolbox`"
)


class ToolFilterIn(Schema):
    toolbox: str = Field("", max_length=80, description="short name of the toolbox")
    prefix: str = Field("", max_length=4, description="code prefix, e.g. `W`; needs `toolbox`")
    q: str = Field("", max_length=200, description="part of code, title, slogan or summary")
    strategy: list[str] = Field([], description=FACET_DESCRIPTION)
    target_group: list[str] = Field([], description=FACET_DESCRIPTION)
    spatial_level: list[str] = Field([], description=FACET_DESCRIPTION)
    project_type: list[str] = Field([], description=FACET_DESCRIPTION)
    field: list[str] = Field([], description=FACET_DESCRIPTION)
    carrier: list[str] = Field([], description=FACET_DESCRIPTION)
    partner: list[str] = Field([], description=FACET_DESCRIPTION)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


class TermCountOut(Schema):
    slug: str
    name: str
    count: int = Field(description="tools matching the other facets' filters with this term")
    selected: bool


class FacetOut(Schema):
    facet: Facet
    label: str
    terms: list[TermCountOut]


class ToolOut(Schema):
    toolbox: str
    code: str = Field(description='as printed, e.g. "W 007"')
    slogan: str
    title: str
    summary: str
    url: str
    terms: dict[str, list[str]] = Field(description="facet → slugs of its terms")


class ToolListOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[ToolOut]
    facets: list[FacetOut] = Field(description="empty unless `toolbox` is given")


class StepOut(Schema):
    phase: StepPhase
    text: str


class ExampleOut(Schema):
    title: str
    url: str
    description: str


class LinkOut(Schema):
    kind: LinkKind
    code: str
    title: str
    url: str


class ToolDetailOut(ToolOut):
    effects: str = Field(description="Markdown")
    steps: list[StepOut]
    examples: list[ExampleOut]
    links: list[LinkOut] = Field(description="links from this tool to others")
    backlinks: list[LinkOut] = Field(description="links of other tools to this one")


def _tool_out(tool: Tool) -> dict[str, Any]:
    terms: dict[str, list[str]] = {}
    for term in tool.terms.all():
        terms.setdefault(term.facet, []).append(term.slug)
    return {
        "toolbox": tool.toolbox.slug,
        "code": tool.code,
        "slogan": tool.slogan,
        "title": tool.title,
        "summary": tool.summary,
        "url": tool.get_absolute_url(),
        "terms": terms,
    }


def _link_out(kind: str, tool: Tool) -> dict[str, Any]:
    return {"kind": kind, "code": tool.code, "title": tool.title, "url": tool.get_absolute_url()}


@router.get(
    "/tools",
    response={200: ToolListOut, 404: ErrorOut, 422: ErrorOut},
    summary="List tools with facet filters and counts",
    description=(
        "Published tools, ordered by toolbox and code. With `toolbox`: filters by `prefix`, by "
        "facet terms (repeated parameters per facet: OR within a facet, AND across facets) "
        "and `q`, and the facet counts. Unknown term slugs or prefixes are a 422 error; an "
        "unknown toolbox is a 404."
    ),
)
def tool_list(request: HttpRequest, filters: Query[ToolFilterIn]) -> Any:
    selected = {facet.value: list(getattr(filters, facet.value)) for facet in Facet}
    if not filters.toolbox:
        if filters.prefix or any(selected.values()):
            raise HttpError(422, "Filters by prefix or facet terms need a `toolbox`.")
        return _page(selectors.tool_api_list(toolbox=None, text=filters.q), filters, [])
    try:
        toolbox = selectors.toolbox_get(slug=filters.toolbox)
    except Toolbox.DoesNotExist as exc:
        raise Http404 from exc
    terms = selectors.toolbox_terms(toolbox=toolbox)
    known = {(t.facet, t.slug) for t in terms}
    unknown = sorted(
        f"{facet}={slug}"
        for facet, slugs in selected.items()
        for slug in slugs
        if (facet, slug) not in known
    )
    if unknown:
        raise HttpError(422, "Unknown terms: " + ", ".join(unknown))
    if filters.prefix and not toolbox.prefixes.filter(prefix=filters.prefix).exists():
        raise HttpError(422, f"Unknown prefix: {filters.prefix}")
    search = selectors.tool_search(
        toolbox=toolbox,
        filters=selectors.ToolFilters(
            text=filters.q.strip(),
            prefix=filters.prefix,
            terms={facet: frozenset(slugs) for facet, slugs in selected.items()},
        ),
        terms=terms,
    )
    facets = [
        {
            "facet": facet.facet,
            "label": facet.label,
            "terms": [
                {
                    "slug": item.term.slug,
                    "name": item.term.name,
                    "count": item.count,
                    "selected": item.selected,
                }
                for item in facet.terms
            ],
        }
        for facet in search.facets
    ]
    return _page(search.tools.prefetch_related("terms"), filters, facets, total=search.total)


def _page(
    tools: Any, filters: ToolFilterIn, facets: list[dict[str, Any]], total: int | None = None
) -> dict[str, Any]:
    count = tools.count() if total is None else total
    start = (filters.page - 1) * filters.page_size
    rows = list(tools[start : start + filters.page_size]) if start < count else []
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [_tool_out(tool) for tool in rows],
        "facets": facets,
    }


@router.get(
    "/tools/{toolbox}/{code}",
    response={200: ToolDetailOut, 404: ErrorOut},
    summary="One tool",
    description='`code` as in the tool\'s address ("W007"); "W 007" works too.',
)
def tool_detail(request: HttpRequest, toolbox: str, code: str) -> Any:
    try:
        tool = selectors.tool_get(toolbox_slug=toolbox, code=code, user=None)
    except Tool.DoesNotExist as exc:
        raise Http404 from exc
    return {
        **_tool_out(tool),
        "effects": tool.effects,
        "steps": [
            {"phase": step.phase, "text": step.text}
            for phase in StepPhase
            for step in tool.steps.all()
            if step.phase == phase.value
        ],
        "examples": [
            {"title": e.title, "url": e.url, "description": e.description}
            for e in tool.examples.all()
        ],
        "links": [_link_out(link.kind, link.target) for link in tool.links.all()],
        "backlinks": [_link_out(link.kind, link.source) for link in tool.backlinks.all()],
    }
