"""The result of a decided procedure in Chromium: the public result page with its SVG chart and
the same numbers as a table, and the manager's internal report; axe on both, no CSP
violation from the inline SVG."""

import pytest
from playwright.sync_api import expect

from allmende.procedures.services_decision import procedure_decide
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.procedures import conftest as procedure_fixtures
from tests.procedures.test_evaluation import score_world

pytestmark = pytest.mark.django_db(transaction=True)

# The procedure world of tests/procedures/ (its conftest is not visible from here).
proc = procedure_fixtures.proc


@pytest.fixture
def decided(proc):
    """Two applications, two jurors' scores, one declared conflict; decided by the ranking."""
    scored = score_world(proc)
    procedure_decide(
        procedure=proc.procedure,
        actor=proc.manager,
        reasons_summary="Das Objektkonzept überzeugte die Jury am meisten.",
    )
    proc.procedure.refresh_from_db()
    return scored


def test_public_result_and_internal_report(live_server, page, axe, proc, decided, browser_problems):
    base = live_server.url
    procedure = proc.procedure

    page.goto(f"{base}/verfahren/{procedure.pk}/ergebnis/")
    assert_page_structure(page)
    expect(page.locator("h1")).to_have_text("Ergebnis: Konzeptvergabe Alte Schule")
    expect(page.locator("main dl.facts")).to_contain_text(proc.applicant.name)
    chart = page.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart.locator("title")).to_have_text("Punkte je Kriterium und Bewerbung")
    expect(chart.locator("rect")).to_have_count(8)  # 2 criteria × 2 applications × (track + bar)
    table = page.locator("table.criterion-results")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("48,00")
    expect(page.locator("table.ranking tbody tr").nth(1)).to_contain_text("Bewerbung B")
    expect(page.locator("main")).not_to_contain_text(proc.second_applicant.name)
    expect(page.locator("main")).not_to_contain_text("Jana Jury")
    expect(page.locator("main code").first).to_have_text(procedure.tie_break_seed)
    expect(page.locator("main .reasons-summary")).to_have_text(
        "Das Objektkonzept überzeugte die Jury am meisten."
    )
    assert_accessible(axe, page)
    browser_problems.assert_none(page)

    login(page, base, proc.manager.email, next_url=f"/verfahren/{procedure.pk}/bericht/")
    expect(page.locator("h1")).to_have_text("Bericht: Konzeptvergabe Alte Schule")
    assert_page_structure(page)
    main = page.locator("main")
    expect(main).to_contain_text("Begründung Jana Jury: object 8")
    expect(main).to_contain_text("Ich bin Mitglied im Verein der Bewerberin.")
    expect(main).to_contain_text("ist unversehrt")
    expect(main).to_contain_text(proc.second_applicant.name)
    expect(main.locator(".reasons-summary")).to_have_text(
        "Das Objektkonzept überzeugte die Jury am meisten."
    )
    assert_accessible(axe, page)
    browser_problems.assert_none(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    assert download.value.suggested_filename == f"verfahren-{procedure.pk}-bericht.pdf"


def test_manager_previews_the_ranking_and_decides(live_server, page, axe, proc, browser_problems):
    score_world(proc, submitted=False)
    base = live_server.url
    procedure = proc.procedure
    login(page, base, proc.manager.email, next_url=f"/verfahren/{procedure.pk}/entscheidung/")
    assert_page_structure(page)
    expect(page.locator("main [role=alert]").first).to_contain_text("Jana Jury")
    expect(page.locator("table.ranking tbody tr").first).to_contain_text(proc.applicant.name)
    expect(page.locator("ol.steps li").first).to_contain_text("Verfahren: gewichtete Summe")
    assert_accessible(axe, page)

    # Another winner without a reason and without confirming: refused with both errors.
    page.get_by_label(f"2. {proc.second_applicant.name}").check()
    page.get_by_role("button", name="Bestätigen und entscheiden").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_label(f"2. {proc.second_applicant.name}").check()
    page.get_by_label("Begründung der Abweichung von der Rangfolge").fill(
        "Das Gruppenkonzept sichert dauerhaft günstige Mieten."
    )
    page.get_by_label("Ich entscheide, obwohl").check()
    page.get_by_label("Zusammenfassung der Gründe").fill(
        "Beide Konzepte sind tragfähig; das gewählte hält die Mieten dauerhaft niedrig."
    )
    page.get_by_role("button", name="Bestätigen und entscheiden").click()
    expect(page.locator("h1")).to_have_text("Ergebnis: Konzeptvergabe Alte Schule")
    expect(page.locator(".messages")).to_contain_text("Das Verfahren ist entschieden")
    expect(page.locator("main")).to_contain_text(
        "Das Gruppenkonzept sichert dauerhaft günstige Mieten."
    )
    expect(page.locator("main dl.facts")).to_contain_text("Bewerbung B")
    expect(page.locator("main .reasons-summary")).to_contain_text(
        "das gewählte hält die Mieten dauerhaft niedrig"
    )
    assert_accessible(axe, page)
    browser_problems.assert_none(page)
