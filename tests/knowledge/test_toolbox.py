"""The toolbox pages: faceted filter (counts, AND/OR), tool page, query bounds."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from allmende.knowledge.models import Facet, LinkKind, StepPhase, Tool, ToolExample, ToolLink
from allmende.knowledge.selectors_toolbox import ToolFilters, parse_code, tool_search
from tests.knowledge.factories import (
    ArticleFactory,
    CodePrefixFactory,
    FacetTermFactory,
    ToolboxFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db


class Box:
    """A toolbox with terms in three facets and tools classified by them."""

    def __init__(self):
        self.toolbox = ToolboxFactory(slug="kasten", name="Werkzeugkasten Leerstand")
        self.w = CodePrefixFactory(toolbox=self.toolbox, prefix="W", label="Wohnen")
        self.be = CodePrefixFactory(toolbox=self.toolbox, prefix="BE", label="Engagement")
        t = self.terms = {}
        for facet, slugs in {
            Facet.STRATEGY: ["aktivieren", "umnutzen", "vernetzen"],
            Facet.FIELD: ["wohnen", "kultur"],
            Facet.SPATIAL_LEVEL: ["quartier", "region"],
        }.items():
            for position, slug in enumerate(slugs):
                t[slug] = FacetTermFactory(
                    toolbox=self.toolbox,
                    facet=facet,
                    slug=slug,
                    name=slug.capitalize(),
                    position=position,
                )
        layout = [
            ("W", 1, ["aktivieren", "wohnen", "quartier"], "Leerstand aktivieren"),
            ("W", 2, ["umnutzen", "wohnen"], "Ladenlokal umnutzen"),
            ("W", 3, ["aktivieren", "umnutzen", "kultur", "region"], "Kulturscheune"),
            ("BE", 1, ["vernetzen", "kultur", "quartier"], "Nachbarschaftsnetz"),
            ("BE", 2, ["aktivieren", "wohnen", "kultur", "quartier", "region"], "Dorfladen"),
            ("BE", 3, [], "Ohne Einordnung"),
        ]
        self.tools = {}
        for prefix, number, slugs, title in layout:
            tool = ToolFactory(
                toolbox=self.toolbox,
                prefix=self.w if prefix == "W" else self.be,
                number=number,
                title=title,
            )
            tool.terms.set([t[s] for s in slugs])
            self.tools[tool.code] = tool
        # Neither a draft nor a tool of another toolbox counts.
        draft = ToolFactory(toolbox=self.toolbox, prefix=self.w, number=9, is_published=False)
        draft.terms.set([t["aktivieren"], t["wohnen"]])
        other = ToolboxFactory()
        ToolFactory(toolbox=other, prefix=CodePrefixFactory(toolbox=other, prefix="W"), number=1)


@pytest.fixture
def box():
    return Box()


def orm_results(box, filters):
    tools = Tool.objects.published().filter(toolbox=box.toolbox)
    if filters.prefix:
        tools = tools.filter(prefix__prefix=filters.prefix)
    if filters.text:
        tools = tools.filter(title__icontains=filters.text)
    for facet, slugs in filters.terms.items():
        if slugs:
            tools = tools.filter(
                pk__in=Tool.objects.filter(terms__facet=facet, terms__slug__in=slugs).values("pk")
            )
    return tools


def orm_count(box, filters, term):
    """Plain ORM: tools matching the other facets' selections and carrying ``term``."""
    others = {f: s for f, s in filters.terms.items() if f != term.facet}
    rest = ToolFilters(text=filters.text, prefix=filters.prefix, terms=others)
    return orm_results(box, rest).filter(terms=term).distinct().count()


SELECTIONS = [
    {},
    {"strategy": {"aktivieren"}},
    {"strategy": {"aktivieren", "vernetzen"}},
    {"strategy": {"aktivieren"}, "field": {"kultur"}},
    {"strategy": {"umnutzen", "aktivieren"}, "field": {"wohnen"}, "spatial_level": {"quartier"}},
    {"field": {"wohnen", "kultur"}, "spatial_level": {"region"}},
    {"strategy": {"vernetzen"}, "field": {"wohnen"}},
]


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize(("text", "prefix"), [("", ""), ("", "W"), ("dorf", "")])
def test_facet_counts_equal_a_plain_orm_count(box, selection, text, prefix):
    filters = ToolFilters(
        text=text, prefix=prefix, terms={k: frozenset(v) for k, v in selection.items()}
    )
    search = tool_search(toolbox=box.toolbox, filters=filters)
    assert search.total == orm_results(box, filters).count()
    assert {t.pk for t in search.tools} == {t.pk for t in orm_results(box, filters)}
    for facet in search.facets:
        for item in facet.terms:
            assert item.count == orm_count(box, filters, item.term), item.term.slug
            assert item.selected == (item.term.slug in selection.get(facet.facet, set()))


