"""Cross-references between tools: "vgl. W 002" becomes a link to W 002 of the same toolbox."""

import datetime

import pytest
from django.utils import timezone

from allmende.core.markdown import render_markdown
from allmende.knowledge.crossref import ToolLinker, find_codes, tool_linker
from allmende.knowledge.templatetags.knowledge_tools import tool_links, tool_markdown
from tests.knowledge.factories import CodePrefixFactory, ToolboxFactory, ToolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def toolbox():
    return ToolboxFactory(slug="kasten")


@pytest.fixture
def w002(toolbox):
    return ToolFactory(toolbox=toolbox, number=2, title="Gemeinschaftsgarten")


def test_find_codes_normalises_spellings():
    text = "vgl. W 002, siehe W002 und BE 012; nicht W 12, nicht XW002x, nicht W 0021."
    assert find_codes(text) == {"W 002", "BE 012"}


@pytest.mark.parametrize("text", ["vgl. W 002", "siehe W 002", "W 002", "W002"])
def test_mentions_of_an_existing_tool_become_links(toolbox, w002, text):
    linker = tool_linker(toolbox=toolbox, texts=[text])
    html = linker.link_text(f"Dazu passt {text}.")
    assert '<a href="/wissen/werkzeugkasten/kasten/W002/" title="W 002 Gemeinschaftsgarten">' in (
        html
    )
    assert html.endswith("</a>.")


def test_unknown_codes_stay_text(toolbox, w002):
    text = "vgl. W 003 und X 002"
    linker = tool_linker(toolbox=toolbox, texts=[text])
    assert linker.link_text(text) == text


def test_codes_of_another_toolbox_are_not_linked(toolbox, w002):
    other = ToolboxFactory()
    ToolFactory(toolbox=other, prefix=CodePrefixFactory(toolbox=other, prefix="W"), number=9)
    text = "siehe W 009"
    linker = tool_linker(toolbox=toolbox, texts=[text])
    assert linker.link_text(text) == text
    assert "<a" in tool_linker(toolbox=other, texts=[text]).link_text(text)


@pytest.mark.parametrize(
    "state",
    [
        {"is_published": False},
        {"published_at": timezone.now() + datetime.timedelta(days=3)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_tools_are_not_linked(toolbox, state):
    ToolFactory(toolbox=toolbox, number=4, **state)
    text = "vgl. W 004"
    assert tool_linker(toolbox=toolbox, texts=[text]).link_text(text) == text


def test_plain_text_is_escaped_before_linking(toolbox, w002):
    text = '<script>alert("x")</script> W 002 & mehr'
    html = tool_links(text, tool_linker(toolbox=toolbox, texts=[text]))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp; mehr" in html
    assert "W002/" in html


def test_markdown_links_codes_but_not_inside_links_or_code(toolbox, w002):
    text = "Siehe W 002 und [W 002 hier](https://example.org) sowie `W 002`.\n\n    W 002"
    linker = tool_linker(toolbox=toolbox, texts=[text])
    html = render_markdown(text, postprocess=linker.link_html)
    assert html.count('href="/wissen/werkzeugkasten/kasten/W002/"') == 1
    assert '<a href="https://example.org" rel="noopener noreferrer">W 002 hier</a>' in html
    assert "<code>W 002</code>" in html
    assert tool_markdown(text, linker) == html


def test_titles_of_linked_tools_are_escaped(toolbox):
    ToolFactory(toolbox=toolbox, number=5, title='Haus "für" <alle>')
    html = tool_linker(toolbox=toolbox, texts=["W 005"]).link_text("W 005")
    assert 'title="W 005 Haus &quot;für&quot; &lt;alle&gt;"' in html


def test_one_query_for_all_texts_and_none_without_codes(toolbox, w002, django_assert_num_queries):
    ToolFactory(toolbox=toolbox, number=3)
    with django_assert_num_queries(1):
        linker = tool_linker(toolbox=toolbox, texts=["W 002", "vgl. W 003", "W 004"])
    assert set(linker.targets) == {"W 002", "W 003"}
    with django_assert_num_queries(0):
        assert tool_linker(toolbox=toolbox, texts=["kein Verweis"]).targets == {}


def test_empty_linker_leaves_html_unchanged():
    assert ToolLinker().link_html("<p>W 002</p>") == "<p>W 002</p>"
    assert tool_links(None, None) == ""
