"""The toolbox in the browser: the faceted filter with htmx and without JavaScript, and axe
on the toolbox list, a toolbox, a tool and the tool editor."""

import re

import pytest
from playwright.sync_api import expect

from allmende.knowledge.models import Facet, StepPhase
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.knowledge.factories import (
    CodePrefixFactory,
    FacetTermFactory,
    ToolboxFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def box(world):
    toolbox = ToolboxFactory(
        network=world.network,
        slug="kasten",
        name="Werkzeugkasten Leerstand",
        description="Ideen für **leere Häuser**.",
    )
    w = CodePrefixFactory(toolbox=toolbox, prefix="W", label="Wohnen")
    be = CodePrefixFactory(toolbox=toolbox, prefix="BE", label="Engagement")
    aktivieren = FacetTermFactory(
        toolbox=toolbox, facet=Facet.STRATEGY, slug="aktivieren", name="Aktivieren"
    )
    umnutzen = FacetTermFactory(
        toolbox=toolbox, facet=Facet.STRATEGY, slug="umnutzen", name="Umnutzen"
    )
    wohnen = FacetTermFactory(toolbox=toolbox, facet=Facet.FIELD, slug="wohnen", name="Wohnen")
    kultur = FacetTermFactory(toolbox=toolbox, facet=Facet.FIELD, slug="kultur", name="Kultur")
    tools = {}
    for prefix, number, title, terms in [
        (w, 1, "Leerstandslotse", [aktivieren, wohnen]),
        (w, 2, "Ladenlokal umnutzen", [umnutzen, wohnen]),
        (be, 1, "Kulturscheune", [aktivieren, kultur]),
        (be, 2, "Probewohnen", [umnutzen, kultur, wohnen]),
    ]:
        tool = ToolFactory(toolbox=toolbox, prefix=prefix, number=number, title=title)
        tool.terms.set(terms)
        tools[tool.code] = tool
    first = tools["W 001"]
    first.summary = "Eine Person kümmert sich um leere Häuser, vgl. W 002."
    first.save()
    first.steps.create(phase=StepPhase.BEFORE, text="Leerstand erfassen")
    first.steps.create(phase=StepPhase.DURING, text="Eigentümer ansprechen, siehe BE 001")
    first.examples.create(title="Lotse in Musterstadt", url="https://example.org/lotse")
    return {"toolbox": toolbox, "tools": tools, "terms": {"kultur": kultur, "umnutzen": umnutzen}}


def _count(page, term):
    return page.locator(f"#count-{term.pk}")


def test_checking_a_term_updates_results_counts_and_url_with_htmx(
    live_server, page, axe, browser_problems, box
):
    url = f"{live_server.url}/wissen/werkzeugkasten/kasten/"
    page.goto(url)
    expect(page.locator("#result-count")).to_have_text("4 Werkzeuge gefunden")
    expect(_count(page, box["terms"]["umnutzen"])).to_have_text("2")

    page.get_by_label(re.compile(r"^Kultur")).check()
    expect(page.locator("#result-count")).to_have_text("2 Werkzeuge gefunden")
    expect(page).to_have_url(re.compile(r"field=kultur"))
    results = page.locator("#results .result")
    expect(results).to_have_count(2)
    expect(page.locator("#results")).to_contain_text("Kulturscheune")
    expect(page.locator("#results")).not_to_contain_text("Leerstandslotse")
    # Counts of the other facet now follow the selection; the checkbox keeps its focus.
    expect(_count(page, box["terms"]["umnutzen"])).to_have_text("1")
    expect(page.get_by_label(re.compile(r"^Kultur"))).to_be_focused()

    page.get_by_label(re.compile(r"^Umnutzen")).check()
    expect(page.locator("#result-count")).to_have_text("1 Werkzeug gefunden")
    expect(page).to_have_url(re.compile(r"strategy=umnutzen"))
    expect(results).to_have_count(1)
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_the_filter_works_without_javascript(live_server, browser, box):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/wissen/werkzeugkasten/kasten/")
    page.get_by_label(re.compile(r"^Wohnen")).check()
    page.get_by_label("Kapitel").select_option("BE")
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page).to_have_url(re.compile(r"field=wohnen"))
    expect(page.locator("#result-count")).to_have_text("1 Werkzeug gefunden")
    expect(page.locator("#results")).to_contain_text("Probewohnen")
    expect(page.get_by_label(re.compile(r"^Wohnen"))).to_be_checked()
    context.close()


def test_toolbox_list_and_tool_page_are_accessible(live_server, page, axe, browser_problems, box):
    response = page.goto(f"{live_server.url}/wissen/werkzeugkasten/")
    assert response is not None
    assert response.status == 200
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("link", name="Werkzeugkasten Leerstand").click()
    page.get_by_role("link", name="W 001 Leerstandslotse").click()
    expect(page.locator("h1")).to_have_text("Leerstandslotse")
    expect(page.get_by_role("link", name="W 002")).to_have_attribute(
        "href", "/wissen/werkzeugkasten/kasten/W002/"
    )
    assert_page_structure(page)
    assert_accessible(axe, page)
    # A term leads to the toolbox filtered by it.
    page.get_by_role("link", name="Aktivieren").click()
    expect(page.locator("#result-count")).to_have_text("2 Werkzeuge gefunden")
    browser_problems.assert_none(page)


def test_tool_editor_and_vocabulary_are_accessible_also_with_errors(
    live_server, page, axe, world, box
):
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/wissen/werkzeugkasten/kasten/neu/")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.locator("#id_code_prefix").select_option(label="W – Wohnen")
    page.locator("#id_number").fill("1")
    page.locator("#id_title").fill("Doppelt")
    page.locator("#id_summary").fill("Noch einmal W 001.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("W 001 ist in diesem Werkzeugkasten")
    assert_accessible(axe, page)
    page.locator("#id_number").fill("3")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Doppelt")
    expect(page.get_by_role("link", name="W 001")).to_be_visible()

    page.goto(f"{live_server.url}/wissen/werkzeugkasten/kasten/vokabular/")
    assert_page_structure(page)
    assert_accessible(axe, page)
