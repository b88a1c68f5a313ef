"""Search over the knowledge content with facets: German queries, filters (AND across
facets, OR within one), facet counts against plain ORM counts, the index after edits and
deletes, date order. The same tests on SQLite (FTS5) and PostgreSQL (german + pg_trgm)."""

import datetime
import re

import pytest
from django.utils import timezone

from allmende.knowledge.models import Article, Audience, Facet, Phase, Tool
from allmende.search.models import SearchEntry, SearchFacet
from allmende.search.selectors import facet_groups, search, search_suggestion
from allmende.search.services import facet_pairs, search_index, search_rebuild
from allmende.search.stemming import parse_query
from tests.factories import NetworkFactory
from tests.knowledge.factories import (
    ArticleFactory,
    ExamplePlaceFactory,
    FacetTermFactory,
    NewsFactory,
    PositionFactory,
    PublicationFactory,
    ToolboxFactory,
    ToolFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def titles(query, **kwargs):
    """The titles found, without a tool's code, sorted."""
    return sorted(re.sub(r"^W \d{3} ", "", hit.title) for hit in search(query, **kwargs).hits)


@pytest.fixture
def library():
    """Articles, a tool, a place and a publication with German texts."""
    ArticleFactory(
        title="Eine Wohnung für die Gruppe finden",
        body="Wie eine Gruppe Räume in der Stadt sucht.",
    )
    ArticleFactory(
        title="Wohnungsbaugenossenschaften als Partner",
        body="Die Genossenschaften der Nachkriegszeit bauen neu.",
        audience=Audience.OWNERS,
    )
    ArticleFactory(
        title="Ein Haus am Markt in München",
        body="Der Umbau eines Hauses an der Straße zum Markt.",
    )
    ArticleFactory(
        title="Markt und Haus",
        body="Ein Markt ist kein Haus, am Ende aber doch ein Treffpunkt.",
    )
    ToolFactory(title="Leerstandskataster anlegen", summary="Leere Gebäude systematisch erfassen.")
    ExamplePlaceFactory(
        name="Alte Mühle Görlitz", story="Aus der Mühle wurde ein Kulturzentrum mit Café."
    )
    PublicationFactory(title="Leitfaden Konzeptvergabe", cover_text="Für Kommunen und Gruppen.")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Stemming: another form of the same word.
        (
            "Wohnungen",
            ["Eine Wohnung für die Gruppe finden", "Wohnungsbaugenossenschaften als Partner"],
        ),
        ("Gruppen", ["Eine Wohnung für die Gruppe finden", "Leitfaden Konzeptvergabe"]),
        # (the place was a "Kaufhaus" and is a "Bürgerhaus")
        ("Häuser", ["Alte Mühle Görlitz", "Ein Haus am Markt in München", "Markt und Haus"]),
        # A word inside compounds.
        ("Genossenschaft", ["Wohnungsbaugenossenschaften als Partner"]),
        ("Leerstand", ["Leerstandskataster anlegen"]),
        # Umlauts and ß written out.
        ("Muenchen", ["Ein Haus am Markt in München"]),
        ("Strasse", ["Ein Haus am Markt in München"]),
        ("Muehle Goerlitz", ["Alte Mühle Görlitz"]),
        ("GEBAEUDE", ["Leerstandskataster anlegen"]),
        # Words in quotes follow each other; without quotes any order.
        ('"Haus am Markt"', ["Ein Haus am Markt in München"]),
        ("„Haus am Markt“", ["Ein Haus am Markt in München"]),
        ("Haus Markt", ["Ein Haus am Markt in München", "Markt und Haus"]),
        ('"Markt und Haus"', ["Markt und Haus"]),
        # Hyphens split words (found inside the compound too).
        ("Konzept-Vergabe", ["Leitfaden Konzeptvergabe"]),
        ("Kultur-Zentrum Café", ["Alte Mühle Görlitz"]),
        # Every word must match.
        ("Wohnung Kulturzentrum", []),
    ],
)
def test_german_queries_find_the_expected_content(library, query, expected):
    assert titles(query) == expected


def test_an_unbalanced_quote_is_ignored_and_the_words_still_count(library):
    assert titles('"Haus am Markt') == ["Ein Haus am Markt in München", "Markt und Haus"]


