"""The bitmaps of common words on PostgreSQL (migration 0011): the same matches as the
postings they stand for, and kept current by every write."""

import numpy as np
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from allmende.properties.models import Property
from allmende.search import backends
from allmende.search.models import SearchEntry
from allmende.search.services import search_rebuild
from allmende.search.stemming import parse_query
from tests.search.test_search import make_property, titles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bitmaps"),
]

TEXTS = [
    ("Altes Kino", "Wir wollen gemeinsam planen. Die Genossenschaft sucht Räume."),
    ("Gemeinsam planen", "Eine Wohnungsbaugenossenschaft und ein Hausprojekt in Leipzig"),
    ("Neue Werkstatt", "Planen wir gemeinsam? Gemeinsam und dann planen, im Bürgerzentrum."),
    ("Bürgerhaus am Markt", "Das alte Haus am Markt mit Gemeinschaftsgärten im Hof"),
    ("Zwei Genossenschaften", "Wir wollen eine offene Werkstatt planen, mit der Schule"),
    ("Wohnungen im Altbau", "Eine leere Wohnung, Förderprogramm der Stadt, Bürger planen"),
    ("Schule und Kino", "Die Wohnungsbaugenossenschaft will gemeinsam planen"),
    ("Kaufhaus", "Alte Häuser am Markt, die Werkstatt und das Kino, Leerstandsmanagement"),
]
QUERIES = [
    "Kino",
    "Genossenschaften",
    "Genossenschaft Kino",
    "Wohnungsbaugenossenschaft",
    "Buergerzentrum",
    "Foerderprogramm",
    "Gärten",
    "Haus",
    "Management",
    "Werkstatt Schule",
    '"gemeinsam planen"',
    '"Haus am Markt"',
    '"offene Werkstatt planen"',
    '"Buerger planen"',
    '"gemeinsam planen" Genossenschaft',
    "und",
]


def fill(threshold):
    with connection.cursor() as cursor:
        cursor.execute("SELECT allmende_postbits_fill(%s)", [threshold])
        return cursor.fetchone()[0]


def all_hits():
    found = {}
    for query in QUERIES:
        hits = backends.PostgresBackend().hits(parse_query(query))
        found[query] = (hits.ids.tolist(), hits.tiers.tolist(), np.round(hits.scores, 6).tolist())
    return found


def bitmaps_match_postings():
    """Every word with bitmaps has exactly the entries of its postings in them, and every
    bitmap has the same length, beyond the largest entry id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.lexeme, b.plain::text, b.titled::text, length(b.plain), length(b.titled), "
            "allmende_bits_of(ARRAY(SELECT p.entry_id FROM search_posting p "
            "WHERE p.lexeme = b.lexeme AND NOT p.in_title), length(b.plain))::text, "
            "allmende_bits_of(ARRAY(SELECT p.entry_id FROM search_posting p "
            "WHERE p.lexeme = b.lexeme AND p.in_title), length(b.plain))::text "
            "FROM search_postbits b"
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT coalesce(max(id), 0) FROM search_searchentry")
        largest = cursor.fetchone()[0]
    lengths = {length for row in rows for length in row[3:5]}
    assert len(lengths) <= 1
    assert all(length > largest for length in lengths)
    for lexeme, plain, titled, _length, _titled_length, expected_plain, expected_titled in rows:
        assert (lexeme, plain, titled) == (lexeme, expected_plain, expected_titled)
    return {row[0] for row in rows}


def test_bitmaps_give_the_same_matches_as_the_postings():
    for title, text in TEXTS:
        make_property(title=title, description=text)
    assert fill(None) == 0  # a few entries: no word is common enough
    from_postings = all_hits()
    assert from_postings["Genossenschaften"][0]  # the queries find something
    page = titles('"gemeinsam planen" Genossenschaft')
    assert sorted(page) == ["Altes Kino", "Gemeinsam planen", "Schule und Kino"]

    # Every word as bitmaps, then only the words of at least three entries (a query then
    # combines words of both kinds).
    assert fill(1) > 0
    assert all_hits() == from_postings
    assert 0 < fill(3) < fill(1)
    assert all_hits() == from_postings

    fill(3)
    backends.hits_cache_clear()
    assert titles('"gemeinsam planen" Genossenschaft') == page

    # With every word as bitmaps the postings are not read at all.
    fill(1)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL allmende.search_rebuild = 'on'")  # the bitmaps stay
        cursor.execute("DELETE FROM search_posting")
        cursor.execute("SET LOCAL allmende.search_rebuild = 'off'")
    assert all_hits() == from_postings


def test_bitmaps_follow_every_write():
    kino = make_property(title="Altes Kino", description="Gemeinsam planen")
    make_property(title="Neue Werkstatt", description="Gemeinsam planen im Kino")
    fill(1)
    assert {"kino", "gemeinsam plan", "werkstatt"} <= bitmaps_match_postings()

    # A new entry, a changed title and text, a word moving into the title.
    make_property(title="Kino am Markt", description="Die Werkstatt")
    kino.title = "Altes Kaufhaus"
    kino.description = "Eine Werkstatt"
    kino.save()
    bitmaps_match_postings()
    backends.hits_cache_clear()
    assert titles("Kino") == ["Kino am Markt", "Neue Werkstatt"]

    # Many entries in one statement: more ids per word than one bit at a time.
    property_type = ContentType.objects.get_for_model(Property)
    SearchEntry.objects.bulk_create(
        SearchEntry(
            content_type=property_type,
            object_id=1_000 + n,
            type="property",
            title=f"Lager {n}",
            body="Gemeinsam planen im Kino",
            url=f"/lager/{n}/",
        )
        for n in range(300)
    )
    bitmaps_match_postings()
    SearchEntry.objects.filter(title__startswith="Lager").update(body="Eine Werkstatt")
    bitmaps_match_postings()
    SearchEntry.objects.filter(title__startswith="Lager").delete()
    bitmaps_match_postings()

    # An entry id beyond the bitmaps' length lengthens every bitmap first.
    SearchEntry.objects.create(
        id=70_000,
        content_type=property_type,
        object_id=5_000,
        type="property",
        title="Kino im Hof",
        body="Gemeinsam planen",
        url="/hof/",
    )
    bitmaps_match_postings()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT length(plain) FROM search_postbits")
        assert cursor.fetchall() == [(131_072,)]
    assert 70_000 in backends.PostgresBackend().hits(parse_query("Kino")).ids

    kino.delete()
    bitmaps_match_postings()

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE search_searchentry, search_searchfacet")
        cursor.execute("SELECT count(*) FROM search_postbits")
        assert cursor.fetchone() == (0,)


def test_rebuild_fills_the_bitmaps_of_the_common_words(monkeypatch):
    make_property(title="Altes Kino", description="Gemeinsam planen")
    with connection.cursor() as cursor:
        cursor.execute("SELECT allmende_postbits_fill(1)")
        cursor.execute("UPDATE search_postbits SET plain = ~plain")  # stale

    search_rebuild()

    # A few entries: no word has capacity / 256 postings, so none has bitmaps.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_postbits")
        assert cursor.fetchone() == (0,)
    backends.hits_cache_clear()
    assert titles("Kino") == ["Altes Kino"]
