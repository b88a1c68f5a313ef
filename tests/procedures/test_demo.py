"""The demo procedures: one in evaluation with applications and scores, one decided with a
public result; loading twice changes nothing; the audit chains are intact."""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from allmende.procedures.audit import audit_verify
from allmende.procedures.models import (
    Application,
    AuditEntry,
    JuryScore,
    Procedure,
    ProcedureState,
)


@pytest.fixture
def demo_loaded(db, monkeypatch):
    monkeypatch.delenv("ALLMENDE_FACTS", raising=False)
    call_command("loaddemo", stdout=io.StringIO())


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Procedure, Application, JuryScore, AuditEntry)
    }


def test_demo_has_a_procedure_in_evaluation_and_a_decided_one(demo_loaded, client):
    evaluation = Procedure.objects.get(state=ProcedureState.EVALUATION)
    decided = Procedure.objects.get(state=ProcedureState.DECIDED)

    assert evaluation.property.city == "Angermünde"
    assert evaluation.applications.filter(state="submitted").count() == 3
    assert evaluation.applications.filter(eligibility="ineligible").count() == 1
    assert JuryScore.objects.filter(application__procedure=evaluation).exists()
    assert evaluation.questions.exclude(answer="").exists()
    assert decided.winner is not None
    assert decided.tie_break_seed
    response = client.get(f"/verfahren/{decided.pk}/ergebnis/")
    assert response.status_code == 200
    html = response.content.decode()
    if decided.winner.may_be_named:
        assert decided.winner.organisation.name in html
    # kaz did not agree to be named: never in the public result.
    assert "kaz – Göttinger" not in html
    assert audit_verify() == []


def test_demo_procedures_load_twice_changes_nothing_and_sends_no_mail(demo_loaded):
    before = _counts()

    call_command("loaddemo", stdout=io.StringIO())

    assert _counts() == before
    assert mail.outbox == []


@pytest.mark.parametrize(("email", "may_start"), [("kommune@", True), ("initiative@", False)])
def test_property_page_links_to_its_procedures(demo_loaded, client, email, may_start):
    from allmende.accounts.models import User

    client.force_login(User.objects.get(email=f"{email}demo.allmende.example"))
    decided = Procedure.objects.get(state=ProcedureState.DECIDED)

    html = client.get(f"/objekte/{decided.property_id}/").content.decode()

    assert decided.title in html
    assert ("Vergabeverfahren starten" in html) is may_start
