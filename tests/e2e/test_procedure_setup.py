"""Browser test of the set-up wizard: the manager starts from the Stuttgart template,
corrects a weight error shown in the summary, sets the dates and publishes; the public page
shows the criteria. axe on every step."""

import pytest
from playwright.sync_api import expect

from allmende.procedures.models import Procedure, ProcedureState
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.procedures.conftest import proc as proc_fixture

proc = proc_fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _check(page, axe):
    assert_page_structure(page)
    assert_accessible(axe, page)


def _continue(page):
    page.locator("main form button[name=continue]").click()


def test_manager_sets_up_and_publishes_a_procedure(live_server, page, axe, proc):
    login(page, live_server.url, proc.manager.email)
    page.goto(f"{live_server.url}/verfahren/neu/?objekt={proc.property.pk}")
    _check(page, axe)
    page.get_by_label("Titel").fill("Konzeptvergabe Bahnhofstraße 5")
    page.get_by_label("Überlassungsmodell").select_option("leasehold")
    page.get_by_label("Mit dem Schema beginnen von").select_option("stuttgart")
    page.get_by_role("button", name="Entwurf anlegen").click()

    # (a) basics and terms
    expect(page.get_by_role("heading", name="Grunddaten und Bedingungen")).to_be_visible()
    _check(page, axe)
    page.get_by_label("Zusammenfassung").fill("Ein Haus für Wohnen und Nachbarschaft.")
    page.locator("#id_leasehold_term_years").fill("99")
    _continue(page)

    # (b) scheme
    expect(page.locator("#id_aggregation")).to_be_visible()
    _check(page, axe)
    _continue(page)

    # (c) criteria: a weight error, shown in the summary, then corrected
    expect(page.locator("#id_award-0-weight")).to_have_value("60.00")
    _check(page, axe)
    page.locator("#id_award-0-weight").fill("50")
    _continue(page)
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("ergeben zusammen 90 %")
    _check(page, axe)
    page.locator("#id_award-0-weight").fill("60")
    _continue(page)

    # (d) dates in Berlin time
    expect(page.locator("#id_submission_deadline")).to_be_visible()
    _check(page, axe)
    page.locator("#id_question_deadline").fill("2030-03-20T12:00")
    page.locator("#id_submission_deadline").fill("2030-04-15T18:00")
    page.locator("#id_jury_session_date").fill("2030-05-10")
    _continue(page)

    # (e) documents
    expect(page.get_by_role("heading", name="Exposé und Unterlagen")).to_be_visible()
    _check(page, axe)
    page.get_by_role("link", name="Weiter zu Prüfen und veröffentlichen").click()

    # check and publish
    expect(page.locator("main")).to_contain_text("Alle Prüfungen bestanden.")
    _check(page, axe)
    page.get_by_role("button", name="Jetzt veröffentlichen").click()
    expect(page.locator(".messages")).to_contain_text("veröffentlicht")
    procedure = Procedure.objects.get(title="Konzeptvergabe Bahnhofstraße 5")
    assert procedure.state == ProcedureState.PUBLISHED
    assert len(procedure.scheme_hash) == 64

    # the public page, seen by anyone
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verfahren/{procedure.pk}/")
    _check(page, axe)
    table = page.get_by_role("table", name="Kriterien, Gewichte und Skalen")
    expect(table).to_contain_text("Objektkonzept")
    expect(table).to_contain_text("Gruppenkonzept")
    expect(table).to_contain_text("60 %")
    expect(page.locator("main")).to_contain_text("15. April 2030 18:00")

    # the list
    page.goto(f"{live_server.url}/verfahren/")
    _check(page, axe)
    expect(page.locator("main")).to_contain_text("Konzeptvergabe Bahnhofstraße 5")


def test_published_set_up_is_read_only_and_accessible(live_server, page, axe, proc):
    procedure = proc.publish()
    login(page, live_server.url, proc.manager.email)
    for step in ("grunddaten", "schema", "kriterien", "termine", "dokumente"):
        page.goto(f"{live_server.url}/verfahren/{procedure.pk}/einrichten/{step}/")
        _check(page, axe)
        expect(page.locator("main")).to_contain_text("Seine Einrichtung wird nur angezeigt")
        expect(page.locator("main button[name=continue]")).to_have_count(0)
    page.goto(f"{live_server.url}/verfahren/{procedure.pk}/verwalten/")
    _check(page, axe)
    expect(page.get_by_role("button", name="Abgabe schließen")).to_be_visible()
    page.get_by_role("button", name="Abgabe schließen").click()
    expect(page.locator(".messages")).to_contain_text("Abgabefrist")
