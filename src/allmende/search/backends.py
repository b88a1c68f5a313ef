"""The two index backends behind one interface; ``backend()`` picks the database's.

SQLite: the FTS5 table ``search_fts`` holds German stems (PyStemmer) keyed by the entry id,
``search_fts_pairs`` the pairs of neighbouring stems ("gemeinsam-plan"), by which phrases are
looked up (a phrase of n words as n - 1 pairs in a row).
PostgreSQL: a stored ``german`` text-search vector of title (weight A) and body (weight B) with
a GIN index, and the vectors of the titles alone in a narrow table with a GIN index. The
vector also holds a lexeme for each pair of neighbouring words ("gemeinsam plan"), by which a
phrase is looked up instead of checking the word positions of every entry that has its words.
Words and pairs are read from a postings table (one row per lexeme of an entry, with whether
the title has it) kept by triggers, whose primary key covers every column: the entries of a
word come from the index alone, without reading the wide entry table; the lists of common
words also as bitmaps over the entry ids, so that the lists of many words are one ``bit_or``.

Parts of compound words ("genossenschaft" in "wohnungsbaugenossenschaft") are found through
the index's vocabulary (``SearchTerm``: stems on SQLite, lexemes on PostgreSQL) with a trigram
index (an FTS5 trigram table; pg_trgm): the words containing the part are looked up among a
few thousand distinct words, then searched in the full-text index like typed words. Direct
matches (tier 0) come before matches only inside compounds (tier 1).

Both: one statement returns all matches as a few aggregated id lists (not one row per
match) with the index generation. Up to ``RANK_LIMIT`` direct matches are ranked (bm25 with
the title weighted above the body; ``ts_rank``); a word more common than that orders title
matches first, then the rest by id, which costs no more than finding them. Where the number
of matches is only known once the lists are combined in memory (common words with few
entries in common; a phrase with other words on SQLite) and it is small, a second statement
ranks them. Filters and
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
from contextlib import AbstractContextManager, contextmanager, nullcontext
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
    stem_pairs,
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

    def rebuilding(self) -> AbstractContextManager[None]:
        """Around a rebuild of the whole index inside one transaction: whatever the backend
        writes faster in bulk at the end."""

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
FTS_TABLE = "search_fts"
PAIRS_TABLE = "search_fts_pairs"
TERM_TRIGRAM_TABLE = "search_term_trigram"
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


def first_by_relevance(
    positions: IntArray, ids: IntArray, tiers: IntArray, scores: FloatArray, count: int
) -> IntArray:
    """The first ``count`` of ``positions`` (into ``ids``, ``tiers`` and ``scores``) in the
    order of relevance: tier, then score (higher first), then id. Of many matches only the
    candidates for the first ``count`` places are sorted: per tier, those scoring above the
    score of the last place it can fill, and of those scoring just that the lowest ids."""
    if len(positions) > 4 * count:
        kept: list[IntArray] = []
        needed = count
        for tier in np.unique(tiers[positions]):
            if needed <= 0:
                break
            block = positions[tiers[positions] == tier]
            if len(block) > needed:
                negated = -scores[block]
                last = np.partition(negated, needed - 1)[needed - 1]
                better = block[negated < last]
                tied = block[negated == last]
                rest = needed - len(better)
                if len(tied) > rest:
                    tied = tied[np.argpartition(ids[tied], rest - 1)[:rest]]
                block = np.concatenate([better, tied])
            kept.append(block)
            needed -= len(block)
        positions = np.concatenate(kept) if kept else positions[:0]
    order = np.lexsort((ids[positions], -scores[positions], tiers[positions]))
    ranked: IntArray = positions[order][:count]
    return ranked


class _SqlBackend(ABC):
    """Matching in SQL, counting and paging in memory, shared by both backends. A backend
    reads all matches of a query in one statement that returns the ids as a few aggregated
    values (not one row per match), with the index generation; their facet values are
    counted and filtered in this process's copy of the facet table (read again only when the
    generation has changed); a second query reads the page's entries."""

    def rebuilding(self) -> AbstractContextManager[None]:
        """Nothing to do in bulk (the writes go to the index as they come)."""
        return nullcontext()

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
        if request.order == Order.DATE:
            by_relevance = first_by_relevance(selected, ids, tiers, scores, len(selected))
            page = self._page_by_date([int(i) for i in ids[by_relevance]], request)
            # Where the page's entries are among the matches (not a map of every match).
            wanted = np.array([e.pk for e in page], dtype=np.int64)
            at = np.flatnonzero(np.isin(ids, wanted))
        else:
            end = request.offset + request.limit
            at = first_by_relevance(selected, ids, tiers, scores, end)[request.offset :]
            loaded = SearchEntry.objects.in_bulk([int(i) for i in ids[at]])
            page = [loaded[int(i)] for i in ids[at] if int(i) in loaded]
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
    tokenizer) and the words found searched in ``search_fts``. Phrases are looked up in
    ``search_fts_pairs`` (migration 0012: the pairs of neighbouring stems, each as one word),
    a phrase of n words as its n - 1 pairs in a row."""

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """At the end, each FTS5 index merged into one segment (a bulk load leaves many,
        each of which every word is looked up in: the 56 words containing "genossenschaft"
        17 → 10 ms at 50 000 entries; 1.3 s)."""
        yield
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, PAIRS_TABLE, TERM_TRIGRAM_TABLE):
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608

    def write(self, entries: Sequence[SearchEntry]) -> None:
        rows = [(e.pk, stem_text(e.title), stem_text(e.body)) for e in entries]
        pairs = [
            (pk, " ".join(stem_pairs(title.split())), " ".join(stem_pairs(body.split())))
            for pk, title, body in rows
        ]
        terms = sorted({w for row in rows for text in row[1:] for w in text.split()})
        with connection.cursor() as cursor:
            for table, written in ((FTS_TABLE, rows), (PAIRS_TABLE, pairs)):
                cursor.executemany(
                    f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608 - fixed name
                    [(row[0],) for row in written],
                )
                cursor.executemany(
                    f"INSERT INTO {table} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                    written,
                )
            # Triggers add new words to the trigram table.
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TERM_TABLE} (term) VALUES (%s)",  # noqa: S608
                [(t,) for t in terms if len(t) <= MAX_TERM_LENGTH],
            )

    def remove(self, entry_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, PAIRS_TABLE):
                cursor.executemany(
                    f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608 - fixed name
                    [(pk,) for pk in entry_ids],
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - fixed name
            cursor.execute(f"DELETE FROM {PAIRS_TABLE}")  # noqa: S608 - fixed name
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
        the index words containing it (or the part itself) joined by OR, the groups joined by
        AND (the phrases are matched in the table of pairs)."""
        pieces: list[str] = []
        params: list[Any] = []
        for part in SqliteBackend._compound_stems(parsed):
            pieces.append(
                "'(' || coalesce((SELECT group_concat('\"' || term || '\"', ' OR ') FROM "
                "(SELECT term FROM search_term_trigram WHERE search_term_trigram MATCH %s "
                "LIMIT %s)), %s) || ')'"
            )
            params += [f'"{part}"', MAX_PART_WORDS, f'"{part}"']
        return " || ' AND ' || ".join(pieces), params

    def hits(self, parsed: ParsedQuery) -> Hits:
        if parsed.phrase_stems:
            return self._hits_with_phrases(parsed)
        direct = self._phrases([s] for s in parsed.stems)
        # The direct matches once, as one list, with their number. A part that is not needed
        # produces no row, so its subquery is not run at all.
        few = "(SELECT n FROM d) <= %s"
        sql = (
            f"WITH d AS MATERIALIZED (SELECT group_concat(rowid) AS ids, count(*) AS n "  # noqa: S608
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
            f"SELECT 0, (SELECT generation FROM {STATE_TABLE}), NULL "
            "UNION ALL SELECT 1, ids, NULL FROM d "
            f"UNION ALL SELECT 2, (SELECT group_concat(rowid) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s), NULL WHERE NOT {few} "
            # Ranked only when there are few (CROSS JOIN: the condition first, so that the
            # words are not looked up again for nothing).
            f"UNION ALL SELECT 3, f.rowid, -bm25({FTS_TABLE}, 10.0, 1.0) "
            f"FROM (SELECT 1 WHERE {few}) g CROSS JOIN {FTS_TABLE} f WHERE {FTS_TABLE} MATCH %s"
        )
        params: list[Any] = [direct, f"{{title}} : ({direct})", RANK_LIMIT, RANK_LIMIT, direct]
        if self._compound_stems(parsed):
            compound, compound_params = self._compound_sql(parsed)
            sql += (
                f" UNION ALL SELECT 4, group_concat(rowid), NULL FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH {compound}"
                f" UNION ALL SELECT 5, (SELECT group_concat(rowid) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH '{{title}} : (' || {compound} || ')'), NULL "
                f"WHERE {few}"
            )
            params += [*compound_params, *compound_params, RANK_LIMIT]
        lists, scores, token = self._lists(sql, params)
        direct_ids = _id_list(lists.get(1))
        return _combine(
            token,
            direct_ids,
            _id_list(lists.get(4)),
            scores if len(direct_ids) <= RANK_LIMIT else None,
            _id_list(lists.get(2)),
            _id_list(lists.get(5)),
        )

    def _hits_with_phrases(self, parsed: ParsedQuery) -> Hits:
        """Phrases from the table of pairs (migration 0012: each phrase as its pairs in a
        row), the other words from the stems; the lists (and their title matches) read in
        one statement and combined here, then ranked by a second one when there are few."""
        in_phrases = {s for phrase in parsed.phrase_stems for s in phrase}
        others = [s for s in parsed.stems if s not in in_phrases]
        pairs = self._phrases(stem_pairs(phrase) for phrase in parsed.phrase_stems)
        sql = (
            f"SELECT 0, (SELECT generation FROM {STATE_TABLE}) "  # noqa: S608
            f"UNION ALL SELECT 6, group_concat(rowid) FROM {PAIRS_TABLE} "
            f"WHERE {PAIRS_TABLE} MATCH %s "
            f"UNION ALL SELECT 7, group_concat(rowid) FROM {PAIRS_TABLE} "
            f"WHERE {PAIRS_TABLE} MATCH %s"
        )
        params: list[Any] = [pairs, f"{{title}} : ({pairs})"]
        if others:
            words = self._phrases([s] for s in others)
            sql += (
                f" UNION ALL SELECT 1, group_concat(rowid) FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH %s "
                f"UNION ALL SELECT 2, group_concat(rowid) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s"
            )
            params += [words, f"{{title}} : ({words})"]
        compound: str = ""
        compound_params: list[Any] = []
        if self._compound_stems(parsed):
            compound, compound_params = self._compound_sql(parsed)
            sql += (
                f" UNION ALL SELECT 4, group_concat(rowid) FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH {compound}"
            )
            params += compound_params
        lists, _scores, token = self._lists(sql, params)
        with_phrases = _sorted_unique(_id_list(lists.get(6)))
        titles_with_phrases = _sorted_unique(_id_list(lists.get(7)))
        word_lists = [with_phrases]
        title_lists = [titles_with_phrases]
        if others:
            word_lists.append(_sorted_unique(_id_list(lists.get(1))))
            title_lists.append(_sorted_unique(_id_list(lists.get(2))))
        direct = _intersect(word_lists)
        in_compounds = _intersect([with_phrases, _sorted_unique(_id_list(lists.get(4)))])
        scores: dict[int, float] | None = None
        titles_in_compounds = _EMPTY
        if len(direct) <= RANK_LIMIT:
            # Few: ranked, and the title matches inside compounds read (as without phrases);
            # no statement when there is nothing to rank or to order.
            scores = {}
            compound = compound if len(in_compounds) else ""
            if len(direct) or compound:
                scores, compound_titles = self._ranks(parsed, direct, compound, compound_params)
                titles_in_compounds = _intersect([titles_with_phrases, compound_titles])
        return _combine(
            token, direct, in_compounds, scores, _intersect(title_lists), titles_in_compounds
        )

    def _ranks(
        self, parsed: ParsedQuery, ids: IntArray, compound: str, compound_params: list[Any]
    ) -> tuple[dict[int, float], IntArray]:
        """bm25 of these entries for the words and phrases (title weighted above the body),
        and the title matches of the compound tier's FTS5 query ``compound`` (if any)."""
        in_phrases = {s for phrase in parsed.phrase_stems for s in phrase}
        direct = self._phrases(
            [*([s] for s in parsed.stems if s not in in_phrases), *parsed.phrase_stems]
        )
        sql = (
            f"SELECT 3, rowid, -bm25({FTS_TABLE}, 10.0, 1.0) FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN (SELECT value FROM json_each(%s))"
        )
        params: list[Any] = [direct, json.dumps([int(i) for i in ids])]
        if compound:
            sql += (
                f" UNION ALL SELECT 5, group_concat(rowid), NULL FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH '{{title}} : (' || {compound} || ')'"
            )
            params += compound_params
        lists, scores, _token = self._lists(sql, params)
        return scores, _sorted_unique(_id_list(lists.get(5)))

    @staticmethod
    def _lists(
        sql: str, params: list[Any]
    ) -> tuple[dict[int, str | None], dict[int, float], int | None]:
        """Run a statement of rows ``(kind, value[, score])``: kind 0 the index generation,
        3 a ranked entry, any other an id list."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        lists: dict[int, str | None] = {}
        scores: dict[int, float] = {}
        token: int | None = None
        for kind, value, *score in rows:
            if kind == 0:
                token = None if value is None else int(value)
            elif kind == 3:
                scores[int(value)] = float(score[0])
            else:
                lists[kind] = value
        return lists, scores, token


VECTOR_COLUMN = "search_vector"
TITLE_TABLE = "search_title"
POSTING_TABLE = "search_posting"
POSTBITS_TABLE = "search_postbits"
_EMPTY: IntArray = np.zeros(0, np.int64)


def _sorted_unique(values: IntArray) -> IntArray:
    """``values`` sorted, without repeats. Lists read in key order are runs of sorted ids,
    which a stable sort merges in linear time (``np.unique`` hashes: 3 ms at 28 000 ids)."""
    if len(values) < 2:
        return values
    ordered = np.sort(values, kind="stable")
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _union(first: IntArray, second: IntArray) -> IntArray:
    return _sorted_unique(np.concatenate([first, second]))


# A posting list as two aggregates: the entries without the word in the title, and those with
# it (each in key order; faster than one list with the title matches marked).
_POSTING_LISTS = (
    "string_agg(p.entry_id::text, ',') FILTER (WHERE NOT p.in_title) AS plain, "
    "string_agg(p.entry_id::text, ',') FILTER (WHERE p.in_title) AS titled"
)


def _lists_sql(lexemes: str) -> str:
    """A subquery of one row ``(plain, titled, plain_bits, titled_bits, c)``: the postings of
    the words in the ``text[]`` expression ``lexemes`` (evaluated twice), those of words
    with bitmaps (migration 0011) as two strings of 0s and 1s (each the OR of the words'
    bitmaps), those of the other words as two id lists (``_POSTING_LISTS``); ``c``: their
    number (postings, or entries of the bitmaps), at least the number of entries."""
    return (
        "(SELECT s.plain, s.titled, x.plain_bits, x.titled_bits, "  # noqa: S608 - no user text
        "s.c + coalesce(x.c, 0) AS c "
        f"FROM (SELECT {_POSTING_LISTS}, count(*) AS c FROM {POSTING_TABLE} p "
        f"WHERE p.lexeme = ANY(ARRAY(SELECT u FROM unnest(({lexemes})::text[]) u WHERE NOT EXISTS "
        f"(SELECT FROM {POSTBITS_TABLE} k WHERE k.lexeme = u)))) s, "
        "(SELECT bit_or(k.plain)::text AS plain_bits, bit_or(k.titled)::text AS titled_bits, "
        "bit_count(bit_or(k.plain)) + bit_count(bit_or(k.titled)) AS c "
        f"FROM {POSTBITS_TABLE} k WHERE k.lexeme = ANY(({lexemes})::text[])) x)"
    )


def _bit_ids(bits: str | None) -> IntArray:
    """The positions of the 1s in a string of 0s and 1s (a bitmap over entry ids)."""
    if not bits:
        return _EMPTY
    return np.flatnonzero(np.frombuffer(bits.encode("ascii"), dtype=np.uint8) == ord("1"))


def _posting_lists(
    plain: str | None, titled: str | None, plain_bits: str | None, titled_bits: str | None
) -> tuple[IntArray, IntArray]:
    """The entries of a posting list (``_lists_sql``) and the title matches among them,
    each sorted and unique."""
    in_title = _sorted_unique(_id_list(titled))
    if titled_bits:
        in_title = _union(in_title, _bit_ids(titled_bits))
    every = np.concatenate([_id_list(plain), in_title, _bit_ids(plain_bits)])
    return _sorted_unique(every), in_title


def _intersect(arrays: Sequence[IntArray]) -> IntArray:
    """The ids in every one of the sorted, unique ``arrays`` (none when there are none)."""
    if not arrays:
        return _EMPTY
    result = arrays[0]
    for other in arrays[1:]:
        result = np.intersect1d(result, other, assume_unique=True)
    return result


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
    GIN index, and the lexemes of every vector in ``search_posting``, both kept by triggers
    (migrations 0002, 0006, 0008, 0009 and 0010, PostgreSQL only). Words are read from the
    postings; parts of compound words are looked up among the lexemes in
    ``search_searchterm`` (pg_trgm), then in the postings; a phrase of two words is the
    postings of its pair, a longer one is looked up by its pairs and positions in the GIN
    index (``allmende_phrase_tsquery``)."""

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

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """The postings triggers off for the rest of the transaction; at the end all postings
        written in one statement (a third faster than batch by batch), and the bitmaps of the
        common words filled from them."""
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL allmende.search_rebuild = 'on'")
        yield
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {POSTING_TABLE}")  # noqa: S608 - fixed name
            cursor.execute(
                f"INSERT INTO {POSTING_TABLE} (lexeme, in_title, entry_id) "  # noqa: S608
                f"SELECT x.lexeme, x.in_title, e.id FROM {ENTRY_TABLE} e, "
                f"allmende_postings(e.{VECTOR_COLUMN}, e.title) x "
                # In key order: the index grows at its end (17 instead of 26 s for 4 million).
                "ORDER BY 1, 2, 3"
            )
            # The bitmaps of the common words, from the postings (migration 0011).
            cursor.execute("SELECT allmende_postbits_fill()")
            cursor.execute("SET LOCAL allmende.search_rebuild = 'off'")

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

    @staticmethod
    def _pairs_sql(phrase: Sequence[str]) -> tuple[str, list[Any]]:
        """The lexemes of the pair of words of a phrase of two words (as typed and with
        umlauts), NULL for another phrase (migration 0010)."""
        text = " ".join(phrase)
        if (umlauts := with_umlauts(text)) != text:
            return (
                "(SELECT CASE WHEN a IS NOT NULL AND b IS NOT NULL THEN a || b END FROM "
                "(SELECT allmende_phrase_pairs(%s) AS a, allmende_phrase_pairs(%s) AS b) x)",
                [text, umlauts],
            )
        return "allmende_phrase_pairs(%s)", [text]

    def _tsquery_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        """The tsquery of the direct matches: every term and every phrase."""
        pieces = [self._term_sql(term) for term in parsed.terms]
        pieces += [self._phrase_sql(phrase) for phrase in parsed.phrases]
        return "(" + " && ".join(sql for sql, _ in pieces) + ")", [
            p for _, params in pieces for p in params
        ]

    @staticmethod
    def _compound_terms(parsed: ParsedQuery) -> dict[int, tuple[str, list[Any]]]:
        """Per term looked for inside words (by its number): an SQL array of the vocabulary's
        lexemes that contain one of its parts (at most ``MAX_PART_WORDS``). Terms too short
        (as on SQLite) or inside a phrase (the phrase must match as it is) are left out."""
        in_phrases = {word for phrase in parsed.phrases for word in phrase}
        arrays = {}
        for number, term in enumerate(parsed.terms):
            parts = _parts(term) if term not in in_phrases else set()
            if not parts:
                continue
            # Lexemes are lower case, like the parts: LIKE, one condition per part (each
            # served by the trigram index; ANY(array) would read every word).
            patterns = [_like_pattern(part) for part in sorted(parts)]
            like = " OR ".join(["term LIKE %s"] * len(patterns))
            arrays[number] = (
                # Cut to length as an array: a LIMIT would make the planner read the whole
                # table in the hope of stopping early.
                # Not the term's own lexeme (found among its postings already).
                f"(ARRAY(SELECT term::text FROM {TERM_TABLE} WHERE ({like}) "  # noqa: S608
                "AND term::text <> ALL(ARRAY(SELECT lexeme FROM w WHERE n = %s AND single))"
                "))[1:%s]",
                [*patterns, number, MAX_PART_WORDS],
            )
        return arrays

    def hits(self, parsed: ParsedQuery) -> Hits:
        """Words from the postings table (migration 0010: index-only, two lists per lexeme,
        without and with the word in the title), a phrase of two words from the postings of
        its pair, a longer phrase from the GIN index by its pairs and positions; combined
        here: a term matches when every lexeme of one of its spellings does; all terms and
        phrases must match. The matches are ranked (``ts_rank``, in the same statement when
        a term or phrase alone has few enough entries, otherwise in a second one) when there
        are at most ``RANK_LIMIT``."""
        in_phrases = {word for phrase in parsed.phrases for word in phrase}
        # No lexemes (an empty string), so that the list is never empty.
        spellings = ["(-1, -1, '')"]
        spelling_params: list[Any] = []
        for number, term in enumerate(parsed.terms):
            if term in in_phrases:
                continue  # the phrase decides (its words are in it)
            # As typed or with ae/oe/ue read as umlauts (PostgreSQL's German stemmer, unlike
            # PyStemmer's, does not fold them).
            for spelling, text in enumerate(dict.fromkeys([term, with_umlauts(term)])):
                spellings.append("(%s::int, %s::int, %s::text)")
                spelling_params += [number, spelling, text]
        direct_sql, direct_params = self._tsquery_sql(parsed)
        sql = (
            # The lexemes of each spelling (none for a stop word) and their postings;
            # ``single``: the only lexeme of its spelling.
            "WITH w AS MATERIALIZED (SELECT t.n, t.v, x.lexeme, "  # noqa: S608
            "count(*) OVER (PARTITION BY t.n, t.v) = 1 AS single "
            f"FROM (VALUES {', '.join(spellings)}) t(n, v, text), "
            "unnest(tsvector_to_array(to_tsvector('german'::regconfig, t.text))) x(lexeme)), "
            "l AS MATERIALIZED (SELECT w.n, w.v, s.plain, s.titled, s.plain_bits, "
            f"s.titled_bits, s.c FROM w, LATERAL {_lists_sql('ARRAY[w.lexeme]')} s), "
            f"q AS (SELECT {direct_sql} AS direct)"
        )
        params: list[Any] = [*spelling_params, *direct_params]
        # No more matches than the rarest term (the sum over its spellings of each
        # spelling's rarest lexeme) or phrase has.
        bound = (
            "(SELECT min(s) FROM (SELECT sum(c) AS s FROM (SELECT n, v, min(c) AS c FROM l "
            "GROUP BY n, v) x GROUP BY n) y)"
        )
        if parsed.phrases:
            phrases_sql, phrases_params = self._phrases_sql(parsed.phrases)
            sql += phrases_sql
            params += phrases_params
            bound = f"least({bound}, (SELECT min(c) FROM ph WHERE used))"  # noqa: S608
        compound = self._compound_terms(parsed)
        for number, (array_sql, array_params) in compound.items():
            # The words containing a part, once (read twice by ``_lists_sql``).
            sql += f", c{number} AS MATERIALIZED (SELECT {array_sql} AS a)"
            params += array_params
        sql += (
            f", b AS (SELECT {bound} AS bound) "  # noqa: S608
            f"SELECT 0, (SELECT generation FROM {STATE_TABLE}), NULL::int, NULL::text, "
            "NULL::text, (SELECT bound FROM b)::float8, NULL::bool, NULL::text, NULL::text "
            "UNION ALL SELECT 1, n, v, plain, titled, NULL, NULL, plain_bits, titled_bits FROM l "
            f"UNION ALL SELECT 3, e.id, NULL, NULL, NULL, ts_rank(e.{VECTOR_COLUMN}, "
            f"(SELECT direct FROM q)), NULL, NULL, NULL FROM {ENTRY_TABLE} e "
            f"WHERE e.{VECTOR_COLUMN} @@ (SELECT direct FROM q) "
            "AND (SELECT bound FROM b) <= %s"
        )
        params.append(RANK_LIMIT)
        if parsed.phrases:
            sql += (
                " UNION ALL SELECT 2, n, NULL, plain, titled, NULL, used, plain_bits, "
                "titled_bits FROM ph"
            )
        for number in compound:
            words = f"(SELECT a FROM c{number})"  # noqa: S608 - no user text
            sql += (
                " UNION ALL SELECT 4, %s, NULL, s.plain, s.titled, NULL, NULL, s.plain_bits, "  # noqa: S608
                f"s.titled_bits FROM {_lists_sql(words)} s"
            )
            params.append(number)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        return self._combine_postings(found, set(compound), direct_sql, direct_params)

    def _phrases_sql(self, phrases: Sequence[Sequence[str]]) -> tuple[str, list[Any]]:
        """The CTEs ``pq`` (each phrase's queries as InitPlans, so that the indexes serve
        them whatever the planner would estimate for a constant) and ``ph``: per phrase
        whether it has words (``used``), its entries without and with it in the title, and
        their number. A phrase of two words: the postings of its pair; another: the GIN
        index, and the titles' table for the title matches."""
        queries = []
        lookups = []
        params: list[Any] = []
        for n, phrase in enumerate(phrases):
            entry_sql, entry_params = self._phrase_sql(phrase)
            title_sql, title_params = self._phrase_sql(phrase, pairs=False)
            pairs_sql, pairs_params = self._pairs_sql(phrase)
            queries.append(f"{entry_sql} AS p{n}, {title_sql} AS t{n}, {pairs_sql} AS r{n}")
            params += [*entry_params, *title_params, *pairs_params]
            used = f"numnode((SELECT p{n} FROM pq)) > 0"  # noqa: S608
            pair = f"(SELECT r{n} FROM pq)::text[]"  # noqa: S608 - no user text
            lookups.append(
                f"SELECT {n} AS n, {used} AS used, s.plain, s.titled, "  # noqa: S608
                "s.plain_bits, s.titled_bits, s.c "
                f"FROM {_lists_sql(pair)} s "
                f"WHERE (SELECT r{n} FROM pq) IS NOT NULL "
                f"UNION ALL SELECT {n}, {used}, g.ids, "
                f"(SELECT string_agg(t.entry_id::text, ',') FROM {TITLE_TABLE} t "
                f"WHERE t.vector @@ (SELECT t{n} FROM pq)), NULL, NULL, "
                "coalesce(length(g.ids) - length(replace(g.ids, ',', '')) + 1, 0) "
                f"FROM (SELECT string_agg(e.id::text, ',') AS ids FROM {ENTRY_TABLE} e "
                f"WHERE e.{VECTOR_COLUMN} @@ (SELECT p{n} FROM pq)) g "
                f"WHERE (SELECT r{n} FROM pq) IS NULL"
            )
        sql = (
            f", pq AS (SELECT {', '.join(queries)}), "
            f"ph AS MATERIALIZED ({' UNION ALL '.join(lookups)})"
        )
        return sql, params

    def _combine_postings(
        self,
        rows: Sequence[tuple[Any, ...]],
        compound: set[int],
        direct_sql: str,
        direct_params: list[Any],
    ) -> Hits:
        token: int | None = None
        bound: float | None = None
        # (term, spelling) → per lexeme (entries, title entries).
        lexemes: dict[tuple[int, int], list[tuple[IntArray, IntArray]]] = {}
        # Per phrase with words: (entries, title entries).
        phrases: list[tuple[IntArray, IntArray]] = []
        parts: dict[int, tuple[IntArray, IntArray]] = {}
        scores: dict[int, float] = {}
        for kind, number, spelling, plain, titled, value, flag, plain_bits, titled_bits in rows:
            if kind == 0:
                token = None if number is None else int(number)
                bound = value
            elif kind == 1:
                found = _posting_lists(plain, titled, plain_bits, titled_bits)
                lexemes.setdefault((number, spelling), []).append(found)
            elif kind == 2:
                if flag:  # not a phrase of stop words alone
                    phrases.append(_posting_lists(plain, titled, plain_bits, titled_bits))
            elif kind == 3:
                scores[int(number)] = float(value)
            else:
                parts[number] = _posting_lists(plain, titled, plain_bits, titled_bits)
        matches: dict[int, IntArray] = {}
        titles: dict[int, IntArray] = {}
        for (number, _spelling), lists in lexemes.items():
            every = _intersect([ids for ids, _titles in lists])
            in_title = _intersect([titles for _ids, titles in lists])
            matches[number] = _union(matches.get(number, _EMPTY), every)
            titles[number] = _union(titles.get(number, _EMPTY), in_title)
        phrase_ids = [ids for ids, _titles in phrases]
        phrase_titles = [in_title for _ids, in_title in phrases]
        direct = _intersect(list(matches.values()) + phrase_ids)
        in_compounds = _intersect(
            [_union(matches.get(n, _EMPTY), ids) for n, (ids, _titles) in parts.items()]
            + phrase_ids
        )
        title_compound = _intersect(
            [_union(titles.get(n, _EMPTY), in_title) for n, (_ids, in_title) in parts.items()]
            + phrase_titles
        )
        ranked = len(direct) <= RANK_LIMIT
        if ranked and len(direct) and (bound is None or bound > RANK_LIMIT):
            # Common words with few entries in common: ranked by a second statement.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT e.id, ts_rank(e.{VECTOR_COLUMN}, {direct_sql}) "  # noqa: S608
                    f"FROM {ENTRY_TABLE} e WHERE e.id = ANY(%s)",
                    [*direct_params, [int(i) for i in direct]],
                )
                scores = {int(i): float(score) for i, score in cursor.fetchall()}
        return _combine(
            token,
            direct,
            in_compounds if compound else _EMPTY,
            scores if ranked else None,
            # Title matches of every term and phrase (the order of unranked matches).
            _intersect(list(titles.values()) + phrase_titles),
            title_compound if compound else _EMPTY,
        )


def backend() -> SearchBackend:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
