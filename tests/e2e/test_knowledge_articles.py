"""Articles in the browser: from the overview to the list, filtered, to an article; the
editor's preview; axe on every page type of the articles."""

import pytest
from playwright.sync_api import expect

from allmende.knowledge.models import Article, Audience, Phase
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.knowledge.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def articles(world):
    topic = TopicFactory(name="Finanzierung", slug="finanzierung")
    article = ArticleFactory(
        network=world.network,
        title="Eine Genossenschaft gründen",
        slug="genossenschaft-gruenden",
        audience=Audience.INITIATIVES,
        phase=Phase.FOUND,
        body="## Der Anfang\n\nAm Anfang steht eine **Gruppe** mit einer Idee.",
        author_organisation=world.organisation,
    )
    article.topics.set([topic])
    ArticleFactory(
        network=world.other_network,
        title="Konzeptvergabe vorbereiten",
        audience=Audience.OWNERS,
        phase=Phase.STEP_4,
    )
    return article


def test_visitor_goes_from_the_overview_through_the_filtered_list_to_an_article(
    live_server, page, axe, browser_problems, articles
):
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Wissen"
    ).click()
    expect(page.locator("h1")).to_have_text("Wissen")
    assert_page_structure(page)
    assert_accessible(axe, page)

    page.get_by_role("link", name="Praxiswissen", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Praxiswissen")
    assert_page_structure(page)
    assert_accessible(axe, page)
    expect(page.locator(".result")).to_have_count(2)

    page.get_by_label("Zielgruppe").select_option("initiatives")
    expect(page.locator(".result")).to_have_count(1)
    expect(page.locator(".result-count")).to_have_text("1 Artikel gefunden")

    page.get_by_role("link", name="Eine Genossenschaft gründen").click()
    expect(page.locator("h1")).to_have_text("Eine Genossenschaft gründen")
    expect(page.get_by_role("heading", name="Kurz gesagt")).to_be_visible()
    expect(page.locator(".article-body h3")).to_have_text("Der Anfang")
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_filter_form_works_without_javascript(live_server, browser, articles):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/wissen/artikel/")

    page.get_by_label("Phase oder Schritt").select_option("step_4")
    page.get_by_role("button", name="Filter anwenden").click()

    expect(page).to_have_url(
        f"{live_server.url}/wissen/artikel/?audience=&phase=step_4&topic=&network="
    )
    expect(page.locator(".result")).to_have_count(1)
    expect(page.locator(".result h2")).to_have_text("Konzeptvergabe vorbereiten")
    context.close()


def test_coordinator_previews_and_saves_an_article(
    live_server, page, axe, browser_problems, world, articles
):
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/wissen/artikel/neu/")
    assert_page_structure(page)
    assert_accessible(axe, page)

    page.get_by_label("Zielgruppe").select_option("owners")
    page.get_by_label("Finanzierung").check()
    page.get_by_label("Titel").fill("Leerstand erfassen")
    page.get_by_label("Erster Kernpunkt").fill("Zuerst zählen, was leer steht.")
    page.get_by_label("Zweiter Kernpunkt").fill("Eigentümer früh ansprechen.")
    page.get_by_label("Dritter Kernpunkt").fill("Ergebnisse öffentlich machen.")
    page.get_by_label("Text (Markdown)").fill("Ein **Kataster** hilft.")
    page.get_by_role("button", name="Vorschau").click()

    expect(page.get_by_role("heading", name="Vorschau (noch nicht gespeichert)")).to_be_visible()
    expect(page.locator("#preview .article-body strong")).to_have_text("Kataster")
    assert Article.objects.filter(title="Leerstand erfassen").count() == 0
    assert_page_structure(page)
    assert_accessible(axe, page)

    page.get_by_role("button", name="Artikel speichern").click()
    expect(page.locator("h1")).to_have_text("Leerstand erfassen")
    expect(page.get_by_text("Der Artikel wurde gespeichert.")).to_be_visible()

    page.get_by_role("link", name="Artikel bearbeiten").click()
    expect(page.locator("h1")).to_have_text("„Leerstand erfassen“ bearbeiten")
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_editor_errors_are_accessible(live_server, page, axe, world, articles):
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/wissen/artikel/neu/")

    page.get_by_role("button", name="Artikel speichern").click()

    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_key_point_1_error")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)
