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
from allmende.procedures.models import (
    AuditEntry,
    AwardCriterion,
    JuryScore,
    Procedure,
    ProcedureState,
)
from allmende.procedures.services import procedure_scheme_hash
from allmende.procedures.services_decision import decision_preview, procedure_decide
from tests.procedures.test_evaluation import score_world

pytestmark = pytest.mark.django_db


SUMMARY = "Das Objektkonzept überzeugte die Jury; die Gruppe ist verlässlich aufgestellt."


def _decide(proc, **kwargs):
    kwargs.setdefault("reasons_summary", SUMMARY)
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
        procedure_decide(procedure=proc.procedure, actor=proc.juror_one, reasons_summary=SUMMARY)
    proc.set_state(ProcedureState.SUBMISSION_CLOSED)
    with pytest.raises(ValidationError):
        _decide(proc)


def test_an_excluded_application_cannot_be_chosen(proc):
    scored = score_world(proc)
    scored.second.scores.filter(criterion__key="group").update(points=3)
    with pytest.raises(ValidationError) as info:
        _decide(proc, winner=scored.second, deviation_reason="trotzdem")
    assert "winner" in info.value.message_dict


@pytest.mark.parametrize("summary", ["", "   \n "])
def test_the_decision_needs_a_summary_of_reasons(proc, summary):
    score_world(proc)
    with pytest.raises(ValidationError) as info:
        _decide(proc, reasons_summary=summary)
    assert "reasons_summary" in info.value.message_dict
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    assert (procedure.state, procedure.result, procedure.reasons_summary) == (
        ProcedureState.EVALUATION,
        {},
        "",
    )


def test_the_summary_of_reasons_is_stored_with_the_result_and_in_the_audit_trail(proc):
    score_world(proc)
    procedure = _decide(proc, reasons_summary=f"  {SUMMARY}\n")
    assert procedure.reasons_summary == SUMMARY
    assert procedure.result["decision"]["reasons_summary"] == SUMMARY
    decide = AuditEntry.objects.get(procedure=procedure, action="decide")
    assert decide.payload["reasons_summary"] == SUMMARY
    assert audit_verify([procedure.pk]) == []


def _change_scheme_behind_the_models_back(proc):
    """A weight changed with a bulk update, which bypasses the model's freeze (as SQL would)."""
    AwardCriterion.objects.filter(procedure=proc.procedure, key="object").update(weight=50)
    AwardCriterion.objects.filter(procedure=proc.procedure, key="group").update(weight=50)


def test_a_scheme_changed_after_publication_cannot_be_decided(proc):
    score_world(proc)
    stored_hash = Procedure.objects.get(pk=proc.procedure.pk).scheme_hash
    assert stored_hash == procedure_scheme_hash(proc.procedure)
    _change_scheme_behind_the_models_back(proc)
    with pytest.raises(ValidationError) as info:
        _decide(proc)
    assert info.value.code == "scheme_changed"
    message = info.value.messages[0]
    assert "bei der Veröffentlichung festgeschriebenen Schema" in message
    assert stored_hash[:12] in message
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    assert (procedure.state, procedure.result, procedure.winner_id) == (
        ProcedureState.EVALUATION,
        {},
        None,
    )
    last = AuditEntry.objects.filter(procedure=procedure).order_by("-position").first()
    assert last.action == "decide_refused"
    assert last.actor_id == proc.manager.pk
    assert last.payload == {
        "reason": "scheme_changed",
        "scheme_hash_stored": stored_hash,
        "scheme_hash_now": procedure_scheme_hash(procedure),
    }
    assert audit_verify([procedure.pk]) == []
    assert mail.outbox == []


def test_a_removed_scheme_hash_also_blocks_the_decision(proc):
    score_world(proc)
    Procedure.objects.filter(pk=proc.procedure.pk).update(scheme_hash="")
    with pytest.raises(ValidationError) as info:
        _decide(proc)
    assert info.value.code == "scheme_changed"
    assert Procedure.objects.get(pk=proc.procedure.pk).state == ProcedureState.EVALUATION


