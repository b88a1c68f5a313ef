"""A whole allocation procedure in Chromium: publish → question and answer → two applications →
eligibility → two jurors score (one declares a conflict) → decision → public result; axe on
every page of the flow."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from allmende.procedures.audit import audit_verify
from allmende.procedures.models import Application, Procedure, ProcedureState
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.procedures.conftest import proc  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _check(page: Page, axe) -> None:
    assert_page_structure(page)
    assert_accessible(axe, page)


def _as(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    login(page, base, email)


def _action(page: Page, base: str, procedure: Procedure, button: str) -> None:
    page.goto(f"{base}/verfahren/{procedure.pk}/verwalten/")
    page.get_by_role("button", name=button).click()
    expect(page.locator(".messages")).to_be_visible()


def _apply(page: Page, base: str, procedure: Procedure, email: str, who: str, axe) -> None:
    _as(page, base, email)
    page.goto(f"{base}/verfahren/{procedure.pk}/")
    page.get_by_role("link", name="Bewerbung beginnen oder fortsetzen").click()
    _check(page, axe)
    page.get_by_label("Konzept: Objektkonzept").fill(f"{who}: Werkstätten und ein Café.")
    page.get_by_label("Konzept: Gruppenkonzept").fill(f"{who}: zwölf Menschen aus der Region.")
    page.locator("#id_legal_form").fill("eingetragener Verein")
    page.get_by_label(re.compile("Name darf im öffentlichen Ergebnis")).check()
    page.get_by_role("button", name="Speichern und einreichen").click()
    expect(page.locator("#receipt-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    _check(page, axe)


def _declare_and_score(
    page: Page, base: str, procedure: Procedure, conflicts: dict[str, str], scores: dict, axe
) -> None:
    page.goto(f"{base}/verfahren/{procedure.pk}/jury/")
    _check(page, axe)
    page.get_by_role("link", name="Befangenheit erklären").click()
    _check(page, axe)
    for applicant in scores.keys() | conflicts.keys():
        section = page.locator("section.declaration", has_text=applicant)
        if applicant in conflicts:
            section.get_by_label("Befangen – ich bewerte diese Bewerbung nicht").check()
            section.get_by_label("Begründung").fill(conflicts[applicant])
        else:
            section.get_by_label("Nicht befangen").check()
    page.get_by_role("button", name="Erklärungen speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Erklärungen wurden gespeichert")
    for applicant, (obj, group) in scores.items():
        page.get_by_role("link", name=f"{applicant} bewerten").click()
        _check(page, axe)
        page.get_by_label("Punkte für Objektkonzept").fill(obj)
        page.get_by_label("Begründung für Objektkonzept").fill(f"Objekt von {applicant}")
        page.get_by_label("Punkte für Gruppenkonzept").fill(group)
        page.get_by_label("Begründung für Gruppenkonzept").fill(f"Gruppe von {applicant}")
        page.get_by_role("button", name="Bewertung speichern").click()
        expect(page.locator(".messages")).to_contain_text("wurde gespeichert")
    page.get_by_role("button", name="Gesamte Bewertung abschicken").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Bewertung wurde abgeschickt")


def test_a_whole_procedure_from_publication_to_the_public_result(
    live_server,
    page,
    axe,
    proc,  # noqa: F811  (the fixture imported above)
    browser_problems,
):
    base = live_server.url
    procedure = proc.procedure
    first, second = proc.applicant.name, proc.second_applicant.name

    # The manager publishes the draft.
    login(page, base, proc.manager.email)
    page.goto(f"{base}/verfahren/{procedure.pk}/verwalten/")
    _check(page, axe)
    _action(page, base, procedure, "Jetzt veröffentlichen")
    procedure.refresh_from_db()
    assert procedure.state == ProcedureState.PUBLISHED
    page.goto(f"{base}/verfahren/{procedure.pk}/")
    expect(page.locator("main")).to_contain_text("Gruppenkonzept")
    _check(page, axe)

    # A bidder asks; the manager answers; the answer is public without the asker.
    _as(page, base, proc.applicant_editor.email)
    page.goto(f"{base}/verfahren/{procedure.pk}/")
    page.get_by_role("link", name="Frage stellen").click()
    _check(page, axe)
    page.locator("#id_text").fill("Gibt es einen Keller?")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Frage wurde gesendet.")
    _as(page, base, proc.manager.email)
    page.goto(f"{base}/verfahren/{procedure.pk}/bewerbungen/")
    page.locator('a[href*="/fragen/"][href$="/antwort/"]').first.click()
    _check(page, axe)
    page.locator("#id_answer").fill("Ja, einen trockenen Gewölbekeller.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Die Antwort wurde veröffentlicht.")
    page.context.clear_cookies()
    page.goto(f"{base}/verfahren/{procedure.pk}/")
    expect(page.locator("main")).to_contain_text("Ja, einen trockenen Gewölbekeller.")
    expect(page.locator("main")).not_to_contain_text(first)

    # Two applications.
    _apply(page, base, procedure, proc.applicant_editor.email, first, axe)
    _apply(page, base, procedure, proc.second_editor.email, second, axe)
    assert Application.objects.filter(procedure=procedure, state="submitted").count() == 2

    # The deadline passes; the manager closes the submission and checks eligibility.
    Procedure.objects.filter(pk=procedure.pk).update(
        question_deadline=timezone.now() - datetime.timedelta(days=2),
        submission_deadline=timezone.now() - datetime.timedelta(days=1),
    )
    _as(page, base, proc.manager.email)
    _action(page, base, procedure, "Abgabe schließen")
    for name in (first, second):
        page.goto(f"{base}/verfahren/{procedure.pk}/bewerbungen/")
        row = page.locator("main tr", has_text=name)
        row.get_by_role("link", name=re.compile("Zulassung")).click()
        _check(page, axe)
        page.get_by_label("erfüllt", exact=True).check()
        page.locator("textarea").fill("Satzung liegt vor, gemeinnützig.")
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text("Zulassung wurde gespeichert")
    _action(page, base, procedure, "Bewertung beginnen")

    # Two jurors: the first declares a conflict for the first applicant.
    _as(page, base, proc.juror_one.email)
    _declare_and_score(
        page,
        base,
        procedure,
        conflicts={first: "Ich berate die Gruppe seit Jahren."},
        scores={second: ("6", "7")},
        axe=axe,
    )
    _as(page, base, proc.juror_two.email)
    _declare_and_score(
        page, base, procedure, conflicts={}, scores={first: ("9", "8"), second: ("5", "6")}, axe=axe
    )

    # The manager decides along the ranking.
    _as(page, base, proc.manager.email)
    page.goto(f"{base}/verfahren/{procedure.pk}/entscheidung/")
    _check(page, axe)
    expect(page.locator("table.ranking tbody tr").first).to_contain_text(first)
    page.get_by_label("Zusammenfassung der Gründe").fill(
        "Das Konzept verbindet bezahlbares Wohnen mit einem offenen Erdgeschoss."
    )
    page.get_by_role("button", name="Bestätigen und entscheiden").click()
    expect(page.locator(".messages")).to_contain_text("Das Verfahren ist entschieden")

    # The public result page, for everyone.
    page.context.clear_cookies()
    page.goto(f"{base}/verfahren/{procedure.pk}/ergebnis/")
    _check(page, axe)
    expect(page.locator("main dl.facts")).to_contain_text(first)
    expect(page.locator("main .reasons-summary")).to_have_text(
        "Das Konzept verbindet bezahlbares Wohnen mit einem offenen Erdgeschoss."
    )
    expect(page.locator("svg[role=img]")).to_have_count(1)
    expect(page.locator("table.criterion-results tbody tr")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("Ich berate die Gruppe")
    procedure.refresh_from_db()
    assert procedure.state == ProcedureState.DECIDED
    assert procedure.winner.organisation == proc.applicant
    assert audit_verify() == []
    browser_problems.assert_none(page)
