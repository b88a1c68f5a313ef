"""The jury in Chromium: juror one declares a conflict for one application and scores the
other (a missing reason is shown first), then submits; juror two scores both and, after
submitting, sees juror one's scores. axe runs on the desk, the declarations and the scoring
form."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from allmende.procedures.models import (
    Application,
    ConflictDeclaration,
    Juror,
    JuryScore,
    ProcedureState,
)
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.procedures.conftest import proc  # noqa: F401  (the shared procedure fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def evaluation(proc):  # noqa: F811
    proc.set_state(ProcedureState.EVALUATION)
    now = timezone.now()
    proc.app_a = Application.objects.create(
        procedure=proc.procedure,
        organisation=proc.applicant,
        state="submitted",
        eligibility="eligible",
        submitted_at=now,
        concepts={"object": "Werkstätten und Café im Erdgeschoss"},
    )
    proc.app_b = Application.objects.create(
        procedure=proc.procedure,
        organisation=proc.second_applicant,
        state="submitted",
        eligibility="eligible",
        submitted_at=now,
    )
    return proc


def declare(page: Page, conflicts: dict[str, str], others: list[str]) -> None:
    for applicant, reason in conflicts.items():
        section = page.locator("section.declaration", has_text=applicant)
        section.get_by_label("Befangen – ich bewerte diese Bewerbung nicht").check()
        section.get_by_label("Begründung").fill(reason)
    for applicant in others:
        section = page.locator("section.declaration", has_text=applicant)
        section.get_by_label("Nicht befangen").check()
    page.get_by_role("button", name="Erklärungen speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Erklärungen wurden gespeichert")


def score(page: Page, applicant: str, obj: str, group: str, reason: str) -> None:
    page.get_by_role("link", name=f"{applicant} bewerten").click()
    page.get_by_label("Punkte für Objektkonzept").fill(obj)
    page.get_by_label("Begründung für Objektkonzept").fill(f"{reason}: Objekt")
    page.get_by_label("Punkte für Gruppenkonzept").fill(group)
    page.get_by_label("Begründung für Gruppenkonzept").fill(f"{reason}: Gruppe")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.locator(".messages")).to_contain_text("wurde gespeichert")


def test_two_jurors_declare_score_and_submit(
    live_server, page, axe, browser, evaluation, browser_problems
):
    jury = evaluation
    base = live_server.url
    desk = f"{base}/verfahren/{jury.procedure.pk}/jury/"

    # Juror one: the desk asks for the declarations first.
    login(page, base, jury.juror_one.email)
    page.goto(desk)
    assert_page_structure(page)
    expect(page.locator("h1")).to_contain_text("Jury-Arbeitsplatz")
    expect(page.locator("table.jury-desk tbody tr")).to_have_count(2)
    assert_accessible(axe, page)

    page.get_by_role("link", name="Befangenheit erklären").click()
    assert_page_structure(page)
    assert_accessible(axe, page)
    # A conflict without a reason is refused, with the choice kept.
    section_a = page.locator("section.declaration", has_text="Stadtlücken Stuttgart")
    section_a.get_by_label("Befangen – ich bewerte diese Bewerbung nicht").check()
    page.get_by_role("button", name="Erklärungen speichern").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Geben Sie den Grund für die Befangenheit an."
    )
    expect(section_a.get_by_label("Befangen – ich bewerte diese Bewerbung nicht")).to_be_checked()
    assert_accessible(axe, page)
    declare(
        page,
        {"Stadtlücken Stuttgart": "Ich bin Mitglied im Verein der Bewerberin."},
        ["Wohnprojekt Uckermark"],
    )
    expect(page.locator("table.jury-desk")).to_contain_text("ja – ausgeschlossen")
    expect(page.get_by_role("link", name="Stadtlücken Stuttgart bewerten")).to_have_count(0)

    # Scoring B: a missing reason shows an error first, the other input stays.
    page.get_by_role("link", name="Wohnprojekt Uckermark bewerten").click()
    assert_page_structure(page)
    expect(page.locator("main")).to_contain_text("überzeugend")  # guidance per level
    page.get_by_label("Punkte für Objektkonzept").fill("7,5")
    page.get_by_label("Begründung für Objektkonzept").fill("Schlüssiges Nutzungskonzept")
    page.get_by_label("Punkte für Gruppenkonzept").fill("6")
    page.get_by_role("button", name="Bewertung speichern").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Begründung für Gruppenkonzept")
    expect(page.locator("#id_reason_group_error")).to_contain_text(
        "Begründen Sie Ihre Punkte schriftlich."
    )
    expect(page.get_by_label("Begründung für Objektkonzept")).to_have_value(
        "Schlüssiges Nutzungskonzept"
    )
    assert_accessible(axe, page)
    page.get_by_label("Begründung für Gruppenkonzept").fill("Erfahrene Gruppe")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.locator(".messages")).to_contain_text(
        "Ihre Bewertung von Wohnprojekt Uckermark wurde gespeichert"
    )
    page.get_by_role("button", name="Gesamte Bewertung abschicken").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Bewertung wurde abgeschickt")
    assert_accessible(axe, page)
    juror_one = Juror.objects.get(procedure=jury.procedure, user=jury.juror_one)
    assert juror_one.scores_submitted_at is not None
    assert JuryScore.objects.filter(juror=juror_one, application=jury.app_b).count() == 2
    assert not JuryScore.objects.filter(juror=juror_one, application=jury.app_a).exists()
    assert ConflictDeclaration.objects.get(juror=juror_one, application=jury.app_a).has_conflict

    # Juror two scores both and then sees juror one's scores for B.
    context = browser.new_context(locale="de-DE")
    page_two = context.new_page()
    login(page_two, base, jury.juror_two.email)
    page_two.goto(desk)
    page_two.get_by_role("link", name="Befangenheit erklären").click()
    declare(page_two, {}, ["Stadtlücken Stuttgart", "Wohnprojekt Uckermark"])
    score(page_two, "Stadtlücken Stuttgart", "8", "5,5", "Gut")
    score(page_two, "Wohnprojekt Uckermark", "6", "7", "Solide")
    page_two.get_by_role("link", name="Wohnprojekt Uckermark bewerten").click()
    expect(page_two.locator("main")).not_to_contain_text("Schlüssiges Nutzungskonzept")
    page_two.goto(desk)
    page_two.get_by_role("button", name="Gesamte Bewertung abschicken").click()
    expect(page_two.locator(".messages")).to_contain_text("Ihre Bewertung wurde abgeschickt")
    page_two.get_by_role("link", name="Bewertung: Wohnprojekt Uckermark").click()
    others = page_two.locator("section.other-scores")
    expect(others).to_contain_text("Jana Jury")
    expect(others).to_contain_text("Schlüssiges Nutzungskonzept")
    assert_page_structure(page_two)
    assert_accessible(axe, page_two)
    context.close()
    browser_problems.assert_none(page)


def test_manager_invites_a_juror_and_follows_progress(live_server, page, axe, evaluation):
    jury = evaluation
    base = live_server.url
    login(page, base, jury.manager.email)
    page.goto(f"{base}/verfahren/{jury.procedure.pk}/jury/verwalten/")
    assert_page_structure(page)
    expect(page.locator("table.jury-progress tbody tr")).to_have_count(2)
    page.get_by_label("E-Mail-Adresse").fill("kein-email")
    page.get_by_role("button", name="Einladung senden").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_label("E-Mail-Adresse").fill("beirat@example.org")
    page.get_by_label("Name").fill("Berta Beirat")
    page.get_by_label("beratend").check()
    page.get_by_role("button", name="Einladung senden").click()
    expect(page.locator(".messages")).to_contain_text("beirat@example.org wurde in die Jury")
    expect(page.locator("table.jury-progress tbody tr")).to_have_count(3)
    expect(page.locator("table.jury-progress")).to_contain_text("Berta Beirat")
    assert_accessible(axe, page)
    assert Juror.objects.get(user__email="beirat@example.org").role == "advisory"
