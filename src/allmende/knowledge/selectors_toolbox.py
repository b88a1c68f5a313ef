"""Reads of toolboxes and tools shared by the pages and the API, with the faceted filter.

Facet semantics: AND across facets, OR within one facet. A term's count is the number of
tools that match the text, the prefix and the selections of all *other* facets and carry
this term (disjunctive faceting), so a count says how many results there would be after
also ticking that term (or how many of the current results carry it, in its own facet).
The counts come from one query of (tool, term) pairs over the tools matching text and prefix,
counted in Python; nothing is queried per term.
"""

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from allmende.knowledge.models import (
    Article,
    CodePrefix,
    Facet,
    FacetTerm,
    Tool,
    Toolbox,
    ToolLink,
    tool_code,
)

# "W007", "W 007" or "w007" in a URL → prefix and number.
CODE_IN_URL_RE = re.compile(r"^\s*([A-Za-zÄÖÜäöü]{1,4})\s?(\d{1,3})\s*$")


@dataclass(frozen=True)
class ToolFilters:
    """The toolbox filter; empty values mean "no filter". ``terms`` maps a facet value to
    the slugs of its selected terms."""

    text: str = ""
    prefix: str = ""
    terms: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class TermCount:
    term: FacetTerm
    count: int
    selected: bool


@dataclass
class FacetCounts:
    facet: str
    label: str
    terms: list[TermCount]

    @property
    def selected_count(self) -> int:
        return sum(1 for t in self.terms if t.selected)


@dataclass
class ToolSearch:
    """The filtered tools (a queryset, for pagination) and the counts of every facet term."""

    tools: QuerySet[Tool]
    total: int
    facets: list[FacetCounts]


def toolbox_list() -> QuerySet[Toolbox]:
    """All toolboxes with their network and the number of their published tools."""
    published = Tool.objects.published().values("pk")
    return (
        Toolbox.objects.select_related("network")
        .annotate(tool_count=Count("tools", filter=Q(tools__pk__in=published), distinct=True))
        .order_by("name")
    )


def toolbox_get(*, slug: str) -> Toolbox:
    """One toolbox by its short name (raises ``Toolbox.DoesNotExist``)."""
    return Toolbox.objects.select_related("network").get(slug=slug)


def toolbox_terms(*, toolbox: Toolbox) -> list[FacetTerm]:
    """The toolbox's vocabulary in display order (facet, position, name)."""
    return list(FacetTerm.objects.filter(toolbox=toolbox).order_by("facet", "position", "name"))


def toolbox_prefixes(*, toolbox: Toolbox) -> list[CodePrefix]:
    """The toolbox's code prefixes, alphabetically, with how many tools use each."""
    return list(
        CodePrefix.objects.filter(toolbox=toolbox)
        .annotate(tool_count=Count("tools"))
        .order_by("prefix")
    )


def _base_tools(*, toolbox: Toolbox, filters: ToolFilters) -> QuerySet[Tool]:
    tools = Tool.objects.published().filter(toolbox=toolbox)
    if filters.prefix:
        tools = tools.filter(prefix__prefix=filters.prefix)
    return tools.filter(_text_q(filters.text))


def _text_q(text: str) -> Q:
    """Code, title, slogan or summary contain ``text`` (no condition for empty text)."""
    text = text.strip()
    if not text:
        return Q()
    return (
        Q(title__icontains=text)
        | Q(slogan__icontains=text)
        | Q(summary__icontains=text)
        | Q(code__icontains=text)
    )


