"""The two index backends behind one interface; ``backend()`` picks the database's.

SQLite: the FTS5 table ``search_fts`` holds German stems (PyStemmer) keyed by the entry id.
PostgreSQL: a stored ``german`` text-search vector of title (weight A) and body (weight B) with
a GIN index, and the vectors of the titles alone in a narrow table with a GIN index. The
vector also holds a lexeme for each pair of neighbouring words ("gemeinsam plan"), by which a
phrase is looked up in the index instead of checking the word positions of every entry that
has its words.

Parts of compound words ("genossenschaft" in "wohnungsbaugenossenschaft") are found through
the index's vocabulary (``SearchTerm``: stems on SQLite, lexemes on PostgreSQL) with a trigram
index (an FTS5 trigram table; pg_trgm): the words containing the part are looked up among a
few thousand distinct words, then searched in the full-text index like typed words. Direct
matches (tier 0) come before matches only inside compounds (tier 1).

Both: one statement returns all matches as a few aggregated id lists (not one row per
match) with the index generation. Up to ``RANK_LIMIT`` direct matches are ranked (bm25 with
the title weighted above the body; ``ts_rank``); a word more common than that orders title
matches first, then the rest by id, which costs no more than finding them. Filters and
counts (per type, and per facet value with the other facets' filters applied) run in memory
over this process's copy of ``search_searchfacet`` (one row per entry, facet and value, the
type included), which is read again only when the index generation (changed by triggers on
every write of facet rows) differs; a second query reads the page's entries. So a search is
two queries whatever the number of matches and facets. The matches of recent queries are
kept per index generation: a facet click or a further page reads the generation instead of
searching again (and searches when it has changed: three queries then).
"""

import json
import secrets
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from django.db import connection

from allmende.search.facettable import FacetTable, IntArray
from allmende.search.models import SearchEntry
from allmende.search.stemming import (
    MIN_PART_CHARS,
    ParsedQuery,
    stem,
    stem_text,
    with_umlauts,
)


@dataclass(frozen=True)
class RankedEntry:
    entry: SearchEntry
    score: float
    compound_only: bool


@dataclass(frozen=True)
class BackendResult:
    """One page of entries; ``counts``: matches per type with the facet filters applied
    (not the type filter); ``facet_counts``: {facet: {value: matches}}, each facet counted
    with the type filter and the other facets' filters applied, but not its own."""

    entries: list[RankedEntry]
    counts: dict[str, int]
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)


