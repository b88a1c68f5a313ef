"""The internal report (HTML and PDF): who may see it and that it holds every score with its
reason, the conflicts, eligibility, the aggregation step by step, the seed and the audit trail."""

import io

import pytest
from django.urls import reverse

from allmende.procedures.models import AuditEntry, EligibilityDecision
from allmende.procedures.report import report_pdf
from allmende.procedures.services_decision import procedure_decide
from tests.procedures.test_evaluation import score_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(proc):
    scored = score_world(proc)
    EligibilityDecision.objects.create(
        application=scored.second,
        criterion=proc.procedure.eligibility_criteria.get(),
        passed=True,
        reason="Genossenschaft in Gründung, Satzung liegt vor.",
    )
    procedure_decide(
        procedure=proc.procedure,
        actor=proc.manager,
        winner=scored.second,
        deviation_reason="Das Gruppenkonzept sichert dauerhaft günstige Mieten.",
        reasons_summary="Beide Konzepte sind tragfähig; das gewählte sichert mehr Wohnraum.",
    )
    proc.procedure.refresh_from_db()
    return scored


def _url(proc, name="procedures:procedure_report"):
    return reverse(name, args=[proc.procedure.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 403), ("juror_one", 403), ("manager", 200), ("admin", 200)],
)
def test_report_is_for_managers_only(proc, client, decided, who, status):
    if who != "anonymous":
        client.force_login(getattr(proc, who))
    assert client.get(_url(proc)).status_code == status
    assert client.get(_url(proc, "procedures:procedure_report_pdf")).status_code == status


def test_report_of_a_draft_is_hidden_from_outsiders(proc, client):
    client.force_login(proc.outsider)
    assert client.get(_url(proc)).status_code == 404


def test_report_holds_every_score_with_its_reason(proc, client, decided):
    client.force_login(proc.manager)
    content = client.get(_url(proc)).content.decode()
    assert "Konzeptvergabe Alte Schule" in content
    assert "Erbbaurecht" in content
    # Every score with the juror's name and reason, including juror two's excluded ones.
    assert "Begründung Jana Jury: object 8" in content
    assert "Begründung Jonas Jury: group 6" in content
    assert "Ich bin Mitglied im Verein der Bewerberin." in content
    assert "Genossenschaft in Gründung, Satzung liegt vor." in content
    assert "Verfahren: gewichtete Summe" in content  # the steps
    assert proc.procedure.tie_break_seed in content
    assert "Das Gruppenkonzept sichert dauerhaft günstige Mieten." in content
    assert "Zusammenfassung der Gründe" in content
    assert "Beide Konzepte sind tragfähig; das gewählte sichert mehr Wohnraum." in content
    assert "decide" in content
    assert "ist unversehrt" in content
    assert proc.second_applicant.name in content  # named internally


def test_report_before_the_decision_hides_the_scores(proc, client):
    score_world(proc)
    client.force_login(proc.manager)
    content = client.get(_url(proc)).content.decode()
    assert "Begründung Jana Jury" not in content
    assert "sobald das Verfahren entschieden ist" in content
    assert "Ich bin Mitglied im Verein der Bewerberin." in content


def test_report_shows_a_broken_chain(proc, client, decided):
    AuditEntry.objects.filter(procedure=proc.procedure, action="decide").update(payload={})
    client.force_login(proc.manager)
    content = client.get(_url(proc)).content.decode()
    assert "gebrochen" in content


def test_pdf_is_generated_with_the_title(proc, client, decided):
    client.force_login(proc.manager)
    response = client.get(_url(proc, "procedures:procedure_report_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is only a test helper; the size check above must do
        return
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Konzeptvergabe Alte Schule" in text
    assert "Begründung Jana Jury" in text


def test_pdf_of_an_undecided_procedure(proc):
    score_world(proc)
    pdf = report_pdf(proc.procedure, base_url="http://testserver/")
    assert pdf.startswith(b"%PDF")


def test_chart_escapes_labels_and_uses_no_inline_styles():
    from allmende.procedures.charts import Bar, Group, bar_chart_svg

    svg = bar_chart_svg(
        chart_id="c",
        title="Punkte <je> Kriterium",
        description="d",
        groups=[Group("Objekt & Lage", 60, [Bar("<script>x</script>", 30.0), Bar("B", None)])],
        no_value="keine gültige Bewertung",
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "Objekt &amp; Lage (0–60)" in svg
    assert "style=" not in svg
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert "keine gültige Bewertung" in svg
    # Half of the track: the bar of 30 of 60 points is half as long as its track.
    assert 'width="380.0" height="16" fill="#e4e9e4"' in svg
    assert 'width="190.0" height="16" fill="#2e6b30"' in svg
