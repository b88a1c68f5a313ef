"""The knowledge overview and the public article pages through the test client, in German:
list with filters and pagination, detail with its parts, drafts hidden, sanitised bodies."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from allmende.knowledge.models import Audience, Phase
from tests.conftest import ROLES, user_for
from tests.factories import OrganisationFactory
from tests.knowledge.factories import ArticleFactory, ToolFactory, TopicFactory

pytestmark = pytest.mark.django_db

OVERVIEW_URL = "/wissen/"
LIST_URL = "/wissen/artikel/"


def _html(response) -> str:
    return response.content.decode()


def _client_for(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))
    return client


# --- overview ---------------------------------------------------------------------------------


def test_overview_links_to_articles_by_audience_and_to_the_feeds(client, world):
    ArticleFactory(network=world.network, title="Erbbaurecht verstehen")

    response = client.get(OVERVIEW_URL)

    html = _html(response)
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    assert "<h1>Wissen</h1>" in html
    assert f'href="{LIST_URL}?audience=initiatives"' in html
    assert f'href="{LIST_URL}?audience=owners"' in html
    assert "Erbbaurecht verstehen" in html
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert 'href="/wissen/feeds/artikel.atom"' in html
    assert 'href="/wissen/" aria-current="page"' in html


@pytest.mark.parametrize(
    "name",
    ["toolbox_list", "place_list", "publication_list", "position_list", "news_list"],
)
def test_overview_links_to_the_other_parts_of_the_knowledge(client, db, name):
    html = _html(client.get(OVERVIEW_URL))

    assert f'href="{reverse(f"knowledge:{name}")}"' in html


def test_overview_offers_the_search_when_there_is_one(client, db):
    html = _html(client.get(OVERVIEW_URL))

    try:
        search_url = reverse("search:search")
    except NoReverseMatch:
        assert 'role="search"' not in html
    else:
        assert f'action="{search_url}"' in html
        assert '<label for="knowledge-search">Suche</label>' in html


def test_overview_offers_writing_only_to_those_who_may(client, world):
    assert "/wissen/artikel/neu/" not in _html(client.get(OVERVIEW_URL))
    client.force_login(world.coordinator)
    assert "/wissen/artikel/neu/" in _html(client.get(OVERVIEW_URL))


# --- list -------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(world):
    """Articles for the filters: audiences, phases, topics, networks, plus hidden ones."""
    finance = TopicFactory(name="Finanzierung", slug="finanzierung")
    law = TopicFactory(name="Rechtsform", slug="rechtsform")
    articles = {
        "search": ArticleFactory(
            network=world.network,
            title="Ein Haus finden",
            audience=Audience.INITIATIVES,
            phase=Phase.SEARCH,
        ),
        "found": ArticleFactory(
            network=world.network,
            title="Eine Genossenschaft gründen",
            audience=Audience.INITIATIVES,
            phase=Phase.FOUND,
        ),
        "owners": ArticleFactory(
            network=world.other_network,
            title="Konzeptvergabe vorbereiten",
            audience=Audience.OWNERS,
            phase=Phase.STEP_4,
        ),
        "both": ArticleFactory(
            network=world.other_network,
            title="Gemeinsam an einen Tisch",
            audience=Audience.BOTH,
        ),
        "draft": ArticleFactory(
            network=world.network, title="Entwurf über Leerstand", is_published=False
        ),
        "future": ArticleFactory(
            network=world.other_network,
            title="Demnächst: Mietverträge",
            published_at=timezone.now() + datetime.timedelta(days=3),
        ),
    }
    articles["search"].topics.set([finance])
    articles["found"].topics.set([finance, law])
    articles["owners"].topics.set([law])
    return articles


PUBLIC_TITLES = {
    "Ein Haus finden",
    "Eine Genossenschaft gründen",
    "Konzeptvergabe vorbereiten",
    "Gemeinsam an einen Tisch",
}


def _titles(response) -> set[str]:
    return {article.title for article in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", PUBLIC_TITLES),
        ("audience=initiatives", {"Ein Haus finden", "Eine Genossenschaft gründen",
                                  "Gemeinsam an einen Tisch"}),
        ("audience=owners", {"Konzeptvergabe vorbereiten", "Gemeinsam an einen Tisch"}),
        ("phase=found", {"Eine Genossenschaft gründen"}),
        ("phase=step_4", {"Konzeptvergabe vorbereiten"}),
        ("topic=finanzierung", {"Ein Haus finden", "Eine Genossenschaft gründen"}),
        ("topic=rechtsform&audience=owners", {"Konzeptvergabe vorbereiten"}),
        ("network=starke-orte", {"Konzeptvergabe vorbereiten", "Gemeinsam an einen Tisch"}),
        ("network=immovielien&phase=search", {"Ein Haus finden"}),
    ],
)  # fmt: skip
def test_list_filters_combine(client, catalogue, query, expected):
    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert _titles(response) == expected


@pytest.mark.parametrize(
    "query", ["audience=nobody", "phase=%00", "topic=gibt-es-nicht", "network=x" * 300, "page=abc"]
)
def test_list_with_unknown_filter_values_shows_the_error_and_never_fails(client, catalogue, query):
    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200


def test_list_with_an_unknown_topic_tells_next_to_the_field(client, catalogue):
    html = _html(client.get(f"{LIST_URL}?topic=gibt-es-nicht"))

    assert 'id="id_topic_error"' in html
    assert 'class="error-summary"' in html


# fmt: off
LIST_VISIBLE = [
    # role                own network's draft   other network's future article
    ("anonymous",         False,                False),
    ("outsider",          False,                False),
    ("member",            False,                False),
    ("editor",            False,                False),
    ("coordinator",       True,                 False),
    ("other_coordinator", False,                True),
    ("admin",             True,                 True),
]
# fmt: on


def test_list_table_covers_every_role():
    assert [row[0] for row in LIST_VISIBLE] == ROLES


@pytest.mark.parametrize(("role", "draft", "future"), LIST_VISIBLE)
def test_list_shows_unpublished_articles_only_to_their_editors(
    client, world, catalogue, role, draft, future
):
    response = _client_for(client, world, role).get(LIST_URL)

    titles = _titles(response)
    assert PUBLIC_TITLES <= titles
    assert ("Entwurf über Leerstand" in titles) is draft
    assert ("Demnächst: Mietverträge" in titles) is future
    if draft:
        assert "nicht veröffentlicht" in _html(response)


def test_list_is_paginated_keeping_the_filters(client, world):
    for n in range(25):
        ArticleFactory(network=world.network, title=f"Artikel {n:02d}", phase=Phase.BUILD)

    first = client.get(f"{LIST_URL}?phase=build")
    second = client.get(f"{LIST_URL}?phase=build&page=2")

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert 'href="?phase=build&amp;page=2"' in _html(first)
    assert "25 Artikel gefunden" in _html(first)


def test_list_query_count_does_not_grow_with_the_articles(
    client, world, django_assert_max_num_queries
):
    organisation = OrganisationFactory()
    topics = [TopicFactory() for _ in range(3)]
    for n in range(20):
        article = ArticleFactory(
            network=world.network if n % 2 else world.other_network,
            author_organisation=organisation,
        )
        article.topics.set(topics)
    client.force_login(world.coordinator)

    # session, user, networks to write in, count, page, topics, filter choices (2)
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL)

    assert len(response.context["page"].object_list) == 20


def test_list_answers_htmx_with_the_results_only(client, catalogue):
    response = client.get(f"{LIST_URL}?phase=found", headers={"HX-Request": "true"})

    html = _html(response)
    assert "Eine Genossenschaft gründen" in html
    assert "<h1>" not in html
    assert "<form" not in html


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_key_points_body_facts_and_related_items(client, world):
    topic = TopicFactory(name="Erbbaurecht", slug="erbbaurecht")
    author = OrganisationFactory(name="Stiftung trias", slug="trias")
    other = ArticleFactory(network=world.network, title="Was ist ein Erbbauzins?")
    hidden = ArticleFactory(network=world.network, title="Noch geheim", is_published=False)
    tool = ToolFactory(toolbox__network=world.network, title="Wohnprojekt starten")
    hidden_tool = ToolFactory(
        toolbox=tool.toolbox, prefix=tool.prefix, title="Unfertige Idee", is_published=False
    )
    article = ArticleFactory(
        network=world.network,
        title="Erbbaurecht für Gruppen",
        key_point_1="Das Grundstück bleibt bei der Kommune.",
        key_point_2="Die Gruppe zahlt einen Erbbauzins.",
        key_point_3="Der Vertrag läuft oft 99 Jahre.",
        body="## Worum es geht\n\nEin *Erbbaurecht* trennt Boden und Gebäude.",
        audience=Audience.BOTH,
        phase=Phase.STEP_5,
        author_organisation=author,
    )
    article.topics.set([topic])
    article.related_articles.set([other, hidden])
    article.related_tools.set([tool, hidden_tool])

    response = client.get(f"/wissen/artikel/{article.slug}/")

    html = _html(response)
    assert response.status_code == 200
    assert "<h1>Erbbaurecht für Gruppen</h1>" in html
    assert "Kurz gesagt" in html
    for point in article.key_points:
        assert f"<li>{point}</li>" in html
    assert "<h3>Worum es geht</h3>" in html
    assert "<em>Erbbaurecht</em> trennt Boden und Gebäude." in html
    assert "Initiativen, Kommunen und Eigentümer" in html
    assert "Schritt 5" in html
    assert 'href="/wissen/artikel/?topic=erbbaurecht"' in html
    assert "Netzwerk Immovielien" in html
    assert "Stiftung trias" in html
    assert "Veröffentlicht" in html
    assert "Aktualisiert" in html
    assert f'href="{other.get_absolute_url()}"' in html
    assert "Noch geheim" not in html
    assert "Wohnprojekt starten" in html
    assert "Unfertige Idee" not in html
    assert "Artikel bearbeiten" not in html


def test_detail_of_an_unknown_article_is_not_found(client, db):
    assert client.get("/wissen/artikel/gibt-es-nicht/").status_code == 404


# fmt: off
DETAIL_VISIBLE = [
    # role                draft or future article of world.network visible
    ("anonymous",         False),
    ("outsider",          False),
    ("member",            False),
    ("editor",            False),
    ("coordinator",       True),
    ("other_coordinator", False),
    ("admin",             True),
]
# fmt: on


def test_detail_table_covers_every_role():
    assert [row[0] for row in DETAIL_VISIBLE] == ROLES


@pytest.mark.parametrize("state", ["draft", "future"])
@pytest.mark.parametrize(("role", "visible"), DETAIL_VISIBLE)
def test_unpublished_articles_are_not_found_except_for_their_editors(
    client, world, role, visible, state
):
    article = ArticleFactory(
        network=world.network,
        is_published=state == "future",
        published_at=timezone.now() + datetime.timedelta(days=2 if state == "future" else -2),
    )

    response = _client_for(client, world, role).get(article.get_absolute_url())

    assert response.status_code == (200 if visible else 404)
    if visible:
        html = _html(response)
        assert "Artikel bearbeiten" in html
        assert ("Entwurf" in html) is (state == "draft")
        assert ("wird am" in html) is (state == "future")


class _Elements(HTMLParser):
    """Every element of a piece of HTML as (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def dangerous_markup(html: str) -> list[str]:
    """Script elements, event handler attributes and javascript: links in ``html``."""
    parser = _Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.elements:
        if tag in ("script", "img", "iframe", "style"):
            found.append(tag)
        found += [name for name in attrs if name.startswith("on")]
        found += [
            f"{name}={value}"
            for name, value in attrs.items()
            if value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
        ]
    return found


SANITISING_CASES = [
    "<script>alert('x')</script>",
    '<a href="#" onclick="steal()">klick</a>',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    '<img src="x" onerror="steal()">',
    "![bild](javascript:alert(1))",
    '<https://example.org/" onmouseover="x>',
]


@pytest.mark.parametrize("markdown", SANITISING_CASES)
def test_detail_body_is_sanitised(client, world, markdown):
    article = ArticleFactory(network=world.network, body=f"Vorher\n\n{markdown}\n\nNachher")

    html = _html(client.get(article.get_absolute_url()))
    body = html.split('class="article-body">', 1)[1].split("</div>", 1)[0]

    assert "Vorher" in body
    assert "Nachher" in body
    assert dangerous_markup(body) == []
