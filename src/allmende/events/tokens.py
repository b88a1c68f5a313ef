"""Signed cancellation links for registrations.

A token names one registration; it is signed with the secret key and a salt of its own, so a
token of another feature (newsletter, password reset) never passes here. It does not expire:
the link in the confirmation mail must work until the event is over, and cancelling after that
is refused by the service anyway."""

from django.core import signing

SALT = "allmende.events.registration-cancel"


def registration_cancel_token(registration_id: int) -> str:
    """The token for the cancellation link of the registration ``registration_id``."""
    return signing.dumps(registration_id, salt=SALT)


def registration_id_from_token(token: str) -> int | None:
    """The registration a token names, or None when the token was altered or is not ours."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
