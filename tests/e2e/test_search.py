"""The search page in a browser: search, tick a facet, the results narrow (htmx, focus kept);
the same without JavaScript; axe with results and with none."""

import re

import pytest
from playwright.sync_api import expect

from allmende.knowledge.models import Audience
from tests.e2e.conftest import assert_accessible, assert_page_structure
from tests.factories import NetworkFactory
from tests.knowledge.factories import ArticleFactory, ToolFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def content():
    north = NetworkFactory(name="Netzwerk Nord", slug="nord")
    south = NetworkFactory(name="Netzwerk Süd", slug="sued")
    ArticleFactory(
        title="Eine Genossenschaft gründen",
        body="Wie eine Genossenschaft ein leeres Haus übernimmt.",
        network=north,
    )
    ArticleFactory(
        title="Genossenschaften als Partner der Kommune",
        body="Kommunen vergeben an Genossenschaften.",
        network=south,
        audience=Audience.OWNERS,
    )
    ToolFactory(title="Genossenschaftsfonds", toolbox__network=north)


def results(page):
    return page.locator("#results h3")


def test_search_then_tick_a_facet_narrows_the_results(live_server, page, axe, content):
    page.goto(live_server.url + "/")
    page.get_by_role("search", name="Suche auf der ganzen Website").get_by_label(
        "Suchbegriff"
    ).fill("Genossenschaft")
    page.get_by_role("search", name="Suche auf der ganzen Website").get_by_role(
        "button", name="Suche"
    ).click()

    expect(page).to_have_url(re.compile(r"/suche/\?q=Genossenschaft"))
    expect(page.locator("#search-status")).to_have_text("3 Treffer")
    expect(results(page)).to_have_count(3)
    expect(page.locator("#results mark").first).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)

    page.get_by_label("Netzwerk Süd (1)").check()

    expect(page.locator("#search-status")).to_have_text("1 Treffer")
    expect(results(page)).to_have_count(1)
    expect(results(page).first).to_contain_text("Genossenschaften als Partner der Kommune")
    expect(page).to_have_url(re.compile(r"network=sued"))
    # The ticked box is still ticked and keeps the focus after the update.
    expect(page.get_by_label(re.compile(r"Netzwerk Süd"))).to_be_checked()
    expect(page.get_by_label(re.compile(r"Netzwerk Süd"))).to_be_focused()

    # Other words with the filter kept: nothing, and a way out.
    page.locator("#id_q").fill("Kulturzentrum")
    page.locator("#id_q").press("Enter")
    expect(page.locator("#search-status")).to_have_text("Keine Treffer")
    expect(page.get_by_role("link", name="ohne Filter suchen")).to_be_visible()
    assert_accessible(axe, page)


def test_without_javascript_the_form_still_filters(live_server, browser, content):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(live_server.url + "/suche/?q=Genossenschaft")
    expect(results(page)).to_have_count(3)

    page.get_by_label("Netzwerk Nord (2)").check()
    page.get_by_role("button", name="Filter anwenden").click()

    expect(results(page)).to_have_count(2)
    expect(page.locator("#search-status")).to_have_text("2 Treffer")
    context.close()


def test_no_results_page_is_accessible_and_suggests_a_spelling(live_server, page, axe, content):
    page.goto(live_server.url + "/suche/?q=Genosenschaft")

    expect(page.locator("#search-status")).to_have_text("Keine Treffer")
    page.get_by_role("link", name="Genossenschaft", exact=True).click()
    expect(results(page)).to_have_count(3)

    page.goto(live_server.url + "/suche/?q=Genosenschaft")
    assert_page_structure(page)
    assert_accessible(axe, page)