def codes(search):
    return sorted(t.code for t in search.tools)


def test_terms_of_one_facet_combine_with_or(box):
    search = tool_search(
        toolbox=box.toolbox,
        filters=ToolFilters(terms={"strategy": frozenset({"umnutzen", "vernetzen"})}),
    )
    assert codes(search) == ["BE 001", "W 002", "W 003"]


def test_facets_combine_with_and(box):
    search = tool_search(
        toolbox=box.toolbox,
        filters=ToolFilters(
            terms={"strategy": frozenset({"aktivieren"}), "spatial_level": frozenset({"region"})}
        ),
    )
    assert codes(search) == ["BE 002", "W 003"]


def test_counts_of_the_selected_facet_ignore_its_own_selection(box):
    search = tool_search(
        toolbox=box.toolbox, filters=ToolFilters(terms={"field": frozenset({"kultur"})})
    )
    counts = {i.term.slug: i.count for f in search.facets for i in f.terms}
    # In its own facet: how many tools a further OR term would add.
    assert counts["wohnen"] == 3
    assert counts["kultur"] == 3
    # In other facets: how many of the current results carry the term.
    assert counts["aktivieren"] == 2
    assert counts["vernetzen"] == 1
    assert counts["quartier"] == 2


def test_unknown_term_slugs_are_ignored(box):
    search = tool_search(
        toolbox=box.toolbox, filters=ToolFilters(terms={"strategy": frozenset({"gibt-es-nicht"})})
    )
    assert search.total == 6


def test_counts_need_a_bounded_number_of_queries(box, django_assert_num_queries):
    filters = ToolFilters(terms={"strategy": frozenset({"aktivieren"}), "field": frozenset({"a"})})
    with django_assert_num_queries(2):  # vocabulary and (tool, term) pairs
        search = tool_search(toolbox=box.toolbox, filters=filters)
    for extra in range(20):
        FacetTermFactory(toolbox=box.toolbox, facet=Facet.PARTNER, slug=f"partner-{extra}")
    with django_assert_num_queries(2):
        search = tool_search(toolbox=box.toolbox, filters=filters)
    assert len(search.facets) == 7


@pytest.mark.parametrize(
    ("written", "stored"),
    [("W007", "W 007"), ("W 007", "W 007"), ("be012", "BE 012"), ("W7", "W 007"), ("7", None)],
)
def test_codes_in_urls_are_parsed(written, stored):
    assert parse_code(written) == stored


# --- Pages ---------------------------------------------------------------------------------


def test_toolbox_list_shows_toolboxes_with_their_public_tool_counts(client, box):
    response = client.get(reverse("knowledge:toolbox_list"))
    assert response.status_code == 200
    assert "Werkzeugkasten Leerstand" in response.content.decode()
    assert "6 Werkzeuge" in response.content.decode()


