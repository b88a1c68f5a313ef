"""The two index backends behind one interface; ``backend()`` picks the database's.

SQLite: two FTS5 tables keyed by the entry id — ``search_fts`` holds German stems (PyStemmer),
``search_trigram`` the same stems with the trigram tokenizer, so that a stem found inside a
longer word ("genossenschaft" in "wohnungsbaugenossenschaft") matches too. Stem matches rank
first (bm25, title weighted above body), then matches inside compounds.

PostgreSQL: a stored ``german`` text-search vector of title (weight A) and body (weight B) with a
GIN index, plus a search for each term inside longer words (``ILIKE`` served by ``pg_trgm``
GIN indexes on title and body) — the same rule as SQLite's trigram table. Full-text matches
rank first (``ts_rank``), then compound matches by trigram word similarity.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection
from django.db.models import Case, Count, F, FloatField, IntegerField, Lookup, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

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
    entries: list[RankedEntry]
    counts: dict[str, int]


class SearchBackend(Protocol):
    def write(self, entries: Sequence[SearchEntry]) -> None:
        """Bring the backend's own index up to date with these (saved) entries."""

    def remove(self, entry_ids: Sequence[int]) -> None:
        """Drop these entries from the backend's own index."""

    def clear(self) -> None:
        """Empty the backend's own index."""

    def query(
        self, parsed: ParsedQuery, *, types: Sequence[str], limit: int, offset: int
    ) -> BackendResult:
        """One page of matching entries of ``types`` in rank order, and the number of
        matches per type over all types."""


class SqliteBackend:
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
    def _phrases(stems: Iterable[str]) -> str:
        # Every stem a quoted FTS5 string (stems are \w+, so they hold no quote): no operator,
        # column filter or prefix syntax can come from the user.
        return " ".join(f'"{s}"' for s in stems)

    def _hits_sql(self, parsed: ParsedQuery, *, ranked: bool) -> tuple[str, list[Any]]:
        # Counting needs no rank: bm25 costs more than the match itself.
        stems = self._phrases(parsed.stems)
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
            params += [self._phrases(parsed.part_stems), stems]
        return sql, params

    def query(
        self, parsed: ParsedQuery, *, types: Sequence[str], limit: int, offset: int
    ) -> BackendResult:
        hits, params = self._hits_sql(parsed, ranked=False)
        table = SearchEntry._meta.db_table
        counts_sql = (
            f"WITH hits AS ({hits}) SELECT e.type, COUNT(*) FROM hits "  # noqa: S608
            f"JOIN {table} e ON e.id = hits.id GROUP BY e.type"
        )
        with connection.cursor() as cursor:
            cursor.execute(counts_sql, params)
            counts = {row[0]: row[1] for row in cursor.fetchall()}
        if not types or not any(counts.get(t) for t in types):
            return BackendResult([], counts)
        hits, params = self._hits_sql(parsed, ranked=True)
        placeholders = ", ".join(["%s"] * len(types))
        page_sql = (
            f"WITH hits AS ({hits}) SELECT e.*, hits.tier AS tier, hits.score AS score "  # noqa: S608
            f"FROM hits JOIN {table} e ON e.id = hits.id WHERE e.type IN ({placeholders}) "
            "ORDER BY hits.tier, hits.score DESC, e.id LIMIT %s OFFSET %s"
        )
        entries = SearchEntry.objects.raw(page_sql, [*params, *types, limit, offset])
        return BackendResult(
            [RankedEntry(e, float(e.score), bool(e.tier)) for e in entries],  # type: ignore[attr-defined]
            counts,
        )


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
    and with ae/oe/ue as umlauts ("gärten" → "gärt", found in "Gemeinschaftsgärten")."""
    found = set()
    for variant in {term, with_umlauts(term)}:
        length = len(stem(variant))
        if length >= MIN_PART_CHARS:
            found.add(variant[:length])
    return found


class PostgresBackend:
    """The entry table carries a stored ``search_vector`` column (weighted ``german``
    vector of title A and body B) with a GIN index, and trigram GIN indexes on title and
    body; all are created by migration 0002 for PostgreSQL only."""

    def write(self, entries: Sequence[SearchEntry]) -> None:
        """Nothing to do: the column is generated and the indexes are on the table."""

    def remove(self, entry_ids: Sequence[int]) -> None:
        """Nothing to do: the indexes are on the entry table itself."""

    def clear(self) -> None:
        """Nothing to do: the indexes are on the entry table itself."""

    def query(
        self, parsed: ParsedQuery, *, types: Sequence[str], limit: int, offset: int
    ) -> BackendResult:
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
            similarity = sum(
                (
                    Greatest(
                        TrigramWordSimilarity(term, "title"),
                        TrigramWordSimilarity(term, "body"),
                    )
                    for term, parts in part_terms.items()
                    if parts
                ),
                start=Value(0.0),
            )
        matches = SearchEntry.objects.filter(condition)
        counts = {
            row["type"]: row["n"]
            for row in matches.order_by().values("type").annotate(n=Count("id"))
        }
        if not types or not any(counts.get(t) for t in types):
            return BackendResult([], counts)
        page = (
            matches.filter(type__in=types)
            .annotate(
                tier=Case(
                    When(full_text, then=Value(0)), default=Value(1), output_field=IntegerField()
                ),
                score=Case(
                    When(full_text, then=SearchRank(vector, tsquery)),
                    default=similarity,
                    output_field=FloatField(),
                ),
            )
            .order_by("tier", "-score", "id")[offset : offset + limit]
        )
        return BackendResult(
            [RankedEntry(e, float(e.score), bool(e.tier)) for e in page],  # type: ignore[attr-defined]
            counts,
        )


def backend() -> SearchBackend:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
