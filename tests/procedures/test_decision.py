"""The decision: ranking preview, confirming or deviating with a reason, the stored result with
the lot's seed, e-mails to the applicants, the public result page and the results API."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from ninja.testing import TestClient

from allmende.procedures import scoring
from allmende.procedures.api_results import router
from allmende.procedures.audit import audit_verify
from allmende.procedures.models import AuditEntry, Procedure, ProcedureState
from allmende.procedures.services_decision import decision_preview, procedure_decide
from tests.procedures.test_evaluation import score_world

pytestmark = pytest.mark.django_db


def _decide(proc, **kwargs):
    return procedure_decide(procedure=proc.procedure, actor=proc.manager, **kwargs)


# --- Service -------------------------------------------------------------------------------


def test_preview_names_jurors_who_have_not_submitted(proc):
    score_world(proc, submitted=False)
    preview = decision_preview(procedure=proc.procedure)
    assert {j.user.email for j in preview.missing_jurors} == {
        "jury1@example.org",
        "jury2@example.org",
    }
    assert preview.result is not None
    assert preview.certain_first == preview.result.ranking[0].key


def test_deciding_without_all_scores_needs_confirmation(proc):
    score_world(proc, submitted=False)
    with pytest.raises(ValidationError) as info:
        _decide(proc)
    assert "confirm_incomplete" in info.value.message_dict
    procedure = _decide(proc, confirm_incomplete=True)
    assert procedure.state == ProcedureState.DECIDED
    assert procedure.result["decision"]["missing_jurors"] == ["Jana Jury", "Jonas Jury"]


def test_decision_follows_the_ranking_and_stores_everything(
    proc, django_capture_on_commit_callbacks
):
    scored = score_world(proc)
    with django_capture_on_commit_callbacks(execute=True):
        procedure = _decide(proc)
    assert procedure.state == ProcedureState.DECIDED
    assert procedure.winner == scored.first
    assert procedure.decided_at is not None
    assert procedure.deviation_reason == ""
    assert re.fullmatch(r"[0-9a-f]{32}", procedure.tie_break_seed)
    result = procedure.result
    assert result["seed"] == procedure.tie_break_seed
    assert [e["key"] for e in result["ranking"]] == [str(scored.first.pk), str(scored.second.pk)]
    assert result["ranking"][0]["total"] == pytest.approx(72)
    assert result["decision"]["deviation"] is False
    assert result["steps"]
    actions = list(AuditEntry.objects.filter(procedure=procedure).values_list("action", flat=True))
    assert actions[-2:] == ["decided", "decide"]
    decide = AuditEntry.objects.get(procedure=procedure, action="decide")
    assert decide.payload["seed"] == procedure.tie_break_seed
    assert decide.payload["winner"] == scored.first.pk
    assert audit_verify([procedure.pk]) == []

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {proc.applicant_editor.email, "wohnprojekt@example.org"}
    winner_mail = by_address[proc.applicant_editor.email]
    assert "Konzeptvergabe Alte Schule" in winner_mail.subject
    assert "Herzlichen Glückwunsch" in winner_mail.body
    assert "Platz 1 mit 72,00 von 100 Punkten" in winner_mail.body
    other = by_address["wohnprojekt@example.org"]
    assert f"Den Zuschlag erhielt: {proc.applicant.name}." in other.body
    assert "Platz 2 mit 70,00 von 100 Punkten" in other.body
    assert f"/verfahren/{procedure.pk}/ergebnis/" in other.body


def test_excluded_applicant_is_told_why(proc, django_capture_on_commit_callbacks):
    scored = score_world(proc)
    scored.second.scores.filter(criterion__key="group").update(points=3)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(proc)
    other = next(m for m in mail.outbox if m.to == ["wohnprojekt@example.org"])
    assert "aus der Rangfolge ausgeschlossen: Mindestpunktzahl" in other.body


def test_deviation_needs_a_reason(proc):
    scored = score_world(proc)
    with pytest.raises(ValidationError) as info:
        _decide(proc, winner=scored.second)
    assert "deviation_reason" in info.value.message_dict
    proc.procedure.refresh_from_db()
    assert proc.procedure.state == ProcedureState.EVALUATION
    procedure = _decide(
        proc, winner=scored.second, deviation_reason="Das Konzept sichert mehr Wohnraum."
    )
    assert procedure.winner == scored.second
    assert procedure.deviation_reason == "Das Konzept sichert mehr Wohnraum."
    assert procedure.result["decision"]["deviation"] is True


def test_choosing_the_first_place_is_no_deviation(proc):
    scored = score_world(proc)
    procedure = _decide(proc, winner=scored.first, deviation_reason="ignored")
    assert procedure.result["decision"]["deviation"] is False
    assert procedure.deviation_reason == ""


def test_a_lot_tie_needs_a_reason_to_pick_one(proc):
    """The lot is drawn at the decision: picking one of two tied applications in advance is a
    choice that needs a reason (else re-trying could steer the lot)."""
    scored = score_world(proc, tie=True)
    assert decision_preview(procedure=proc.procedure).certain_first is None
    with pytest.raises(ValidationError):
        _decide(proc, winner=scored.first)
    procedure = _decide(proc)
    ranking = [e["key"] for e in procedure.result["ranking"]]
    seed = procedure.tie_break_seed
    assert ranking == sorted(ranking, key=lambda key: scoring.lot_key(seed, key))
    assert procedure.winner_id == int(ranking[0])
    assert {e["tie_break"] for e in procedure.result["ranking"]} == {"lot"}


def test_only_managers_decide_and_only_in_evaluation(proc):
    score_world(proc)
    with pytest.raises(PermissionDenied):
        procedure_decide(procedure=proc.procedure, actor=proc.juror_one)
    proc.set_state(ProcedureState.SUBMISSION_CLOSED)
    with pytest.raises(ValidationError):
        _decide(proc)


def test_an_excluded_application_cannot_be_chosen(proc):
    scored = score_world(proc)
    scored.second.scores.filter(criterion__key="group").update(points=3)
    with pytest.raises(ValidationError) as info:
        _decide(proc, winner=scored.second, deviation_reason="trotzdem")
    assert "winner" in info.value.message_dict


# --- Pages ---------------------------------------------------------------------------------


def test_preview_page_shows_the_ranking_to_managers_only(proc, client):
    score_world(proc)
    url = reverse("procedures:procedure_decision", args=[proc.procedure.pk])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(proc.juror_one)
    assert client.get(url).status_code == 403
    client.force_login(proc.manager)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rangfolge" in content
    assert "72,00" in content
    assert "Los-Seed" in content  # the steps
    assert 'name="confirm_incomplete"' not in content


def test_preview_page_warns_about_missing_scores(proc, client):
    score_world(proc, submitted=False)
    client.force_login(proc.manager)
    response = client.get(reverse("procedures:procedure_decision", args=[proc.procedure.pk]))
    content = response.content.decode()
    assert "Nicht alle stimmberechtigten Jurymitglieder" in content
    assert "Jana Jury" in content
    assert 'name="confirm_incomplete"' in content


def test_decide_through_the_form(proc, client):
    scored = score_world(proc)
    client.force_login(proc.manager)
    url = reverse("procedures:procedure_decision", args=[proc.procedure.pk])
    response = client.post(url, {"winner": str(scored.second.pk), "deviation_reason": ""})
    assert response.status_code == 200
    assert "Begründen Sie" in response.content.decode()
    response = client.post(
        url, {"winner": str(scored.second.pk), "deviation_reason": "Mehr Wohnraum."}
    )
    assert response.status_code == 302
    assert response.url == reverse("procedures:procedure_result", args=[proc.procedure.pk])
    assert Procedure.objects.get(pk=proc.procedure.pk).winner == scored.second


def test_result_page_is_public_after_the_decision_and_anonymised(proc, client):
    scored = score_world(proc)
    url = reverse("procedures:procedure_result", args=[proc.procedure.pk])
    assert client.get(url).status_code == 404
    _decide(proc, winner=scored.second, deviation_reason="Mehr Wohnraum.")
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert proc.applicant.name in content  # agreed to be named
    assert proc.second_applicant.name not in content
    assert "Bewerbung B" in content
    assert "Mehr Wohnraum." in content
    assert proc.procedure.tie_break_seed in content
    assert "Jana Jury" not in content
    assert "Jonas Jury" not in content
    assert "Begründung" not in content  # no juror's reason in public
    svg = re.search(r"<svg.*?</svg>", content, re.S).group(0)
    assert 'role="img"' in svg
    assert "aria-labelledby" in svg
    assert "style=" not in svg
    assert "<script" not in svg
    assert "48,00" in svg  # weighted object points of the first application
    assert '<table class="table criterion-results">' in content


def test_result_page_of_a_draft_is_hidden(proc, client):
    assert (
        client.get(reverse("procedures:procedure_result", args=[proc.procedure.pk])).status_code
        == 404
    )


def test_decision_partials(proc, client):
    from django.template.loader import render_to_string

    score_world(proc)
    html = render_to_string("procedures/_manage_decision.html", {"procedure": proc.procedure})
    assert reverse("procedures:procedure_decision", args=[proc.procedure.pk]) in html
    assert (
        render_to_string("procedures/_decision_actions.html", {"procedure": proc.procedure}).strip()
        == ""
    )
    procedure = _decide(proc)
    html = render_to_string("procedures/_decision_actions.html", {"procedure": procedure})
    assert reverse("procedures:procedure_result", args=[procedure.pk]) in html


# --- API -----------------------------------------------------------------------------------


def test_results_api_answers_404_before_and_the_public_result_after(proc):
    scored = score_world(proc)
    api = TestClient(router)
    path = f"/procedures/{proc.procedure.pk}/results"
    response = api.get(path, user=AnonymousUser())
    assert response.status_code == 404
    assert response.json()["detail"] == "The procedure has no result yet."
    assert api.get("/procedures/999999/results", user=AnonymousUser()).status_code == 404
    _decide(proc)
    response = api.get(path, user=AnonymousUser())
    assert response.status_code == 200
    data = response.json()
    assert data["winner"] == {
        "key": str(scored.first.pk),
        "label": proc.applicant.name,
        "named": True,
    }
    assert data["seed"] == Procedure.objects.get(pk=proc.procedure.pk).tie_break_seed
    labels = [a["label"] for a in data["applications"]]
    assert labels[1] in {"Bewerbung B", "Application B"}
    assert proc.second_applicant.name not in str(data)
    assert data["applications"][0]["criteria"][0]["weighted"] == pytest.approx(48)
    assert "Jana Jury" not in str(data)