class Order(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"


@dataclass(frozen=True)
class SearchRequest:
    """What to look for: ``parsed`` (empty: every entry), the ``types`` to list out of
    ``all_types`` (the registered ones), facet ``filters`` ({facet: values}: AND across facets, OR
    within one), the ``facets`` to count, the order and the page."""

    parsed: ParsedQuery
    types: Sequence[str]
    all_types: Sequence[str]
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    facets: Sequence[str] = ()
    order: Order = Order.RELEVANCE
    limit: int = 20
    offset: int = 0


class SearchBackend(Protocol):
    def write(self, entries: Sequence[SearchEntry]) -> None:
        """Bring the backend's own index up to date with these (saved) entries."""

    def remove(self, entry_ids: Sequence[int]) -> None:
        """Drop these entries from the backend's own index."""

    def clear(self) -> None:
        """Empty the backend's own index."""

    def query(self, request: SearchRequest) -> BackendResult:
        """Counts and one page of matching entries (two database queries; a third when the
        facet table changed since this process last read it, or when the matches cached for
        the same words are of an older index generation)."""


ENTRY_TABLE = "search_searchentry"
TERM_TABLE = "search_searchterm"
MAX_TERM_LENGTH = 100
FACET_TABLE = "search_searchfacet"
FloatArray = npt.NDArray[np.float64]
STATE_TABLE = "search_searchindexstate"
# Per database alias: this process's copy of the facet table.
_facet_tables: dict[str, FacetTable] = {}


def _index_generation(cursor: Any, *, lock: bool = False) -> int | None:
    suffix = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    cursor.execute(f"SELECT generation FROM {STATE_TABLE}{suffix}")  # noqa: S608 - fixed name
    row = cursor.fetchone()
    return None if row is None else int(row[0])


def _load_facet_table(token: int | None) -> FacetTable:
    # The generation was read before the rows: should a write come in between, the table is
    # labelled older than it is and read again by the next search, never the other way round.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT entry_id, facet, value FROM {FACET_TABLE}")  # noqa: S608
        table = FacetTable(token, cursor.fetchall())
    _facet_tables[connection.alias] = table
    return table


def facet_table(token: int | None) -> FacetTable:
    """This process's copy of the facet table at index generation ``token`` (read from the
    database when the copy is older, or when there is no generation to compare)."""
    table = _facet_tables.get(connection.alias)
    if table is not None and token is not None and table.token == token:
        return table
    return _load_facet_table(token)


@contextmanager
def facet_rows_changing(
    removed: Sequence[int], added: Sequence[tuple[int, str, str]]
) -> Iterator[None]:
    """Around a write of facet rows (inside its transaction): the facet rows of the
    ``removed`` entry ids are replaced by ``added``. Afterwards this process's copy of the
    facet table is brought up to date — by applying the change when the copy was current
    before, by reading the table otherwise — so that the next search needs no extra query."""
    table = _facet_tables.get(connection.alias)
    with connection.cursor() as cursor:
        before = _index_generation(cursor, lock=True) if table is not None else None
    yield
    with connection.cursor() as cursor:
        after = _index_generation(cursor)
        if after is None:
            # Random like the triggers' generations, so that none is ever given twice.
            after = secrets.randbits(62)
            cursor.execute(
                f"INSERT INTO {STATE_TABLE} (generation) VALUES (%s)",  # noqa: S608
                [after],
            )
    if table is not None and before is not None and table.token == before:
        _facet_tables[connection.alias] = table.with_changes(after, removed=removed, added=added)
    else:
        _load_facet_table(after)
    _hits_cache_forget()


def facet_table_forget() -> None:
    """Drop this process's copy of the facet table and its cached matches (after a bulk
    rebuild of the index)."""
    _facet_tables.pop(connection.alias, None)
    _hits_cache_forget()


# Up to this many direct matches every match is ranked (bm25, ts_rank); a word found in more
# entries is too common for that to pay: title matches rank first, then the rest by id.
RANK_LIMIT = 2_000
# Index words containing one part of a compound word that are searched for (a part such as
# "bau" is in thousands of words; more than this is no longer a search for that part).
MAX_PART_WORDS = 1_000


@dataclass(frozen=True)
class Hits:
    """The matches of a query: ``ids`` with their ``tiers`` (0 direct, 1 only inside compound
    words) and ``scores`` (higher first), and the index generation they were read at."""

    token: int | None
    ids: IntArray
    tiers: IntArray
    scores: FloatArray

    @classmethod
    def empty(cls, token: int | None = None) -> "Hits":
        return cls(token, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))


def _combine(
    token: int | None,
    direct: IntArray,
    in_compounds: IntArray,
    scores: Mapping[int, float] | None,
    title_direct: IntArray,
    title_compound: IntArray,
) -> Hits:
    """Tiers and scores of the ids of both kinds of match: direct matches score their rank
    when there are ``scores``, otherwise 1 for a title match and 0 for the rest; matches only
    inside compounds score 1 for a title match, 0 for the rest."""
    compound_only = np.setdiff1d(in_compounds, direct, assume_unique=True)
    ids = np.concatenate([direct, compound_only])
    tiers = np.concatenate([np.zeros(len(direct), np.int64), np.ones(len(compound_only), np.int64)])
    if scores is not None:
        direct_scores = np.array([scores.get(int(i), 0.0) for i in direct], dtype=np.float64)
    else:
        direct_scores = np.isin(direct, title_direct, assume_unique=True).astype(np.float64)
    compound_scores = np.isin(compound_only, title_compound, assume_unique=True).astype(np.float64)
    return Hits(token, ids, tiers, np.concatenate([direct_scores, compound_scores]))


# The matches of recent queries, per database alias, labelled with the index generation they
# were read at: facet clicks and further pages repeat the same words. A cached list is used
# while the index generation is still its own (one small query instead of the search's);
# generations are random, so a rolled-back write cannot make an old list look current.
# Writes in this process drop the lists at once. Bounded by queries and by ids held.
HITS_CACHE_QUERIES = 32
HITS_CACHE_IDS = 500_000
_hits_cache: dict[str, "OrderedDict[tuple[object, ...], Hits]"] = {}
_hits_cache_lock = threading.Lock()


