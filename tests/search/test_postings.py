"""The postings table of PostgreSQL (migration 0010) and the ranking of few common matches."""

import pytest
from django.db import connection

from allmende.search import backends
from allmende.search.models import SearchEntry
from allmende.search.services import search_rebuild
from tests.search.test_search import make_property, titles

pytestmark = pytest.mark.django_db

# What the postings must be after any write: one row per word and pair of words of every
# entry's vector, as the function of migration 0010 makes them from the entry.
FROM_VECTORS = (
    "SELECT x.lexeme, x.in_title, e.id FROM search_searchentry e, "
    "allmende_postings(e.search_vector, e.title) x ORDER BY 1, 2, 3"
)
POSTINGS = "SELECT lexeme, in_title, entry_id FROM search_posting ORDER BY 1, 2, 3"


def postings():
    with connection.cursor() as cursor:
        cursor.execute(FROM_VECTORS)
        expected = cursor.fetchall()
        cursor.execute(POSTINGS)
        found = cursor.fetchall()
    assert found == expected
    return {(lexeme, in_title) for lexeme, in_title, _id in found}


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's postings table"
)


@postgres_only
def test_postgres_keeps_the_postings_with_the_entries():
    kino = make_property(title="Altes Kino", description="Gemeinsam planen")
    make_property(title="Neue Werkstatt")
    found = postings()
    # Words and pairs of the title are marked, the pair across title and text is not.
    assert {
        ("kino", True),
        ("alt kino", True),
        ("plan", False),
        ("gemeinsam plan", False),
        ("kino gemeinsam", False),
    } <= found
    assert ("kino", False) not in found

    kino.title = "Altes Kaufhaus"
    kino.save()
    found = postings()
    assert ("kaufhaus", True) in found
    assert ("kino", True) not in found

    kino.description = "Ein Saal mit Bühne"
    kino.save()
    assert ("plan", False) not in postings()
    assert titles("Bühne") == ["Altes Kaufhaus"]

    # Several rows in one statement; a row whose text is unchanged keeps its postings.
    SearchEntry.objects.update(body="Die Genossenschaft")
    SearchEntry.objects.filter(title="Neue Werkstatt").update(body="Die Genossenschaft")
    assert ("genossenschaft", False) in postings()
    assert titles("Genossenschaften") == ["Altes Kaufhaus", "Neue Werkstatt"]

    kino.delete()
    assert ("kaufhaus", True) not in postings()

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE search_searchentry, search_searchfacet")
        cursor.execute("SELECT count(*) FROM search_posting")
        assert cursor.fetchone() == (0,)


@postgres_only
def test_postgres_rebuild_writes_the_postings_once_at_its_end():
    make_property(title="Altes Kino", description="Gemeinsam planen")
    make_property(title="Neue Werkstatt")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_posting")  # stale, as after a failed write

    search_rebuild()

    assert {("kino", True), ("werkstatt", True), ("gemeinsam plan", False)} <= postings()
    # The triggers keep the postings again after the rebuild (same transaction here).
    make_property(title="Alte Schule")
    assert ("schul", True) in postings()
    assert titles("Schulen") == ["Alte Schule"]


@postgres_only
def test_postgres_finds_the_pair_of_a_phrase_of_two_words_only():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT allmende_phrase_pairs(%s), allmende_phrase_pairs(%s), "
            "allmende_phrase_pairs(%s), allmende_phrase_pairs(%s)",
            ["gemeinsam planen", "offene Werkstatt planen", "Haus am Markt", "und oder"],
        )
        assert cursor.fetchone() == (["gemeinsam plan"], None, None, None)


def test_few_matches_of_common_words_are_ranked(monkeypatch):
    # Each word is in more entries than the rank limit, the two together in fewer.
    in_body = make_property(title="Halle", description="Kino Werkstatt")
    in_title = make_property(title="Kino am Markt", description="Werkstatt, Werkstatt und Kino")
    make_property(title="Kino", description="Ein Saal")
    make_property(title="Werkstatt", description="Ein Hof")
    monkeypatch.setattr(backends, "RANK_LIMIT", 2)
    backends.hits_cache_clear()

    ranked = titles("Kino Werkstatt")

    # By rank (the title's word counts more), not by id as unranked matches would be.
    assert ranked == [in_title.title, in_body.title]


def test_too_many_matches_of_a_phrase_put_the_titles_with_the_phrase_first(monkeypatch):
    in_text = make_property(title="Halle", description="Wir wollen gemeinsam planen")
    in_title = make_property(title="Gemeinsam planen", description="Ein Hof")
    words_in_title = make_property(title="Planen, gemeinsam", description="Gemeinsam planen")
    monkeypatch.setattr(backends, "RANK_LIMIT", 1)
    backends.hits_cache_clear()

    # Not ranked: the title with the phrase first, then by id (a title with the words in
    # another order is no title match of the phrase).
    assert titles('"gemeinsam planen"') == [in_title.title, in_text.title, words_in_title.title]
