"""A bidder asks a question, the manager answers it, the bidder writes a draft application,
submits it and sees the receipt with its hash; every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

from allmende.procedures.models import Application, ApplicationState, Question
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.procedures.conftest import proc  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _check(page, axe):
    assert_page_structure(page)
    assert_accessible(axe, page)


def test_question_answer_draft_submission_and_receipt(
    live_server,
    page,
    axe,
    proc,  # noqa: F811  (the fixture imported above)
    browser_problems,
):
    procedure = proc.publish()
    base = live_server.url
    detail_url = f"{base}/verfahren/{procedure.pk}/"

    # 1. The applicant's editor asks a question from the procedure page.
    login(page, base, proc.applicant_editor.email, next_url=f"/verfahren/{procedure.pk}/")
    page.goto(detail_url)
    page.get_by_role("link", name="Frage stellen").click()
    expect(page).to_have_url(re.compile(rf"/verfahren/{procedure.pk}/fragen/neu/$"))
    _check(page, axe)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _check(page, axe)
    page.locator("#id_text").fill("Ist der Dachstuhl intakt?")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Ihre Frage wurde gesendet.")
    question = Question.objects.get()

    # 2. The manager answers it.
    page.context.clear_cookies()
    login(page, base, proc.manager.email)
    page.goto(f"{base}/verfahren/{procedure.pk}/bewerbungen/")
    _check(page, axe)
    page.locator(f'a[href$="/fragen/{question.pk}/antwort/"]').first.click()
    _check(page, axe)
    page.locator("#id_answer").fill("Ja, der Dachstuhl wurde 2019 saniert.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Die Antwort wurde veröffentlicht.")

    # 3. The applicant sees the answer, writes a draft and submits it.
    page.context.clear_cookies()
    login(page, base, proc.applicant_editor.email)
    page.goto(detail_url)
    expect(page.locator("main")).to_contain_text("Ja, der Dachstuhl wurde 2019 saniert.")
    _check(page, axe)
    page.get_by_role("link", name="Bewerbung beginnen oder fortsetzen").click()
    expect(page).to_have_url(re.compile(rf"/verfahren/{procedure.pk}/bewerbung/neu/$"))
    _check(page, axe)
    page.get_by_label("Konzept: Objektkonzept").fill(
        "Wohnen, Werkstätten und ein Café im Erdgeschoss."
    )
    page.locator("#id_legal_form").fill("Genossenschaft (eG)")
    page.locator("#id_group_size").fill("14")
    page.locator("#id_equity").fill("180000")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".messages")).to_contain_text("Ihr Entwurf wurde gespeichert.")
    application = Application.objects.get()
    assert application.state == ApplicationState.DRAFT
    _check(page, axe)

    page.get_by_role("link", name="Entwurf bearbeiten").click()
    # Submitting without the group concept: the error is shown and the draft is kept.
    page.get_by_role("button", name="Speichern und einreichen").click()
    expect(page.locator(".error-summary")).to_contain_text("Gruppenkonzept")
    expect(page.get_by_label("Konzept: Objektkonzept")).to_have_value(
        "Wohnen, Werkstätten und ein Café im Erdgeschoss."
    )
    _check(page, axe)
    page.get_by_label("Konzept: Gruppenkonzept").fill("Vierzehn Menschen aus der Uckermark.")
    page.get_by_role("button", name="Speichern und einreichen").click()

    expect(page).to_have_url(
        re.compile(
            rf"/verfahren/{procedure.pk}/bewerbungen/{application.pk}/eingangsbestaetigung/$"
        )
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    expect(page.locator("#receipt-hash")).to_have_text(application.receipt_hash)
    expect(page.locator("h1")).to_have_text("Eingangsbestätigung Ihrer Bewerbung")
    _check(page, axe)
    browser_problems.assert_none(page)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachment_withdrawal_page_and_eligibility_check(
    live_server,
    page,
    axe,
    proc,  # noqa: F811  (the fixture imported above)
    browser_problems,
    tmp_path,
):
    from allmende.procedures import services_applications as services
    from allmende.procedures.models import Eligibility, ProcedureState

    procedure = proc.publish()
    application = services.application_create(
        procedure=procedure,
        organisation=proc.applicant,
        actor=proc.applicant_editor,
        data={"concepts": {"object": "Wohnen.", "group": "Zwölf Leute."}},
    )
    services.application_submit(application=application, actor=proc.applicant_editor)
    base = live_server.url
    app_url = f"{base}/verfahren/{procedure.pk}/bewerbungen/{application.pk}/"
    pdf = tmp_path / "finanzierung.pdf"
    pdf.write_bytes(PDF)

    login(page, base, proc.applicant_editor.email)
    page.goto(app_url)
    _check(page, axe)
    page.get_by_role("link", name="Datei anhängen").click()
    _check(page, axe)
    page.locator("#id_file").set_input_files(str(pdf))
    page.locator("#id_title").fill("Finanzierungsbestätigung")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#attachments")).to_contain_text("Finanzierungsbestätigung")
    _check(page, axe)
    page.get_by_role("link", name="Bewerbung zurückziehen").click()
    _check(page, axe)

    proc.set_state(ProcedureState.SUBMISSION_CLOSED)
    page.context.clear_cookies()
    login(page, base, proc.manager.email)
    page.goto(f"{base}/verfahren/{procedure.pk}/bewerbungen/")
    page.get_by_role("link", name=re.compile("Zulassung prüfen")).click()
    _check(page, axe)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _check(page, axe)
    page.get_by_label("nicht erfüllt").check()
    page.locator("textarea").fill("Eine gewerbliche GmbH, nicht gemeinnützig.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Zulassung wurde gespeichert")
    expect(page.locator("main table")).to_contain_text("nicht zugelassen")
    _check(page, axe)
    browser_problems.assert_none(page)
    application.refresh_from_db()
    assert application.eligibility == Eligibility.INELIGIBLE
