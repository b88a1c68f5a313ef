"""``{% registration_panel event %}``: the registration box of an event page, computed from the
event and the request alone so that any page can include it."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from allmende.events.forms_registration import RegistrationForm
from allmende.events.models import Event, Registration, RegistrationStatus
from allmende.events.selectors_registration import (
    places_left,
    registration_counts,
    registration_of_user,
)
from allmende.events.services_registration import registration_refusal
from allmende.events.tokens import registration_cancel_token

register = template.Library()


def _initial(user: Any) -> dict[str, str]:
    if user is None or not user.is_authenticated:
        return {}
    name = getattr(user, "get_full_name", lambda: "")() or getattr(user, "name", "") or ""
    return {"name": name, "email": user.email}


@register.inclusion_tag("events/registration/panel_body.html", takes_context=True)
def registration_panel(context: template.Context, event: Event) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    counts = registration_counts(event=event)
    free = places_left(event=event, confirmed=counts["confirmed"])
    own = registration_of_user(event=event, user=user)
    position = None
    if own is not None and own.status == RegistrationStatus.WAITLISTED:
        position = (
            Registration.objects.filter(
                event=event, status=RegistrationStatus.WAITLISTED, created_at__lt=own.created_at
            ).count()
            + 1
        )
    form = context.get("registration_form")
    if not isinstance(form, RegistrationForm) or not form.is_bound:
        form = RegistrationForm(initial=_initial(user), auto_id="id_registration_%s")
    refusal = None if own is not None else registration_refusal(event=event, user=user)
    path = request.get_full_path() if request is not None else event.get_absolute_url()
    return {
        "event": event,
        "counts": counts,
        "free": free,
        "full": free == 0,
        "own": own,
        "position": position,
        "cancel_url": reverse(
            "events:registration_cancel", kwargs={"token": registration_cancel_token(own.pk)}
        )
        if own is not None
        else "",
        "meeting_link": event.online_url
        if own is not None and own.status == RegistrationStatus.CONFIRMED and event.is_online
        else "",
        "refusal": refusal,
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': path})}",
        "form": form,
        "can_manage": bool(user is not None and user.has_perm("events.change_event", event)),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
