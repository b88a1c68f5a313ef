"""An organisation's public page and its editing by an editor, in the browser."""

import re

import pytest
from playwright.sync_api import expect

from allmende.networks.models import Organisation, OrganisationKind, OrganisationRoleKind
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def municipality() -> Organisation:
    organisation = OrganisationFactory(
        name="Stadt Wiesental",
        slug="wiesental",
        kind=OrganisationKind.MUNICIPALITY,
        street="Marktplatz 1",
        postcode="04109",
        city="Leipzig",
        state="Sachsen",
        population=12345,
        ags="14713000",
        contact_role="Amt für Stadtentwicklung",
        vacancy_projects="Alter Bahnhof am Markt.",
        description="Eine Stadt mit Leerstand.",
    )
    MembershipFactory(
        network=NetworkFactory(name="Netzwerk Leerstand", slug="leerstand"),
        organisation=organisation,
    )
    MembershipFactory(
        network=NetworkFactory(name="Starke Orte", slug="starke-orte"), organisation=organisation
    )
    return organisation


def test_municipality_page_shows_its_profile_and_networks(live_server, page, axe, municipality):
    page.goto(f"{live_server.url}/organisationen/{municipality.slug}/")
    assert_page_structure(page)
    expect(page.locator("h1")).to_have_text("Stadt Wiesental")

    profile = page.locator("section.municipality-profile")
    expect(profile).to_be_visible()
    expect(profile).to_contain_text("14713000")
    expect(profile).to_contain_text(re.compile(r"12[.,\u202f\u00a0]?345"))
    expect(profile).to_contain_text("Amt für Stadtentwicklung")
    expect(profile).to_contain_text("Alter Bahnhof am Markt.")

    networks = page.locator('section[aria-labelledby="networks-heading"]')
    expect(networks.locator('a[href="/netzwerke/leerstand/"]')).to_have_text("Netzwerk Leerstand")
    expect(networks.locator('a[href="/netzwerke/starke-orte/"]')).to_have_text("Starke Orte")
    # Anonymous visitors get no edit link.
    expect(
        page.locator(f'a[href="/organisationen/{municipality.slug}/bearbeiten/"]')
    ).to_have_count(0)
    assert_accessible(axe, page)


def test_editor_corrects_an_invalid_postcode_through_the_error_summary(
    live_server, page, axe, browser_problems, municipality
):
    editor = OrganisationRoleFactory(
        organisation=municipality, role=OrganisationRoleKind.EDITOR
    ).user
    profile_url = f"/organisationen/{municipality.slug}/"
    login(page, live_server.url, editor.email, next_url=profile_url)
    expect(page).to_have_url(live_server.url + profile_url)

    page.locator(f'main a[href="{profile_url}bearbeiten/"]').click()
    expect(page).to_have_url(live_server.url + profile_url + "bearbeiten/")
    postcode = page.locator("#id_postcode")
    postcode.fill("1234")
    page.locator("main form.form button[type=submit]").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    summary_link = summary.locator('a[href="#id_postcode"]')
    expect(summary_link).to_have_count(1)
    expect(page.locator("#id_postcode_error")).to_be_visible()
    expect(page.locator(".field-error #id_postcode")).to_have_value("1234")
    expect(postcode).to_have_attribute("aria-invalid", "true")
    expect(postcode).to_have_attribute("aria-describedby", re.compile(r"id_postcode_error"))
    assert_page_structure(page)
    assert_accessible(axe, page)

    # The summary's link takes the keyboard to the field.
    summary_link.click()
    expect(postcode).to_be_focused()

    postcode.fill("04105")
    page.locator("main form.form button[type=submit]").click()
    # (The browser keeps the "#id_postcode" fragment across the redirect.)
    expect(page).to_have_url(re.compile(re.escape(live_server.url + profile_url) + "(#.*)?$"))
    expect(page.locator(".messages .message-success")).to_be_visible()
    expect(page.locator('section[aria-labelledby="contact-heading"]')).to_contain_text(
        "04105 Leipzig"
    )
    municipality.refresh_from_db()
    assert municipality.postcode == "04105"
    browser_problems.assert_none(page)