def test_a_phrase_is_parsed_from_matching_quotes_only():
    parsed = parse_query('„Haus am Markt“ und "ein" Kino "offen')

    assert parsed.phrases == (("haus", "am", "markt"),)
    assert "kino" in parsed.terms
    assert "offen" in parsed.terms


def test_unpublished_and_future_content_is_not_found():
    ArticleFactory(title="Geheime Genossenschaft", is_published=False)
    ArticleFactory(
        title="Künftige Genossenschaft",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )
    ToolFactory(title="Versteckte Genossenschaft", is_published=False)

    assert titles("Genossenschaft") == []


def test_edit_and_delete_update_the_index():
    article = ArticleFactory(title="Altes Kino", body="Ein Saal.")
    assert titles("Kino") == ["Altes Kino"]

    article.title = "Alte Mühle"
    article.save()
    assert titles("Kino") == []
    assert titles("Mühle") == ["Alte Mühle"]

    article.is_published = False
    article.save()
    assert titles("Mühle") == []

    article.is_published = True
    article.save()
    article.delete()
    assert titles("Mühle") == []
    assert not SearchFacet.objects.filter(entry__type="article").exists()


def test_changed_terms_take_effect_after_search_index():
    tool = ToolFactory(title="Quartiersfonds")
    level = FacetTermFactory(toolbox=tool.toolbox, facet=Facet.SPATIAL_LEVEL, slug="quartier")
    other = FacetTermFactory(toolbox=tool.toolbox, facet=Facet.SPATIAL_LEVEL, slug="gemeinde")
    tool.terms.add(level)
    # M2M changes come after the save: the service that makes them calls search_index.
    assert titles("", filters={"spatial_level": ["quartier"]}) == []
    search_index(tool)
    assert titles("", filters={"spatial_level": ["quartier"]}) == ["Quartiersfonds"]

    tool.terms.set([other])
    search_index(tool)
    assert titles("", filters={"spatial_level": ["quartier"]}) == []
    assert titles("", filters={"spatial_level": ["gemeinde"]}) == ["Quartiersfonds"]


def test_changed_topics_take_effect_after_search_index():
    article = ArticleFactory(title="Finanzierung mit Direktkrediten")
    topic = TopicFactory(slug="geld", name="Geld")
    article.topics.add(topic)
    search_index(article)

    assert titles("Direktkredit", filters={"topic": ["geld"]}) == [article.title]


@pytest.fixture
def faceted():
    """Articles over two networks, audiences, phases and topics; tools with terms."""
    north, south = NetworkFactory(slug="nord"), NetworkFactory(slug="sued")
    money, law = TopicFactory(slug="geld"), TopicFactory(slug="recht")
    specs = [
        (north, Audience.INITIATIVES, Phase.SEARCH, [money]),
        (north, Audience.INITIATIVES, Phase.FOUND, [money, law]),
        (north, Audience.OWNERS, Phase.STEP_1, [law]),
        (south, Audience.INITIATIVES, Phase.SEARCH, []),
        (south, Audience.BOTH, Phase.BUILD, [money]),
        (south, Audience.OWNERS, "", [money, law]),
    ]
    for i, (network, audience, phase, topics) in enumerate(specs):
        article = ArticleFactory(
            title=f"Genossenschaft {i}", network=network, audience=audience, phase=phase
        )
        article.topics.set(topics)
        search_index(article)
    toolbox = ToolboxFactory(network=north)
    district = FacetTermFactory(toolbox=toolbox, facet=Facet.SPATIAL_LEVEL, slug="quartier")
    town = FacetTermFactory(toolbox=toolbox, facet=Facet.SPATIAL_LEVEL, slug="gemeinde")
    housing = FacetTermFactory(toolbox=toolbox, facet=Facet.FIELD, slug="wohnen")
    for i, terms in enumerate([[district], [district, town, housing], [town], []]):
        tool = ToolFactory(toolbox=toolbox, title=f"Genossenschaftsidee {i}")
        tool.terms.set(terms)
        search_index(tool)
    return north, south


def orm_articles(**filters):
    return Article.objects.published().filter(**filters).distinct().count()


