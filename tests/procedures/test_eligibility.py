"""The eligibility check: after the submission deadline the managers decide per criterion
with a reason; admitted when all pass, otherwise the applicant is told why."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from allmende.procedures import selectors_applications as selectors
from allmende.procedures import services_applications as services
from allmende.procedures.models import (
    AuditEntry,
    Eligibility,
    EligibilityCriterion,
    EligibilityDecision,
    ProcedureState,
)

pytestmark = pytest.mark.django_db

CONCEPTS = {"object": "Wohnen und Werkstätten.", "group": "Zwölf Leute."}


def _submitted(proc, organisation=None, editor=None):
    application = services.application_create(
        procedure=proc.procedure,
        organisation=organisation or proc.applicant,
        actor=editor or proc.applicant_editor,
        data={"concepts": dict(CONCEPTS)},
    )
    return services.application_submit(
        application=application, actor=editor or proc.applicant_editor
    )


@pytest.fixture
def closed(proc):
    """A procedure after its deadline with two submitted applications and a draft."""
    proc.publish()
    first = _submitted(proc)
    second = _submitted(proc, proc.second_applicant, proc.second_editor)
    proc.set_state(ProcedureState.SUBMISSION_CLOSED)
    first.refresh_from_db()
    second.refresh_from_db()
    criterion = EligibilityCriterion.objects.get(procedure=proc.procedure)
    return proc, first, second, criterion


def _post(client, proc, application, criterion, passed="yes", reason="Satzung liegt vor."):
    return client.post(
        reverse("procedures:eligibility_check", args=[proc.procedure.pk, application.pk]),
        {f"passed_{criterion.pk}": passed, f"reason_{criterion.pk}": reason},
    )


def test_all_criteria_met_admits_and_the_jury_sees_it(client, closed):
    proc, first, _second, criterion = closed
    client.force_login(proc.manager)
    response = _post(client, proc, first, criterion)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.eligibility == Eligibility.ELIGIBLE
    decision = EligibilityDecision.objects.get(application=first)
    assert (decision.passed, decision.reason, decision.decided_by) == (
        True,
        "Satzung liegt vor.",
        proc.manager,
    )
    assert list(selectors.applications_for_jury(proc.procedure)) == [first]
    entry = AuditEntry.objects.filter(procedure=proc.procedure, action="eligibility").get()
    assert entry.payload == {"application": first.pk, "eligibility": "eligible", "failed": []}


def test_a_failed_criterion_excludes_and_mails_the_reasons(
    client, closed, django_capture_on_commit_callbacks
):
    proc, first, _second, criterion = closed
    client.force_login(proc.manager)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, proc, first, criterion, passed="no", reason="Gewerbliche GmbH.")
    first.refresh_from_db()
    assert first.eligibility == Eligibility.INELIGIBLE
    assert list(selectors.applications_for_jury(proc.procedure)) == []
    assert [m.to for m in mail.outbox] == [[proc.applicant_editor.email]]
    body = mail.outbox[0].body
    assert "Gemeinnützige Rechtsform oder in Gründung" in body
    assert "Gewerbliche GmbH." in body
    assert "nicht zugelassen" in mail.outbox[0].subject


def test_reason_is_required_and_nothing_changes_without_it(client, closed):
    proc, first, _second, criterion = closed
    client.force_login(proc.manager)
    response = _post(client, proc, first, criterion, passed="no", reason="")
    assert response.status_code == 200
    assert f'id="id_reason_{criterion.pk}_error"' in response.content.decode()
    first.refresh_from_db()
    assert first.eligibility == Eligibility.PENDING
    assert not EligibilityDecision.objects.exists()
    with pytest.raises(ValidationError):
        services.eligibility_check(
            application=first, actor=proc.manager, decisions={criterion.pk: (True, "  ")}
        )
    with pytest.raises(ValidationError):
        services.eligibility_check(application=first, actor=proc.manager, decisions={})


def test_a_second_check_replaces_the_first(closed):
    proc, first, _second, criterion = closed
    services.eligibility_check(
        application=first, actor=proc.manager, decisions={criterion.pk: (False, "Fehlt.")}
    )
    services.eligibility_check(
        application=first, actor=proc.manager, decisions={criterion.pk: (True, "Nachgereicht.")}
    )
    first.refresh_from_db()
    assert first.eligibility == Eligibility.ELIGIBLE
    assert EligibilityDecision.objects.get().reason == "Nachgereicht."


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (ProcedureState.PUBLISHED, False),
        (ProcedureState.SUBMISSION_CLOSED, True),
        (ProcedureState.EVALUATION, True),
        (ProcedureState.DECIDED, False),
        (ProcedureState.CANCELLED, False),
    ],
)
def test_check_only_after_the_deadline_before_the_decision(closed, state, allowed):
    proc, first, _second, criterion = closed
    proc.set_state(state)
    first.refresh_from_db()
    decisions = {criterion.pk: (True, "ok")}
    if allowed:
        services.eligibility_check(application=first, actor=proc.manager, decisions=decisions)
    else:
        with pytest.raises(ValidationError):
            services.eligibility_check(application=first, actor=proc.manager, decisions=decisions)


def test_only_submitted_applications_are_checked(closed):
    proc, first, _second, criterion = closed
    proc.set_state(ProcedureState.PUBLISHED)
    services.application_withdraw(application=first, actor=proc.applicant_editor)
    proc.set_state(ProcedureState.SUBMISSION_CLOSED)
    first.refresh_from_db()
    with pytest.raises(ValidationError):
        services.eligibility_check(
            application=first, actor=proc.manager, decisions={criterion.pk: (True, "ok")}
        )


ROLES = [
    "anonymous",
    "outsider",
    "applicant_editor",
    "applicant_member",
    "other_applicant",
    "juror",
    "manager",
    "admin",
]


@pytest.mark.parametrize("role", ROLES)
def test_eligibility_check_permission_per_role(client, closed, world, role):
    proc, first, _second, criterion = closed
    user = {
        "anonymous": AnonymousUser(),
        "outsider": proc.outsider,
        "applicant_editor": proc.applicant_editor,
        "applicant_member": world.member,
        "other_applicant": proc.second_editor,
        "juror": proc.juror_one,
        "manager": proc.manager,
        "admin": proc.admin,
    }[role]
    if user.is_authenticated:
        client.force_login(user)
    response = _post(client, proc, first, criterion)
    first.refresh_from_db()
    allowed = role in {"manager", "admin"}
    assert (first.eligibility == Eligibility.ELIGIBLE) == allowed
    if not allowed:
        assert response.status_code == (302 if role == "anonymous" else 403)
        if user.is_authenticated:
            with pytest.raises(PermissionDenied):
                services.eligibility_check(
                    application=first, actor=user, decisions={criterion.pk: (True, "x")}
                )


def test_eligibility_page_renders_for_the_manager(client, closed):
    proc, first, _second, _criterion = closed
    client.force_login(proc.manager)
    response = client.get(
        reverse("procedures:eligibility_check", args=[proc.procedure.pk, first.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gemeinnützige Rechtsform oder in Gründung" in html
    assert "erfüllt" in html
