"""SQLite's index of pairs of neighbouring stems (migration 0012): a phrase looked up as its
pairs in a row finds exactly what FTS5's phrase query over the stems finds."""

import pytest
from django.db import connection

from allmende.search import backends
from allmende.search.models import SearchEntry
from allmende.search.services import search_rebuild
from allmende.search.stemming import parse_query, stem_pairs
from tests.search.test_search import make_property, titles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables"),
]


@pytest.fixture(autouse=True)
def _no_texts_of_other_tests():
    """Start from empty FTS5 tables: a test that ends with a flush leaves them to the
    conftest's cleanup, and these tests compare the two tables row by row."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts")
        cursor.execute("DELETE FROM search_fts_pairs")


TEXTS = [
    ("Gemeinsam planen", "Wir wollen gemeinsam planen, gemeinsam bauen und gemeinsam planen."),
    ("Planen, gemeinsam", "Planen wir gemeinsam? Gemeinsam und dann planen."),
    ("Haus am Markt", "Das alte Haus am Markt, der Markt am Haus, Häuser am Markte"),
    ("Werkstatt", "Eine offene Werkstatt planen; die Werkstatt offen planen"),
    ("Bürger planen", "Wo Buerger planen und Bürger bauen, die Wohnungsbaugenossenschaft plant"),
    ("Unterstriche", "Der Ordner alt_neu liegt im Projekt, neu_alt auch"),
    ("Genossenschaft", "Die Wohnungsbaugenossenschaft will gemeinsam planen"),
    ("Leer", ""),
]
PHRASES = [
    '"gemeinsam planen"',
    '"planen gemeinsam"',
    '"Haus am Markt"',
    '"am Markt"',
    '"offene Werkstatt planen"',
    '"Werkstatt planen"',
    '"Buerger planen"',
    '"Bürger planen"',
    '"alt neu"',
    '"alt_neu"',
    '"neu alt"',
    '"Ordner alt"',
    '"neu liegt"',
    '"gemeinsam planen gemeinsam bauen"',
    '"gemeinsam planen" Genossenschaft',
    '"gemeinsam planen" "Haus am Markt"',
    '"und dann" planen',
    '"nirgends zu finden"',
]


def fts_phrase(parsed, column=""):
    """The entries FTS5 finds for the words and phrases over the stems (``search_fts``)."""
    in_phrases = {s for phrase in parsed.phrase_stems for s in phrase}
    query = backends.SqliteBackend._phrases(
        [*([s] for s in parsed.stems if s not in in_phrases), *parsed.phrase_stems]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid",
            [f"{{{column}}} : ({query})" if column else query],
        )
        return [row[0] for row in cursor.fetchall()]


def test_stem_pairs_split_the_stems_as_fts5_does():
    assert stem_pairs(["gemeinsam", "plan"]) == ["gemeinsam-plan"]
    assert stem_pairs(["alt_neu", "projekt"]) == ["alt-neu", "neu-projekt"]
    assert stem_pairs(["haus"]) == []


@pytest.mark.parametrize("query", PHRASES)
def test_a_phrase_finds_what_the_phrase_query_over_the_stems_finds(query):
    for title, text in TEXTS:
        make_property(title=title, description=text)
    parsed = parse_query(query)

    hits = backends.SqliteBackend().hits(parsed)

    direct = sorted(int(i) for i, tier in zip(hits.ids, hits.tiers, strict=True) if tier == 0)
    assert direct == fts_phrase(parsed)
    # Few matches: ranked by bm25 over the stems, the title matches first.
    assert sorted(int(i) for i in hits.ids[hits.scores > 0]) == sorted(direct)


def test_the_pairs_follow_every_write_and_the_rebuild():
    def pair_rows():
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid, title, body FROM search_fts_pairs ORDER BY rowid")
            return cursor.fetchall()

    kino = make_property(title="Altes Kino", description="Gemeinsam planen")
    make_property(title="Neue Werkstatt", description="Offene Werkstatt")
    entry = SearchEntry.objects.get(title="Altes Kino")
    # The property's text ends with its town.
    assert (entry.pk, "alt-kino", "gemeinsam-plan plan-leipzig") in pair_rows()
    assert titles('"gemeinsam planen"') == ["Altes Kino"]

    kino.title = "Altes Kaufhaus"
    kino.description = "Wir planen gemeinsam"
    kino.save()
    assert (entry.pk, "alt-kaufhaus", "wir-plan plan-gemeinsam gemeinsam-leipzig") in pair_rows()
    assert titles('"gemeinsam planen"') == []
    assert titles('"planen gemeinsam"') == ["Altes Kaufhaus"]
    assert titles('"altes Kaufhaus"') == ["Altes Kaufhaus"]

    kino.delete()
    assert [row[0] for row in pair_rows()] == list(
        SearchEntry.objects.order_by("pk").values_list("pk", flat=True)
    )

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts_pairs")  # lost, as after a failed write
    search_rebuild()
    assert len(pair_rows()) == SearchEntry.objects.count() == 1
    # Each FTS5 index merged into one segment by the rebuild.
    with connection.cursor() as cursor:
        for table in ("search_fts", "search_fts_pairs", "search_term_trigram"):
            cursor.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx")  # noqa: S608
            assert cursor.fetchone() == (1,)
    backends.hits_cache_clear()
    assert titles('"offene Werkstatt"') == ["Neue Werkstatt"]


def test_many_matches_of_a_phrase_put_the_titles_with_it_first(monkeypatch):
    for title, text in TEXTS:
        make_property(title=title, description=text)
    monkeypatch.setattr(backends, "RANK_LIMIT", 1)
    backends.hits_cache_clear()
    parsed = parse_query('"gemeinsam planen"')

    hits = backends.SqliteBackend().hits(parsed)

    in_title = fts_phrase(parsed, column="title")
    assert sorted(int(i) for i in hits.ids[hits.scores == 1]) == in_title
    assert titles('"gemeinsam planen"')[0] == "Gemeinsam planen"