def test_filters_combine_with_or_within_a_facet_and_and_across(faceted):
    both_phases = search("Genossenschaft", filters={"phase": ["search", "found"]})
    assert both_phases.total == orm_articles(phase__in=["search", "found"]) == 3

    narrowed = search("Genossenschaft", filters={"phase": ["search", "found"], "network": ["nord"]})
    assert narrowed.total == orm_articles(phase__in=["search", "found"], network__slug="nord")
    assert narrowed.total == 2

    topics = search("Genossenschaft", filters={"topic": ["geld", "recht"]})
    assert topics.total == orm_articles(topics__slug__in=["geld", "recht"]) == 5

    tools = search("Genossenschaft", filters={"spatial_level": ["quartier"], "field": ["wohnen"]})
    assert [h.title for h in tools.hits] == [
        Tool.objects.get(title="Genossenschaftsidee 1").code + " Genossenschaftsidee 1"
    ]


def test_facet_counts_equal_plain_orm_counts(faceted, counting):
    result = search("Genossenschaft", filters={"network": ["nord"]})

    counts = result.facet_counts
    # The network facet ignores its own filter: every network with its number of matches.
    assert counts["network"] == {
        "nord": orm_articles(network__slug="nord") + Tool.objects.count(),
        "sued": orm_articles(network__slug="sued"),
    }
    # The other facets are counted within network "nord".
    assert counts["topic"] == {
        "geld": orm_articles(network__slug="nord", topics__slug="geld"),
        "recht": orm_articles(network__slug="nord", topics__slug="recht"),
    }
    assert counts["phase"] == {
        "search": 1,
        "found": 1,
        "step_1": 1,
    }
    assert counts["spatial_level"] == {
        "quartier": Tool.objects.filter(terms__slug="quartier").count(),
        "gemeinde": Tool.objects.filter(terms__slug="gemeinde").count(),
    }
    # The type counts have the facet filter applied.
    assert result.counts == {"article": 3, "tool": 4}


def test_an_article_for_both_audiences_counts_for_each(faceted):
    result = search("Genossenschaft", types=["article"])

    assert result.facet_counts["audience"] == {
        "initiatives": orm_articles(audience__in=["initiatives", "both"]),
        "owners": orm_articles(audience__in=["owners", "both"]),
    }
    assert search("", filters={"audience": ["owners"]}).total == 3


@pytest.fixture(params=["kept current", "read again"])
def counting(request):
    """Both copies of the facet table counted in: the one this process kept current while
    indexing, and one read again from the database."""
    from allmende.search.backends import facet_table_forget

    if request.param == "read again":
        facet_table_forget()


def test_counts_of_a_filtered_facet_ignore_its_own_filter_but_not_the_others(faceted, counting):
    result = search("", filters={"phase": ["search"], "topic": ["geld"]})

    assert result.total == orm_articles(phase="search", topics__slug="geld") == 1
    # Phase values within topic "geld"; topic values within phase "search".
    assert result.facet_counts["phase"] == {"search": 1, "found": 1, "build": 1}
    assert result.facet_counts["topic"] == {"geld": 1}


def test_type_filter_applies_to_facet_counts_but_not_to_type_counts(faceted, counting):
    result = search("Genossenschaft", types=["tool"])

    assert result.counts == {"article": 6, "tool": 4}
    assert result.total == 4
    assert "topic" not in result.facet_counts
    assert result.facet_counts["network"] == {"nord": 4}


def test_empty_query_lists_everything_of_a_type_or_facet_but_nothing_without(faceted):
    assert search("").total == 0
    assert search("", types=["tool"]).total == 4
    assert search("", filters={"network": ["sued"]}).total == 3
    assert search("", filters={"network": ["gibt-es-nicht"]}).total == 0


def test_facet_groups_give_readable_labels_with_one_query_per_vocabulary(
    faceted, django_assert_max_num_queries
):
    result = search("Genossenschaft")

    with django_assert_max_num_queries(4):  # networks, topics, toolboxes, terms
        groups = {group.key: group for group in facet_groups(result)}

    audience = {v.value: v.label for v in groups["audience"].values}
    assert audience == {"initiatives": "Initiativen", "owners": "Kommunen und Eigentümer"}
    networks = {v.value: v.label for v in groups["network"].values}
    assert networks == {n.slug: n.name for n in faceted}
    assert groups["spatial_level"].label == "Räumliche Ebene"


