"""Every write on networks, organisations, memberships, applications and working groups."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.accounts.services import password_set_url, user_get_or_invite
from allmende.core.mail import email_enqueue
from allmende.core.places import place_find
from allmende.core.text import unique_slug
from allmende.networks.models import (
    ORGANISATION_EDITABLE_FIELDS,
    ApplicationEvent,
    ApplicationStatus,
    Membership,
    MembershipApplication,
    MembershipStatus,
    Network,
    Organisation,
    OrganisationRole,
    OrganisationRoleKind,
    WorkingGroup,
    WorkingGroupDocument,
)

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.SUBMITTED: frozenset(
        {
            ApplicationStatus.IN_REVIEW,
            ApplicationStatus.INTERVIEW_SCHEDULED,
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.DECLINED,
        }
    ),
    ApplicationStatus.IN_REVIEW: frozenset(
        {
            ApplicationStatus.INTERVIEW_SCHEDULED,
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.DECLINED,
        }
    ),
    ApplicationStatus.INTERVIEW_SCHEDULED: frozenset(
        {ApplicationStatus.IN_REVIEW, ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED}
    ),
    ApplicationStatus.ACCEPTED: frozenset(),
    ApplicationStatus.DECLINED: frozenset(),
}


def _coordinator_emails(network: Network) -> list[str]:
    emails = network.coordinators.select_related("user").values_list("user__email", flat=True)
    return [e for e in emails if e] or ([network.contact_email] if network.contact_email else [])


def organisation_slug(name: str) -> str:
    return unique_slug(name, lambda s: Organisation.objects.filter(slug=s).exists(), 200)


def organisation_locate(organisation: Organisation) -> None:
    """Fill missing coordinates (and a district's AGS) from the places CSV by town and state."""
    if organisation.has_location or not organisation.city:
        return
    place = place_find(organisation.city, organisation.state)
    if place is None:
        return
    organisation.lat, organisation.lon = place.lat, place.lon
    if not organisation.state:
        organisation.state = place.state
    if organisation.is_local_authority and not organisation.ags and place.ags:
        organisation.ags = place.ags
    if organisation.is_local_authority and organisation.population is None:
        organisation.population = place.population


@transaction.atomic
def organisation_create(*, data: dict[str, Any], actor: User | None = None) -> Organisation:
    """Create an organisation with a unique slug; coordinates from the places CSV when none
    are given. With an actor, the actor becomes its first editor."""
    fields = {k: v for k, v in data.items() if k in ORGANISATION_EDITABLE_FIELDS}
    organisation = Organisation(**fields)
    organisation.slug = organisation_slug(organisation.name)
    organisation_locate(organisation)
    organisation.full_clean()
    organisation.save()
    if actor is not None:
        OrganisationRole.objects.create(
            user=actor, organisation=organisation, role=OrganisationRoleKind.EDITOR
        )
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: User, data: dict[str, Any]
) -> Organisation:
    """Change an organisation's profile; only its editors, coordinators of its networks and
    admins may. Unknown keys are ignored; the slug stays stable so that links keep working."""
    if not actor.has_perm("networks.change_organisation", organisation):
        raise PermissionDenied(_("You may not edit this organisation."))
    old_city, old_position = organisation.city, (organisation.lat, organisation.lon)
    for key, value in data.items():
        if key not in ORGANISATION_EDITABLE_FIELDS:
            continue
        if key == "logo":
            if value is None:  # unchanged upload field
                continue
            if value is False:  # the form's "clear" box
                value = ""
        setattr(organisation, key, value)
    moved_town = organisation.city != old_city
    if moved_town and (organisation.lat, organisation.lon) == old_position:
        # A new town without new coordinates: place the organisation at the new town's centre
        # rather than leaving it where the old town was.
        organisation.lat = organisation.lon = None
    organisation_locate(organisation)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def membership_add(
    *, network: Network, organisation: Organisation, kind: str, since: Any = None
) -> Membership:
    """Make the organisation an active member; reactivates an ended membership."""
    membership, created = Membership.objects.get_or_create(
        network=network,
        organisation=organisation,
        defaults={"kind": kind, "since": since or timezone.localdate()},
    )
    if not created and membership.status != MembershipStatus.ACTIVE:
        membership.status = MembershipStatus.ACTIVE
        membership.kind = kind
        membership.since = since or timezone.localdate()
        membership.save(update_fields=["status", "kind", "since", "updated_at"])
    return membership


