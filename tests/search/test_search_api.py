"""GET /api/v1/search: hits with snippets, totals and facet counts; documented errors."""

import pytest

from allmende.api import api
from allmende.knowledge.models import Facet, Phase
from allmende.search.api import FACET_PARAMETERS
from allmende.search.registry import facet_kinds
from allmende.search.services import search_index
from tests.factories import NetworkFactory
from tests.knowledge.factories import ArticleFactory, FacetTermFactory, ToolboxFactory, ToolFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


@pytest.fixture
def content():
    network = NetworkFactory(name="Netzwerk Nord", slug="nord")
    ArticleFactory(
        title="Genossenschaft gründen",
        body="Eine Genossenschaft kauft.",
        network=network,
        phase=Phase.FOUND,
    )
    ArticleFactory(title="Genossenschaften vor Ort", phase=Phase.SEARCH)
    toolbox = ToolboxFactory(network=network)
    term = FacetTermFactory(toolbox=toolbox, facet=Facet.FIELD, slug="wohnen", name="Wohnen")
    tool = ToolFactory(toolbox=toolbox, title="Genossenschaftsfonds")
    tool.terms.add(term)
    search_index(tool)


def test_hits_snippets_counts_and_facets(client, content):
    response = client.get(URL, {"q": "Genossenschaft"})

    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 3
    assert data["counts"] == {"article": 2, "tool": 1}
    first = data["hits"][0]
    assert set(first) == {"title", "url", "type", "type_label", "snippet", "score", "compound_only"}
    assert first["url"].startswith("http://testserver/")
    assert any("<mark>Genossenschaft</mark>" in hit["snippet"] for hit in data["hits"])
    assert {v["value"]: v["count"] for v in data["facets"]["phase"]} == {"found": 1, "search": 1}
    assert data["facets"]["field"] == [
        {"value": "wohnen", "label": "Wohnen", "count": 1, "selected": False}
    ]
    assert data["suggestion"] is None
    assert data["message"] is None


def test_facet_filters_and_type_filter(client, content):
    data = client.get(URL, {"q": "Genossenschaft", "phase": ["found", "search"]}).json()
    assert data["total"] == 2

    data = client.get(URL, {"q": "Genossenschaft", "network": "nord", "type": "tool"}).json()
    assert data["total"] == 1
    assert data["hits"][0]["type"] == "tool"
    assert data["counts"] == {"article": 1, "tool": 1}
    assert data["facets"]["network"][0]["selected"] is True


def test_date_order_and_pages(client):
    for i in range(5):
        ArticleFactory(title=f"Kino {i}")

    first = client.get(URL, {"q": "Kino", "order": "date", "page_size": 2}).json()
    third = client.get(URL, {"q": "Kino", "order": "date", "page_size": 2, "page": 3}).json()

    assert first["total"] == third["total"] == 5
    assert len(first["hits"]) == 2
    assert len(third["hits"]) == 1


def test_nothing_found_gives_a_suggestion(client, content):
    data = client.get(URL, {"q": "Genosenschaft"}).json()

    assert data["total"] == 0
    assert data["suggestion"] == "Genossenschaft"


@pytest.mark.parametrize(
    "query", ['"Genossenschaft', "Genossenschaft*", "NEAR(Genossenschaft x)", "Genossenschaft OR"]
)
def test_operators_and_quotes_still_find_the_words(client, content, query):
    response = client.get(URL, {"q": query})

    assert response.status_code == 200
    assert response.json()["total"] >= 1


def test_a_query_without_words_gets_a_message(client, content):
    data = client.get(URL, {"q": "🏠 ?!"}).json()

    assert data["total"] == 0
    assert (
        data["message"] == "Die Suchanfrage enthält keine Wörter, nach denen gesucht werden kann."
    )


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "Haus\x00"},
        {"network": "\x00"},
        {"order": "zufall"},
        {"page": "0"},
        {"page_size": "1000"},
    ],
)
def test_bad_input_is_a_json_error(client, params):
    response = client.get(URL, params)

    assert response.status_code == 422
    assert response.json()["detail"] == "The request is not valid."


def test_every_registered_facet_is_a_parameter_and_documented():
    assert {kind.key for kind in facet_kinds()} <= set(FACET_PARAMETERS)
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "type", "order", "page", *FACET_PARAMETERS} <= names
    assert 422 in operation["responses"]
