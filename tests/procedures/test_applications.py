"""Applications: drafts, submission with a receipt, changes after submission, withdrawal,
attachments, and who sees and changes what."""

import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allmende.procedures import selectors_applications as selectors
from allmende.procedures import services_applications as services
from allmende.procedures.models import (
    Application,
    ApplicationAttachment,
    ApplicationState,
    AuditEntry,
    Eligibility,
    PriceModel,
    Procedure,
    ProcedureState,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CONCEPTS = {"object": "Wohnen und Werkstätten im Altbau.", "group": "Zwölf Leute, Genossenschaft."}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def draft(proc, organisation=None, editor=None, **data):
    return services.application_create(
        procedure=proc.procedure,
        organisation=organisation or proc.applicant,
        actor=editor or proc.applicant_editor,
        data={"concepts": dict(CONCEPTS), **data},
    )


def submitted(proc, organisation=None, editor=None, **data):
    application = draft(proc, organisation, editor, **data)
    return services.application_submit(
        application=application, actor=editor or proc.applicant_editor
    )


def user_for(proc, world, role):
    return {
        "anonymous": AnonymousUser(),
        "outsider": proc.outsider,
        "applicant_editor": proc.applicant_editor,
        "applicant_member": world.member,
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


def _login(client, user):
    if user.is_authenticated:
        client.force_login(user)


# --- Drafts and submission ----------------------------------------------------------------


def test_editor_saves_a_draft_then_submits_and_gets_a_receipt_by_page_and_mail(
    client, proc, django_capture_on_commit_callbacks
):
    procedure = proc.publish()
    client.force_login(proc.applicant_editor)
    response = client.post(
        reverse("procedures:application_create", args=[procedure.pk]),
        {
            "concept_object": "Wohnen und Werkstätten.",
            "concept_group": "",
            "legal_form": "eG",
            "group_size": "12",
            "self_use_share": "80",
            "equity": "150000",
            "loans": "900000",
            "subsidies": "50000",
            "planned_rent": "7.50",
            "may_be_named": "on",
            "action": "save",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "procedures:application_detail", args=[procedure.pk, application.pk]
    )
    assert application.state == ApplicationState.DRAFT
    assert application.concepts == {"object": "Wohnen und Werkstätten.", "group": ""}
    assert (application.legal_form, application.group_size, application.planned_rent) == (
        "eG",
        12,
        Decimal("7.50"),
    )

    # Submitting with an empty concept is refused next to the field; nothing is lost.
    url = reverse("procedures:application_edit", args=[procedure.pk, application.pk])
    data = {
        "concept_object": "Wohnen und Werkstätten.",
        "concept_group": "",
        "legal_form": "eG",
        "action": "submit",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_concept_group_error"' in html
    assert "Bitte beschreiben Sie Ihr Konzept zu „Gruppenkonzept“." in html
    assert 'class="error-summary"' in html
    assert "Wohnen und Werkstätten." in html
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT

    data["concept_group"] = "Zwölf Leute."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    application.refresh_from_db()
    receipt_url = reverse("procedures:application_receipt", args=[procedure.pk, application.pk])
    assert response["Location"] == receipt_url
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_at is not None
    assert application.receipt_hash == services.receipt_hash(application)
    assert len(application.receipt_hash) == 64
    page = client.get(receipt_url).content.decode()
    assert application.receipt_hash in page
    assert [m.to for m in mail.outbox] == [[proc.applicant_editor.email]]
    assert application.receipt_hash in mail.outbox[0].body
    assert AuditEntry.objects.filter(procedure=procedure, action="submit").count() == 1


def test_receipt_hash_is_sha256_of_the_canonical_content(proc):
    proc.publish()
    application = submitted(proc, equity=Decimal("1000"))
    content = services.receipt_content(application)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert application.receipt_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert content["concepts"] == CONCEPTS
    assert content["financing"]["equity"] == "1000"
    assert content["attachments"] == []


def test_changing_a_submitted_application_resubmits_with_a_new_receipt(proc):
    proc.publish()
    application = submitted(proc)
    first = application.receipt_hash
    services.application_update(
        application=application,
        actor=proc.applicant_editor,
        data={"concepts": {**CONCEPTS, "group": "Jetzt vierzehn Leute."}},
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.receipt_hash != first
    assert application.receipt_hash == services.receipt_hash(application)


def test_incomplete_change_of_a_submitted_application_changes_nothing(proc):
    proc.publish()
    application = submitted(proc)
    before = (application.concepts, application.receipt_hash)
    with pytest.raises(ValidationError):
        services.application_update(
            application=application,
            actor=proc.applicant_editor,
            data={"concepts": {**CONCEPTS, "group": ""}},
        )
    application.refresh_from_db()
    assert (application.concepts, application.receipt_hash) == before


def test_withdrawal_removes_the_receipt_and_the_draft_can_be_taken_up_again(proc):
    procedure = proc.publish()
    application = submitted(proc)
    services.application_withdraw(application=application, actor=proc.applicant_editor)
    application.refresh_from_db()
    assert (application.state, application.receipt_hash) == (ApplicationState.WITHDRAWN, "")
    assert list(selectors.applications_submitted(procedure=procedure)) == []
    services.application_submit(application=application, actor=proc.applicant_editor)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    actions = list(AuditEntry.objects.filter(procedure=procedure).values_list("action", flat=True))
    assert actions == ["submit", "withdraw", "submit"]


def test_one_application_per_organisation(client, proc):
    procedure = proc.publish()
    draft(proc)
    with pytest.raises(ValidationError):
        draft(proc)
    client.force_login(proc.applicant_editor)
    # The start link leads to the existing application; the create form is refused.
    response = client.get(reverse("procedures:application_start", args=[procedure.pk]))
    assert response["Location"] == reverse(
        "procedures:application_detail", args=[procedure.pk, Application.objects.get().pk]
    )
    assert (
        client.get(reverse("procedures:application_create", args=[procedure.pk])).status_code == 403
    )


def test_the_running_town_cannot_apply_for_its_own_procedure(proc):
    proc.publish()
    with pytest.raises(PermissionDenied):
        draft(proc, organisation=proc.town, editor=proc.manager)


def test_no_applications_to_a_draft_or_closed_procedure(proc):
    with pytest.raises(ValidationError):
        draft(proc)
    proc.publish()
    application = draft(proc)
    proc.set_state(ProcedureState.SUBMISSION_CLOSED)
    application.refresh_from_db()
    with pytest.raises(ValidationError):
        services.application_submit(application=application, actor=proc.applicant_editor)


def test_bid_only_when_bids_count_and_at_least_the_minimum(client, proc):
    Procedure.objects.filter(pk=proc.procedure.pk).update(
        price_model=PriceModel.HIGHEST_BID, price_weight=30, minimum_bid=100000
    )
    procedure = proc.publish()
    client.force_login(proc.applicant_editor)
    page = client.get(reverse("procedures:application_create", args=[procedure.pk]))
    assert 'name="bid"' in page.content.decode()
    with pytest.raises(ValidationError) as error:
        draft(proc, bid=Decimal(90000))
    assert "bid" in error.value.error_dict
    application = draft(proc)
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, actor=proc.applicant_editor)
    assert "bid" in error.value.error_dict
    services.application_update(
        application=application, actor=proc.applicant_editor, data={"bid": Decimal(120000)}
    )
    services.application_submit(application=application, actor=proc.applicant_editor)
    application.refresh_from_db()
    assert services.receipt_content(application)["bid"] == "120000"


def test_fixed_price_form_has_no_bid_field_and_ignores_a_bid(client, proc):
    procedure = proc.publish()
    client.force_login(proc.applicant_editor)
    page = client.get(reverse("procedures:application_create", args=[procedure.pk]))
    html = page.content.decode()
    assert 'name="bid"' not in html
    # Labelled with the criterion's name and its guidance.
    assert "Konzept: Objektkonzept" in html
    assert "10 Punkte: überzeugend" in html
    assert draft(proc, bid=Decimal(5)).bid is None


# --- Attachments --------------------------------------------------------------------------


def test_attachment_is_checked_by_content_hashed_and_stored_privately(client, proc, settings):
    procedure = proc.publish()
    application = submitted(proc)
    first_receipt = application.receipt_hash
    client.force_login(proc.applicant_editor)
    url = reverse("procedures:attachment_add", args=[procedure.pk, application.pk])
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {"title": "Plan", "file": fake})
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.content.decode()
    assert "weder ein PDF-Dokument" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()

    response = client.post(
        url, {"title": "Finanzierungsplan", "file": SimpleUploadedFile("f.pdf", PDF)}
    )
    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (attachment.content_type, attachment.size_bytes) == ("application/pdf", len(PDF))
    assert str(settings.PRIVATE_MEDIA_ROOT) in attachment.file.path
    assert "f.pdf" not in attachment.file.name
    application.refresh_from_db()
    assert application.receipt_hash != first_receipt
    assert services.receipt_content(application)["attachments"] == [attachment.sha256]

    client.post(url, {"title": "Foto", "file": SimpleUploadedFile("x.bin", PNG)})
    assert ApplicationAttachment.objects.filter(content_type="image/png").count() == 1


def test_attachment_size_limit(proc, settings):
    settings.PROCEDURE_ATTACHMENT_MAX_BYTES = 10
    proc.publish()
    application = draft(proc)
    with pytest.raises(ValidationError) as error:
        services.attachment_add(
            application=application,
            actor=proc.applicant_editor,
            file=SimpleUploadedFile("f.pdf", PDF),
            title="Zu groß",
        )
    assert error.value.code == "too_large"


# --- Permissions --------------------------------------------------------------------------

# role -> allowed for: create (own org), edit/submit/withdraw the applicant's application
MAY_CREATE = {"applicant_editor", "other_applicant"}
MAY_CHANGE = {"applicant_editor", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_create_application_permission_per_role(client, proc, world, role):
    procedure = proc.publish()
    user = user_for(proc, world, role)
    _login(client, user)
    response = client.post(
        reverse("procedures:application_create", args=[procedure.pk]),
        {"concept_object": "x", "action": "save"},
    )
    created = Application.objects.exists()
    assert created == (role in MAY_CREATE)
    if not created:
        assert response.status_code == (302 if role == "anonymous" else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["edit", "submit", "withdraw"])
def test_change_application_permission_per_role(client, proc, world, role, action):
    procedure = proc.publish()
    application = draft(proc)
    if action == "withdraw":
        application = services.application_submit(
            application=application, actor=proc.applicant_editor
        )
    user = user_for(proc, world, role)
    _login(client, user)
    url = reverse(f"procedures:application_{action}", args=[procedure.pk, application.pk])
    data = {"concept_object": "geändert", "concept_group": "g", "action": "save"}
    response = client.post(url, data if action == "edit" else {})
    application.refresh_from_db()
    changed = {
        "edit": application.concepts.get("object") == "geändert",
        "submit": application.state == ApplicationState.SUBMITTED,
        "withdraw": application.state == ApplicationState.WITHDRAWN,
    }[action]
    assert changed == (role in MAY_CHANGE)
    if role not in MAY_CHANGE:
        # Those who may see the application are refused; the others do not learn it exists.
        sees_draft = role == "applicant_member"
        sees_submitted = role in {"applicant_member", "manager"}
        visible = sees_submitted if action == "withdraw" else sees_draft
        expected = 302 if role == "anonymous" else (403 if visible else 404)
        assert response.status_code == expected


# Who sees the applicant's application in each state.
VIEW = {
    "draft": {"applicant_editor", "applicant_member", "admin"},
    "submitted": {"applicant_editor", "applicant_member", "manager", "admin"},
    "eligible": {"applicant_editor", "applicant_member", "manager", "admin", "juror"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["draft", "submitted", "eligible"])
def test_view_application_and_download_attachment_per_role(client, proc, world, role, state):
    procedure = proc.publish()
    application = draft(proc)
    attachment = services.attachment_add(
        application=application,
        actor=proc.applicant_editor,
        file=SimpleUploadedFile("f.pdf", PDF),
        title="Finanzierungsplan",
    )
    if state != "draft":
        services.application_submit(application=application, actor=proc.applicant_editor)
    if state == "eligible":
        Application.objects.filter(pk=application.pk).update(eligibility=Eligibility.ELIGIBLE)
    _login(client, user_for(proc, world, role))
    detail = client.get(
        reverse("procedures:application_detail", args=[procedure.pk, application.pk])
    )
    download = client.get(
        reverse(
            "procedures:attachment_download",
            args=[procedure.pk, application.pk, attachment.pk],
        )
    )
    allowed = role in VIEW[state]
    assert detail.status_code == (200 if allowed else 404)
    if allowed:
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert download["Cache-Control"] == "private, no-store"
    else:
        assert download.status_code == (302 if role == "anonymous" else 404)


def test_other_applicant_never_sees_the_first_ones_application(proc):
    procedure = proc.publish()
    mine = submitted(proc)
    theirs = submitted(proc, proc.second_applicant, proc.second_editor)
    assert list(selectors.application_list(procedure=procedure, user=proc.second_editor)) == [
        theirs
    ]
    assert set(selectors.application_list(procedure=procedure, user=proc.manager)) == {
        mine,
        theirs,
    }


def test_manager_sees_submitted_not_drafts_and_jury_sees_only_eligible(proc):
    procedure = proc.publish()
    draft(proc)
    submitted_one = submitted(proc, proc.second_applicant, proc.second_editor)
    assert list(selectors.application_list(procedure=procedure, user=proc.manager)) == [
        submitted_one
    ]
    assert list(selectors.applications_for_jury(procedure)) == []
    assert list(selectors.application_list(procedure=procedure, user=proc.juror_one)) == []
    Application.objects.filter(pk=submitted_one.pk).update(eligibility=Eligibility.ELIGIBLE)
    assert list(selectors.applications_for_jury(procedure)) == [submitted_one]
    assert list(selectors.application_list(procedure=procedure, user=proc.juror_one)) == [
        submitted_one
    ]


def test_manager_overview_lists_questions_and_submitted_applications_in_fixed_queries(
    client, proc, django_assert_max_num_queries
):
    procedure = proc.publish()
    submitted(proc)
    submitted(proc, proc.second_applicant, proc.second_editor)
    services.question_ask(
        procedure=procedure, organisation=proc.applicant, actor=proc.applicant_editor, text="?"
    )
    client.force_login(proc.manager)
    url = reverse("procedures:application_list", args=[procedure.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    html = response.content.decode()
    assert proc.applicant.name in html
    assert proc.second_applicant.name in html


def test_application_pages_render(client, proc):
    procedure = proc.publish()
    application = submitted(proc)
    client.force_login(proc.applicant_editor)
    for name in ["application_detail", "application_submit", "application_withdraw"]:
        response = client.get(reverse(f"procedures:{name}", args=[procedure.pk, application.pk]))
        assert response.status_code == 200, name
    response = client.get(reverse("procedures:application_start", args=[procedure.pk]))
    assert response.status_code == 302
    assert io.BytesIO(b"")  # keep io used for the upload helpers


def test_procedure_pages_link_to_asking_applying_and_answering(client, proc):
    procedure = proc.publish()
    question = services.question_ask(
        procedure=procedure, organisation=proc.applicant, actor=proc.applicant_editor, text="?"
    )
    client.force_login(proc.applicant_editor)
    html = client.get(procedure.get_absolute_url()).content.decode()
    assert reverse("procedures:question_ask", args=[procedure.pk]) in html
    assert reverse("procedures:application_start", args=[procedure.pk]) in html

    client.force_login(proc.manager)
    html = client.get(procedure.get_absolute_url()).content.decode()
    assert reverse("procedures:application_start", args=[procedure.pk]) not in html
    manage = client.get(reverse("procedures:procedure_manage", args=[procedure.pk]))
    html = manage.content.decode()
    assert reverse("procedures:question_answer", args=[procedure.pk, question.pk]) in html
    assert reverse("procedures:application_list", args=[procedure.pk]) in html
