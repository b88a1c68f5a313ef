"""Writes of the network module: applications and their review, organisations, memberships,
working group documents."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allmende.accounts.models import User
from allmende.networks import services
from allmende.networks.models import (
    ApplicationEvent,
    ApplicationStatus,
    Membership,
    MembershipApplication,
    MembershipKind,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    OrganisationRoleKind,
    WorkingGroupDocument,
)
from tests.factories import (
    CoordinatorFactory,
    MembershipApplicationFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANGERMUENDE = (53.01499, 13.99924)  # data/places.csv
PASSWORD_LINK = re.compile(r"http://testserver/konto/passwort-neu/[^/\s]+/[^/\s]+/")


def _mails_to(mailoutbox, address):
    return [m for m in mailoutbox if address in m.to]


# --- application_submit ------------------------------------------------------------------------


def test_submitted_application_is_stored_with_first_history_step(world, application_fields):
    application = services.application_submit(network=world.network, data=application_fields)

    stored = MembershipApplication.objects.get(pk=application.pk)
    assert stored.network == world.network
    assert stored.org_name == "Zukunftshof Uckermark"
    assert stored.contact_email == "erika@zukunftshof.example.org"
    assert stored.status == ApplicationStatus.SUBMITTED
    assert stored.privacy_consent_at is not None
    assert stored.applicant is None
    events = list(stored.events.all())
    assert [(e.status, e.actor) for e in events] == [(ApplicationStatus.SUBMITTED, None)]


def test_application_of_logged_in_person_records_the_applicant(world, application_fields):
    application = services.application_submit(
        network=world.network, data=application_fields, applicant=world.outsider
    )
    assert application.applicant == world.outsider
    assert application.events.get().actor == world.outsider


def test_submission_mails_applicant_and_coordinators_after_commit(
    world, application_fields, mailoutbox, django_capture_on_commit_callbacks
):
    second = CoordinatorFactory(network=world.network, user__email="zweite@example.org").user
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.application_submit(network=world.network, data=application_fields)
        assert mailoutbox == [], "no mail may leave before the transaction commits"

    assert len(callbacks) == 2
    confirmation = _mails_to(mailoutbox, "erika@zukunftshof.example.org")
    notification = _mails_to(mailoutbox, "koord@example.org")
    assert len(confirmation) == 1
    assert len(notification) == 1
    assert sorted(notification[0].to) == sorted(["koord@example.org", second.email])
    assert "Zukunftshof Uckermark" in confirmation[0].body
    assert "Zukunftshof Uckermark" in notification[0].subject
    review_url = f"http://testserver/netzwerke/{world.network.slug}/antraege/"
    assert review_url in notification[0].body
    # Other networks' coordinators hear nothing.
    assert _mails_to(mailoutbox, world.other_coordinator.email) == []


def test_submission_to_network_without_coordinators_notifies_its_contact_address(
    application_fields, mailoutbox, django_capture_on_commit_callbacks
):
    network = NetworkFactory(contact_email="buero@netzwerk.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(network=network, data=application_fields)
    assert len(_mails_to(mailoutbox, "buero@netzwerk.example.org")) == 1


def test_incomplete_application_is_refused_and_nothing_is_stored(
    world, application_fields, mailoutbox, django_capture_on_commit_callbacks
):
    application_fields["org_city"] = ""
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        services.application_submit(network=world.network, data=application_fields)
    assert "org_city" in exc.value.message_dict
    assert not MembershipApplication.objects.exists()
    assert not ApplicationEvent.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "other_coordinator"])
def test_application_for_an_existing_organisation_needs_its_editor(world, application_fields, role):
    applicant = None if role == "anonymous" else getattr(world, role)
    with pytest.raises(PermissionDenied):
        services.application_submit(
            network=world.other_network,
            data={**application_fields, "organisation": world.organisation},
            applicant=applicant,
        )
    assert not MembershipApplication.objects.exists()


def test_editor_applies_for_own_organisation(world, application_fields):
    application = services.application_submit(
        network=world.other_network,
        data={**application_fields, "organisation": world.organisation},
        applicant=world.editor,
    )
    assert application.organisation == world.organisation
    assert application.applicant == world.editor


# --- application_transition --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.INTERVIEW_SCHEDULED),
        (ApplicationStatus.IN_REVIEW, ApplicationStatus.INTERVIEW_SCHEDULED),
        (ApplicationStatus.INTERVIEW_SCHEDULED, ApplicationStatus.IN_REVIEW),
    ],
)
def test_coordinator_moves_open_application_to_another_open_status(world, current, new):
    application = MembershipApplicationFactory(network=world.network, status=current)

    services.application_transition(
        application=application, actor=world.coordinator, status=new, note="Termin am Montag"
    )

    application.refresh_from_db()
    assert application.status == new
    assert application.decided_at is None
    event = application.events.get()
    assert (event.status, event.note, event.actor) == (new, "Termin am Montag", world.coordinator)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        (ApplicationStatus.IN_REVIEW, ApplicationStatus.SUBMITTED),
        (ApplicationStatus.INTERVIEW_SCHEDULED, ApplicationStatus.SUBMITTED),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.SUBMITTED),
        (ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED),
        (ApplicationStatus.ACCEPTED, ApplicationStatus.IN_REVIEW),
        (ApplicationStatus.DECLINED, ApplicationStatus.ACCEPTED),
        (ApplicationStatus.DECLINED, ApplicationStatus.IN_REVIEW),
        (ApplicationStatus.SUBMITTED, "approved"),
    ],
)
def test_forbidden_transition_is_refused_and_changes_nothing(world, current, new):
    application = MembershipApplicationFactory(network=world.network, status=current)

    with pytest.raises(ValidationError) as excinfo:
        services.application_transition(
            application=application, actor=world.coordinator, status=new, note="Begründung"
        )

    assert excinfo.value.code == "invalid_transition"
    application.refresh_from_db()
    assert application.status == current
    assert not application.events.exists()


@pytest.mark.parametrize("note", ["", "   \n "])
def test_decline_without_a_reason_is_refused(world, note, mailoutbox):
    application = MembershipApplicationFactory(network=world.network)

    with pytest.raises(ValidationError) as excinfo:
        services.application_transition(
            application=application,
            actor=world.coordinator,
            status=ApplicationStatus.DECLINED,
            note=note,
        )

    assert excinfo.value.code == "note_required"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.decided_at is None
    assert mailoutbox == []


def test_decline_with_reason_is_final_and_mails_the_reason(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory(
        network=world.network, contact_email="antrag@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application,
            actor=world.coordinator,
            status=ApplicationStatus.DECLINED,
            note="Ihr Projekt liegt außerhalb Deutschlands.",
        )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert application.decided_at is not None
    assert not Organisation.objects.filter(name=application.org_name).exists()
    [mail] = mailoutbox
    assert mail.to == ["antrag@example.org"]
    assert "Ihr Projekt liegt außerhalb Deutschlands." in mail.body


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "member", "outsider"])
def test_only_the_networks_coordinators_may_review(world, role):
    application = MembershipApplicationFactory(network=world.network)

    with pytest.raises(PermissionDenied):
        services.application_transition(
            application=application,
            actor=getattr(world, role),
            status=ApplicationStatus.IN_REVIEW,
        )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not application.events.exists()


def test_admin_may_review_any_network(world):
    application = MembershipApplicationFactory(network=world.other_network)
    services.application_transition(
        application=application, actor=world.admin, status=ApplicationStatus.IN_REVIEW
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW


def test_accepted_application_cannot_be_declined_afterwards(world):
    application = MembershipApplicationFactory(network=world.network)
    services.application_transition(
        application=application, actor=world.coordinator, status=ApplicationStatus.ACCEPTED
    )

    with pytest.raises(ValidationError) as excinfo:
        services.application_transition(
            application=application,
            actor=world.coordinator,
            status=ApplicationStatus.DECLINED,
            note="Doch nicht.",
        )

    assert excinfo.value.code == "invalid_transition"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert Membership.objects.filter(
        organisation=application.organisation, status=MembershipStatus.ACTIVE
    ).exists()


# --- acceptance --------------------------------------------------------------------------------


@pytest.fixture
def accepted(world, mailoutbox, django_capture_on_commit_callbacks):
    """An application of a new municipality in Angermünde, accepted as supporting member."""
    application = MembershipApplicationFactory(
        network=world.network,
        org_name="Stadt Angermünde",
        org_kind=OrganisationKind.MUNICIPALITY,
        org_city="Angermünde",
        org_state="Brandenburg",
        org_postcode="16278",
        contact_name="Erika Beispiel",
        contact_email="Erika@Angermuende.example.org",
        membership_kind=MembershipKind.SUPPORTING,
        vacancy_projects="Altes Kaufhaus am Markt",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application,
            actor=world.coordinator,
            status=ApplicationStatus.ACCEPTED,
            note="Willkommen!",
        )
    application.refresh_from_db()
    return application


def test_acceptance_creates_the_organisation_located_from_the_places_list(accepted):
    organisation = accepted.organisation
    assert organisation is not None
    assert organisation.name == "Stadt Angermünde"
    assert organisation.slug == "stadt-angermuende"
    assert organisation.kind == OrganisationKind.MUNICIPALITY
    assert (organisation.city, organisation.state, organisation.postcode) == (
        "Angermünde",
        "Brandenburg",
        "16278",
    )
    assert organisation.lat == pytest.approx(ANGERMUENDE[0], abs=0.01)
    assert organisation.lon == pytest.approx(ANGERMUENDE[1], abs=0.01)
    # A municipality's profile gets the population from the places list.
    assert organisation.population == 15453
    assert organisation.vacancy_projects == "Altes Kaufhaus am Markt"


def test_acceptance_records_decision_time_and_history(accepted, world):
    assert accepted.status == ApplicationStatus.ACCEPTED
    assert accepted.decided_at is not None
    event = accepted.events.get()
    assert (event.status, event.actor, event.note) == (
        ApplicationStatus.ACCEPTED,
        world.coordinator,
        "Willkommen!",
    )


def test_acceptance_creates_active_membership_of_the_requested_kind(accepted, world):
    membership = Membership.objects.get(organisation=accepted.organisation)
    assert membership.network == world.network
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.kind == MembershipKind.SUPPORTING


def test_acceptance_invites_the_contact_as_editor_without_a_usable_password(accepted):
    user = User.objects.get(email="erika@angermuende.example.org")
    assert user.name == "Erika Beispiel"
    assert not user.has_usable_password()
    role = OrganisationRole.objects.get(user=user)
    assert role.organisation == accepted.organisation
    assert role.role == OrganisationRoleKind.EDITOR
    assert user.has_perm("networks.change_organisation", accepted.organisation)


def test_acceptance_mail_carries_a_working_password_link(accepted, mailoutbox, client):
    [mail] = mailoutbox
    assert mail.to == ["Erika@Angermuende.example.org"]
    assert "Willkommen!" in mail.body
    assert "http://testserver/organisationen/stadt-angermuende/" in mail.body
    link = PASSWORD_LINK.search(mail.body)
    assert link is not None, mail.body

    response = client.get(link.group(0).removeprefix("http://testserver"), follow=True)

    assert response.status_code == 200
    assert response.context["validlink"] is True
    assert 'name="new_password1"' in response.content.decode()


def test_acceptance_for_existing_person_reuses_the_account(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="erika@example.org", name="Erika")
    application = MembershipApplicationFactory(
        network=world.network, contact_email="ERIKA@example.org"
    )
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application, actor=world.coordinator, status=ApplicationStatus.ACCEPTED
        )

    application.refresh_from_db()
    assert User.objects.count() == users_before
    assert OrganisationRole.objects.get(organisation=application.organisation).user == existing
    existing.refresh_from_db()
    assert existing.has_usable_password(), "the existing password must stay"
    [mail] = mailoutbox
    assert PASSWORD_LINK.search(mail.body) is None


def test_acceptance_of_known_organisation_adds_membership_without_new_organisation(world):
    organisation = OrganisationFactory(name="Bestehende Initiative")
    application = MembershipApplicationFactory(
        network=world.network, organisation=organisation, org_name="Bestehende Initiative"
    )
    organisations_before = Organisation.objects.count()

    services.application_transition(
        application=application, actor=world.coordinator, status=ApplicationStatus.ACCEPTED
    )

    assert Organisation.objects.count() == organisations_before
    assert Membership.objects.get(network=world.network, organisation=organisation).status == (
        MembershipStatus.ACTIVE
    )


def test_accepting_a_second_organisation_with_the_same_name_gets_its_own_slug(world):
    OrganisationFactory(name="Stadt Angermünde", slug="stadt-angermuende")
    application = MembershipApplicationFactory(network=world.network, org_name="Stadt Angermünde")
    services.application_transition(
        application=application, actor=world.coordinator, status=ApplicationStatus.ACCEPTED
    )
    application.refresh_from_db()
    assert application.organisation.slug == "stadt-angermuende-2"


# --- organisation_update -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "coordinator", "admin"])
def test_editors_coordinators_and_admins_may_update_an_organisation(world, role):
    services.organisation_update(
        organisation=world.organisation,
        actor=getattr(world, role),
        data={"description": "Neue Beschreibung", "phone": "0711 123"},
    )
    world.organisation.refresh_from_db()
    assert world.organisation.description == "Neue Beschreibung"
    assert world.organisation.phone == "0711 123"


@pytest.mark.parametrize("role", ["member", "outsider", "other_coordinator"])
def test_others_may_not_update_an_organisation(world, role):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            organisation=world.organisation,
            actor=getattr(world, role),
            data={"description": "Übernommen"},
        )
    world.organisation.refresh_from_db()
    assert world.organisation.description != "Übernommen"


def test_new_town_moves_the_organisation_to_that_town(world):
    organisation = world.organisation  # in Leipzig
    services.organisation_update(
        organisation=organisation,
        actor=world.editor,
        data={"city": "Angermünde", "state": "Brandenburg"},
    )
    organisation.refresh_from_db()
    assert organisation.lat == pytest.approx(ANGERMUENDE[0], abs=0.01)
    assert organisation.lon == pytest.approx(ANGERMUENDE[1], abs=0.01)


def test_new_town_with_explicit_coordinates_keeps_those_coordinates(world):
    services.organisation_update(
        organisation=world.organisation,
        actor=world.editor,
        data={"city": "Angermünde", "state": "Brandenburg", "lat": 53.0, "lon": 14.1},
    )
    world.organisation.refresh_from_db()
    assert (world.organisation.lat, world.organisation.lon) == (53.0, 14.1)


def test_new_unknown_town_leaves_the_organisation_without_location(world):
    services.organisation_update(
        organisation=world.organisation,
        actor=world.editor,
        data={"city": "Nirgendwo an der Nichts", "state": "Brandenburg"},
    )
    world.organisation.refresh_from_db()
    assert world.organisation.lat is None
    assert world.organisation.lon is None


def test_update_without_town_keeps_coordinates_and_slug(world):
    before = (world.organisation.lat, world.organisation.lon, world.organisation.slug)
    services.organisation_update(
        organisation=world.organisation,
        actor=world.editor,
        data={"name": "Stadtlücken e. V.", "slug": "gekapert", "is_active": False},
    )
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Stadtlücken e. V."
    assert (world.organisation.lat, world.organisation.lon, world.organisation.slug) == before
    assert world.organisation.is_active, "fields outside the profile are ignored"


def test_invalid_update_is_refused_and_not_saved(world):
    with pytest.raises(ValidationError):
        services.organisation_update(
            organisation=world.organisation,
            actor=world.editor,
            data={"name": "", "description": "Halb gespeichert"},
        )
    assert Organisation.objects.get(pk=world.organisation.pk).description != "Halb gespeichert"


# --- membership_add ----------------------------------------------------------------------------


def test_membership_add_creates_active_membership(world):
    organisation = OrganisationFactory()
    membership = services.membership_add(
        network=world.network, organisation=organisation, kind=MembershipKind.PARTNER
    )
    assert (membership.status, membership.kind) == (MembershipStatus.ACTIVE, MembershipKind.PARTNER)


def test_membership_add_reactivates_an_ended_membership(world):
    import datetime

    old = MembershipFactory(
        network=world.network,
        status=MembershipStatus.ENDED,
        kind=MembershipKind.MEMBER,
        since=datetime.date(2019, 5, 1),
    )

    membership = services.membership_add(
        network=world.network,
        organisation=old.organisation,
        kind=MembershipKind.SUPPORTING,
        since=datetime.date(2025, 1, 1),
    )

    assert membership.pk == old.pk
    assert Membership.objects.filter(organisation=old.organisation).count() == 1
    old.refresh_from_db()
    assert old.status == MembershipStatus.ACTIVE
    assert old.kind == MembershipKind.SUPPORTING
    assert old.since == datetime.date(2025, 1, 1)


def test_membership_add_leaves_an_active_membership_as_it_is(world):
    existing = Membership.objects.get(network=world.network, organisation=world.organisation)
    since = existing.since
    services.membership_add(
        network=world.network, organisation=world.organisation, kind=MembershipKind.PARTNER
    )
    existing.refresh_from_db()
    assert (existing.kind, existing.since) == (MembershipKind.MEMBER, since)


# --- working_group_document_add ----------------------------------------------------------------


def _pdf(name="protokoll.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


@pytest.mark.parametrize("role", ["member", "coordinator", "admin"])
def test_group_members_and_coordinators_may_add_documents(world, working_group, role):
    document = services.working_group_document_add(
        group=working_group, actor=getattr(world, role), title="Protokoll", file=_pdf()
    )
    document.refresh_from_db()
    assert document.group == working_group
    assert document.uploaded_by == getattr(world, role)
    assert document.file.read() == b"%PDF-1.4 test"


@pytest.mark.parametrize("role", ["editor", "outsider", "other_coordinator"])
def test_people_outside_the_group_may_not_add_documents(world, working_group, role):
    # ``editor`` belongs to a member organisation of the network but not to the group.
    with pytest.raises(PermissionDenied):
        services.working_group_document_add(
            group=working_group, actor=getattr(world, role), title="Protokoll", file=_pdf()
        )
    assert not WorkingGroupDocument.objects.exists()


def _png_upload(name="logo.png", size=(40, 20)):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_editor_uploads_logo_through_the_form_and_it_is_reencoded_then_cleared(world, client):
    client.force_login(world.editor)
    url = reverse("networks:organisation_edit", kwargs={"slug": world.organisation.slug})
    data = {
        "name": world.organisation.name,
        "kind": world.organisation.kind,
        "city": "Leipzig",
        "state": "Sachsen",
        "lat": "51.3397",
        "lon": "12.3731",
    }

    response = client.post(url, {**data, "logo": _png_upload(size=(2000, 500))})
    assert response.status_code == 302
    world.organisation.refresh_from_db()
    assert world.organisation.logo.name.endswith(".jpg")
    from PIL import Image

    with Image.open(world.organisation.logo.path) as stored:
        assert max(stored.size) == 800  # scaled down on re-encoding

    response = client.post(url, {**data, "logo-clear": "on"})
    assert response.status_code == 302
    world.organisation.refresh_from_db()
    assert not world.organisation.logo


def test_logo_that_is_not_an_image_is_refused_with_a_field_error(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.editor)
    url = reverse("networks:organisation_edit", kwargs={"slug": world.organisation.slug})
    fake = SimpleUploadedFile("logo.png", b"MZ not an image", content_type="image/png")
    response = client.post(
        url, {"name": "X Y", "kind": "initiative", "city": "Leipzig", "logo": fake}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]