def test_the_form_shows_why_a_changed_scheme_cannot_be_decided(proc, client):
    score_world(proc)
    _change_scheme_behind_the_models_back(proc)
    client.force_login(proc.manager)
    url = reverse("procedures:procedure_decision", args=[proc.procedure.pk])
    response = client.post(url, {"winner": "ranking", "reasons_summary": SUMMARY})
    assert response.status_code == 200
    assert "festgeschriebenen Schema" in response.content.decode()
    assert Procedure.objects.get(pk=proc.procedure.pk).state == ProcedureState.EVALUATION


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
    response = client.post(
        url, {"winner": str(scored.second.pk), "deviation_reason": "", "reasons_summary": SUMMARY}
    )
    assert response.status_code == 200
    assert "Begründen Sie" in response.content.decode()
    response = client.post(
        url,
        {
            "winner": str(scored.second.pk),
            "deviation_reason": "Mehr Wohnraum.",
            "reasons_summary": "Mehr Wohnraum für die Stadt.",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("procedures:procedure_result", args=[proc.procedure.pk])
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    assert procedure.winner == scored.second
    assert procedure.reasons_summary == "Mehr Wohnraum für die Stadt."


def test_the_form_requires_the_summary_of_reasons(proc, client):
    score_world(proc)
    client.force_login(proc.manager)
    url = reverse("procedures:procedure_decision", args=[proc.procedure.pk])
    assert 'name="reasons_summary"' in client.get(url).content.decode()
    response = client.post(url, {"winner": "ranking", "reasons_summary": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reasons_summary"]
    assert Procedure.objects.get(pk=proc.procedure.pk).state == ProcedureState.EVALUATION


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


def _disagree_on_the_second_object_concept(scored):
    """Juror two gives the second application 2 instead of 8 on the object concept: points
    6 and 2, a spread of 4 above 0.3 × 10 = 3 (``disagreement_threshold`` of ``proc``)."""
    JuryScore.objects.filter(
        juror=scored.juror_two, application=scored.second, criterion__key="object"
    ).update(points=2)


def test_preview_marks_a_criterion_the_jury_disagreed_on(proc, client):
    scored = score_world(proc)
    _disagree_on_the_second_object_concept(scored)
    client.force_login(proc.manager)
    response = client.get(reverse("procedures:procedure_decision", args=[proc.procedure.pk]))
    content = response.content.decode()
    assert content.count("Jury stark uneinig") == 1
    row = next(r for r in response.context["rows"] if r["key"] == str(scored.second.pk))
    assert [(c["key"], c["flagged"], c["spread"]) for c in row["criteria"]] == [
        ("object", True, 4.0),
        ("group", False, 2.0),
    ]
    assert "„Objektkonzept“: Jury uneinig – Spanne 4 Punkte, mehr als 3." in content


def test_no_flag_when_the_jury_agrees_within_the_threshold(proc, client):
    score_world(proc)  # spreads of 2 at most: below 3
    client.force_login(proc.manager)
    content = client.get(
        reverse("procedures:procedure_decision", args=[proc.procedure.pk])
    ).content.decode()
    assert "Jury stark uneinig" not in content
    assert "Jury uneinig" not in content


def test_result_page_and_report_show_the_disagreement_flag(proc, client):
    scored = score_world(proc)
    _disagree_on_the_second_object_concept(scored)
    _decide(proc)
    content = client.get(
        reverse("procedures:procedure_result", args=[proc.procedure.pk])
    ).content.decode()
    assert "Jury stark uneinig" in content
    assert "Bei „Objektkonzept“ gingen die Punkte der Jury für Bewerbung B weit" in content
    client.force_login(proc.manager)
    report = client.get(
        reverse("procedures:procedure_report", args=[proc.procedure.pk])
    ).content.decode()
    assert report.count("Jury stark uneinig") == 1
    assert "Jury uneinig – Spanne 4 Punkte" in report  # the steps


def test_result_page_shows_the_summary_of_reasons(proc, client):
    score_world(proc)
    _decide(proc, reasons_summary="Erster Absatz.\n\nZweiter Absatz mit <b>Markup</b>.")
    content = client.get(
        reverse("procedures:procedure_result", args=[proc.procedure.pk])
    ).content.decode()
    assert "Zusammenfassung der Gründe" in content
    assert "<p>Erster Absatz.</p>" in content
    assert "Zweiter Absatz mit &lt;b&gt;Markup&lt;/b&gt;." in content


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
    assert data["reasons_summary"] == SUMMARY
    assert "Jana Jury" not in str(data)