@transaction.atomic
def application_submit(
    *, network: Network, data: dict[str, Any], applicant: User | None = None
) -> MembershipApplication:
    """Record a membership application, tell the coordination office and confirm receipt to
    the applicant. ``data`` holds the form's cleaned fields."""
    existing = data.get("organisation")
    if existing is not None and not (
        applicant is not None
        and applicant.is_authenticated
        and applicant.has_perm("networks.change_organisation", existing)
    ):
        raise PermissionDenied(_("You may only apply for organisations you edit."))
    application = MembershipApplication(
        network=network,
        applicant=applicant if applicant is not None and applicant.is_authenticated else None,
        privacy_consent_at=timezone.now(),
        **{k: v for k, v in data.items() if k not in {"privacy_consent", "website_url"}},
    )
    application.full_clean()
    application.save()
    ApplicationEvent.objects.create(
        application=application, status=ApplicationStatus.SUBMITTED, actor=application.applicant
    )
    context = {"application": application, "network": network}
    email_enqueue(
        template="networks/email/application_received",
        context=context,
        to=[application.contact_email],
    )
    email_enqueue(
        template="networks/email/application_new",
        context=context,
        to=_coordinator_emails(network),
    )
    return application


@transaction.atomic
def application_transition(
    *, application: MembershipApplication, actor: User, status: str, note: str = ""
) -> MembershipApplication:
    """Move an application to a new status with a note. Only the network's coordinators and
    admins may; accepted and declined are final. Acceptance creates the organisation (when
    new), the membership and an editor invitation, and e-mails the applicant; a decline
    e-mails the applicant with the note."""
    if not actor.has_perm("networks.review_application", application):
        raise PermissionDenied(_("You may not review applications of this network."))
    application = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    if status not in ALLOWED_TRANSITIONS.get(application.status, frozenset()):
        raise ValidationError(
            _("An application that is %(current)s cannot become %(new)s.")
            % {
                "current": application.get_status_display(),
                "new": ApplicationStatus(status).label
                if status in ApplicationStatus.values
                else status,
            },
            code="invalid_transition",
        )
    if status == ApplicationStatus.DECLINED and not note.strip():
        raise ValidationError(
            _("Please give the applicant a reason for the decline."), code="note_required"
        )
    application.status = status
    if status in (ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED):
        application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])
    ApplicationEvent.objects.create(application=application, status=status, note=note, actor=actor)
    if status == ApplicationStatus.ACCEPTED:
        _application_accept(application=application, note=note)
    elif status == ApplicationStatus.DECLINED:
        email_enqueue(
            template="networks/email/application_declined",
            context={"application": application, "network": application.network, "note": note},
            to=[application.contact_email],
        )
    return application


def _application_accept(*, application: MembershipApplication, note: str) -> None:
    organisation = application.organisation
    if organisation is None:
        organisation = organisation_create(
            data={
                "name": application.org_name,
                "kind": application.org_kind,
                "street": application.org_street,
                "postcode": application.org_postcode,
                "city": application.org_city,
                "state": application.org_state,
                "website": application.org_website,
                "vacancy_projects": application.vacancy_projects,
            }
        )
        application.organisation = organisation
        application.save(update_fields=["organisation", "updated_at"])
    membership_add(
        network=application.network, organisation=organisation, kind=application.membership_kind
    )
    user, created = user_get_or_invite(
        email=application.contact_email, name=application.contact_name
    )
    OrganisationRole.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": OrganisationRoleKind.EDITOR}
    )
    email_enqueue(
        template="networks/email/application_accepted",
        context={
            "application": application,
            "network": application.network,
            "organisation": organisation,
            "note": note,
            "new_account": created,
            "password_url": password_set_url(user=user) if created else "",
        },
        to=[application.contact_email],
    )


@transaction.atomic
def working_group_document_add(
    *, group: WorkingGroup, actor: User, title: str, file: Any
) -> WorkingGroupDocument:
    """Attach a document to a working group; coordinators and the group's members may."""
    if not actor.has_perm("networks.add_working_group_document", group):
        raise PermissionDenied(_("You may not add documents to this working group."))
    document = WorkingGroupDocument(group=group, title=title, file=file, uploaded_by=actor)
    document.full_clean()
    document.save()
    return document
