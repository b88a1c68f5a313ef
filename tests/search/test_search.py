"""The search service: the same tests on SQLite (FTS5) and PostgreSQL (german + pg_trgm)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allmende.networks.models import Organisation
from allmende.properties.models import Moderation, Property
from allmende.search import backends
from allmende.search.models import SearchEntry, SearchTerm
from allmende.search.selectors import search
from allmende.search.services import search_index, search_rebuild
from tests.factories import OrganisationFactory
from tests.needs.factories import SpaceNeedFactory

pytestmark = pytest.mark.django_db


def make_property(**overrides):
    values = {
        "title": "Altes Kaufhaus",
        "kind": "vacant",
        "city": "Leipzig",
        "state": "Sachsen",
        "owner_kind": "private",
        "is_published": True,
    }
    values.update(overrides)
    return Property.objects.create(**values)


def titles(query, **kwargs):
    return [hit.title for hit in search(query, **kwargs).hits]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Die Genossenschaft sucht Räume", "Genossenschaften"),
        ("Zwei Genossenschaften gründen", "Genossenschaft"),
        ("Neue Wohnungen im Altbau", "Wohnung"),
        ("Eine leere Wohnung", "Wohnungen"),
        ("Alte Häuser am Markt", "Haus"),
        ("Schöne Straße in der Stadt", "Strasse"),
        ("Schöne Strasse in der Stadt", "Straße"),
        ("Viele Grüße aus Görlitz", "GÖRLITZ"),
        ("Viele Grüße aus Görlitz", "Gruesse"),
        ("Alte Häuser am Markt", "Haeuser"),
        ("Das Gebäude der Müllerei", "Gebaeude Muellerei"),
    ],
)
def test_stemming_and_spelling_variants_find_the_word(text, query):
    make_property(title="Objekt", description=text)

    assert titles(query) == ["Objekt"]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Die Wohnungsbaugenossenschaften der Stadt", "Genossenschaft"),
        ("Eine Wohnungsbaugenossenschaft", "Genossenschaften"),
        ("Gemeinschaftsgärten im Hof", "Gärten"),
        ("Ein Hausprojekt in Leipzig", "Projekt"),
    ],
)
def test_a_word_is_found_inside_compound_words(text, query):
    make_property(title="Objekt", description=text)

    result = search(query)

    assert [hit.title for hit in result.hits] == ["Objekt"]


def test_direct_matches_rank_before_matches_inside_compounds():
    make_property(title="Erstes", description="Wohnungsbaugenossenschaften bauen")
    make_property(title="Zweites", description="Die Genossenschaft baut")

    hits = search("Genossenschaft").hits

    assert [(h.title, h.compound_only) for h in hits] == [("Zweites", False), ("Erstes", True)]


def test_title_matches_rank_before_body_matches():
    make_property(title="Kaufhaus am Markt", description="Ein Gebäude mit Geschichte")
    make_property(title="Gebäude am Markt", description="Ein altes Kaufhaus")
    make_property(title="Lager", description="Hinter dem Kaufhaus der Stadt")

    assert titles("Kaufhaus")[0] == "Kaufhaus am Markt"


def test_unrelated_text_is_not_found():
    make_property(title="Altes Kino", description="Ein Saal mit Bühne")

    assert search("Genossenschaft").hits == []


def test_snippet_and_title_escape_html_and_mark_only_the_match():
    make_property(
        title="<script>alert(1)</script> Genossenschaft",
        description='<img src=x onerror="alert(2)"> Die Genossenschaft & ihre Räume',
    )

    hit = search("Genossenschaft").hits[0]

    assert str(hit.title_html) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Genossenschaft</mark>"
    )
    assert "<img" not in hit.snippet
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in hit.snippet
    assert "<mark>Genossenschaft</mark> &amp; ihre" in hit.snippet
    assert hit.snippet.count("<mark>") == 1


def test_long_body_gives_a_short_snippet_around_the_match():
    filler = " ".join(f"Wort{i}" for i in range(200))
    make_property(title="Objekt", description=f"{filler} Genossenschaft {filler}")

    snippet = search("Genossenschaft").hits[0].snippet

    assert "<mark>Genossenschaft</mark>" in snippet
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert len(snippet.split()) < 40


@pytest.mark.parametrize("body", [" " * 10_000, "x" * 10_000, "<b>" * 5_000])
def test_snippets_of_odd_long_texts_are_short_and_escaped(body):
    make_property(title="Kino", description=body)

    snippet = search("Kino").hits[0].snippet

    assert len(snippet) < 5_000
    assert "<b>" not in snippet


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_hypothesis_any_text_is_a_valid_query(query):
    if not Property.objects.exists():  # the database is shared by all examples
        make_property(title="Haus am Hof", description="Genossenschaft")

    result = search(query)

    assert result.total == len(result.hits) <= 1


def test_index_follows_save_delete_and_unpublish():
    prop = make_property(title="Altes Kino", description="Ein Saal")
    assert titles("Kino") == ["Altes Kino"]

    prop.title = "Alte Mühle"
    prop.save()
    assert titles("Kino") == []
    assert titles("Mühle") == ["Alte Mühle"]

    prop.is_published = False
    prop.save()
    assert titles("Mühle") == []
    assert not SearchEntry.objects.exists()

    prop.is_published = True
    prop.save()
    assert titles("Mühle") == ["Alte Mühle"]

    prop.delete()
    assert titles("Mühle") == []
    assert not SearchEntry.objects.exists()


@pytest.mark.parametrize(
    "hidden",
    [
        {"is_published": False},
        {"moderation": Moderation.PENDING},
        {"moderation": Moderation.REJECTED},
    ],
)
def test_properties_that_are_not_public_are_not_indexed(hidden):
    make_property(title="Verstecktes Kino", **hidden)

    assert titles("Kino") == []


def test_a_sensitive_propertys_street_is_never_indexed():
    make_property(
        title="Geschütztes Haus",
        street="Geheimgasse 7",
        postcode="04109",
        is_sensitive=True,
        lat=51.34,
        lon=12.37,
    )

    assert titles("Geheimgasse") == []
    assert titles("04109") == []
    entry = SearchEntry.objects.get()
    assert "Geheimgasse" not in entry.title + entry.body
    assert titles("Leipzig") == ["Geschütztes Haus"]


def test_needs_are_indexed_only_when_public_and_active():
    need = SpaceNeedFactory(title="Werkstatt gesucht", description="Für eine Fahrradwerkstatt")
    SpaceNeedFactory(title="Interne Werkstatt", visibility="network")
    assert titles("Werkstatt") == ["Werkstatt gesucht"]
    assert search("Werkstatt").hits[0].url == f"/raumgesuche/{need.pk}/"

    need.is_active = False
    need.save()
    assert titles("Werkstatt") == []


def test_organisations_are_indexed_only_when_active():
    organisation = OrganisationFactory(name="Stadtlücken", description="Ein Verein für Plätze")
    OrganisationFactory(name="Alte Stadtlücken", is_active=False)
    assert titles("Stadtlücken") == ["Stadtlücken"]

    organisation.delete()
    assert titles("Stadtlücken") == []


def test_counts_per_type_and_type_filter():
    OrganisationFactory(name="Genossenschaft Nord", city="")
    make_property(title="Haus der Genossenschaft")
    make_property(title="Genossenschaftshaus")
    SpaceNeedFactory(title="Genossenschaft sucht Raum")

    result = search("Genossenschaft", types=["property"])

    assert result.counts == {"organisation": 1, "property": 2, "need": 1}
    assert result.total == 2
    assert {hit.type for hit in result.hits} == {"property"}
    assert search("Genossenschaft").total == 4
    assert search("Genossenschaft", types=["unknown"]).hits == []


def test_limit_and_offset_page_through_the_hits():
    for i in range(5):
        make_property(title=f"Kino {i}")

    first = titles("Kino", limit=2)
    second = titles("Kino", limit=2, offset=2)

    assert len(first) == len(second) == 2
    assert not set(first) & set(second)


def test_rebuild_command_restores_a_lost_index():
    make_property(title="Altes Kino")
    make_property(title="Verstecktes Kino", is_published=False)
    OrganisationFactory(name="Kinoverein")
    SearchEntry.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
    assert titles("Kino") == []

    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)

    assert "2" in out.getvalue().splitlines()[-1]

    assert sorted(titles("Kino")) == ["Altes Kino", "Kinoverein"]
    assert search_rebuild() == 2


def test_bulk_created_objects_are_found_after_a_rebuild():
    Organisation.objects.bulk_create(
        [Organisation(name=f"Verein {i}", slug=f"verein-{i}", kind="initiative") for i in range(3)]
    )
    assert titles("Verein") == []

    search_rebuild()

    assert len(titles("Verein")) == 3


def test_indexing_an_unregistered_object_does_nothing():
    assert search_index(SearchEntry(title="x")) is None


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '"Genossenschaft',
        "Genossenschaft*",
        "*",
        "NEAR(Haus Hof)",
        "Haus NEAR Hof",
        "title:Haus",
        "(Haus OR Hof) AND NOT Kino",
        "Haus - Hof",
        "Haus\x00Hof",
        "\x00",
        "'; DROP TABLE search_searchentry; --",
        "Ünïcödé ßß 漢字 🏠",
        "a",
        "Genossenschaft " * 500,
        "x" * 10_000,
        "^Haus",
        "{title body}: Haus",
        "Haus + Hof",
        "%_\\",
    ],
)
def test_any_query_gives_results_or_none_and_never_raises(query):
    make_property(title="Haus am Hof", description="Genossenschaft")

    result = search(query)

    assert isinstance(result.hits, list)


def test_a_query_with_operators_still_finds_the_words():
    make_property(title="Haus am Hof", description="Die Genossenschaft")

    assert titles('"Genossenschaft*') == ["Haus am Hof"]
    assert titles("NEAR(Haus Hof)") == ["Haus am Hof"]


def test_query_count_does_not_grow_with_the_results(django_assert_max_num_queries):
    for i in range(30):
        make_property(title=f"Kino {i}", description="Ein Saal mit Bühne")
        SpaceNeedFactory(title=f"Kino gesucht {i}")

    with django_assert_max_num_queries(2):
        result = search("Kino", limit=50)

    assert len(result.hits) == 50


def test_indexed_words_enter_the_vocabulary_used_for_compound_parts():
    make_property(title="Objekt", description="Die Wohnungsbaugenossenschaften der Stadt")

    words = set(SearchTerm.objects.values_list("term", flat=True))

    assert any("genossenschaft" in w and w.startswith("wohnungsbau") for w in words)
    assert titles("Genossenschaft") == ["Objekt"]


@pytest.mark.parametrize("limit", [1, 2_000])
def test_too_many_matches_to_rank_put_title_matches_first(monkeypatch, limit):
    # Above RANK_LIMIT direct matches the order is: title matches, then the rest (by id);
    # below it every match is ranked. Either way the title match comes first, also among
    # the matches inside compounds.
    monkeypatch.setattr(backends, "RANK_LIMIT", limit)
    make_property(title="Lager", description="Hinter dem Kaufhaus der Stadt")
    make_property(title="Gebäude am Markt", description="Ein altes Kaufhaus")
    make_property(title="Kaufhaus am Markt", description="Ein Gebäude mit Geschichte")
    make_property(title="Speicher", description="Neben dem Warenhaus")
    make_property(title="Warenhaus Nord", description="Ein leeres Gebäude")

    hits = search("Kaufhaus").hits + search("Haus").hits

    assert hits[0].title == "Kaufhaus am Markt"
    compound = [h.title for h in search("Haus").hits if h.compound_only]
    assert compound[0] in {"Kaufhaus am Markt", "Warenhaus Nord"}
    assert set(compound) == {
        "Lager",
        "Gebäude am Markt",
        "Kaufhaus am Markt",
        "Speicher",
        "Warenhaus Nord",
    }


def test_a_phrase_with_every_word_in_it_is_not_looked_for_inside_compounds():
    make_property(title="Eins", description="Wir wollen gemeinsam planen und bauen")
    make_property(title="Zwei", description="Gemeinsamkeiten beim Planen")

    assert titles('"gemeinsam planen"') == ["Eins"]
    assert sorted(titles("gemeinsam planen")) == ["Eins", "Zwei"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"gemeinsam planen"', ["Eins", "Fünf"]),
        ('"Haus am Markt"', ["Zwei"]),
        ('"offene Werkstatt planen"', ["Drei"]),
        ('"Buerger planen"', ["Vier"]),
        ('"gemeinsam planen" Genossenschaft', ["Fünf"]),
    ],
)
def test_a_phrase_matches_its_words_next_to_each_other_and_in_order(query, expected):
    # Two words (one pair), a stop word inside, three words whose pairs also occur apart,
    # an umlaut written as ue, and a phrase with a word found inside a compound.
    make_property(title="Eins", description="Wir wollen gemeinsam planen.")
    make_property(title="Eins b", description="Planen wir gemeinsam? Gemeinsam und dann planen.")
    make_property(title="Zwei", description="Das alte Haus am Markt")
    make_property(title="Zwei b", description="Der Markt am Haus")
    make_property(title="Drei", description="Wir wollen eine offene Werkstatt planen")
    make_property(
        title="Drei b", description="Eine offene Werkstatt fehlt, wir müssen die Werkstatt planen"
    )
    make_property(title="Vier", description="Wo Bürger planen")
    make_property(title="Fünf", description="Die Wohnungsbaugenossenschaft will gemeinsam planen")
    make_property(title="Fünf b", description="Die Wohnungsbaugenossenschaft plant, gemeinsam")

    assert sorted(titles(query)) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's word pairs")
def test_postgres_looks_a_phrase_up_by_its_word_pairs_which_stay_out_of_the_vocabulary():
    make_property(title="Eins", description="Wir wollen gemeinsam planen")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT allmende_phrase_tsquery(%s)::text, allmende_phrase_tsquery(%s)::text, "
            "allmende_phrase_tsquery(%s)::text",
            ["gemeinsam planen", "offene Werkstatt planen", "Haus am Markt"],
        )
        two, three, with_stop_word = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM search_searchentry WHERE search_vector @@ %s::tsquery",
            ["'gemeinsam plan'"],
        )
        (with_pair,) = cursor.fetchone()

    # Two words: their pair alone; three: both pairs, then the positions; a stop word
    # between every two words: the positions alone.
    assert two == "'gemeinsam plan'"
    assert three == "'off werkstatt' & 'werkstatt plan' & 'off' <-> 'werkstatt' <-> 'plan'"
    assert with_stop_word == "'haus' <2> 'markt'"
    assert with_pair == 1
    assert set(SearchTerm.objects.values_list("term", flat=True)) >= {"gemeinsam", "plan"}
    assert not SearchTerm.objects.filter(term__contains=" ").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's title table")
def test_postgres_keeps_the_titles_table_with_the_entries():
    def titles_table():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.vector::text FROM search_title t "
                "JOIN search_searchentry e ON e.id = t.entry_id ORDER BY e.id"
            )
            rows = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT count(*) FROM search_title")
            return rows, cursor.fetchone()[0]

    kino = make_property(title="Altes Kino")
    make_property(title="Neue Werkstatt")
    assert titles_table() == (["'alt':1 'kino':2", "'neu':1 'werkstatt':2"], 2)

    kino.title = "Altes Kaufhaus"
    kino.save()
    assert titles_table() == (["'alt':1 'kaufhaus':2", "'neu':1 'werkstatt':2"], 2)
    assert titles('"Altes Kaufhaus"') == ["Altes Kaufhaus"]

    kino.delete()
    assert titles_table() == (["'neu':1 'werkstatt':2"], 1)

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE search_searchentry, search_searchfacet")
    assert titles_table() == ([], 0)
