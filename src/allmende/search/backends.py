"""The two index backends behind one interface; ``backend()`` picks the database's.

SQLite: two FTS5 tables keyed by the entry id — ``search_fts`` holds German stems (PyStemmer),
``search_trigram`` the same stems with the trigram tokenizer, so that a stem found inside a
longer word ("genossenschaft" in "wohnungsbaugenossenschaft") matches too. Stem matches rank
first (bm25, title weighted above body), then matches inside compounds.

PostgreSQL: a stored ``german`` text-search vector of title (weight A) and body (weight B) with a
GIN index, plus a search for each term inside longer words (``ILIKE`` served by ``pg_trgm``
GIN indexes on title and body) — the same rule as SQLite's trigram table. Full-text matches
rank first (``ts_rank``), then compound matches by trigram word similarity.

Both: one query reads the ids, tiers and scores of all matches; filters and counts (per type,
and per facet value with the other facets' filters applied) run in memory over this process's
copy of ``search_searchfacet`` (one row per entry, facet and value, the type included), which
is read again only when the index generation (changed by triggers on every write of facet
rows) differs; a second query reads the page's entries. So a search is two queries whatever
the number of matches and facets.
"""

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Lookup, Q, Value, When
from django.db.models.expressions import RawSQL

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
        """Counts and one page of matching entries (two database queries, a third when the
        facet table changed since this process last read it)."""


ENTRY_TABLE = "search_searchentry"
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
            cursor.execute(f"INSERT INTO {STATE_TABLE} (generation) VALUES (1)")  # noqa: S608
            after = 1
    if table is not None and before is not None and table.token == before:
        _facet_tables[connection.alias] = table.with_changes(after, removed=removed, added=added)
    else:
        _load_facet_table(after)


def facet_table_forget() -> None:
    """Drop this process's copy of the facet table (after a bulk rebuild of the index)."""
    _facet_tables.pop(connection.alias, None)


