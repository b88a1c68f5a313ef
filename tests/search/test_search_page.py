"""The search page /suche/: form, facets with labels and counts, highlighted results, order,
pagination, the no-results state with a suggestion, hostile input, and its query count."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from allmende.knowledge.models import Audience, Facet, Phase
from allmende.search.services import search_index
from tests.factories import NetworkFactory, UserFactory
from tests.knowledge.factories import (
    ArticleFactory,
    FacetTermFactory,
    ToolboxFactory,
    ToolFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("search:search")


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def result_titles(html):
    return re.findall(r'<h3><a href="[^"]*">(.*?)</a></h3>', html)


@pytest.fixture
def content():
    network = NetworkFactory(name="Netzwerk Nord", slug="nord")
    topic = TopicFactory(name="Finanzierung", slug="finanzierung")
    first = ArticleFactory(
        title="Genossenschaft gründen",
        body="Wie eine Genossenschaft ein Haus kauft.",
        network=network,
        phase=Phase.FOUND,
        published_at=timezone.now() - datetime.timedelta(days=20),
    )
    first.topics.add(topic)
    search_index(first)
    ArticleFactory(
        title="Genossenschaften und Kommunen",
        body="Kommunen vergeben an Genossenschaften.",
        audience=Audience.OWNERS,
        phase=Phase.STEP_4,
    )
    toolbox = ToolboxFactory(network=network, name="Werkzeuge Nord")
    term = FacetTermFactory(
        toolbox=toolbox, facet=Facet.SPATIAL_LEVEL, slug="quartier", name="Quartier"
    )
    tool = ToolFactory(toolbox=toolbox, title="Genossenschaftsfonds im Quartier")
    tool.terms.add(term)
    search_index(tool)
    return network


def test_the_empty_page_has_a_labelled_search_field_and_no_results(client):
    html = get(client)

    assert '<label for="id_q">Suchbegriff:</label>' in html
    assert 'role="search"' in html
    assert "<h3>" not in html
    assert 'id="search-status" role="status"' in html


def test_the_header_has_a_labelled_search_form(client):
    html = client.get("/").content.decode()

    assert 'action="/suche/"' in html
    assert '<label for="header-q" class="visually-hidden">Suchbegriff</label>' in html


def test_results_with_highlighted_snippets_type_labels_and_count(client, content):
    html = get(client, q="Genossenschaft")

    assert "3 Treffer" in html
    assert "<mark>Genossenschaft</mark> gründen" in html
    assert "Wie eine <mark>Genossenschaft</mark> ein Haus kauft." in html
    assert '<p class="meta">Praxiswissen</p>' in html
    assert '<p class="meta">Werkzeuge</p>' in html


def test_facets_show_readable_labels_and_counts(client, content):
    html = get(client, q="Genossenschaft")

    assert "<legend>Netzwerk</legend>" in html
    assert "Netzwerk Nord (2)" in html
    assert "Finanzierung (1)" in html
    assert "Gründen (1)" in html
    assert "Schritt 4: Vergabe (1)" in html
    assert "Initiativen (1)" in html
    assert "Kommunen und Eigentümer (1)" in html
    assert "<legend>Räumliche Ebene</legend>" in html
    assert "Quartier (1)" in html
    assert "Werkzeuge Nord (1)" in html
    assert "Praxiswissen (2)" in html


def test_ticking_facets_narrows_the_results_and_keeps_them_ticked(client, content):
    html = get(client, q="Genossenschaft", network="nord")
    assert "2 Treffer" in html
    assert 'name="network" value="nord" id="facet-network-nord" checked' in html

    html = get(client, q="Genossenschaft", network="nord", type="tool")
    assert len(result_titles(html)) == 1
    assert "<mark>Genossenschaftsfonds</mark>" in result_titles(html)[0]
    assert "1 Treffer" in html
    assert 'href="/suche/?q=Genossenschaft"' in html  # remove the filters


def test_within_a_facet_values_combine_with_or(client, content):
    html = get(client, q="Genossenschaft", phase=["found", "step_4"])

    assert "2 Treffer" in html


def test_date_order_puts_the_newest_first(client, content):
    html = get(client, q="Genossenschaft", order="date", type="article")

    assert [re.sub("<.*?>", "", t) for t in result_titles(html)] == [
        "Genossenschaften und Kommunen",
        "Genossenschaft gründen",
    ]


def test_pagination_keeps_the_query(client):
    for i in range(23):
        ArticleFactory(title=f"Kino {i}")

    html = get(client, q="Kino", order="date")
    assert len(result_titles(html)) == 20
    assert "?q=Kino&amp;order=date&amp;page=2" in html

    second = get(client, q="Kino", order="date", page=2)
    assert len(result_titles(second)) == 3

    beyond = get(client, q="Kino", page=99)
    assert len(result_titles(beyond)) == 3


def test_no_results_suggests_a_spelling(client, content):
    html = get(client, q="Genosenschaft")

    assert "Keine Treffer" in html
    assert "Meinten Sie" in html
    assert 'href="/suche/?q=Genossenschaft"' in html


def test_no_results_with_filters_offers_to_remove_them(client, content):
    html = get(client, q="Genossenschaft", topic="finanzierung", phase="step_4")

    assert "Keine Treffer" in html
    assert "ohne Filter suchen" in html
    assert 'href="/suche/?q=Genossenschaft"' in html


@pytest.mark.parametrize(
    "query",
    [
        '"Genossenschaft',
        'Genossenschaft"',
        "Genossenschaft*",
        "NEAR(Genossenschaft Haus)",
        "Genossenschaft AND NOT Haus",
        "(Genossenschaft OR",
        "Genossenschaft -Haus",
        "Genossenschaft %\\",
        "Genossenschaft 🏠",
    ],
)
def test_hostile_queries_give_results(client, content, query):
    html = get(client, q=query)

    assert "Treffer" in html
    assert "<mark>Genossenschaft" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 10_000}, "höchstens 500 Zeichen"),
        ({"q": "Genossen\x00schaft"}, "Null"),
        ({"q": "🏠 ?!"}, "keine Wörter"),
        ({"q": "Haus", "type": "unbekannt"}, "gültige Auswahl"),
        ({"q": "Haus", "order": "zufall"}, "gültige Auswahl"),
        ({"q": "Haus", "page": "-1"}, "größer oder gleich 1"),
    ],
)
def test_bad_input_gives_a_clear_message(client, content, params, message):
    html = get(client, **params)

    assert message in html


def test_odd_facet_values_do_not_break_the_page(client, content):
    html = get(client, q="Genossenschaft", network=["x" * 2000, "\x00", "<script>"])

    assert "Keine Treffer" in html
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]


def test_htmx_request_gets_the_results_and_the_count_out_of_band(client, content):
    response = client.get(URL, {"q": "Genossenschaft"}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert html.lstrip().startswith('<div id="search-area">')
    assert '<p id="search-status" hx-swap-oob="innerHTML">3 Treffer</p>' in html
    assert "<html" not in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_query_count_does_not_grow_with_results_and_facets(
    client, django_assert_max_num_queries, logged_in
):
    if logged_in:
        client.force_login(UserFactory())
    toolbox = ToolboxFactory()
    terms = [
        FacetTermFactory(toolbox=toolbox, facet=facet, slug=f"{facet}-{i}")
        for facet in Facet
        for i in range(3)
    ]
    for i in range(25):
        article = ArticleFactory(title=f"Genossenschaft {i}", phase=Phase.SEARCH)
        article.topics.add(TopicFactory(slug=f"thema-{i % 4}"))
        search_index(article)
        tool = ToolFactory(toolbox=toolbox, title=f"Genossenschaftsidee {i}")
        tool.terms.set(terms[i % 7 :: 5])
        search_index(tool)

    with django_assert_max_num_queries(10):
        html = get(client, q="Genossenschaft", phase="search")

    assert "Genossenschaft" in html
