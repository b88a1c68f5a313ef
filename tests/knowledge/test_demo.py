"""The knowledge demo content that ``loaddemo`` adds: W 007 as facts.json describes it, the
further tools, articles, example places, publication, position and news; idempotent and
searchable."""

import io
import re

import pypdf
import pytest
from django.core.management import call_command

from allmende.knowledge import demo
from allmende.knowledge.models import (
    Article,
    Audience,
    CodePrefix,
    ExamplePlace,
    FacetTerm,
    ImpactCriterion,
    News,
    Position,
    PositionSignature,
    Publication,
    StepPhase,
    Tool,
    ToolExample,
    ToolLink,
    ToolStep,
    Topic,
)
from allmende.networks.demo import demo_load, load_facts
from allmende.networks.models import Membership
from allmende.search.models import SearchEntry
from allmende.search.selectors import search

FACTS = load_facts()
W007 = FACTS["toolbox_entry_example"]


@pytest.fixture
def demo_loaded(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load()
    return demo.demo_knowledge_load()


def _w007() -> Tool:
    return Tool.objects.get(toolbox__slug=demo.TOOLBOX_SLUG, code=W007["code"])


def _counts() -> dict[str, int]:
    models = [Article, Tool, ToolStep, ToolLink, ToolExample, FacetTerm, CodePrefix, Topic,
              ImpactCriterion, ExamplePlace, Publication, Position, PositionSignature, News,
              SearchEntry]  # fmt: skip
    counts = {model.__name__: model.objects.count() for model in models}
    counts["article topics"] = Article.topics.through.objects.count()
    counts["tool terms"] = Tool.terms.through.objects.count()
    counts["place criteria"] = ExamplePlace.impact_criteria.through.objects.count()
    return counts


def test_w007_has_title_and_every_facet_term_of_facts_json(demo_loaded):
    tool = _w007()

    assert tool.title == W007["title"]
    assert tool.is_public
    for facet_name, names in W007["facets"].items():
        facet = demo.FACET_NAMES[facet_name]
        assert set(tool.terms.filter(facet=facet).values_list("name", flat=True)) == set(names)


def test_w007_steps_are_grouped_into_preparation_and_implementation(demo_loaded):
    tool = _w007()

    before = list(tool.steps.filter(phase=StepPhase.BEFORE).values_list("text", flat=True))
    during = list(tool.steps.filter(phase=StepPhase.DURING).values_list("text", flat=True))

    assert len(before) == len(W007["implementation"]["Vorlauf"])
    assert len(during) == len(W007["implementation"]["Umsetzung"])
    assert "W 002" in before[0]
    assert not tool.steps.filter(phase=StepPhase.AFTER).exists()


def test_w007_links_to_w002_which_exists_in_the_same_toolbox(demo_loaded):
    tool = _w007()

    targets = [link.target for link in tool.links.select_related("target")]

    assert [t.code for t in targets] == W007["related"]
    assert targets[0].toolbox == tool.toolbox
    assert targets[0].is_public


def test_every_code_mentioned_in_a_tool_text_is_a_tool_of_the_toolbox(demo_loaded):
    codes = set(Tool.objects.filter(toolbox__slug=demo.TOOLBOX_SLUG).values_list("code", flat=True))
    mentioned = set()
    for tool in Tool.objects.filter(toolbox__slug=demo.TOOLBOX_SLUG).prefetch_related("steps"):
        texts = [tool.summary, tool.effects, *(step.text for step in tool.steps.all())]
        mentioned |= {m for text in texts for m in re.findall(r"vgl\. ([A-Z]+ \d{3})", text)}

    assert "W 007" in mentioned
    assert mentioned <= codes


def test_toolbox_has_the_code_prefixes_and_a_larger_vocabulary_than_w007(demo_loaded):
    tool = _w007()
    prefixes = dict(tool.toolbox.prefixes.values_list("prefix", "label"))

    assert prefixes == W007["code_prefixes"]
    assert tool.toolbox.tools.count() == len(demo.FURTHER_TOOLS) + 1 >= 7
    for facet_name, names in W007["facets"].items():
        vocabulary = tool.toolbox.terms.filter(facet=demo.FACET_NAMES[facet_name])
        assert vocabulary.count() > len(names)


def test_loading_twice_changes_no_counts(demo_loaded):
    first = _counts()

    demo.demo_knowledge_load()

    assert _counts() == first


def test_every_demo_article_has_three_key_points_and_a_markdown_body(demo_loaded):
    articles = list(Article.objects.filter(slug__in=[a.slug for a in demo.ARTICLES]))

    assert len(articles) == len(demo.ARTICLES) >= 6
    for article in articles:
        assert all(point.strip() for point in article.key_points)
        assert len(set(article.key_points)) == 3
        assert "## " in article.body
        assert article.topics.exists()
        assert article.is_public


def test_articles_cover_both_audiences_and_several_phases(demo_loaded):
    articles = Article.objects.filter(slug__in=[a.slug for a in demo.ARTICLES])

    audiences = set(articles.values_list("audience", flat=True))
    assert {Audience.INITIATIVES, Audience.OWNERS} <= audiences
    assert len(set(articles.values_list("phase", flat=True))) >= 5
    assert len(set(articles.values_list("network", flat=True))) >= 2


def test_example_places_lie_on_real_towns_of_facts_json(demo_loaded):
    towns = {p["name"]: p for p in FACTS["places"]}
    places = ExamplePlace.objects.all()

    assert places.count() >= 4
    for place in places:
        town = towns[place.city]
        assert (place.lat, place.lon, place.state) == (town["lat"], town["lon"], town["state"])
        assert place.impact_criteria.exists()
        assert place.carrier


def test_publication_is_a_real_pdf_of_the_stored_size(demo_loaded):
    publication = Publication.objects.get()

    with publication.file.open("rb") as handle:
        content = handle.read()

    assert content.startswith(b"%PDF-")
    assert publication.file_size == len(content)
    pdf = pypdf.PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Schritt 4" in text


def test_position_is_signed_by_an_active_member_organisation(demo_loaded):
    position = Position.objects.get()
    signature = position.signatures.select_related("organisation").get()

    assert Membership.objects.filter(
        network=position.network, organisation=signature.organisation, status="active"
    ).exists()
    assert signature.confirmed_by is not None


def test_three_news_items_are_published(demo_loaded):
    assert News.objects.published().count() == 3


@pytest.mark.parametrize(
    ("query", "expected_title"),
    [
        ("Bündnis", W007["title"]),
        ("Erbbaurecht", "Erbbaurecht verständlich: Boden behalten, Nutzung ermöglichen"),
        ("Leerstandskataster", "X 001 Leerstandskataster: wissen, was leer steht"),
        ("Kulturbahnhof", "Kulturbahnhof Herzberg"),
    ],
)
def test_demo_content_is_found_by_the_search(demo_loaded, query, expected_title):
    titles = [hit.title for hit in search(query, limit=50).hits]

    assert any(expected_title in title for title in titles)


def test_search_index_holds_every_kind_of_demo_content(demo_loaded):
    types = set(SearchEntry.objects.values_list("type", flat=True))

    assert {"article", "tool", "place", "publication", "position", "news"} <= types


def test_loaddemo_prints_the_knowledge_counts(db, settings, tmp_path, capsys, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.delenv("ALLMENDE_FACTS", raising=False)

    call_command("loaddemo")

    out = capsys.readouterr().out
    assert f"{len(demo.ARTICLES)} articles, {len(demo.FURTHER_TOOLS) + 1} tools" in out
    assert Tool.objects.filter(code="W 007").exists()
