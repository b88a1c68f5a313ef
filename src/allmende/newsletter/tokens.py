"""Signed tokens for the links in newsletter mails. They carry only a subscriber's id, signed
with the secret key and a purpose-specific salt, so one kind of token never works for another
action. Confirmation links expire after seven days; unsubscribe links never do, as RFC 8058
expects them to keep working for every mail ever sent."""

import datetime
from dataclasses import dataclass

from django.core import signing

CONFIRM_SALT = "allmende.newsletter.confirm"
UNSUBSCRIBE_SALT = "allmende.newsletter.unsubscribe"
CONFIRM_MAX_AGE = datetime.timedelta(days=7)


class TokenExpired(Exception):
    """The signature is right but the link is too old; ``network_id`` allows offering a new
    sign-up for the same network."""

    def __init__(self, network_id: int | None) -> None:
        super().__init__("expired")
        self.network_id = network_id


class TokenInvalid(Exception):
    """The token was not made by us or was changed."""


@dataclass(frozen=True)
class UnsubscribeTarget:
    """What an unsubscribe token points at: a subscriber, or (for test mails to the
    coordinator, who need not subscribe) nothing but the issue."""

    subscriber_id: int | None
    test_issue_id: int | None = None


def confirm_token(*, subscriber_id: int, network_id: int) -> str:
    return signing.dumps({"s": subscriber_id, "n": network_id}, salt=CONFIRM_SALT)


def confirm_token_read(token: str) -> int:
    """The subscriber id of a confirmation token; raises TokenExpired or TokenInvalid."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        # The signature was checked before the age: the content is ours.
        stale = signing.loads(token, salt=CONFIRM_SALT)
        network_id = stale.get("n") if isinstance(stale, dict) else None
        raise TokenExpired(network_id if isinstance(network_id, int) else None) from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise TokenInvalid
    return int(data["s"])


def unsubscribe_token(*, subscriber_id: int) -> str:
    return signing.dumps({"s": subscriber_id}, salt=UNSUBSCRIBE_SALT)


def test_unsubscribe_token(*, issue_id: int) -> str:
    return signing.dumps({"t": issue_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> UnsubscribeTarget:
    """What an unsubscribe token points at; raises TokenInvalid."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    if isinstance(data, dict) and isinstance(data.get("s"), int):
        return UnsubscribeTarget(subscriber_id=int(data["s"]))
    if isinstance(data, dict) and isinstance(data.get("t"), int):
        return UnsubscribeTarget(subscriber_id=None, test_issue_id=int(data["t"]))
    raise TokenInvalid
