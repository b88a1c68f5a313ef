"""The newsletter in the API: start the double opt-in for an address."""

from typing import Any

from django.core.validators import validate_email
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django_ratelimit.core import is_ratelimited
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from allmende.core.api import BodyIn, ErrorOut
from allmende.networks.models import Network
from allmende.newsletter import services

router = Router(tags=["Newsletter"])


class SubscribeIn(BodyIn):
    network: str = Field(max_length=80, description="slug of the network")
    email: str = Field(max_length=254)
    consent: bool = Field(
        description="must be true: the person agrees to receive the newsletter (the version of "
        "the consent text is recorded)"
    )


class AcceptedOut(Schema):
    detail: str


@router.post(
    "/newsletter/subscribe",
    auth=None,
    response={202: AcceptedOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Start the double opt-in for a network's newsletter",
    description=(
        "Sends a confirmation mail with a link valid for seven days; only after confirming does "
        "the address receive the newsletter. The answer is 202 whether the address was new, "
        "awaiting confirmation or already subscribed, so that it reveals nothing about "
        "subscribers. 400: a body that is no JSON; 404: unknown network; 422: no consent or "
        "no valid e-mail address; 429: too many sign-ups from this IP address."
    ),
)
def subscribe(request: HttpRequest, payload: SubscribeIn) -> Any:
    if is_ratelimited(
        request,
        group="newsletter-subscribe",
        key="ip",
        rate="10/h",
        method="POST",
        increment=True,
    ):
        return Status(429, {"detail": "Too many sign-ups from this address. Please try later."})
    network = get_object_or_404(Network, slug=payload.network)
    if payload.consent is not True:
        raise HttpError(422, "Consent is required (consent: true).")
    validate_email(payload.email.strip())
    services.subscriber_subscribe(
        network=network, email=payload.email, ip=str(request.META.get("REMOTE_ADDR", ""))
    )
    return Status(
        202,
        {
            "detail": "If the address is not yet subscribed, a confirmation mail is on its way. "
            "The subscription starts when the link in it is confirmed."
        },
    )
