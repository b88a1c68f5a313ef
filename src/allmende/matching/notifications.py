"""E-mails about interest in a recommendation, to the editors of the side that must act."""

from allmende.core.mail import email_enqueue
from allmende.matching.models import Interest, Side
from allmende.networks.models import OrganisationRoleKind


def side_recipients(interest: Interest, side: str) -> list[str]:
    """E-mail addresses of the editors of the side's organisation (the initiative for the
    need, the owner organisation for the property)."""
    organisation_id = (
        interest.need.organisation_id
        if side == Side.NEED
        else interest.property.owner_organisation_id
    )
    if organisation_id is None:
        return []
    from allmende.accounts.models import User

    return sorted(
        User.objects.filter(
            is_active=True,
            organisation_roles__organisation_id=organisation_id,
            organisation_roles__role=OrganisationRoleKind.EDITOR,
        )
        .values_list("email", flat=True)
        .distinct()
    )


def interest_expressed(interest: Interest) -> None:
    """Tell the other side that someone is interested and that it decides about contact."""
    email_enqueue(
        template="matching/email/interest_expressed",
        context={"interest": interest, "need": interest.need, "property": interest.property},
        to=side_recipients(interest, interest.deciding_side()),
    )


def interest_decided(interest: Interest) -> None:
    """Tell the side that expressed interest how the other side decided."""
    email_enqueue(
        template="matching/email/interest_decided",
        context={"interest": interest, "need": interest.need, "property": interest.property},
        to=side_recipients(interest, interest.side),
    )
