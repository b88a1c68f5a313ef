"""/api/v1/tools: facet filters with AND/OR semantics, counts, pagination, detail, errors."""

import pytest

from allmende.knowledge.models import Facet, LinkKind, StepPhase, ToolLink
from tests.knowledge.factories import (
    CodePrefixFactory,
    FacetTermFactory,
    ToolboxFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def box():
    toolbox = ToolboxFactory(slug="kasten")
    w = CodePrefixFactory(toolbox=toolbox, prefix="W")
    be = CodePrefixFactory(toolbox=toolbox, prefix="BE")
    a = FacetTermFactory(toolbox=toolbox, facet=Facet.STRATEGY, slug="a", name="Aktivieren")
    b = FacetTermFactory(toolbox=toolbox, facet=Facet.STRATEGY, slug="b", name="Bauen")
    wohnen = FacetTermFactory(toolbox=toolbox, facet=Facet.FIELD, slug="wohnen", name="Wohnen")
    kultur = FacetTermFactory(toolbox=toolbox, facet=Facet.FIELD, slug="kultur", name="Kultur")
    tools = {}
    for prefix, number, terms in [
        (w, 1, [a, wohnen]),
        (w, 2, [b, wohnen]),
        (w, 3, [a, kultur]),
        (be, 1, [b, kultur]),
        (be, 2, []),
    ]:
        tool = ToolFactory(toolbox=toolbox, prefix=prefix, number=number)
        tool.terms.set(terms)
        tools[tool.code] = tool
    ToolFactory(toolbox=toolbox, prefix=w, number=9, is_published=False).terms.set([a, wohnen])
    other = ToolboxFactory(slug="anderer")
    ToolFactory(toolbox=other, prefix=CodePrefixFactory(toolbox=other, prefix="W"), number=1)
    return tools


def get(client, query=""):
    return client.get("/api/v1/tools" + query)


def codes(response):
    return [tool["code"] for tool in response.json()["results"]]


def counts(response):
    return {
        (facet["facet"], term["slug"]): term["count"]
        for facet in response.json()["facets"]
        for term in facet["terms"]
    }


def test_terms_of_one_facet_are_or_and_facets_are_and(client, box):
    assert codes(get(client, "?toolbox=kasten&strategy=a&strategy=b")) == [
        "BE 001",
        "W 001",
        "W 002",
        "W 003",
    ]
    response = get(client, "?toolbox=kasten&strategy=a&strategy=b&field=wohnen")
    assert codes(response) == ["W 001", "W 002"]
    assert response.json()["count"] == 2


def test_facet_counts_follow_the_other_facets(client, box):
    response = get(client, "?toolbox=kasten&strategy=a&field=kultur")
    assert codes(response) == ["W 003"]
    assert counts(response) == {
        ("strategy", "a"): 1,
        ("strategy", "b"): 1,
        ("field", "wohnen"): 1,
        ("field", "kultur"): 1,
    }
    selected = {
        term["slug"]
        for facet in response.json()["facets"]
        for term in facet["terms"]
        if term["selected"]
    }
    assert selected == {"a", "kultur"}
    assert len(response.json()["facets"]) == 7


def test_prefix_and_text_filter(client, box):
    assert codes(get(client, "?toolbox=kasten&prefix=BE")) == ["BE 001", "BE 002"]
    assert codes(get(client, "?toolbox=kasten&q=W%20003")) == ["W 003"]


def test_pagination(client, box):
    response = get(client, "?toolbox=kasten&page_size=2&page=2")
    assert response.json()["count"] == 5
    assert codes(response) == ["W 001", "W 002"]
    assert codes(get(client, "?toolbox=kasten&page_size=2&page=9")) == []


def test_all_toolboxes_without_facets(client, box):
    response = get(client)
    assert response.status_code == 200
    assert response.json()["count"] == 6
    assert response.json()["facets"] == []
    first = response.json()["results"][0]
    assert first["toolbox"] == "anderer"
    assert first["url"] == "/wissen/werkzeugkasten/anderer/W001/"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?toolbox=kasten&strategy=gibt-es-nicht", 422),
        ("?toolbox=kasten&prefix=Q", 422),
        ("?strategy=a", 422),
        ("?prefix=W", 422),
        ("?toolbox=gibt-es-nicht", 404),
        ("?toolbox=kasten&page=0", 422),
        ("?toolbox=kasten&page_size=1000", 422),
        ("?toolbox=kasten&q=" + "x" * 300, 422),
    ],
)
def test_bad_filters_are_json_errors(client, box, query, status):
    response = get(client, query)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_list_needs_a_bounded_number_of_queries(client, box, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = get(client, "?toolbox=kasten&strategy=a&field=wohnen&field=kultur")
    assert response.json()["results"][0]["terms"] == {"strategy": ["a"], "field": ["wohnen"]}


def test_detail_has_steps_examples_and_links(client, box):
    tool = box["W 001"]
    tool.effects = "Mehr **Leben**"
    tool.save()
    tool.steps.create(phase=StepPhase.AFTER, text="Auswerten")
    tool.steps.create(phase=StepPhase.BEFORE, text="Planen")
    tool.examples.create(title="Haus", url="https://example.org")
    ToolLink.objects.create(source=tool, target=box["W 002"], kind=LinkKind.FOLLOW_UP)
    ToolLink.objects.create(source=box["BE 001"], target=tool)
    for code in ("W001", "W%20001"):
        response = client.get(f"/api/v1/tools/kasten/{code}")
        assert response.status_code == 200
        data = response.json()
        assert data["code"] == "W 001"
        assert data["effects"] == "Mehr **Leben**"
        assert data["steps"] == [
            {"phase": "before", "text": "Planen"},
            {"phase": "after", "text": "Auswerten"},
        ]
        assert data["examples"] == [
            {"title": "Haus", "url": "https://example.org", "description": ""}
        ]
        assert [(link["kind"], link["code"]) for link in data["links"]] == [("follow_up", "W 002")]
        assert [(link["kind"], link["code"]) for link in data["backlinks"]] == [
            ("related", "BE 001")
        ]


@pytest.mark.parametrize("path", ["kasten/W009", "kasten/W099", "anderer/W002", "kasten/quatsch"])
def test_unknown_or_unpublished_tools_are_json_404(client, box, path):
    response = client.get(f"/api/v1/tools/{path}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}
