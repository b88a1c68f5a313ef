"""Questions and answers: bidders ask until the question deadline, the managers answer, the
answer is published without the asker, and everyone who asked or applied is e-mailed."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from allmende.networks.models import OrganisationRoleKind
from allmende.procedures import services_applications as services
from allmende.procedures.models import AuditEntry, ProcedureState, Question
from tests.factories import OrganisationRoleFactory

pytestmark = pytest.mark.django_db


def _ask_url(proc):
    return reverse("procedures:question_ask", args=[proc.procedure.pk])


def _user(proc, world, role):
    if role == "anonymous":
        return AnonymousUser()
    if role == "applicant_member":
        return world.member
    return {
        "outsider": proc.outsider,
        "applicant_editor": proc.applicant_editor,
        "other_applicant": proc.second_editor,
        "juror": proc.juror_one,
        "manager": proc.manager,
        "admin": proc.admin,
    }[role]


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
MAY_ASK = {"applicant_editor", "other_applicant"}
MAY_ANSWER = {"manager", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_ask_permission_per_role(client, proc, world, role):
    proc.publish()
    user = _user(proc, world, role)
    if role != "anonymous":
        client.force_login(user)
    response = client.post(_ask_url(proc), {"text": "Gibt es einen Keller?"})
    if role in MAY_ASK:
        assert response.status_code == 302
        assert Question.objects.filter(procedure=proc.procedure).count() == 1
    else:
        assert response.status_code in (302, 403) if role == "anonymous" else 403
        assert not Question.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_answer_permission_per_role(client, proc, world, role):
    proc.publish()
    question = services.question_ask(
        procedure=proc.procedure,
        organisation=proc.applicant,
        actor=proc.applicant_editor,
        text="Gibt es einen Keller?",
    )
    user = _user(proc, world, role)
    if role != "anonymous":
        client.force_login(user)
    url = reverse("procedures:question_answer", args=[proc.procedure.pk, question.pk])
    response = client.post(url, {"answer": "Ja, 120 m²."})
    question.refresh_from_db()
    if role in MAY_ANSWER:
        assert response.status_code == 302
        assert question.answer == "Ja, 120 m²."
    else:
        assert response.status_code in (302, 403)
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert question.answer == ""


def test_question_is_refused_after_the_question_deadline_with_a_clear_message(client, proc):
    procedure = proc.publish()
    deadline = procedure.question_deadline
    client.force_login(proc.applicant_editor)
    with mock.patch(
        "django.utils.timezone.now", return_value=deadline + datetime.timedelta(seconds=1)
    ):
        response = client.post(_ask_url(proc), {"text": "Zu spät?"})
    assert response.status_code == 200
    assert "Die Frist für Fragen endete am" in response.content.decode()
    assert not Question.objects.exists()


def test_question_is_taken_one_second_before_the_deadline(proc):
    procedure = proc.publish()
    with mock.patch(
        "django.utils.timezone.now",
        return_value=procedure.question_deadline - datetime.timedelta(seconds=1),
    ):
        services.question_ask(
            procedure=procedure,
            organisation=proc.applicant,
            actor=proc.applicant_editor,
            text="Gerade noch?",
        )
    assert Question.objects.count() == 1


def test_the_running_town_cannot_ask_and_a_draft_takes_no_questions(proc):
    with pytest.raises(PermissionDenied):
        services.question_ask(
            procedure=proc.procedure, organisation=proc.town, actor=proc.manager, text="?"
        )
    with pytest.raises(ValidationError):
        services.question_ask(
            procedure=proc.procedure,
            organisation=proc.applicant,
            actor=proc.applicant_editor,
            text="Schon offen?",
        )


def test_answer_is_published_without_the_askers_identity_and_mailed_to_bidders(
    client, proc, django_capture_on_commit_callbacks
):
    procedure = proc.publish()
    # The second initiative has a draft application; a member (not editor) gets no mail.
    services.application_create(
        procedure=procedure,
        organisation=proc.second_applicant,
        actor=proc.second_editor,
        data={},
    )
    OrganisationRoleFactory(
        organisation=proc.applicant, role=OrganisationRoleKind.MEMBER, user__email="m@example.org"
    )
    client.force_login(proc.applicant_editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_ask_url(proc), {"text": "Ist der Dachstuhl intakt?"})
    question = Question.objects.get()
    assert question.organisation == proc.applicant
    assert [m.to for m in mail.outbox] == [["rathaus@example.org"]]
    mail.outbox.clear()

    client.force_login(proc.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("procedures:question_answer", args=[procedure.pk, question.pk]),
            {"answer": "Ja, saniert 2019."},
        )
    assert response.status_code == 302
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([proc.applicant_editor.email, "wohnprojekt@example.org"])
    # One mail per recipient: no bidder sees another's address or the asker.
    assert all(len(m.to) == 1 for m in mail.outbox)
    for message in mail.outbox:
        assert "Ja, saniert 2019." in message.body
        assert proc.applicant.name not in message.body
        assert proc.applicant_editor.email not in message.body

    client.logout()
    html = client.get(procedure.get_absolute_url()).content.decode()
    assert "Ist der Dachstuhl intakt?" in html
    assert "Ja, saniert 2019." in html
    assert proc.applicant.name not in html


def test_correcting_an_answer_mails_nobody_again_and_both_actions_are_audited(
    proc, django_capture_on_commit_callbacks
):
    procedure = proc.publish()
    question = services.question_ask(
        procedure=procedure, organisation=proc.applicant, actor=proc.applicant_editor, text="?"
    )
    services.question_answer(question=question, actor=proc.manager, answer="Erste Antwort")
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question=question, actor=proc.manager, answer="Korrigiert")
    assert mail.outbox == []
    actions = list(AuditEntry.objects.filter(procedure=procedure).values_list("action", "payload"))
    assert actions == [
        ("question", {"question": question.pk}),
        ("answer", {"question": question.pk, "corrected": False}),
        ("answer", {"question": question.pk, "corrected": True}),
    ]


def test_asking_is_rate_limited(client, proc):
    proc.publish()
    client.force_login(proc.applicant_editor)
    statuses = [client.post(_ask_url(proc), {"text": f"Frage {n}"}).status_code for n in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    assert Question.objects.count() == 10


def test_question_form_error_keeps_the_text_and_shows_summary(client, proc):
    proc.publish()
    client.force_login(proc.applicant_editor)
    response = client.post(_ask_url(proc), {"text": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert 'id="id_text_error"' in html


def test_cancelled_procedure_questions_cannot_be_answered(proc):
    procedure = proc.publish()
    question = services.question_ask(
        procedure=procedure, organisation=proc.applicant, actor=proc.applicant_editor, text="?"
    )
    proc.set_state(ProcedureState.CANCELLED)
    question.refresh_from_db()
    with pytest.raises(ValidationError):
        services.question_answer(question=question, actor=proc.manager, answer="Zu spät")
    assert timezone.now()  # the clock is real here