def test_date_order_puts_the_newest_first():
    now = timezone.now()
    ArticleFactory(title="Kino alt", published_at=now - datetime.timedelta(days=30))
    ArticleFactory(title="Kino neu", published_at=now - datetime.timedelta(days=1))
    PublicationFactory(title="Kino mittel", issued_on=(now - datetime.timedelta(days=10)).date())
    PositionFactory(title="Kino uralt", dated=datetime.date(2001, 1, 1))

    hits = search("Kino", order="date").hits

    assert [h.title for h in hits] == ["Kino neu", "Kino mittel", "Kino alt", "Kino uralt"]
    assert SearchEntry.objects.get(title="Kino uralt").date == datetime.date(2001, 1, 1)


def test_news_and_places_are_found_with_their_network():
    news = NewsFactory(title="Netzwerktreffen in Halle")
    ExamplePlaceFactory(name="Bahnhof Halle", state="Sachsen-Anhalt")

    result = search("Halle")

    assert result.counts == {"news": 1, "place": 1}
    assert result.facet_counts["network"][news.network.slug] == 1
    assert result.facet_counts["state"] == {"Sachsen-Anhalt": 1}


def test_rebuild_restores_facets_and_dates(faceted):
    before = search("", filters={"topic": ["geld"]}).total

    SearchFacet.objects.all().delete()
    search_rebuild()

    assert search("", filters={"topic": ["geld"]}).total == before == 4
    assert not SearchEntry.objects.filter(type="article", date__isnull=True).exists()


@pytest.mark.parametrize(
    ("facets", "pairs"),
    [
        ({"kind": "vacant"}, [("kind", "vacant")]),
        ({"state": ["Sachsen", "Sachsen", ""]}, [("state", "Sachsen")]),
        ({"date": "2024-01-01", "type": ["x"], "size": 3}, []),
        ({"uses": [1, None, "kultur"]}, [("uses", "kultur")]),
    ],
)
def test_facet_values_are_normalised(facets, pairs):
    assert facet_pairs(facets) == pairs


@pytest.mark.parametrize(
    "filters",
    [
        {"network": ["\x00"]},
        {"network": ["x" * 5000]},
        {"network": [""] * 100},
        {"\x00": ["a"]},
        {"'; DROP TABLE search_searchfacet; --": ["a"]},
        {"topic": [str(i) for i in range(500)]},
    ],
)
def test_odd_filters_never_raise(faceted, filters):
    result = search("Genossenschaft", filters=filters)

    assert result.total >= 0


def test_a_misspelt_word_gets_the_closest_title_word():
    ArticleFactory(title="Wohnungsbaugenossenschaften in Leipzig")

    assert search_suggestion("Wohnungsbaugenosenschaften") == "Wohnungsbaugenossenschaften"
    assert search_suggestion("wohnungsbaugenosenschaft") == "wohnungsbaugenossenschaften"
    assert search_suggestion("Leipzgi Wohnungsbaugenossenschaften") == (
        "Leipzig Wohnungsbaugenossenschaften"
    )
    assert search_suggestion("Leipzig") is None
    assert search_suggestion("Zebrastreifen") is None
    assert search_suggestion("\x00 🏠") is None


def test_migration_fills_facet_rows_and_dates_of_entries_indexed_before():
    import importlib

    from django.apps import apps

    fill = importlib.import_module("allmende.search.migrations.0004_fill_facets_and_dates").fill
    article = ArticleFactory(title="Genossenschaft im Dorf", phase=Phase.SEARCH)
    entry = SearchEntry.objects.get(type="article")
    SearchFacet.objects.filter(entry=entry).delete()
    SearchEntry.objects.filter(pk=entry.pk).update(
        date=None, facets={**entry.facets, "date": "2020-02-03"}
    )
    assert search("", filters={"phase": ["search"]}).total == 0

    fill(apps, None)

    assert titles("", filters={"phase": ["search"]}) == [article.title]
    assert search("", types=["article"]).counts["article"] == 1
    assert SearchEntry.objects.get(pk=entry.pk).date == datetime.date(2020, 2, 3)
