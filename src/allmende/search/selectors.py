"""Reads from the search index."""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from allmende.search.backends import backend
from allmende.search.registry import search_types
from allmende.search.stemming import SNIPPET_WORDS, highlight, parse_query

MAX_LIMIT = 100


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
    """A page of hits, the number of matches per type (over all types, whatever ``types``
    was asked for: the counts of a type filter), and ``total`` for the types asked for."""

    query: str
    hits: list[SearchHit]
    counts: dict[str, int]
    total: int


def search(
    query: str, *, types: list[str] | None = None, limit: int = 20, offset: int = 0
) -> SearchResults:
    """Search the public index for ``query`` (any text: operators, quotes, control
    characters and excess length are neutralised, never an error). ``types`` limits the hits
    to these registered type keys (None: all). At most three database queries."""
    known = [t.key for t in search_types()]
    wanted = known if types is None else [t for t in types if t in known]
    parsed = parse_query(query)
    if not parsed:
        return SearchResults(query=query, hits=[], counts={}, total=0)
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    result = backend().query(parsed, types=wanted, limit=limit, offset=offset)
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
        query=query, hits=hits, counts=counts, total=sum(counts.get(t, 0) for t in wanted)
    )