def _hits_key(parsed: ParsedQuery) -> tuple[object, ...]:
    return (parsed.terms, parsed.phrases, RANK_LIMIT, MAX_PART_WORDS)


def _cached_hits(key: tuple[object, ...]) -> "Hits | None":
    with _hits_cache_lock:
        cache = _hits_cache.get(connection.alias)
        found = cache.get(key) if cache is not None else None
        if found is not None and cache is not None:
            cache.move_to_end(key)
        return found


def _remember_hits(key: tuple[object, ...], hits: "Hits") -> None:
    if hits.token is None or len(hits.ids) > HITS_CACHE_IDS:
        return
    # Shared by every search of this process (and its threads) from now on: read-only.
    for array in (hits.ids, hits.tiers, hits.scores):
        array.flags.writeable = False
    with _hits_cache_lock:
        cache = _hits_cache.setdefault(connection.alias, OrderedDict())
        # Matches read at another generation are of no further use.
        for stale in [k for k, v in cache.items() if v.token != hits.token]:
            del cache[stale]
        cache[key] = hits
        held = sum(len(v.ids) for v in cache.values())
        while len(cache) > HITS_CACHE_QUERIES or held > HITS_CACHE_IDS:
            _key, dropped = cache.popitem(last=False)
            held -= len(dropped.ids)


def _hits_cache_forget() -> None:
    with _hits_cache_lock:
        _hits_cache.pop(connection.alias, None)


def hits_cache_clear() -> None:
    """Forget every cached match list of this process (benchmarks measure without them)."""
    with _hits_cache_lock:
        _hits_cache.clear()


