"""RSS and Atom feeds of articles, news and tools: well-formed XML, newest first, only what is
published, links to the pages and a bounded number of queries."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.knowledge.factories import ArticleFactory, NewsFactory, ToolFactory, TopicFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _rss(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own feed
    assert channel is not None
    return channel


def _atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own feed


def _rss_titles(channel) -> list[str]:
    return [item.findtext("title") for item in channel.findall("item")]


def _atom_titles(feed) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


@pytest.fixture
def content(world):
    ArticleFactory(network=world.network, title="Älterer Artikel", published_at=_days_ago(5))
    newest = ArticleFactory(
        network=world.network,
        title="Neuester Artikel",
        published_at=_days_ago(1),
        key_point_1="Früh anfangen & dranbleiben.",
        body="Ein <script>alert(1)</script> Text mit **Nachdruck**.",
        author_organisation=world.organisation,
    )
    newest.topics.set([TopicFactory(name="Finanzierung")])
    ArticleFactory(network=world.network, title="Artikelentwurf", is_published=False)
    ArticleFactory(
        network=world.network,
        title="Artikel von morgen",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    NewsFactory(network=world.network, title="Neues Mitglied", published_at=_days_ago(2))
    NewsFactory(network=world.network, title="Geheime Neuigkeit", is_published=False)
    tool = ToolFactory(toolbox__network=world.network, title="Leerstandslotsen", number=7)
    ToolFactory(
        toolbox=tool.toolbox, prefix=tool.prefix, title="Werkzeugentwurf", is_published=False
    )
    return {"newest": newest, "tool": tool}


def test_article_rss_lists_published_articles_newest_first(client, content):
    channel = _rss(client, "/wissen/feeds/artikel.rss")

    assert channel.findtext("title") == "Praxiswissen: neue Artikel"
    assert channel.findtext("link") == "http://testserver/wissen/artikel/"
    assert _rss_titles(channel) == ["Neuester Artikel", "Älterer Artikel"]
    item = channel.find("item")
    assert item.findtext("link") == f"http://testserver{content['newest'].get_absolute_url()}"
    assert item.findtext("category") == "Finanzierung"
    assert item.findtext("pubDate")
    description = item.findtext("description")
    assert "Kurz gesagt" in description
    assert "<li>Früh anfangen &amp; dranbleiben.</li>" in description
    assert "<strong>Nachdruck</strong>" in description
    assert "<script>" not in description


def test_article_atom_lists_published_articles_with_author(client, content):
    feed = _atom(client, "/wissen/feeds/artikel.atom")

    assert _atom_titles(feed) == ["Neuester Artikel", "Älterer Artikel"]
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Stadtlücken Stuttgart"
    assert entry.findtext(f"{ATOM}published")
    assert entry.findtext(f"{ATOM}updated")


def test_news_feeds_list_published_news_only(client, content):
    channel = _rss(client, "/wissen/feeds/neuigkeiten.rss")
    feed = _atom(client, "/wissen/feeds/neuigkeiten.atom")

    assert _rss_titles(channel) == ["Neues Mitglied"]
    assert _atom_titles(feed) == ["Neues Mitglied"]
    assert channel.findtext("link") == "http://testserver/wissen/aktuelles/"
    assert "/wissen/aktuelles/" in channel.find("item").findtext("link")


def test_tool_feeds_list_published_tools_with_their_code(client, content):
    channel = _rss(client, "/wissen/feeds/werkzeuge.rss")
    feed = _atom(client, "/wissen/feeds/werkzeuge.atom")

    assert _rss_titles(channel) == ["W 007 Leerstandslotsen"]
    assert _atom_titles(feed) == ["W 007 Leerstandslotsen"]
    link = channel.find("item").findtext("link")
    assert link == f"http://testserver{content['tool'].get_absolute_url()}"


def test_empty_feeds_are_still_valid(client, db):
    for name in ("artikel", "neuigkeiten", "werkzeuge"):
        assert _rss_titles(_rss(client, f"/wissen/feeds/{name}.rss")) == []
        assert _atom_titles(_atom(client, f"/wissen/feeds/{name}.atom")) == []


@pytest.mark.parametrize(
    "url",
    [
        "/wissen/feeds/artikel.rss",
        "/wissen/feeds/neuigkeiten.rss",
        "/wissen/feeds/werkzeuge.atom",
    ],
)
def test_feed_query_count_does_not_grow_with_the_items(
    client, world, django_assert_max_num_queries, url
):
    topic = TopicFactory()
    for _ in range(10):
        ArticleFactory(network=world.network).topics.set([topic])
        NewsFactory(network=world.network)
    tool = ToolFactory(toolbox__network=world.network)
    for _ in range(10):
        ToolFactory(toolbox=tool.toolbox, prefix=tool.prefix)

    with django_assert_max_num_queries(3):
        client.get(url)


def test_list_and_overview_announce_the_article_feeds(client, db):
    for url in ("/wissen/", "/wissen/artikel/"):
        html = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in html
        assert 'href="/wissen/feeds/artikel.rss"' in html
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert 'href="/wissen/feeds/artikel.atom"' in html
