"""API for event registrations: register (same rules and messages as the form on the event
page) and, for the event's coordinators, the list of registrations."""

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django_ratelimit.core import is_ratelimited
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from allmende.core.api import ERROR_RESPONSES, BodyIn, ErrorOut, optional_auth, token_auth
from allmende.events import selectors_registration as selectors
from allmende.events import services_registration as services
from allmende.events.models import Event

router = Router(tags=["Event registrations"])

# RegistrationError.code → HTTP status.
STATUS_OF = {
    "login_required": 403,
    "members_only": 403,
    "duplicate": 409,
    "full": 409,
    "unavailable": 409,
}


class RegistrationIn(BodyIn):
    name: str = Field(min_length=1, max_length=150, pattern=r"\S")
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    organisation: str = Field("", max_length=200)
    privacy_consent: Literal[True] = Field(
        description="Must be true: consent to the privacy notice of this site."
    )


class RegistrationCreatedOut(Schema):
    id: int
    event: int = Field(alias="event_id")
    status: Literal["confirmed", "waitlisted"]
    created_at: datetime


class RegistrationOut(Schema):
    id: int
    name: str
    email: str
    organisation: str
    status: Literal["confirmed", "waitlisted", "cancelled"]
    created_at: datetime
    promoted_at: datetime | None
    cancelled_at: datetime | None
    attended: bool | None


def _event(id: int) -> Event:
    event = Event.objects.select_related("network").filter(pk=id).first()
    if event is None:
        raise Http404
    return event


@router.post(
    "/events/{id}/registrations",
    auth=[token_auth, lambda request: True],
    response={
        201: RegistrationCreatedOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="Register for an event",
    description=(
        "Registers a person. 201: confirmed while places are left, otherwise `waitlisted` when "
        "the event keeps a waiting list. 403: a members-only event and the caller (by API "
        "token) is not a member of the network. 404: no published event with this id. 409: "
        "the e-mail address is already registered, the event is fully booked without a "
        "waiting list, or registration is closed (cancelled, begun, outside the registration "
        "window, not handled here). 422: invalid input (also when `privacy_consent` is not true). "
        "429: too many anonymous registrations from this address."
    ),
    # The token is optional (anonymous registrations are welcome); `{}` says so in OpenAPI.
    openapi_extra={"security": [{}]},
)
def registration_create(request: HttpRequest, id: int, payload: RegistrationIn) -> Any:
    if not request.user.is_authenticated and is_ratelimited(
        request, group="event-registration", key="ip", rate="10/h", method="POST", increment=True
    ):
        return Status(
            429,
            {"detail": "Too many registrations from this address. Please try later.", "errors": []},
        )
    event = _event(id)
    if not event.is_published:
        raise Http404
    try:
        registration = services.registration_create(
            event=event,
            name=payload.name,
            email=payload.email,
            organisation=payload.organisation,
            user=request.user,
            consent=payload.privacy_consent,
        )
    except services.RegistrationError as exc:
        status = STATUS_OF.get(exc.code, 409)
        errors = [{"loc": [exc.field or "body"], "msg": exc.message, "type": exc.code}]
        raise_with = {"detail": exc.message, "errors": errors}
        return Status(status, raise_with)
    return Status(201, registration)


@router.get(
    "/events/{id}/registrations",
    auth=optional_auth,
    response={
        200: list[RegistrationOut],
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    summary="Registrations of an event (the network's coordinators)",
    description=(
        "All registrations in order of registration, cancelled ones included. 401: no valid "
        "token or session. 403: the caller may not change this event. 404: no such event."
    ),
)
def registration_list(request: HttpRequest, id: int) -> Any:
    event = _event(id)
    if not request.user.has_perm("events.change_event", event):
        raise HttpError(403, "Only the coordinators of the event's network may see this.")
    return list(selectors.registration_list(event=event))


__all__ = ["ERROR_RESPONSES", "router"]
