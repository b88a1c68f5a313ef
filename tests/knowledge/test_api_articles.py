"""The article endpoints of the JSON API: list with filters and pagination, one article with
its rendered body, drafts only for their editors, errors as JSON."""

import datetime

import pytest
from django.utils import timezone

from allmende.accounts.services import api_token_create
from allmende.knowledge.models import Audience, Phase
from tests.conftest import ROLES, user_for
from tests.knowledge.factories import ArticleFactory, ToolFactory, TopicFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _headers(world, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    raw = api_token_create(user=user_for(world, role), name="test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def articles(world):
    finance = TopicFactory(name="Finanzierung", slug="finanzierung")
    found = ArticleFactory(
        network=world.network,
        title="Eine Genossenschaft gründen",
        audience=Audience.INITIATIVES,
        phase=Phase.FOUND,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    found.topics.set([finance])
    ArticleFactory(
        network=world.other_network,
        title="Konzeptvergabe vorbereiten",
        audience=Audience.OWNERS,
        phase=Phase.STEP_4,
        published_at=timezone.now() - datetime.timedelta(days=2),
    )
    ArticleFactory(
        network=world.other_network,
        title="Gemeinsam an einen Tisch",
        audience=Audience.BOTH,
        published_at=timezone.now() - datetime.timedelta(days=3),
    )
    ArticleFactory(network=world.network, title="Entwurf", slug="entwurf", is_published=False)
    return found


def _titles(response) -> list[str]:
    return [item["title"] for item in response.json()["items"]]


def test_list_returns_published_articles_newest_first(client, articles):
    response = client.get(f"{API}/articles")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3
    assert _titles(response) == [
        "Eine Genossenschaft gründen",
        "Konzeptvergabe vorbereiten",
        "Gemeinsam an einen Tisch",
    ]
    first = body["items"][0]
    assert first["slug"] == articles.slug
    assert first["key_points"] == articles.key_points
    assert first["audience"] == "initiatives"
    assert first["phase"] == "found"
    assert first["topics"] == [{"slug": "finanzierung", "name": "Finanzierung"}]
    assert first["network"] == "immovielien"
    assert first["url"] == articles.get_absolute_url()
    assert body["items"][2]["phase"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("audience=initiatives", {"Eine Genossenschaft gründen", "Gemeinsam an einen Tisch"}),
        ("audience=owners", {"Konzeptvergabe vorbereiten", "Gemeinsam an einen Tisch"}),
        ("phase=step_4", {"Konzeptvergabe vorbereiten"}),
        ("topic=finanzierung", {"Eine Genossenschaft gründen"}),
        ("network=starke-orte", {"Konzeptvergabe vorbereiten", "Gemeinsam an einen Tisch"}),
        ("network=starke-orte&audience=owners&phase=step_4", {"Konzeptvergabe vorbereiten"}),
        ("topic=gibt-es-nicht", set()),
    ],
)
def test_list_filters(client, articles, query, expected):
    response = client.get(f"{API}/articles?{query}")

    assert response.status_code == 200
    assert set(_titles(response)) == expected


@pytest.mark.parametrize("query", ["audience=everyone", "phase=x", "page=0", "page_size=500"])
def test_list_refuses_invalid_parameters_as_json(client, articles, query):
    response = client.get(f"{API}/articles?{query}")

    assert response.status_code == 422
    assert response.json()["detail"]
    assert response.json()["errors"]


def test_list_is_paginated(client, articles):
    response = client.get(f"{API}/articles?page_size=2&page=2")

    assert response.json()["count"] == 3
    assert _titles(response) == ["Gemeinsam an einen Tisch"]


def test_list_query_count_does_not_grow_with_the_articles(
    client, world, django_assert_max_num_queries
):
    topics = [TopicFactory() for _ in range(3)]
    for _ in range(30):
        ArticleFactory(network=world.network, author_organisation=world.organisation).topics.set(
            topics
        )

    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/articles")

    assert response.json()["count"] == 30


def test_detail_has_the_rendered_sanitised_body_and_related_items(client, world):
    tool = ToolFactory(toolbox__network=world.network, title="Leerstandslotsen", number=7)
    other = ArticleFactory(network=world.network, title="Verwandt")
    article = ArticleFactory(
        network=world.network,
        body="## Los geht's\n\n**Mut** <script>alert(1)</script> [x](javascript:alert(1))",
        author_organisation=world.organisation,
    )
    article.related_articles.set([other])
    article.related_tools.set([tool])

    response = client.get(f"{API}/articles/{article.slug}")

    body = response.json()
    assert response.status_code == 200
    assert body["body"] == article.body
    assert "<h3>Los geht's</h3>" in body["body_html"]
    assert "<strong>Mut</strong>" in body["body_html"]
    assert "<script>" not in body["body_html"]
    assert 'href="javascript:' not in body["body_html"]
    assert body["key_points"] == article.key_points
    assert body["author_organisation"] == "stadtluecken"
    assert body["related_articles"] == [{"title": "Verwandt", "url": other.get_absolute_url()}]
    assert body["related_tools"] == [
        {"title": "W 007 Leerstandslotsen", "url": tool.get_absolute_url()}
    ]


def test_detail_of_an_unknown_article_is_a_json_404(client, db):
    response = client.get(f"{API}/articles/gibt-es-nicht")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "errors": []}


# fmt: off
DRAFT_VISIBLE = {
    "anonymous": False,
    "outsider": False,
    "member": False,
    "editor": False,
    "coordinator": True,
    "other_coordinator": False,
    "admin": True,
}
# fmt: on


def test_draft_table_covers_every_role():
    assert list(DRAFT_VISIBLE) == ROLES


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_shown_only_to_their_editors(client, world, articles, role):
    headers = _headers(world, role)

    detail = client.get(f"{API}/articles/entwurf", **headers)
    listed = "Entwurf" in _titles(client.get(f"{API}/articles", **headers))

    assert detail.status_code == (200 if DRAFT_VISIBLE[role] else 404)
    assert listed is DRAFT_VISIBLE[role]
    if DRAFT_VISIBLE[role]:
        assert detail.json()["is_published"] is False


def test_a_wrong_token_reads_like_an_anonymous_visitor(client, articles):
    response = client.get(f"{API}/articles", HTTP_AUTHORIZATION="Bearer falsch")

    assert response.status_code == 200
    assert "Entwurf" not in _titles(response)


def test_articles_are_documented_in_openapi(client, db):
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    assert "/api/v1/articles" in paths
    assert "/api/v1/articles/{slug}" in paths
