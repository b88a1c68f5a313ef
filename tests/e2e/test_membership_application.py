"""A membership application from the public form to the applicant's first login."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from allmende.networks.models import (
    ApplicationStatus,
    MembershipApplication,
    MembershipStatus,
    Organisation,
    OrganisationRoleKind,
)
from tests.e2e.conftest import assert_accessible, assert_page_structure, login

pytestmark = pytest.mark.django_db(transaction=True)

ORG_NAME = "Gemeinde Wiesental"
APPLICANT = "buergermeisterin@wiesental.example.org"
NEW_PASSWORD = "Leerstand-wird-Gemeingut-2025"


def mails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def test_application_is_reviewed_accepted_and_the_applicant_logs_in(
    live_server, page, axe, browser_problems, world
):
    network = world.network
    apply_url = f"{live_server.url}/netzwerke/{network.slug}/mitglied-werden/"

    # 1. An anonymous visitor sends the form empty: error summary plus errors at the fields.
    page.goto(apply_url)
    assert_page_structure(page)
    submit = page.locator("main form.form button[type=submit]")
    submit.click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    for field in (
        "org_name",
        "org_kind",
        "org_city",
        "org_state",
        "contact_name",
        "contact_email",
        "stance",
        "motivation",
        "expectations",
        "privacy_consent",
    ):
        expect(summary.locator(f'a[href="#id_{field}"]')).to_have_count(1)
        expect(page.locator(f"#id_{field}_error")).to_be_visible()
    # Optional fields and the honeypot are not reported.
    expect(summary.locator('a[href="#id_org_street"]')).to_have_count(0)
    expect(summary.locator('a[href="#id_website_url"]')).to_have_count(0)
    assert_page_structure(page)
    assert_accessible(axe, page)
    assert MembershipApplication.objects.count() == 0
    assert mail.outbox == []

    # 2. Filled in correctly (the honeypot stays empty) it is accepted.
    page.locator("#id_org_name").fill(ORG_NAME)
    page.locator("#id_org_kind").select_option("municipality")
    page.locator("#id_org_street").fill("Marktplatz 1")
    page.locator("#id_org_postcode").fill("16278")
    page.locator("#id_org_city").fill("Angermünde")
    page.locator("#id_org_state").select_option("Brandenburg")
    page.locator("#id_contact_name").fill("Erika Beispiel")
    page.locator("#id_contact_email").fill(APPLICANT)
    page.locator("#id_stance").fill("Gemeinwohl vor Höchstpreis.")
    page.locator("#id_motivation").fill("Wir wollen vom Netzwerk lernen.")
    page.locator("#id_expectations").fill("Austausch über Leerstand.")
    page.locator("#id_vacancy_projects").fill("Der alte Bahnhof.")
    page.locator("#id_privacy_consent").check()
    expect(page.locator("#id_website_url")).to_have_value("")
    submit.click()

    expect(page).to_have_url(f"{apply_url}danke/")
    assert_page_structure(page)
    application = MembershipApplication.objects.get()
    assert application.org_name == ORG_NAME
    assert application.status == ApplicationStatus.SUBMITTED
    confirmation = mails_to(APPLICANT)
    assert len(confirmation) == 1
    assert ORG_NAME in confirmation[0].body
    notice = mails_to(world.coordinator.email)
    assert len(notice) == 1
    assert ORG_NAME in notice[0].subject
    assert f"/netzwerke/{network.slug}/antraege/{application.pk}/" in notice[0].body
    assert len(mail.outbox) == 2

    # 3. The coordinator finds it on the dashboard and accepts it with a note.
    dashboard = f"/netzwerke/{network.slug}/antraege/"
    login(page, live_server.url, world.coordinator.email, next_url=dashboard)
    expect(page).to_have_url(live_server.url + dashboard)
    assert_page_structure(page)
    row_link = page.locator(f'main table a[href="{dashboard}{application.pk}/"]')
    expect(row_link).to_have_text(ORG_NAME)
    expect(page.locator("main table .badge-submitted")).to_have_count(1)
    assert_accessible(axe, page)

    row_link.click()
    expect(page).to_have_url(f"{live_server.url}{dashboard}{application.pk}/")
    assert_page_structure(page)
    assert_accessible(axe, page)
    status = page.locator("#id_status")
    with translation.override("de"):
        accepted_label = str(ApplicationStatus.ACCEPTED.label)
    expect(status.locator('option[value="accepted"]')).to_have_text(accepted_label)
    status.select_option("accepted")
    page.locator("#id_note").fill("Herzlich willkommen im Netzwerk!")
    page.locator("main form.form button[type=submit]").click()

    expect(page.locator(".messages .message-success")).to_be_visible()
    expect(page.locator("main .badge-accepted").first).to_be_visible()
    expect(page.locator("#id_status")).to_have_count(0)
    expect(page.locator("main ol.history")).to_contain_text("Herzlich willkommen im Netzwerk!")

    organisation = Organisation.objects.get(name=ORG_NAME)
    membership = organisation.memberships.get(network=network)
    assert membership.status == MembershipStatus.ACTIVE
    expect(page.locator(f'main a[href="/organisationen/{organisation.slug}/"]')).to_have_text(
        ORG_NAME
    )

    # 4. The applicant gets a welcome mail with a link to choose a password …
    welcome = mails_to(APPLICANT)
    assert len(welcome) == 2
    assert "Herzlich willkommen im Netzwerk!" in welcome[1].body
    match = re.search(r"https?://[^/\s]+(/konto/passwort-neu/[^\s]+/[^\s]+/)", welcome[1].body)
    assert match, welcome[1].body

    page.context.clear_cookies()
    page.goto(live_server.url + match.group(1))
    new_password = page.locator("#id_new_password1")
    expect(new_password).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)
    new_password.fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.locator("main form.form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/konto/passwort-neu/fertig/")

    # … logs in with it and sees the organisation as its editor on the account page.
    login(page, live_server.url, APPLICANT, password=NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/konto/")
    roles = page.locator('section[aria-labelledby="roles-heading"]')
    expect(roles.locator(f'a[href="/organisationen/{organisation.slug}/"]')).to_have_text(ORG_NAME)
    with translation.override("de"):
        editor_label = str(OrganisationRoleKind.EDITOR.label)
    expect(roles.locator("li").filter(has_text=ORG_NAME)).to_contain_text(editor_label)
    browser_problems.assert_none(page)