def _id_list(text: str | None) -> IntArray:
    """Ids from a comma-separated list (``group_concat``) as an array."""
    if not text:
        return np.zeros(0, np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


class _SqlBackend(ABC):
    """Matching in SQL, counting and paging in memory, shared by both backends. A backend
    reads all matches of a query in one statement that returns the ids as a few aggregated
    values (not one row per match), with the index generation; their facet values are
    counted and filtered in this process's copy of the facet table (read again only when the
    generation has changed); a second query reads the page's entries."""

    @abstractmethod
    def hits(self, parsed: ParsedQuery) -> Hits:
        """The matches of ``parsed`` (not empty) in one query: every term must match, directly
        (same stem; tier 0) or, for a term of at least ``MIN_PART_CHARS`` characters, inside a
        longer word (tier 1); phrases must match as phrases in both tiers."""

    def _hits(self, parsed: ParsedQuery) -> tuple[int | None, IntArray, IntArray, FloatArray]:
        if not parsed:
            with connection.cursor() as cursor:
                token = _index_generation(cursor)
            ids = facet_table(token).entry_ids
            return token, ids, np.zeros(len(ids), np.int64), np.zeros(len(ids))
        key = _hits_key(parsed)
        found = _cached_hits(key)
        if found is not None:
            with connection.cursor() as cursor:
                current = found.token == _index_generation(cursor)
            if not current:
                found = None
        if found is None:
            found = self.hits(parsed)
            _remember_hits(key, found)
        return found.token, found.ids, found.tiers, found.scores

    def query(self, request: SearchRequest) -> BackendResult:
        filters = {f: list(dict.fromkeys(v)) for f, v in request.filters.items() if v}
        token, ids, tiers, scores = self._hits(request.parsed)
        if not len(ids):
            return BackendResult([], {}, {})
        type_filtered = set(request.types) != set(request.all_types)
        found = facet_table(token).count(
            ids,
            filters=filters,
            types=list(request.types) if type_filtered else None,
            facets=request.facets,
        )
        total = sum(found.counts.get(t, 0) for t in request.types)
        if request.limit <= 0 or request.offset >= total:
            return BackendResult([], found.counts, found.facet_counts)
        selected = found.selected
        by_relevance = selected[np.lexsort((ids[selected], -scores[selected], tiers[selected]))]
        if request.order == Order.DATE:
            page = self._page_by_date([int(i) for i in ids[by_relevance]], request)
        else:
            chosen = by_relevance[request.offset : request.offset + request.limit]
            loaded = SearchEntry.objects.in_bulk([int(i) for i in ids[chosen]])
            page = [loaded[int(i)] for i in ids[chosen] if int(i) in loaded]
        # Where the page's entries are among the matches (not a map of every match).
        wanted = np.array([e.pk for e in page], dtype=np.int64)
        at = np.flatnonzero(np.isin(ids, wanted))
        position = {int(ids[n]): int(n) for n in at}
        return BackendResult(
            [
                RankedEntry(e, float(scores[position[e.pk]]), bool(tiers[position[e.pk]]))
                for e in page
            ],
            found.counts,
            found.facet_counts,
        )

    @abstractmethod
    def _ids_with_rank_sql(self) -> str:
        """A FROM item of rows ``(id, n)`` out of a parameter holding a list of ids, ``n``
        being the position in the list."""

    @abstractmethod
    def _ids_parameter(self, ids: list[int]) -> Any:
        """The list of ids as the parameter of ``_ids_with_rank_sql``."""

    def _page_by_date(self, ranked_ids: list[int], request: SearchRequest) -> list[SearchEntry]:
        # Newest first; the same date in the order of relevance.
        sql = (
            f"SELECT e.* FROM {self._ids_with_rank_sql()} "  # noqa: S608 - no user text
            f"JOIN {ENTRY_TABLE} e ON e.id = r.id "
            "ORDER BY e.date DESC NULLS LAST, r.n LIMIT %s OFFSET %s"
        )
        params = [self._ids_parameter(ranked_ids), request.limit, request.offset]
        return list(SearchEntry.objects.raw(sql, params))


class SqliteBackend(_SqlBackend):
    """``search_fts``: FTS5 over German stems of title and body, rowid = entry id. Parts of
    compound words are looked up in ``search_term_trigram`` (the index's words, trigram
    tokenizer) and the words found searched in ``search_fts``."""

    def write(self, entries: Sequence[SearchEntry]) -> None:
        rows = [(e.pk, stem_text(e.title), stem_text(e.body)) for e in entries]
        terms = sorted({w for row in rows for text in row[1:] for w in text.split()})
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(row[0],) for row in rows]
            )
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)", rows
            )
            # Triggers add new words to the trigram table.
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TERM_TABLE} (term) VALUES (%s)",  # noqa: S608
                [(t,) for t in terms if len(t) <= MAX_TERM_LENGTH],
            )

    def remove(self, entry_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in entry_ids]
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
            cursor.execute(f"DELETE FROM {TERM_TABLE}")  # noqa: S608 - fixed name

    @staticmethod
    def _phrases(groups: Iterable[Iterable[str]]) -> str:
        # Every stem inside a quoted FTS5 string (stems are \w+, so they hold no quote): no
        # operator, column filter or prefix syntax can come from the user. The stems of one
        # string must follow each other.
        return " ".join('"' + " ".join(group) + '"' for group in groups)

    def _ids_with_rank_sql(self) -> str:
        return "(SELECT CAST(value AS INTEGER) AS id, key AS n FROM json_each(%s)) r"

    def _ids_parameter(self, ids: list[int]) -> Any:
        return json.dumps(ids)

    @staticmethod
    def _compound_stems(parsed: ParsedQuery) -> list[str]:
        """The stems looked for inside words: long enough, and not in a phrase (the phrase
        must match as it is, so its words match directly anyway)."""
        in_phrases = {s for phrase in parsed.phrase_stems for s in phrase}
        return [s for s in parsed.part_stems if s not in in_phrases]

    @staticmethod
    def _compound_sql(parsed: ParsedQuery) -> tuple[str, list[Any]]:
        """An SQL expression that yields the FTS5 query of the compound tier: for each part,
        the index words containing it (or the part itself) joined by OR; the groups and the
        phrases joined by AND."""
        pieces: list[str] = []
        params: list[Any] = []
        for part in SqliteBackend._compound_stems(parsed):
            pieces.append(
                "'(' || coalesce((SELECT group_concat('\"' || term || '\"', ' OR ') FROM "
                "(SELECT term FROM search_term_trigram WHERE search_term_trigram MATCH %s "
                "LIMIT %s)), %s) || ')'"
            )
            params += [f'"{part}"', MAX_PART_WORDS, f'"{part}"']
        for phrase in parsed.phrase_stems:
            pieces.append("%s")
            params.append('"' + " ".join(phrase) + '"')
        return " || ' AND ' || ".join(pieces), params

    def hits(self, parsed: ParsedQuery) -> Hits:
        # Stems of a phrase are left to the phrase (the same matches, one lookup less).
        in_phrases = {s for phrase in parsed.phrase_stems for s in phrase}
        direct = self._phrases(
            [*([s] for s in parsed.stems if s not in in_phrases), *parsed.phrase_stems]
        )
        # The direct matches once, as one list (a phrase costs a look at every position);
        # their number is the list's commas plus one. A part that is not needed produces no
        # row, so its subquery is not run at all.
        count = "(SELECT coalesce(length(ids) - length(replace(ids, ',', '')) + 1, 0) FROM d)"
        few = f"{count} <= %s"
        sql = (
            "WITH d AS MATERIALIZED (SELECT group_concat(rowid) AS ids FROM search_fts "  # noqa: S608
            "WHERE search_fts MATCH %s) "
            f"SELECT 0, (SELECT generation FROM {STATE_TABLE}), NULL "
            "UNION ALL SELECT 1, ids, NULL FROM d "
            "UNION ALL SELECT 2, (SELECT group_concat(rowid) FROM search_fts "
            f"WHERE search_fts MATCH %s), NULL WHERE NOT {few} "
            "UNION ALL SELECT 3, rowid, -bm25(search_fts, 10.0, 1.0) FROM search_fts "
            f"WHERE search_fts MATCH %s AND {few}"
        )
        params: list[Any] = [
            direct,
            f"{{title}} : ({direct})",
            RANK_LIMIT,
            direct,
            RANK_LIMIT,
        ]
        if self._compound_stems(parsed):
            compound, compound_params = self._compound_sql(parsed)
            sql += (
                " UNION ALL SELECT 4, group_concat(rowid), NULL FROM search_fts "  # noqa: S608
                f"WHERE search_fts MATCH {compound}"
                " UNION ALL SELECT 5, (SELECT group_concat(rowid) FROM search_fts "
                f"WHERE search_fts MATCH '{{title}} : (' || {compound} || ')'), NULL "
                f"WHERE {few}"
            )
            params += [*compound_params, *compound_params, RANK_LIMIT]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        lists: dict[int, str | None] = {}
        scores: dict[int, float] = {}
        token: int | None = None
        for kind, value, score in rows:
            if kind == 0:
                token = None if value is None else int(value)
            elif kind == 3:
                scores[int(value)] = float(score)
            else:
                lists[kind] = value
        direct_ids = _id_list(lists.get(1))
        return _combine(
            token,
            direct_ids,
            _id_list(lists.get(4)),
            scores if len(direct_ids) <= RANK_LIMIT else None,
            _id_list(lists.get(2)),
            _id_list(lists.get(5)),
        )


