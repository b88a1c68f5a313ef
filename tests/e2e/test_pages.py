"""Every remaining page type: language, one h1, skip link, main landmark and axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.factories import WorkingGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "home": "/",
    "network list": "/netzwerke/",
    "network about": "/netzwerke/immovielien/",
    "network members": "/netzwerke/immovielien/mitglieder/",
    "network office": "/netzwerke/immovielien/koordination/",
    "network contact": "/netzwerke/immovielien/kontakt/",
    "working groups": "/netzwerke/immovielien/arbeitsgruppen/",
    "imprint": "/impressum/",
    "privacy": "/datenschutz/",
    "accessibility": "/barrierefreiheit/",
    "login": "/konto/anmelden/",
    "password reset": "/konto/passwort-vergessen/",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_public_page_is_german_structured_and_accessible(
    live_server, page, axe, browser_problems, world, path
):
    WorkingGroupFactory(
        network=world.network, name="AG Leerstandsmelder", description="Wir finden leere Häuser."
    )
    response = page.goto(live_server.url + path)
    assert response is not None
    assert response.status == 200
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_not_found_page_is_german_structured_and_accessible(live_server, page, axe):
    response = page.goto(live_server.url + "/gibt-es-nicht/")
    assert response is not None
    assert response.status == 404
    assert_page_structure(page)
    assert_accessible(axe, page)


def test_account_page_with_a_new_api_token_is_accessible(
    live_server, page, axe, browser_problems, world
):
    login(page, live_server.url, world.editor.email)
    expect(page).to_have_url(f"{live_server.url}/konto/")
    token_form = page.locator("main form").filter(
        has=page.locator('input[name="form"][value="token"]')
    )
    # The token's name field has its own id (the profile form also has a "name" field).
    token_name = token_form.locator("#id_token_name")
    expect(token_form.locator('label[for="id_token_name"]')).to_have_count(1)
    token_name.fill("Kartenimport")
    token_form.locator("button[type=submit]").click()

    new_token = page.locator("#new-token")
    expect(new_token).to_be_visible()
    hint = world.editor.api_tokens.get().hint
    expect(new_token).to_have_text(re.compile("^" + re.escape(hint) + r"\S+$"))
    expect(page.locator("main table").last).to_contain_text("Kartenimport")
    assert_page_structure(page)
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_language_switch_to_english_changes_the_lang_attribute(live_server, page):
    page.goto(live_server.url + "/netzwerke/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.locator('form.language-switch button[value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/netzwerke/")
    assert_page_structure(page, lang="en")
    # And back.
    page.locator('form.language-switch button[value="de"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