def test_toolbox_page_filters_with_a_get_form_and_shows_counts(client, box):
    url = box.toolbox.get_absolute_url()
    response = client.get(url, {"strategy": ["aktivieren", "vernetzen"], "field": "wohnen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 Werkzeuge gefunden" in html
    assert "Leerstand aktivieren" in html
    assert "Dorfladen" in html
    assert "Kulturscheune" not in html
    assert 'name="strategy" value="aktivieren" id="f-strategy-' in html
    assert f'<span id="count-{box.terms["umnutzen"].pk}">1</span>' in html
    assert "<legend>Strategie</legend>" in html
    assert 'role="status"' in html


def test_toolbox_page_filters_by_text_and_chapter(client, box):
    url = box.toolbox.get_absolute_url()
    html = client.get(url, {"chapter": "BE", "q": "laden"}).content.decode()
    assert "1 Werkzeug gefunden" in html
    assert "Dorfladen" in html
    assert "Ladenlokal" not in html


def test_htmx_request_gets_results_and_out_of_band_counts_only(client, box):
    url = box.toolbox.get_absolute_url()
    response = client.get(url, {"field": "kultur"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Kulturscheune" in html
    assert '<span id="result-count" hx-swap-oob="innerHTML">3 Werkzeuge gefunden</span>' in html
    assert f'<span id="count-{box.terms["wohnen"].pk}" hx-swap-oob="innerHTML">3</span>' in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "query",
    [
        {"q": "x" * 5000},
        {"chapter": "ZZ"},
        {"strategy": ["<script>", "\u2603"]},
        {"page": "abc"},
        {"page": "999"},
    ],
)
def test_toolbox_page_survives_odd_input(client, box, query):
    assert client.get(box.toolbox.get_absolute_url(), query).status_code == 200


def test_unknown_toolbox_is_404(client, db):
    assert client.get("/wissen/werkzeugkasten/gibt-es-nicht/").status_code == 404


def test_toolbox_page_needs_a_bounded_number_of_queries(client, box, django_assert_max_num_queries):
    url = box.toolbox.get_absolute_url()
    with django_assert_max_num_queries(8):
        client.get(url, {"strategy": "aktivieren"})
    for number in range(10, 40):
        tool = ToolFactory(toolbox=box.toolbox, prefix=box.w, number=number)
        tool.terms.set([box.terms["aktivieren"], box.terms["kultur"]])
    with django_assert_max_num_queries(8):
        response = client.get(url, {"strategy": "aktivieren"})
    assert "33 Werkzeuge gefunden" in response.content.decode()


@pytest.fixture
def full_tool(box):
    tool = box.tools["W 001"]
    tool.summary = "Leere Häuser werden wieder genutzt, vgl. W 002 und W 099."
    tool.effects = "Mehr **Leben** im Ort, siehe BE 001."
    tool.slogan = "Leben statt Leerstand"
    tool.save()
    tool.steps.create(phase=StepPhase.BEFORE, text="Leerstand erfassen", position=0)
    tool.steps.create(phase=StepPhase.DURING, text="Eigentümer ansprechen, vgl. W003", position=0)
    tool.steps.create(phase=StepPhase.AFTER, text="Nutzung feiern", position=0)
    ToolExample.objects.create(
        tool=tool, title="Haus am Markt", url="https://example.org/haus", description="BE 002"
    )
    ToolLink.objects.create(source=tool, target=box.tools["W 002"], kind=LinkKind.FOLLOW_UP)
    ToolLink.objects.create(source=box.tools["BE 001"], target=tool, kind=LinkKind.PREREQUISITE)
    draft = Tool.objects.get(toolbox=box.toolbox, code="W 009")
    ToolLink.objects.create(source=draft, target=tool)
    ArticleFactory(title="Leerstand finden", slug="leerstand-finden").related_tools.add(tool)
    ArticleFactory(title="Entwurf", is_published=False).related_tools.add(tool)
    return tool


def test_tool_page_shows_everything_with_links(client, full_tool, box):
    response = client.get(full_tool.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "W 001" in html
    assert "Leben statt Leerstand" in html
    for heading in ("Vorlauf", "Umsetzung", "Im Anschluss"):
        assert f"<h3>{heading}</h3>" in html
    # Cross-references in summary, steps, effects and examples; W 099 does not exist.
    for code in ("W002", "W003", "BE001", "BE002"):
        assert f'href="/wissen/werkzeugkasten/kasten/{code}/"' in html
    assert "W 099" in html
    assert "W099/" not in html
    assert "<strong>Leben</strong>" in html
    assert '<a href="https://example.org/haus" rel="noopener noreferrer">Haus am Markt</a>' in html
    # Terms link to the filtered toolbox.
    assert 'href="/wissen/werkzeugkasten/kasten/?strategy=aktivieren">Aktivieren</a>' in html
    # Typed links in both directions; the draft's link is hidden.
    assert 'Wird fortgeführt durch: <a href="/wissen/werkzeugkasten/kasten/W002/">' in html
    assert "Nachbarschaftsnetz</a> – setzt voraus: W 001" in html
    assert "W 009" not in html
    assert "Leerstand finden" in html
    assert "Entwurf" not in html


def test_tool_page_needs_a_bounded_number_of_queries(
    client, full_tool, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        client.get(full_tool.get_absolute_url())


def test_unpublished_tool_is_hidden_except_from_its_editors(client, world):
    toolbox = ToolboxFactory(network=world.network)
    scheduled = ToolFactory(
        toolbox=toolbox, published_at=timezone.now() + datetime.timedelta(days=1)
    )
    url = scheduled.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(world.other_coordinator)
    assert client.get(url).status_code == 404
    client.force_login(world.coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert "nicht veröffentlicht" in response.content.decode()


def test_unknown_tool_codes_are_404(client, box):
    assert client.get("/wissen/werkzeugkasten/kasten/W099/").status_code == 404
    assert client.get("/wissen/werkzeugkasten/andere/W001/").status_code == 404


def test_each_facet_term_combination_is_consistent(box):
    """Across all pairs of single terms: count of a term = results after adding it (OR)."""
    slugs = list(box.terms)
    for first, second in itertools.combinations(slugs, 2):
        a, b = box.terms[first], box.terms[second]
        filters = ToolFilters(terms={a.facet: frozenset({a.slug})})
        search = tool_search(toolbox=box.toolbox, filters=filters)
        count = {i.term.pk: i.count for f in search.facets for i in f.terms}[b.pk]
        if a.facet == b.facet:
            continue
        both = tool_search(
            toolbox=box.toolbox,
            filters=ToolFilters(terms={a.facet: frozenset({a.slug}), b.facet: frozenset({b.slug})}),
        )
        assert both.total == count
