"""The jury: invitations, conflict declarations, scoring with reasons, submitting, blindness
and the manager's progress view (counts only until the evaluation is closed)."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from allmende.accounts.models import User
from allmende.procedures import selectors_jury as selectors
from allmende.procedures import services_jury as services
from allmende.procedures.audit import audit_verify
from allmende.procedures.models import (
    Application,
    AuditEntry,
    ConflictDeclaration,
    Juror,
    JurorRole,
    JuryScore,
    ProcedureState,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET_REASON = "Geheime Begründung von Jonas"


@pytest.fixture
def jury(proc):
    """The procedure in evaluation with two admitted applications (A: Stadtlücken, B:
    Wohnprojekt Uckermark), the two voting jurors of ``proc`` and an advisory juror."""
    proc.set_state(ProcedureState.EVALUATION)
    now = timezone.now()
    proc.app_a = Application.objects.create(
        procedure=proc.procedure,
        organisation=proc.applicant,
        state="submitted",
        eligibility="eligible",
        submitted_at=now,
        concepts={"object": "Werkstätten im Erdgeschoss", "group": "Genossenschaft"},
    )
    proc.app_b = Application.objects.create(
        procedure=proc.procedure,
        organisation=proc.second_applicant,
        state="submitted",
        eligibility="eligible",
        submitted_at=now,
    )
    # Not evaluated: a draft and an application refused in the eligibility check.
    Application.objects.create(
        procedure=proc.procedure, organisation=_org("Entwurf"), state="draft"
    )
    Application.objects.create(
        procedure=proc.procedure,
        organisation=_org("Abgelehnt"),
        state="submitted",
        eligibility="ineligible",
        submitted_at=now,
    )
    proc.seat_one = Juror.objects.get(procedure=proc.procedure, user=proc.juror_one)
    proc.seat_two = Juror.objects.get(procedure=proc.procedure, user=proc.juror_two)
    proc.advisor = UserFactory(email="beirat@example.org", name="Berta Beirat")
    proc.seat_advisor = Juror.objects.create(
        procedure=proc.procedure, user=proc.advisor, role=JurorRole.ADVISORY
    )
    proc.criteria = {c.key: c for c in proc.procedure.criteria.all()}
    return proc


def _org(name):
    return OrganisationFactory(name=name)


def declare(proc, seat, **conflicts):
    """Declare for both applications: ``conflicts`` maps "a"/"b" to a reason (conflict)."""
    services.conflicts_declare(
        juror=seat,
        actor=seat.user,
        declarations={
            proc.app_a.pk: (bool(conflicts.get("a")), conflicts.get("a", "")),
            proc.app_b.pk: (bool(conflicts.get("b")), conflicts.get("b", "")),
        },
    )


def score(proc, seat, application, obj="7.5", group="6", reason="Gut begründet"):
    return services.scores_save(
        juror=seat,
        actor=seat.user,
        application=application,
        scores={
            proc.criteria["object"].pk: (Decimal(obj), f"{reason} (Objekt)"),
            proc.criteria["group"].pk: (Decimal(group), f"{reason} (Gruppe)"),
        },
    )


def score_post(obj="7,5", group="6", reason_obj="Schlüssig", reason_group="Tragfähig"):
    return {
        "points_object": obj,
        "reason_object": reason_obj,
        "points_group": group,
        "reason_group": reason_group,
    }


# --- Invitations ---------------------------------------------------------------------------


def test_invitation_adds_an_existing_user_and_mails_procedure_and_role(
    jury, client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="expertin@example.org", name="Eva Expertin")
    client.force_login(jury.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("procedures:jury_invite", args=[jury.procedure.pk]),
            {"jury-email": "Expertin@example.org", "jury-role": "advisory", "jury-name": ""},
        )
    assert response.status_code == 302
    juror = Juror.objects.get(procedure=jury.procedure, user=person)
    assert juror.role == JurorRole.ADVISORY
    assert juror.invited_by == jury.manager
    message = mail.outbox[-1]
    assert message.to == ["expertin@example.org"]
    assert "Konzeptvergabe Alte Schule" in message.subject
    assert "Konzeptvergabe Alte Schule" in message.body
    assert "beratend" in message.body
    assert f"/verfahren/{jury.procedure.pk}/jury/" in message.body
    assert "passwort-neu" not in message.body
    entry = AuditEntry.objects.filter(procedure=jury.procedure).last()
    assert entry.action == "invite"
    assert entry.payload["role"] == "advisory"


def test_invitation_of_an_unknown_address_creates_an_account_to_set_a_password(
    jury, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.juror_invite(
            procedure=jury.procedure,
            actor=jury.manager,
            email="neu@example.org",
            role="voting",
            name="Nora Neu",
        )
    user = User.objects.get(email="neu@example.org")
    assert user.name == "Nora Neu"
    assert not user.has_usable_password()
    body = mail.outbox[-1].body
    assert "stimmberechtigt" in body
    path = re.search(r"http://testserver(/konto/passwort-neu/\S+/)", body).group(1)
    # The reset-confirm view redirects to its set-password form once the token checks out.
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Ein-neues-Passwort-42", "new_password2": "Ein-neues-Passwort-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ein-neues-Passwort-42")
    assert client.login(email="neu@example.org", password="Ein-neues-Passwort-42")
    assert client.get(reverse("procedures:jury_desk", args=[jury.procedure.pk])).status_code == 200


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (ProcedureState.DRAFT, False),
        (ProcedureState.PUBLISHED, True),
        (ProcedureState.SUBMISSION_CLOSED, True),
        (ProcedureState.EVALUATION, True),
        (ProcedureState.DECIDED, False),
        (ProcedureState.CANCELLED, False),
    ],
)
def test_invitations_are_allowed_from_publication_to_the_evaluation(proc, state, allowed):
    proc.set_state(state)
    if allowed:
        services.juror_invite(
            procedure=proc.procedure, actor=proc.manager, email="x@example.org", role="voting"
        )
        assert Juror.objects.filter(procedure=proc.procedure, user__email="x@example.org").exists()
    else:
        with pytest.raises(ValidationError):
            services.juror_invite(
                procedure=proc.procedure, actor=proc.manager, email="x@example.org", role="voting"
            )


def test_invitation_refuses_a_juror_twice_and_keeps_the_form_input(jury, client):
    client.force_login(jury.manager)
    response = client.post(
        reverse("procedures:jury_invite", args=[jury.procedure.pk]),
        {"jury-email": "jury1@example.org", "jury-role": "voting", "jury-name": "Jana"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "bereits Mitglied dieser Jury" in content
    assert 'value="jury1@example.org"' in content
    assert 'class="error-summary"' in content


def test_a_juror_can_be_removed_only_before_scoring(jury):
    declare(jury, jury.seat_advisor)
    services.juror_remove(juror=jury.seat_advisor, actor=jury.manager)
    assert not Juror.objects.filter(pk=jury.seat_advisor.pk).exists()
    declare(jury, jury.seat_one)
    score(jury, jury.seat_one, jury.app_b)
    with pytest.raises(ValidationError, match="nicht mehr entfernt"):
        services.juror_remove(juror=jury.seat_one, actor=jury.manager)
    assert AuditEntry.objects.filter(procedure=jury.procedure, action="juror_removed").count() == 1


# --- Conflict declarations -------------------------------------------------------------------


def test_declarations_cover_every_application_and_need_a_reason_with_a_conflict(jury, client):
    client.force_login(jury.juror_one)
    url = reverse("procedures:jury_declare", args=[jury.procedure.pk])
    page = client.get(url).content.decode()
    assert "Stadtlücken Stuttgart" in page
    assert "Wohnprojekt Uckermark" in page
    assert "Abgelehnt" not in page
    assert "Entwurf" not in page
    response = client.post(
        url, {f"conflict_{jury.app_a.pk}": "yes", f"reason_{jury.app_a.pk}": " "}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Geben Sie den Grund für die Befangenheit an." in content
    assert "Wählen Sie, ob Sie befangen sind." in content
    assert not ConflictDeclaration.objects.exists()
    response = client.post(
        url,
        {
            f"conflict_{jury.app_a.pk}": "yes",
            f"reason_{jury.app_a.pk}": "Ich bin Mitglied des Vereins.",
            f"conflict_{jury.app_b.pk}": "no",
        },
    )
    assert response.status_code == 302
    declarations = {d.application_id: d for d in ConflictDeclaration.objects.all()}
    assert declarations[jury.app_a.pk].has_conflict
    assert declarations[jury.app_a.pk].reason == "Ich bin Mitglied des Vereins."
    assert not declarations[jury.app_b.pk].has_conflict
    jury.seat_one.refresh_from_db()
    assert jury.seat_one.conflicts_declared_at is not None
    assert AuditEntry.objects.filter(procedure=jury.procedure, action="conflict").count() == 2


def test_scoring_waits_for_the_declarations(jury, client):
    client.force_login(jury.juror_one)
    response = client.get(reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk]))
    assert response.status_code == 302
    assert response.url == reverse("procedures:jury_declare", args=[jury.procedure.pk])
    with pytest.raises(ValidationError, match="Befangenheit"):
        score(jury, jury.seat_one, jury.app_b)


def test_a_declared_conflict_refuses_the_scoring_form_for_that_application(jury, client):
    declare(jury, jury.seat_one, a="Vorstandsmitglied")
    client.force_login(jury.juror_one)
    url = reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_a.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "ausgeschlossen" in response.content.decode()
    assert client.post(url, score_post()).status_code == 403
    with pytest.raises(ValidationError, match="ausgeschlossen"):
        score(jury, jury.seat_one, jury.app_a)
    assert not JuryScore.objects.filter(application=jury.app_a).exists()


def test_a_late_conflict_deletes_the_jurors_scores_for_that_application(jury):
    declare(jury, jury.seat_one)
    score(jury, jury.seat_one, jury.app_a)
    score(jury, jury.seat_one, jury.app_b)
    declare(jury, jury.seat_one, a="Erst jetzt bemerkt: Nachbarschaft")
    assert not JuryScore.objects.filter(juror=jury.seat_one, application=jury.app_a).exists()
    assert JuryScore.objects.filter(juror=jury.seat_one, application=jury.app_b).count() == 2
    entry = AuditEntry.objects.filter(procedure=jury.procedure, action="conflict").last()
    assert entry.payload["scores_deleted"] == 2
    assert entry.payload["changed"] is True


def test_a_conflict_cannot_be_withdrawn_after_submitting(jury):
    declare(jury, jury.seat_one, a="Vorstand")
    score(jury, jury.seat_one, jury.app_b)
    services.scores_submit(juror=jury.seat_one, actor=jury.juror_one)
    with pytest.raises(ValidationError) as exc:
        declare(jury, jury.seat_one)
    assert f"conflict_{jury.app_a.pk}" in exc.value.message_dict
    # Declaring a further conflict stays possible (it deletes those scores).
    declare(jury, jury.seat_one, a="Vorstand", b="Später bemerkt")
    assert not JuryScore.objects.filter(juror=jury.seat_one).exists()


def test_declarations_are_closed_outside_submission_closed_and_evaluation(jury):
    jury.set_state(ProcedureState.DECIDED)
    with pytest.raises(ValidationError):
        declare(jury, jury.seat_one)


def test_nobody_declares_for_another_juror(jury):
    with pytest.raises(PermissionDenied):
        services.conflicts_declare(
            juror=jury.seat_one,
            actor=jury.manager,
            declarations={jury.app_a.pk: (False, ""), jury.app_b.pk: (False, "")},
        )


# --- Scoring ---------------------------------------------------------------------------------


def test_the_scoring_form_shows_guidance_and_the_concept(jury, client):
    declare(jury, jury.seat_one)
    client.force_login(jury.juror_one)
    page = client.get(
        reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_a.pk])
    ).content.decode()
    assert "Objektkonzept" in page
    assert "Gruppenkonzept" in page
    assert "nachvollziehbar" in page
    assert "überzeugend" in page
    assert "Werkstätten im Erdgeschoss" in page  # the applicant's concept
    assert "0 bis 10 Punkte in Schritten von 0,5" in page


def test_scores_need_a_reason_per_criterion_and_keep_the_input(jury, client):
    declare(jury, jury.seat_one)
    client.force_login(jury.juror_one)
    url = reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk])
    response = client.post(url, score_post(reason_group=""))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Begründen Sie Ihre Punkte schriftlich." in content
    assert 'href="#id_reason_group"' in content  # error summary links to the field
    assert "Schlüssig" in content
    assert 'value="7,5"' in content
    assert not JuryScore.objects.exists()


@pytest.mark.parametrize(
    ("points", "message"),
    [("11", "kleiner oder gleich 10"), ("-1", "größer oder gleich 0"), ("7,3", "0,5")],
)
def test_points_stay_on_the_scale_in_half_steps(jury, client, points, message):
    declare(jury, jury.seat_one)
    client.force_login(jury.juror_one)
    url = reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk])
    response = client.post(url, score_post(obj=points))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not JuryScore.objects.exists()


def test_service_refuses_points_off_the_scale(jury):
    declare(jury, jury.seat_one)
    with pytest.raises(ValidationError) as exc:
        score(jury, jury.seat_one, jury.app_b, obj="10.5", group="2.25", reason=" ")
    errors = exc.value.message_dict
    assert set(errors) >= {"points_object", "points_group"}


def test_scores_can_be_saved_again_until_submitted(jury, client):
    declare(jury, jury.seat_one)
    client.force_login(jury.juror_one)
    url = reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk])
    assert client.post(url, score_post()).status_code == 302
    assert client.post(url, score_post(obj="8")).status_code == 302
    points = JuryScore.objects.get(juror=jury.seat_one, criterion=jury.criteria["object"]).points
    assert points == Decimal("8")
    assert JuryScore.objects.filter(juror=jury.seat_one).count() == 2
    assert AuditEntry.objects.filter(procedure=jury.procedure, action="score").count() == 2


def test_submitting_requires_every_application_without_conflict_scored(jury, client):
    declare(jury, jury.seat_one)
    score(jury, jury.seat_one, jury.app_b)
    client.force_login(jury.juror_one)
    url = reverse("procedures:jury_submit", args=[jury.procedure.pk])
    response = client.post(url, follow=True)
    assert "Noch offen: Stadtlücken Stuttgart" in response.content.decode()
    jury.seat_one.refresh_from_db()
    assert jury.seat_one.scores_submitted_at is None
    score(jury, jury.seat_one, jury.app_a)
    response = client.post(url, follow=True)
    assert "abgeschickt" in response.content.decode()
    jury.seat_one.refresh_from_db()
    assert jury.seat_one.scores_submitted_at is not None
    entry = AuditEntry.objects.filter(procedure=jury.procedure).last()
    assert entry.action == "scores_submitted"
    # Final: no more saving, no second submission.
    with pytest.raises(ValidationError):
        score(jury, jury.seat_one, jury.app_b, obj="1")
    with pytest.raises(ValidationError):
        services.scores_submit(juror=jury.seat_one, actor=jury.juror_one)


def test_a_juror_with_a_conflict_submits_without_scoring_that_application(jury):
    declare(jury, jury.seat_one, a="Verwandtschaft")
    score(jury, jury.seat_one, jury.app_b)
    services.scores_submit(juror=jury.seat_one, actor=jury.juror_one)
    entry = AuditEntry.objects.filter(procedure=jury.procedure).last()
    assert entry.payload["conflicts"] == [jury.app_a.pk]


def test_scoring_only_during_the_evaluation(jury):
    declare(jury, jury.seat_one)
    jury.set_state(ProcedureState.SUBMISSION_CLOSED)
    with pytest.raises(ValidationError, match="Bewertung"):
        score(jury, jury.seat_one, jury.app_b)


def test_advisory_juror_is_told_that_points_do_not_count(jury, client):
    declare(jury, jury.seat_advisor)
    client.force_login(jury.advisor)
    page = client.get(
        reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk])
    ).content.decode()
    assert "zählen aber nicht für die Rangfolge" in page


def test_the_audit_of_a_score_does_not_reveal_the_points(jury):
    declare(jury, jury.seat_two)
    score(jury, jury.seat_two, jury.app_b, obj="9.5", reason=SECRET_REASON)
    entry = AuditEntry.objects.filter(procedure=jury.procedure, action="score").get()
    assert set(entry.payload) == {"juror", "application", "criteria", "digest"}
    assert "9.5" not in str(entry.payload)
    assert SECRET_REASON not in str(entry.payload)
    assert audit_verify([jury.procedure.pk]) == []


# --- Blindness and the manager's view -------------------------------------------------------


def _two_has_scored(jury):
    declare(jury, jury.seat_two)
    score(jury, jury.seat_two, jury.app_a, obj="9.5", reason=SECRET_REASON)
    score(jury, jury.seat_two, jury.app_b, obj="3", reason=SECRET_REASON)
    services.scores_submit(juror=jury.seat_two, actor=jury.juror_two)


def test_a_juror_sees_other_scores_only_after_submitting_own(jury, client):
    _two_has_scored(jury)
    declare(jury, jury.seat_one, a="Vorstand")
    client.force_login(jury.juror_one)
    url = reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk])
    assert SECRET_REASON not in client.get(url).content.decode()
    assert (
        SECRET_REASON
        not in client.get(
            reverse("procedures:jury_desk", args=[jury.procedure.pk])
        ).content.decode()
    )
    assert selectors.jury_other_scores(juror=jury.seat_one, application=jury.app_b) == []
    score(jury, jury.seat_one, jury.app_b)
    services.scores_submit(juror=jury.seat_one, actor=jury.juror_one)
    page = client.get(url).content.decode()
    assert SECRET_REASON in page
    assert "Jonas Jury" in page
    # Not for the application with the juror's own conflict.
    assert selectors.jury_other_scores(juror=jury.seat_one, application=jury.app_a) == []


def test_other_scores_show_only_jurors_who_submitted(jury):
    declare(jury, jury.seat_one)
    score(jury, jury.seat_one, jury.app_a)
    score(jury, jury.seat_one, jury.app_b)
    services.scores_submit(juror=jury.seat_one, actor=jury.juror_one)
    declare(jury, jury.seat_two)
    score(jury, jury.seat_two, jury.app_b, reason=SECRET_REASON)  # not submitted yet
    assert selectors.jury_other_scores(juror=jury.seat_one, application=jury.app_b) == []


def test_the_manager_sees_progress_but_no_scores_during_the_evaluation(jury, client):
    _two_has_scored(jury)
    declare(jury, jury.seat_one, a="Vorstand")
    client.force_login(jury.manager)
    page = client.get(reverse("procedures:jury_manage", args=[jury.procedure.pk])).content
    page = page.decode()
    assert "Jonas Jury" in page
    assert "Jana Jury" in page
    assert "2 von 2" in page  # juror two: declared and scored both
    assert "1 Befangenheit" in page
    assert SECRET_REASON not in page
    assert "9,5" not in page
    assert "9.5" not in page
    progress = {p.juror.user: p for p in selectors.jury_progress(procedure=jury.procedure)}
    assert progress[jury.juror_two].submitted
    assert progress[jury.juror_two].scored == 2
    assert progress[jury.juror_one].to_score == 1
    assert progress[jury.juror_one].scored == 0
    # Any other page of the procedure the manager may open, and the API, show no scores.
    for url in (
        f"/verfahren/{jury.procedure.pk}/",
        f"/verfahren/{jury.procedure.pk}/verwalten/",
        f"/api/v1/procedures/{jury.procedure.pk}",
        f"/api/v1/procedures/{jury.procedure.pk}/results",
    ):
        response = client.get(url)
        assert SECRET_REASON not in response.content.decode(), url
    # Neither can the manager open the scoring forms.
    score_url = reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk])
    assert client.get(score_url).status_code == 403


def test_the_manage_partial_renders_progress_on_the_manager_page(jury, client):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = jury.manager
    html = render_to_string(
        "procedures/_manage_jury.html",
        {"procedure": jury.procedure, **selectors.manage_jury_context(procedure=jury.procedure)},
        request=request,
    )
    assert "Jana Jury" in html
    assert "Jurymitglied einladen" in html
    # Without the context the partial links to the jury page.
    html = render_to_string("procedures/_manage_jury.html", {"procedure": jury.procedure})
    assert reverse("procedures:jury_manage", args=[jury.procedure.pk]) in html


def test_the_public_partial_links_a_juror_to_the_desk(jury):
    from django.template.loader import render_to_string

    for user, shown in ((jury.juror_one, True), (jury.outsider, False), (AnonymousUser(), False)):
        html = render_to_string(
            "procedures/_jury_actions.html",
            {
                "procedure": jury.procedure,
                "user": user,
                **selectors.jury_actions_context(procedure=jury.procedure, user=user),
            },
        )
        assert (reverse("procedures:jury_desk", args=[jury.procedure.pk]) in html) is shown
        # With only procedure and user in the context (as the brief of the page has it).
        html = render_to_string(
            "procedures/_jury_actions.html", {"procedure": jury.procedure, "user": user}
        )
        assert (reverse("procedures:jury_desk", args=[jury.procedure.pk]) in html) is shown


def test_desk_and_progress_use_a_fixed_number_of_queries(jury, django_assert_max_num_queries):
    for i in range(5):
        Application.objects.create(
            procedure=jury.procedure,
            organisation=_org(f"Initiative {i}"),
            state="submitted",
            eligibility="eligible",
            submitted_at=timezone.now(),
        )
    with django_assert_max_num_queries(3):
        desk = selectors.jury_desk(juror=jury.seat_one)
        assert len(desk.rows) == 7
    with django_assert_max_num_queries(5):
        assert len(selectors.jury_progress(procedure=jury.procedure)) == 3


# --- Permissions per role --------------------------------------------------------------------

ROLES = [
    "anonymous",
    "outsider",
    "applicant_editor",
    "juror_one",
    "juror_two",
    "advisor",
    "manager",
    "admin",
]


def _user(jury, role):
    return AnonymousUser() if role == "anonymous" else getattr(jury, role)


def _login(client, jury, role):
    if role != "anonymous":
        client.force_login(_user(jury, role))


def _status(response):
    """allowed / login / denied from an HTTP answer."""
    if response.status_code == 302 and "/konto/anmelden/" in response.url:
        return "login"
    if response.status_code in (403, 404):
        return "denied"
    return "allowed"


MANAGERS = {"manager", "admin"}
JURORS = {"juror_one", "juror_two", "advisor"}


@pytest.mark.parametrize("role", ROLES)
def test_permission_invite(jury, client, role):
    _login(client, jury, role)
    response = client.post(
        reverse("procedures:jury_invite", args=[jury.procedure.pk]),
        {"jury-email": "neu@example.org", "jury-role": "voting"},
    )
    expected = "login" if role == "anonymous" else ("allowed" if role in MANAGERS else "denied")
    assert _status(response) == expected
    assert Juror.objects.filter(user__email="neu@example.org").exists() is (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_permission_declare(jury, client, role):
    _login(client, jury, role)
    response = client.post(
        reverse("procedures:jury_declare", args=[jury.procedure.pk]),
        {f"conflict_{jury.app_a.pk}": "no", f"conflict_{jury.app_b.pk}": "no"},
    )
    expected = "login" if role == "anonymous" else ("allowed" if role in JURORS else "denied")
    assert _status(response) == expected
    assert ConflictDeclaration.objects.exists() is (role in JURORS)


@pytest.mark.parametrize("role", ROLES)
def test_permission_score(jury, client, role):
    for seat in (jury.seat_one, jury.seat_two, jury.seat_advisor):
        declare(jury, seat)
    _login(client, jury, role)
    response = client.post(
        reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk]), score_post()
    )
    expected = "login" if role == "anonymous" else ("allowed" if role in JURORS else "denied")
    assert _status(response) == expected
    assert JuryScore.objects.exists() is (role in JURORS)


@pytest.mark.parametrize("role", ROLES)
def test_permission_submit(jury, client, role):
    for seat in (jury.seat_one, jury.seat_two, jury.seat_advisor):
        declare(jury, seat)
        score(jury, seat, jury.app_a)
        score(jury, seat, jury.app_b)
    _login(client, jury, role)
    response = client.post(reverse("procedures:jury_submit", args=[jury.procedure.pk]))
    expected = "login" if role == "anonymous" else ("allowed" if role in JURORS else "denied")
    assert _status(response) == expected
    submitted = Juror.objects.filter(
        procedure=jury.procedure, scores_submitted_at__isnull=False
    ).count()
    assert submitted == (1 if role in JURORS else 0)


@pytest.mark.parametrize("role", ROLES)
def test_permission_see_other_scores(jury, client, role):
    """Only a juror who submitted sees the others' scores (juror two's are the secret)."""
    _two_has_scored(jury)
    for seat in (jury.seat_one, jury.seat_advisor):
        declare(jury, seat)
        score(jury, seat, jury.app_a)
        score(jury, seat, jury.app_b)
        services.scores_submit(juror=seat, actor=seat.user)
    _login(client, jury, role)
    response = client.get(reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk]))
    sees = SECRET_REASON in response.content.decode()
    # Juror two sees their own reason; the others who submitted see it as another's score.
    assert sees is (role in JURORS)
    if role not in JURORS:
        assert _status(response) in ("login", "denied")


@pytest.mark.parametrize("role", ROLES)
def test_permission_see_progress(jury, client, role):
    _login(client, jury, role)
    response = client.get(reverse("procedures:jury_manage", args=[jury.procedure.pk]))
    expected = "login" if role == "anonymous" else ("allowed" if role in MANAGERS else "denied")
    assert _status(response) == expected


def test_manager_sees_scores_nowhere_before_a_juror_who_has_not_submitted(jury, client):
    """A juror who has not submitted sees no other scores even when everyone else has."""
    _two_has_scored(jury)
    declare(jury, jury.seat_advisor)
    client.force_login(jury.advisor)
    page = client.get(
        reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk])
    ).content.decode()
    assert SECRET_REASON not in page


def test_removing_a_juror_who_scored_is_refused_with_a_message(jury, client):
    declare(jury, jury.seat_one)
    score(jury, jury.seat_one, jury.app_b)
    client.force_login(jury.manager)
    manage = reverse("procedures:jury_manage", args=[jury.procedure.pk])
    page = client.get(manage).content.decode()
    assert reverse("procedures:jury_remove", args=[jury.procedure.pk, jury.seat_one.pk]) not in page
    assert reverse("procedures:jury_remove", args=[jury.procedure.pk, jury.seat_two.pk]) in page
    response = client.post(
        reverse("procedures:jury_remove", args=[jury.procedure.pk, jury.seat_one.pk]), follow=True
    )
    assert "kann nicht mehr entfernt werden" in response.content.decode()
    assert Juror.objects.filter(pk=jury.seat_one.pk).exists()
    response = client.post(
        reverse("procedures:jury_remove", args=[jury.procedure.pk, jury.seat_two.pk]),
        {"next": "https://example.com/"},
    )
    assert response.url == manage  # no redirect to another site
    assert not Juror.objects.filter(pk=jury.seat_two.pk).exists()


def test_after_the_decision_the_jury_page_shows_progress_without_invitations(jury, client):
    _two_has_scored(jury)
    jury.set_state(ProcedureState.DECIDED)
    client.force_login(jury.manager)
    page = client.get(reverse("procedures:jury_manage", args=[jury.procedure.pk])).content.decode()
    assert "Jonas Jury" in page
    assert "Einladung senden" not in page
    assert "entfernen" not in page
    # The evaluation is closed: now the managers see every score with its reason.
    assert SECRET_REASON in page
    assert "9,5 / 10" in page
    # A juror who submitted still sees the others' scores; the form is read-only.
    client.force_login(jury.juror_two)
    page = client.get(
        reverse("procedures:jury_score", args=[jury.procedure.pk, jury.app_b.pk])
    ).content.decode()
    assert "Bewertung speichern" not in page
    assert SECRET_REASON in page


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (ProcedureState.EVALUATION, False),
        (ProcedureState.DECIDED, True),
        (ProcedureState.OPTION, True),
        (ProcedureState.CONCLUDED, True),
        (ProcedureState.CANCELLED, False),
    ],
)
@pytest.mark.parametrize("role", ["manager", "admin", "juror_one", "outsider"])
def test_all_scores_only_for_managers_once_the_evaluation_is_closed(jury, state, shown, role):
    _two_has_scored(jury)
    jury.set_state(state)
    result = selectors.jury_scores_closed(procedure=jury.procedure, user=_user(jury, role))
    visible = any(
        score.reason.startswith(SECRET_REASON)
        for item in result
        for _criterion, scores in item.rows
        for score in scores
    )
    assert visible is (shown and role in MANAGERS)