VECTOR_COLUMN = "search_vector"
TITLE_TABLE = "search_title"


def _like_pattern(part: str) -> str:
    return "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _parts(term: str) -> set[str]:
    """What to look for inside longer words: the stem-long beginning of the term, as typed
    and with ae/oe/ue as umlauts ("gärten" → "gärt", found in "Gemeinschaftsgärten"), and
    the stem."""
    found = set()
    for variant in {term, with_umlauts(term)}:
        length = len(stem(variant))
        if length >= MIN_PART_CHARS:
            found.add(variant[:length])
    # The stem itself, umlauts folded as in SQLite's trigram table ("häuser" → "haus", found
    # in "Kaufhaus").
    if found and len(stemmed := stem(term)) >= MIN_PART_CHARS:
        found.add(stemmed)
    return found


class PostgresBackend(_SqlBackend):
    """The entry table carries a stored ``search_vector`` column (weighted ``german``
    vector of title A and body B, and the pairs of neighbouring words) with a GIN index; the
    ``german`` vectors of the titles alone are in the narrow table ``search_title`` with a
    GIN index, kept by triggers (migrations 0002, 0006, 0008 and 0009, PostgreSQL only).
    Parts of compound words are looked up among the lexemes in ``search_searchterm``
    (pg_trgm); phrases by their pairs (``allmende_phrase_tsquery``)."""

    def write(self, entries: Sequence[SearchEntry]) -> None:
        """Add the entries' new lexemes to the vocabulary (the vector is a generated
        column, the other indexes are on the entry table)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TERM_TABLE} (term) SELECT DISTINCT w "  # noqa: S608
                f"FROM {ENTRY_TABLE} e, unnest(tsvector_to_array(e.{VECTOR_COLUMN})) w "
                # Not the pairs of neighbouring words (with a space), only words.
                "WHERE e.id = ANY(%s) AND length(w) <= %s AND strpos(w, ' ') = 0 "
                "ON CONFLICT (term) DO NOTHING",
                [[e.pk for e in entries], MAX_TERM_LENGTH],
            )

    def remove(self, entry_ids: Sequence[int]) -> None:
        """Nothing to do: the indexes are on the entry table itself."""

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TERM_TABLE}")  # noqa: S608 - fixed name

    def _ids_with_rank_sql(self) -> str:
        return "unnest(%s::bigint[]) WITH ORDINALITY AS r(id, n)"

    def _ids_parameter(self, ids: list[int]) -> Any:
        return ids

    @staticmethod
    def _term_sql(term: str) -> tuple[str, list[Any]]:
        # As typed or with ae/oe/ue read as umlauts (PostgreSQL's German stemmer, unlike
        # PyStemmer's, does not fold them). "plain": the terms are bare words; websearch
        # would read a typed "or" as an operator, which SQLite does not.
        if (umlauts := with_umlauts(term)) != term:
            return (
                "(plainto_tsquery('german', %s) || plainto_tsquery('german', %s))",
                [term, umlauts],
            )
        return "plainto_tsquery('german', %s)", [term]

    @staticmethod
    def _phrase_sql(phrase: Sequence[str], *, pairs: bool = True) -> tuple[str, list[Any]]:
        # Words in this order (stop words keep their place), in both tiers as on SQLite.
        # ``pairs``: for the entry's vector, which holds the pairs of neighbouring words
        # (migration 0008: a phrase is looked up by its pairs); not for a title's vector.
        function = "allmende_phrase_tsquery(%s)" if pairs else "phraseto_tsquery('german', %s)"
        text = " ".join(phrase)
        if (umlauts := with_umlauts(text)) != text:
            return f"({function} || {function})", [text, umlauts]
        return function, [text]

    def _tsquery_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        """The tsquery of the direct matches: every term and every phrase."""
        pieces = [self._term_sql(term) for term in parsed.terms]
        pieces += [self._phrase_sql(phrase) for phrase in parsed.phrases]
        return "(" + " && ".join(sql for sql, _ in pieces) + ")", [
            p for _, params in pieces for p in params
        ]

    def _compound_sql(self, parsed: ParsedQuery) -> list[tuple[str, list[Any]]]:
        """Per term looked for inside words: an array of tsqueries, the term itself and each
        lexeme of the index that contains one of its parts (lexemes without quote or
        backslash, so that they are safe tsquery syntax). Terms too short (as on SQLite) or
        inside a phrase (the phrase must match as it is) are left out."""
        in_phrases = {word for phrase in parsed.phrases for word in phrase}
        arrays = []
        for term in parsed.terms:
            parts = _parts(term) if term not in in_phrases else set()
            if not parts:
                continue
            term_sql, term_params = self._term_sql(term)
            # Lexemes are lower case, like the parts: LIKE, one condition per part (each
            # served by the trigram index; ANY(array) would read every word).
            patterns = [_like_pattern(part) for part in sorted(parts)]
            like = " OR ".join(["term LIKE %s"] * len(patterns))
            arrays.append(
                (
                    # Cut to length as an array: a LIMIT would make the planner read the
                    # whole table in the hope of stopping early.
                    f"ARRAY[{term_sql}] || (ARRAY(SELECT quote_literal(term)::tsquery "  # noqa: S608
                    f"FROM {TERM_TABLE} WHERE ({like}) "
                    "AND strpos(term, chr(39)) = 0 AND strpos(term, chr(92)) = 0))[1:%s]",
                    [*term_params, *patterns, MAX_PART_WORDS],
                )
            )
        return arrays

    def hits(self, parsed: ParsedQuery) -> Hits:
        direct_sql, direct_params = self._tsquery_sql(parsed)
        arrays = self._compound_sql(parsed)
        # Titles in their narrow table (migration 0009): a match costs a read of a small row.
        title = "t.vector"
        vector = f"e.{VECTOR_COLUMN}"
        # Every query value is computed once (an InitPlan), so that the indexes serve them;
        # a compound array is searched one lexeme at a time (a bitmap per lexeme, OR-ed),
        # much faster on GIN than one tsquery OR-ing them all.
        # Title matches (the order when too many match to rank them) by the words alone: a
        # phrase would need every title's vector computed again to check the positions.
        words_sql, words_params = self._tsquery_sql(ParsedQuery(parsed.terms, parsed.stems))
        columns = [f"{direct_sql} AS direct", f"{words_sql} AS words"] + [
            f"{sql} AS c{n}" for n, (sql, _params) in enumerate(arrays)
        ]
        # The compound tier's phrases: in the entry's vector by their pairs, in a title's
        # vector (without pairs) by positions.
        phrases = [self._phrase_sql(phrase) for phrase in parsed.phrases] if arrays else []
        title_phrases = [
            self._phrase_sql(phrase, pairs=False) for phrase in parsed.phrases if arrays
        ]
        if phrases:
            columns.append(" && ".join(sql for sql, _ in phrases) + " AS phrases")
            columns.append(" && ".join(sql for sql, _ in title_phrases) + " AS title_phrases")
        sql = (
            f"WITH q AS (SELECT {', '.join(columns)}), "  # noqa: S608
            f"d AS MATERIALIZED (SELECT e.id FROM {ENTRY_TABLE} e "
            f"WHERE {vector} @@ (SELECT direct FROM q)), "
            "n AS MATERIALIZED (SELECT count(*) AS n FROM d) "
            f"SELECT 0, NULL::text, (SELECT generation FROM {STATE_TABLE}), NULL::float8 "
            "UNION ALL SELECT 1, string_agg(id::text, ','), NULL, NULL FROM d "
            "UNION ALL SELECT 2, string_agg(t.entry_id::text, ','), NULL, NULL "
            f"FROM {TITLE_TABLE} t WHERE {title} @@ (SELECT words FROM q) "
            "AND (SELECT n FROM n) > %s "
            f"UNION ALL SELECT 3, NULL, e.id, ts_rank({vector}, (SELECT direct FROM q)) "
            f"FROM {ENTRY_TABLE} e WHERE {vector} @@ (SELECT direct FROM q) "
            "AND (SELECT n FROM n) <= %s"
        )
        params: list[Any] = [
            *direct_params,
            *words_params,
            *(p for _sql, array_params in arrays for p in array_params),
            *(p for _sql, phrase_params in [*phrases, *title_phrases] for p in phrase_params),
            RANK_LIMIT,
            RANK_LIMIT,
        ]
        if arrays:
            # The cast makes ANY take the array, not the rows of a subquery.
            conditions = [
                f"@@ ANY((SELECT c{n} FROM q)::tsquery[])"  # noqa: S608 - numbers only
                for n in range(len(arrays))
            ]
            in_vector = " AND ".join(f"{vector} {c}" for c in conditions)
            in_title = " AND ".join(f"{title} {c}" for c in conditions)
            if phrases:
                in_vector += f" AND {vector} @@ (SELECT phrases FROM q)"  # noqa: S608
                in_title += f" AND {title} @@ (SELECT title_phrases FROM q)"  # noqa: S608
            sql += (
                " UNION ALL SELECT 4, string_agg(e.id::text, ','), NULL, NULL "  # noqa: S608
                f"FROM {ENTRY_TABLE} e WHERE {in_vector} "
                "UNION ALL SELECT 5, string_agg(t.entry_id::text, ','), NULL, NULL "
                f"FROM {TITLE_TABLE} t WHERE {in_title} AND (SELECT n FROM n) <= %s"
            )
            params.append(RANK_LIMIT)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        lists: dict[int, IntArray] = {}
        scores: dict[int, float] = {}
        token: int | None = None
        for kind, ids, single, score in rows:
            if kind == 0:
                token = None if single is None else int(single)
            elif kind == 3:
                scores[int(single)] = float(score)
            else:
                # As text: parsed in one call, faster than a list of ints (2 ms less at
                # 30 000 ids).
                lists[kind] = _id_list(ids)
        empty = np.zeros(0, np.int64)
        direct_ids = lists.get(1, empty)
        return _combine(
            token,
            direct_ids,
            lists.get(4, empty),
            scores if len(direct_ids) <= RANK_LIMIT else None,
            lists.get(2, empty),
            lists.get(5, empty),
        )


def backend() -> SearchBackend:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