class _SqlBackend(ABC):
    """Matching in SQL, counting and paging in memory, shared by both backends. A backend
    supplies the SQL of its matches as rows ``(id, tier, score)``. One query reads them all
    with the index generation; their facet values are counted and filtered in this process's
    copy of the facet table (read again only when the generation has changed); a second
    query reads the page's entries."""

    @abstractmethod
    def hits_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL and parameters of the matches of ``parsed`` as rows ``(id, tier, score)``:
        tier 0 for direct matches, 1 for matches only inside compounds; higher scores first."""

    def _hits(self, parsed: ParsedQuery) -> tuple[int | None, IntArray, IntArray, FloatArray]:
        with connection.cursor() as cursor:
            if not parsed:
                token = _index_generation(cursor)
                ids = facet_table(token).entry_ids
                return token, ids, np.zeros(len(ids), np.int64), np.zeros(len(ids))
            hits, params = self.hits_sql(parsed)
            cursor.execute(
                f"SELECT h.id, h.tier, h.score, (SELECT generation FROM {STATE_TABLE}) "  # noqa: S608
                f"FROM ({hits}) h",
                params,
            )
            rows = cursor.fetchall()
        if not rows:
            return None, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        token = rows[0][3]
        columns = list(zip(*rows, strict=True))
        return (
            None if token is None else int(token),
            np.array(columns[0], dtype=np.int64),
            np.array(columns[1], dtype=np.int64),
            np.array(columns[2], dtype=np.float64),
        )

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
        position = {int(i): n for n, i in enumerate(ids)}
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
    def write(self, entries: Sequence[SearchEntry]) -> None:
        rows = [(e.pk, stem_text(e.title), stem_text(e.body)) for e in entries]
        with connection.cursor() as cursor:
            for table in ("search_fts", "search_trigram"):
                cursor.executemany(
                    f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608 - fixed names
                    [(row[0],) for row in rows],
                )
                cursor.executemany(
                    f"INSERT INTO {table} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                    rows,
                )

    def remove(self, entry_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for table in ("search_fts", "search_trigram"):
                cursor.executemany(
                    f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608 - fixed names
                    [(pk,) for pk in entry_ids],
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
            cursor.execute("DELETE FROM search_trigram")

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

    def hits_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        phrases = parsed.phrase_stems
        stems = self._phrases([*([s] for s in parsed.stems), *phrases])
        sql = (
            "SELECT rowid AS id, 0 AS tier, -bm25(search_fts, 10.0, 1.0) AS score "
            "FROM search_fts WHERE search_fts MATCH %s"
        )
        params: list[Any] = [stems]
        if parsed.part_stems:
            sql += (
                " UNION ALL SELECT rowid, 1, -bm25(search_trigram, 10.0, 1.0) "
                "FROM search_trigram WHERE search_trigram MATCH %s "
                "AND rowid NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
            )
            # A phrase as one string of stems: found where the stems follow each other, also
            # inside compounds. (A "rowid IN (fts match)" here would run one trigram search
            # per phrase hit.)
            parts = [[s] for s in parsed.part_stems]
            params += [self._phrases([*parts, *phrases]), stems]
        return sql, params


VECTOR_COLUMN = "search_vector"


class _ILike(Lookup):  # type: ignore[type-arg]
    """``lhs ILIKE rhs``. Django's ``icontains`` compares ``UPPER()`` of both sides on
    PostgreSQL, which the trigram GIN index on the bare column cannot serve; ILIKE it can."""

    lookup_name = "search_ilike"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


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
    vector of title A and body B) with a GIN index, and trigram GIN indexes on title and
    body; all are created by migration 0002 for PostgreSQL only."""

    def write(self, entries: Sequence[SearchEntry]) -> None:
        """Nothing to do: the column is generated and the indexes are on the table."""

    def remove(self, entry_ids: Sequence[int]) -> None:
        """Nothing to do: the indexes are on the entry table itself."""

    def clear(self) -> None:
        """Nothing to do: the indexes are on the entry table itself."""

    def _ids_with_rank_sql(self) -> str:
        return "unnest(%s::bigint[]) WITH ORDINALITY AS r(id, n)"

    def _ids_parameter(self, ids: list[int]) -> Any:
        return ids

    def hits_sql(self, parsed: ParsedQuery) -> tuple[str, list[Any]]:
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            SearchVectorExact,
            SearchVectorField,
            TrigramWordSimilarity,
        )

        table = SearchEntry._meta.db_table
        # The stored column is not a model field (SQLite has no tsvector); both names are ours.
        vector = RawSQL(  # noqa: S611
            f'"{table}"."{VECTOR_COLUMN}"', (), output_field=SearchVectorField()
        )
        # Every term must match, as typed or with ae/oe/ue read as umlauts (PostgreSQL's German
        # stemmer, unlike PyStemmer's, does not fold them). "plain": the terms are bare words;
        # websearch would read a typed "or" as an operator, which SQLite does not.
        tsquery: Any = None
        for term in parsed.terms:
            term_query = SearchQuery(term, config="german", search_type="plain")
            if (umlauts := with_umlauts(term)) != term:
                term_query |= SearchQuery(umlauts, config="german", search_type="plain")
            tsquery = term_query if tsquery is None else tsquery & term_query
        full_text = Q(SearchVectorExact(vector, tsquery))
        condition = full_text
        similarity: Any = Value(0.0)
        part_terms = {term: _parts(term) for term in parsed.terms}
        if any(part_terms.values()):
            # Like SQLite's trigram table: every term long enough is found inside a word.
            in_compound = Q()
            for parts in filter(None, part_terms.values()):
                any_part = Q()
                for part in parts:
                    pattern = Value(_like_pattern(part))
                    any_part |= Q(_ILike(F("title"), pattern)) | Q(_ILike(F("body"), pattern))
                in_compound &= any_part
            condition |= in_compound
            # Similarity to the title only: word similarity against every long text of many
            # matches costs seconds at 50 000 entries.
            similarity = sum(
                (
                    TrigramWordSimilarity(term, "title")
                    for term, parts in part_terms.items()
                    if parts
                ),
                start=Value(0.0),
            )
        for phrase in parsed.phrases:
            # Words in this order (stop words keep their place), for both tiers as on SQLite.
            text = " ".join(phrase)
            phrase_query = SearchQuery(text, config="german", search_type="phrase")
            if (umlauts := with_umlauts(text)) != text:
                phrase_query |= SearchQuery(umlauts, config="german", search_type="phrase")
            condition &= Q(SearchVectorExact(vector, phrase_query))
        matches = SearchEntry.objects.filter(condition).annotate(
            tier=Case(
                When(full_text, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            score=Case(
                When(full_text, then=SearchRank(vector, tsquery)),
                default=similarity,
                output_field=FloatField(),
            ),
        )
        sql, params = matches.values_list("id", "tier", "score").query.sql_with_params()
        return sql, list(params)


def backend() -> SearchBackend:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
