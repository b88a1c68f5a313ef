"""The matching flow in Chromium: an initiative registers a need, sees matching properties with
their reasons, expresses interest; the owner accepts; both see each other's contact data."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from allmende.matching.models import Interest, InterestState
from allmende.needs.models import SpaceNeed
from allmende.networks.models import OrganisationRoleKind
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.factories import OrganisationRoleFactory
from tests.matching.conftest import make_property

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(world):
    """The town of Angermünde (``world.other_organisation``) with an editor and a school."""
    editor = OrganisationRoleFactory(
        organisation=world.other_organisation,
        role=OrganisationRoleKind.EDITOR,
        user__email="rathaus@example.org",
        user__name="Rita Rathaus",
    ).user
    school = make_property(owner_organisation=world.other_organisation)
    return editor, school


def test_need_recommendation_interest_and_shared_contact(
    live_server, page, axe, browser, world, owner, browser_problems
):
    owner_editor, school = owner
    base = live_server.url

    # The initiative registers its need through the form.
    login(page, base, world.editor.email)
    page.goto(f"{base}/raumgesuche/neu/?organisation={world.organisation.slug}")
    page.get_by_label("Titel").fill("Offene Werkstatt im Nordosten")
    page.get_by_label("Coworking").check()
    page.get_by_label("Fläche ab (m²)").fill("150")
    page.get_by_label("Fläche bis (m²)").fill("300")
    page.get_by_label("Suchmittelpunkt").fill("Angermünde")
    page.get_by_label("Suchradius (km)").fill("25")
    page.get_by_label("Miete", exact=True).check()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_have_text("Offene Werkstatt im Nordosten")
    need = SpaceNeed.objects.get(title="Offene Werkstatt im Nordosten")

    # The background task has stored the recommendations; the page shows them with reasons.
    page.get_by_role("link", name="Passende Objekte").click()
    expect(page).to_have_url(re.compile(rf"/raumgesuche/{need.pk}/passende-objekte/$"))
    assert_page_structure(page)
    recommendation = page.locator(".recommendation").first
    expect(recommendation).to_contain_text("Alte Schule Angermünde")
    expect(recommendation).to_contain_text("Suchradius 25 km")
    expect(recommendation.locator("table.components tbody tr")).to_have_count(6)
    assert_accessible(axe, page)

    recommendation.get_by_label("Nachricht an die andere Seite (freiwillig)").fill(
        "Wir möchten gern besichtigen."
    )
    recommendation.get_by_role("button", name="Interesse bekunden").click()
    expect(page.locator(".messages")).to_contain_text("Ihr Interesse wurde übermittelt")
    expect(page.locator("main")).to_contain_text("wartet auf Antwort")
    expect(page.locator("main")).not_to_contain_text("rathaus@example.org")
    assert_accessible(axe, page)
    interest = Interest.objects.get(need=need, property=school)
    assert mail.outbox[-1].to == ["rathaus@example.org"]
    link = re.search(r"https?://\S+/abgleich/interesse/\d+/", mail.outbox[-1].body).group(0)

    # The owner follows the e-mail's link and accepts.
    owner_context = browser.new_context(locale="de-DE")
    owner_page = owner_context.new_page()
    login(owner_page, base, owner_editor.email)
    owner_page.goto(base + urlsplit(link).path)
    expect(owner_page.locator("main")).to_contain_text("Wir möchten gern besichtigen.")
    assert_accessible(axe, owner_page)
    owner_page.get_by_role("button", name="Annehmen und Kontaktdaten teilen").click()
    expect(owner_page.locator(".messages")).to_contain_text("Sie haben zugestimmt")
    expect(owner_page.locator(".contacts")).to_contain_text(world.editor.email)
    assert_accessible(axe, owner_page)
    interest.refresh_from_db()
    assert interest.state == InterestState.ACCEPTED

    # The owner's property page shows the group and the state.
    owner_page.goto(f"{base}/objekte/{school.pk}/passende-gruppen/")
    expect(owner_page.locator(".recommendation").first).to_contain_text(
        "Offene Werkstatt im Nordosten"
    )
    expect(owner_page.locator(".interest-state").first).to_contain_text("angenommen")
    assert_accessible(axe, owner_page)
    owner_context.close()

    # The initiative now sees the owner's contact.
    page.reload()
    expect(page.locator(".contacts")).to_contain_text("rathaus@example.org")
    expect(page.locator(".contacts")).to_contain_text("Rita Rathaus")
    browser_problems.assert_none(page)


def test_assignment_page_is_accessible_with_a_result(live_server, page, axe, world, owner):
    from tests.needs.factories import SpaceNeedFactory

    SpaceNeedFactory(organisation=world.organisation, title="Treffpunkt gesucht")
    from allmende.matching.services import recommendations_rebuild

    recommendations_rebuild()
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/abgleich/zuordnung/")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_label("Region").select_option("state")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_label("Bundesland").select_option("Brandenburg")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("table.totals")).to_contain_text("Optimal")
    expect(page.locator("main")).to_contain_text("Treffpunkt gesucht")
    assert_accessible(axe, page)


def test_weights_page_is_accessible_also_with_errors(live_server, page, axe, world):
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/abgleich/gewichte/{world.network.slug}/")
    assert_page_structure(page)
    assert_accessible(axe, page)

    page.locator("main input[name=common_good]").fill("-5")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page)