def tool_search(
    *, toolbox: Toolbox, filters: ToolFilters, terms: list[FacetTerm] | None = None
) -> ToolSearch:
    """The published tools of ``toolbox`` matching ``filters`` and the facet counts.

    ``terms`` is the toolbox's vocabulary if the caller has it already (saves a query).
    Selected slugs that are not terms of the toolbox are ignored. Queries: the vocabulary
    (unless given) and one for the (tool, term) pairs; the returned queryset is lazy."""
    if terms is None:
        terms = toolbox_terms(toolbox=toolbox)
    base = _base_tools(toolbox=toolbox, filters=filters)

    term_by_id = {term.pk: term for term in terms}
    selected: dict[str, set[int]] = {}
    for term in terms:
        if term.slug in filters.terms.get(term.facet, frozenset()):
            selected.setdefault(term.facet, set()).add(term.pk)

    # tool id → facet → ids of its terms; tools without any term appear with None.
    tool_terms: dict[int, dict[str, set[int]]] = {}
    for tool_id, term_id in base.order_by().values_list("pk", "terms"):
        by_facet = tool_terms.setdefault(tool_id, {})
        if term_id is not None and term_id in term_by_id:
            by_facet.setdefault(term_by_id[term_id].facet, set()).add(term_id)

    def matches(tool_facets: dict[str, set[int]], facet: str) -> bool:
        wanted = selected.get(facet)
        return not wanted or bool(tool_facets.get(facet, set()) & wanted)

    counts: dict[int, int] = defaultdict(int)
    result_ids: list[int] = []
    for tool_id, tool_facets in tool_terms.items():
        failing = [facet for facet in selected if not matches(tool_facets, facet)]
        if not failing:
            result_ids.append(tool_id)
        if len(failing) > 1:
            continue
        # Matching all other facets: every term of a failing facet counts (the tool would
        # match if that term were ticked); with no failing facet, every term counts.
        for facet, term_ids in tool_facets.items():
            if failing and failing[0] != facet:
                continue
            for term_id in term_ids:
                counts[term_id] += 1

    facets = [
        FacetCounts(
            facet=facet.value,
            label=str(facet.label),
            terms=[
                TermCount(
                    term=term,
                    count=counts.get(term.pk, 0),
                    selected=term.pk in selected.get(facet.value, set()),
                )
                for term in terms
                if term.facet == facet.value
            ],
        )
        for facet in Facet
    ]
    tools = base
    for term_ids in selected.values():
        tools = tools.filter(
            pk__in=Tool.terms.through.objects.filter(facetterm_id__in=term_ids).values("tool_id")
        )
    tools = tools.select_related("prefix", "toolbox").order_by("prefix__prefix", "number")
    return ToolSearch(tools=tools, total=len(result_ids), facets=facets)


def parse_code(code: str) -> str | None:
    """The stored form ("W 007") of a code as written in a URL ("W007"), or None."""
    match = CODE_IN_URL_RE.match(code or "")
    if match is None:
        return None
    return tool_code(match.group(1).upper(), int(match.group(2)))


def tool_get(*, toolbox_slug: str, code: str, user: Any = None) -> Tool:
    """One tool with everything its page shows: steps, examples, terms, typed links in both
    directions (to published tools only) and related published articles. Unpublished tools
    only for those who may edit them. Raises ``Tool.DoesNotExist``."""
    stored = parse_code(code)
    if stored is None:
        raise Tool.DoesNotExist
    published = Tool.objects.published()
    tool = (
        Tool.objects.select_related("toolbox__network", "prefix")
        .prefetch_related(
            "steps",
            "examples",
            Prefetch("terms", queryset=FacetTerm.objects.order_by("facet", "position", "name")),
            Prefetch(
                "links",
                queryset=ToolLink.objects.filter(target__in=published)
                .select_related("target__toolbox")
                .order_by("kind", "target__code"),
            ),
            Prefetch(
                "backlinks",
                queryset=ToolLink.objects.filter(source__in=published)
                .select_related("source__toolbox")
                .order_by("kind", "source__code"),
            ),
            Prefetch(
                "articles",
                queryset=Article.objects.published().order_by("title"),
                to_attr="published_articles",
            ),
        )
        .get(toolbox__slug=toolbox_slug, code=stored)
    )
    if not tool.is_public and not (
        user is not None
        and user.is_authenticated
        and user.has_perm("knowledge.change_content", tool.toolbox)
    ):
        raise Tool.DoesNotExist
    return tool


def tool_api_list(*, toolbox: Toolbox | None, text: str = "") -> QuerySet[Tool]:
    """Published tools (of ``toolbox`` or of all toolboxes, optionally containing ``text``)
    with their terms, for the API."""
    tools = Tool.objects.published().filter(_text_q(text))
    if toolbox is not None:
        tools = tools.filter(toolbox=toolbox)
    return (
        tools.select_related("toolbox", "prefix")
        .prefetch_related("terms")
        .order_by("toolbox__slug", "prefix__prefix", "number")
    )


def tools_for_links(*, toolbox: Toolbox, exclude: Tool | None = None) -> QuerySet[Tool]:
    """The tools of a toolbox another tool may link to (published or not), by code."""
    tools = Tool.objects.filter(toolbox=toolbox).select_related("prefix")
    if exclude is not None and exclude.pk:
        tools = tools.exclude(pk=exclude.pk)
    return tools.order_by("prefix__prefix", "number")
