"""Reads from the search index: hits with snippets, counts per type and per facet value, the
labels of facet values, and a spelling suggestion when nothing was found."""

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.safestring import SafeString

from allmende.search.backends import Order, SearchRequest, backend
from allmende.search.models import SearchWord
from allmende.search.registry import facet_kinds, search_types
from allmende.search.services import MIN_SUGGESTION_CHARS
from allmende.search.stemming import (
    SNIPPET_WORDS,
    WORD_RE,
    ParsedQuery,
    highlight,
    parse_query,
)

MAX_LIMIT = 100
# Filter values per facet and facets per search: more is no longer a person choosing.
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 120
SUGGESTION_MIN_RATIO = 0.75


@dataclass(frozen=True)
class SearchHit:
    """One result. ``title_html`` and ``snippet`` are escaped HTML with ``<mark>`` around
    the matching words; ``title`` is plain text. ``compound_only``: found only as part of a
    longer word (ranked after the direct matches)."""

    title: str
    title_html: SafeString
    url: str
    type: str
    snippet: SafeString
    score: float
    compound_only: bool
    facets: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResults:
    """A page of hits; ``counts``: the matches per type with the facet filters applied (over
    all types, whatever ``types`` was asked for: the counts of a type filter);
    ``facet_counts``: {facet: {value: matches}} with the type filter and the other facets'
    filters applied (so a count says what ticking that value adds); ``total``: the matches of
    the types asked for with all filters. ``has_words``: whether the query held anything to
    search for (a query of only punctuation or emoji does not)."""

    query: str
    hits: list[SearchHit]
    counts: dict[str, int]
    total: int
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    has_words: bool = False


def clean_filters(filters: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    """Filter values as the search uses them: text without NUL, not empty, unique, a bounded
    number per facet; facets without values dropped."""
    cleaned: dict[str, list[str]] = {}
    for facet, values in (filters or {}).items():
        kept = [
            v[:MAX_FILTER_CHARS]
            for v in values
            if isinstance(v, str) and v.strip() and "\x00" not in v
        ]
        if kept and "\x00" not in facet:
            cleaned[facet[:40]] = list(dict.fromkeys(kept))[:MAX_FILTER_VALUES]
    return cleaned


def search(
    query: str,
    *,
    types: list[str] | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    order: Order | str = Order.RELEVANCE,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Search the public index for ``query`` (any text: operators, control characters and
    excess length are neutralised, never an error; text in quotes is a phrase). ``types``
    limits the hits to these registered type keys (None: all); ``filters`` ({facet: values})
    combine with AND across facets and OR within one. Without words to search for, every
    entry matches when a type or facet filter is given, none otherwise. ``order``:
    relevance, or date (newest first). Two database queries (three when the matches cached
    for the same words turn out to be of an older index generation)."""
    known = [t.key for t in search_types()]
    wanted = known if types is None else [t for t in types if t in known]
    cleaned = clean_filters(filters)
    parsed = parse_query(query)
    if not parsed and types is None and not cleaned:
        return SearchResults(query=query, hits=[], counts={}, total=0)
    result = backend().query(
        SearchRequest(
            parsed=parsed,
            types=wanted,
            all_types=known,
            filters=cleaned,
            facets=[f.key for f in facet_kinds()],
            order=Order.DATE if order == Order.DATE else Order.RELEVANCE,
            limit=max(0, min(limit, MAX_LIMIT)),
            offset=max(0, offset),
        )
    )
    hits = [
        SearchHit(
            title=ranked.entry.title,
            title_html=highlight(ranked.entry.title, parsed),
            url=ranked.entry.url,
            type=ranked.entry.type,
            snippet=highlight(ranked.entry.body, parsed, max_words=SNIPPET_WORDS),
            score=ranked.score,
            compound_only=ranked.compound_only,
            facets=ranked.entry.facets,
        )
        for ranked in result.entries
    ]
    counts = {key: result.counts[key] for key in known if result.counts.get(key)}
    return SearchResults(
        query=query,
        hits=hits,
        counts=counts,
        total=sum(counts.get(t, 0) for t in wanted),
        facet_counts=result.facet_counts,
        filters=cleaned,
        has_words=bool(parsed),
    )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    key: str
    label: str
    values: list[FacetValue]


def facet_groups(results: SearchResults) -> list[FacetGroup]:
    """The registered facets that have values among the matches (or a selected value), in
    registration order, each value with its readable label and count, sorted by label. One
    labeller call (at most one query) per kind of vocabulary."""
    present: dict[str, set[str]] = {}
    for kind in facet_kinds():
        values = set(results.facet_counts.get(kind.key, {})) | set(
            results.filters.get(kind.key, [])
        )
        if values:
            present[kind.key] = values
    labels: dict[str, dict[str, str]] = {}
    labellers = {id(kind.labeller): kind.labeller for kind in facet_kinds()}
    for labeller_id, labeller in labellers.items():
        asked = {
            kind.key: present[kind.key]
            for kind in facet_kinds()
            if id(kind.labeller) == labeller_id and kind.key in present
        }
        if asked:
            labels.update(labeller(asked))
    groups = []
    for kind in facet_kinds():
        if kind.key not in present:
            continue
        counts = results.facet_counts.get(kind.key, {})
        selected = set(results.filters.get(kind.key, []))
        names = labels.get(kind.key, {})
        facet_values = [
            FacetValue(value, names.get(value, value), counts.get(value, 0), value in selected)
            for value in present[kind.key]
        ]
        facet_values.sort(key=lambda v: (v.label.casefold(), v.value))
        groups.append(FacetGroup(kind.key, str(kind.label), facet_values))
    return groups


def search_suggestion(query: str) -> str | None:
    """A spelling to try instead of ``query``: every word that occurs in no indexed title
    replaced by the most similar title word with the same first letter, or None when there is
    nothing to suggest. Two queries at most."""
    parsed: ParsedQuery = parse_query(query)
    candidates = [t for t in parsed.terms if len(t) >= MIN_SUGGESTION_CHARS and not t.isdigit()]
    if not candidates:
        return None
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    unknown = [t for t in candidates if t not in known]
    if not unknown:
        return None
    near = Q()
    for term in unknown:
        near |= Q(word__startswith=term[0])
    words = list(SearchWord.objects.filter(near).values_list("word", flat=True)[:20_000])
    # Written as the person wrote it: "Genosenschaft" → "Genossenschaft".
    capitalised = {w.lower() for w in WORD_RE.findall(query) if w[:1].isupper()}
    replaced = False
    suggestion = []
    for term in parsed.terms:
        word = term
        if term in unknown:
            same_start = [w for w in words if w[0] == term[0]]
            close = difflib.get_close_matches(term, same_start, n=1, cutoff=SUGGESTION_MIN_RATIO)
            if close:
                word = close[0]
                replaced = True
        suggestion.append(word.capitalize() if term in capitalised else word)
    return " ".join(suggestion) if replaced else None
