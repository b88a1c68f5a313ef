"""The two index backends behind one interface; ``backend()`` picks the database's.

SQLite: two FTS5 tables keyed by the entry id — ``search_fts`` holds German stems (PyStemmer),
``search_trigram`` the same stems with the trigram tokenizer, so that a stem found inside a
longer word ("genossenschaft" in "wohnungsbaugenossenschaft") matches too. Stem matches rank
first (bm25, title weighted above body), then matches inside compounds.

PostgreSQL: a stored ``german`` text-search vector of title (weight A) and body (weight B) with a
GIN index, plus a search for each term inside longer words (``ILIKE`` served by ``pg_trgm``
GIN indexes on title and body) — the same rule as SQLite's trigram table. Full-text matches
rank first (``ts_rank``), then compound matches by trigram word similarity.

Both: filters and counts run in plain SQL over the matches' rows in ``search_searchfacet``
(one row per entry, facet and value, the type included; indexes on (entry, facet, value) and
(facet, value, entry)), so a search is two queries whatever the number of facets: the counts
(per type, and per facet value with the other facets' filters applied), then the page.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Lookup, Q, Value, When
from django.db.models.expressions import RawSQL

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
        """Counts and one page of matching entries (two database queries at most)."""


ENTRY_TABLE = "search_searchentry"
FACET_TABLE = "search_searchfacet"
# The entry's type is also stored as a facet row, so that counting needs the facet rows only.
TYPE_FACET = "type"
# From one match in this many entries on, reading all facet rows in index order is cheaper
# than looking up the matches' rows one by one (measured on SQLite at 50 000 entries).
MANY_MATCHES_RATIO = 12
NO_LIMIT = 1_000_000_000


def _in(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


class _SqlBackend:
    """Counting and paging shared by both backends. A backend supplies the SQL of its matches
    as rows ``(id, tier, score)``; filters and counts run over them in plain SQL against the
    facet table (index on facet, value, entry)."""

    facet_index_hint = ""

    def hits_sql(self, parsed: ParsedQuery, *, ranked: bool) -> tuple[str, list[Any]]:
        raise NotImplementedError

    def _all_sql(self) -> tuple[str, list[Any]]:
        return f"SELECT id, 0, 0.0 FROM {ENTRY_TABLE}", []  # noqa: S608 - fixed name

    def _matches(self, parsed: ParsedQuery, *, ranked: bool) -> tuple[str, list[Any]]:
        if not parsed:
            return self._all_sql()
        return self.hits_sql(parsed, ranked=ranked)

    @staticmethod
    def _filter_sql(facet: str, values: Sequence[str], alias: str) -> tuple[str, list[Any]]:
        return (
            f"EXISTS (SELECT 1 FROM {FACET_TABLE} f WHERE f.entry_id = {alias}.id "  # noqa: S608
            f"AND f.facet = %s AND f.value IN ({_in(values)}))",
            [facet, *values],
        )

    def _counts(
        self, request: SearchRequest, filters: dict[str, list[str]]
    ) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        # One pass over the facet rows of the matches, the type being a facet row too: the
        # entry table (wide rows) is not read. Each filter is a flag per match; a facet's
        # values are counted where every flag but its own holds.
        hits, params = self._matches(request.parsed, ranked=False)
        names = [f"s{i}" for i in range(len(filters))]
        flags = ""
        for name, (facet, values) in zip(names, filters.items(), strict=True):
            condition, condition_params = self._filter_sql(facet, values, "hits")
            flags += f", {condition} AS {name}"
            params += condition_params
        types = list(request.types)
        type_filtered = set(types) != set(request.all_types)
        if type_filtered:
            condition, condition_params = self._filter_sql(TYPE_FACET, types or [""], "hits")
            flags += f", {condition} AS st"
            params += condition_params

        def all_but(skip: str | None) -> str:
            return " AND ".join([n for n in names if n != skip] or ["1 = 1"])

        unfiltered = [f for f in request.facets if f not in filters]
        # (facets, flag not applied, type filter applied)
        branches: list[tuple[list[str], str | None, bool]] = []
        if type_filtered or names:
            branches.append(([TYPE_FACET], None, False))
            if unfiltered:
                branches.append((unfiltered, None, type_filtered))
        else:
            branches.append(([TYPE_FACET, *unfiltered], None, False))
        branches += [([f], name, type_filtered) for f, name in zip(filters, names, strict=True)]
        # Two ways to count, the cheaper one taken by a condition the database evaluates once
        # ("one-time filter"): few matches, their facet rows are looked up by entry and
        # grouped; many matches, the facet rows are read along the (facet, value, entry)
        # index in grouped order and the matches probed as a set, which needs no sort.
        many = (
            f"(SELECT n FROM size) * {MANY_MATCHES_RATIO} > "  # noqa: S608 - no user text
            f"(SELECT COUNT(*) FROM {ENTRY_TABLE})"
        )
        # A LIMIT is evaluated before the scan (a WHERE term may be checked row by row):
        # LIMIT 0 skips the way not taken.
        take = f"LIMIT CASE WHEN {many} THEN %s ELSE 0 END"
        skip_many = f"LIMIT CASE WHEN {many} THEN 0 ELSE %s END"
        parts = []
        for facets, skip, with_type in branches:
            condition = all_but(skip) + (" AND st" if with_type else "")
            parts.append(
                f"SELECT * FROM (SELECT f.facet, f.value, COUNT(*) FROM base b "  # noqa: S608
                f"JOIN {FACET_TABLE} f ON f.entry_id = b.id WHERE f.facet IN ({_in(facets)}) "
                f"AND {condition} GROUP BY f.facet, f.value {skip_many}) few"
            )
            parts.append(
                f"SELECT * FROM (SELECT f.facet, f.value, COUNT(*) FROM {FACET_TABLE} f "  # noqa: S608
                f"{self.facet_index_hint} WHERE f.facet IN ({_in(facets)}) "
                f"AND f.entry_id IN (SELECT b.id FROM base b WHERE {condition}) "
                f"GROUP BY f.facet, f.value {take}) many"
            )
            params += [*facets, NO_LIMIT, *facets, NO_LIMIT]
        sql = (
            f"WITH hits(id, tier, score) AS ({hits}), "  # noqa: S608 - no user text
            f"base AS MATERIALIZED (SELECT hits.id AS id{flags} FROM hits), "
            "size AS MATERIALIZED (SELECT COUNT(*) AS n FROM base) " + " UNION ALL ".join(parts)
        )
        counts: dict[str, int] = {}
        facet_counts: dict[str, dict[str, int]] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for facet, value, count in cursor.fetchall():
                if facet == TYPE_FACET:
                    counts[value] = count
                else:
                    facet_counts.setdefault(facet, {})[value] = count
        return counts, facet_counts

    def query(self, request: SearchRequest) -> BackendResult:
        filters = {f: list(dict.fromkeys(v)) for f, v in request.filters.items() if v}
        counts, facet_counts = self._counts(request, filters)
        total = sum(counts.get(t, 0) for t in request.types)
        if request.limit <= 0 or request.offset >= total:
            return BackendResult([], counts, facet_counts)
        hits, params = self._matches(request.parsed, ranked=True)
        # The page is chosen from narrow rows (id, tier, score, date) by the facet rows'
        # index; only its entries are read whole (sorting all matches with their text costs).
        where = ["1 = 1"]
        if set(request.types) != set(request.all_types):
            condition, condition_params = self._filter_sql(TYPE_FACET, request.types, "hits")
            where.append(condition)
            params += condition_params
        for facet, values in filters.items():
            condition, condition_params = self._filter_sql(facet, values, "hits")
            where.append(condition)
            params += condition_params
        if request.order == Order.DATE:
            date_column = "d.date"
            date_join = f"JOIN {ENTRY_TABLE} d ON d.id = hits.id"
            order = "top.date DESC NULLS LAST, top.tier, top.score DESC, top.id"
        else:
            date_column, date_join = "NULL", ""
            order = "top.tier, top.score DESC, top.id"
        page_sql = (
            f"WITH hits(id, tier, score) AS ({hits}), "  # noqa: S608 - no user text
            f"top AS MATERIALIZED (SELECT hits.id AS id, hits.tier AS tier, "
            f"hits.score AS score, {date_column} AS date FROM hits {date_join} "
            f"WHERE {' AND '.join(where)} "
            f"ORDER BY {order.replace('top.', '')} LIMIT %s OFFSET %s) "
            "SELECT e.*, top.tier AS tier, top.score AS score "
            f"FROM top JOIN {ENTRY_TABLE} e ON e.id = top.id ORDER BY {order}"
        )
        entries = SearchEntry.objects.raw(page_sql, [*params, request.limit, request.offset])
        return BackendResult(
            [RankedEntry(e, float(e.score), bool(e.tier)) for e in entries],  # type: ignore[attr-defined]
            counts,
            facet_counts,
        )


class SqliteBackend(_SqlBackend):
    # SQLite would otherwise seek the (entry, facet, value) index once per match and sort.
    facet_index_hint = "INDEXED BY search_facet_lookup"

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

    def hits_sql(self, parsed: ParsedQuery, *, ranked: bool) -> tuple[str, list[Any]]:
        # Counting needs no rank: bm25 costs more than the match itself.
        phrases = parsed.phrase_stems
        stems = self._phrases([*([s] for s in parsed.stems), *phrases])
        rank = "-bm25(search_fts, 10.0, 1.0)" if ranked else "0"
        sql = (
            f"SELECT rowid AS id, 0 AS tier, {rank} AS score "  # noqa: S608 - no user text
            "FROM search_fts WHERE search_fts MATCH %s"
        )
        params: list[Any] = [stems]
        if parsed.part_stems:
            rank = "-bm25(search_trigram, 10.0, 1.0)" if ranked else "0"
            sql += (
                f" UNION ALL SELECT rowid, 1, {rank} "  # noqa: S608 - no user text
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

    def hits_sql(self, parsed: ParsedQuery, *, ranked: bool) -> tuple[str, list[Any]]:
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
        matches = SearchEntry.objects.filter(condition)
        if ranked:
            matches = matches.annotate(
                tier=Case(
                    When(full_text, then=Value(0)), default=Value(1), output_field=IntegerField()
                ),
                score=Case(
                    When(full_text, then=SearchRank(vector, tsquery)),
                    default=similarity,
                    output_field=FloatField(),
                ),
            )
        else:
            matches = matches.annotate(
                tier=Value(0, output_field=IntegerField()),
                score=Value(0.0, output_field=FloatField()),
            )
        sql, params = matches.values_list("id", "tier", "score").query.sql_with_params()
        return sql, list(params)


def backend() -> SearchBackend:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
