"""Registration pages: register, cancel by link, and the coordinators' participant pages."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from allmende.events import selectors_registration as selectors
from allmende.events import services_registration as services
from allmende.events.forms_registration import ParticipantMessageForm, RegistrationForm
from allmende.events.models import Event, Registration, RegistrationStatus
from allmende.events.tokens import registration_id_from_token


def anonymous_rate(group: str, request: HttpRequest) -> str | None:
    """People who are logged in are not rate-limited; anonymous POSTs are, per address."""
    return None if request.user.is_authenticated else "10/h"


def _event(slug: str) -> Event:
    return get_object_or_404(Event.objects.select_related("network"), slug=slug)


def _require_change(request: HttpRequest, event: Event) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not request.user.has_perm("events.change_event", event):
        raise PermissionDenied


@ratelimit(key="ip", rate=anonymous_rate, method="POST", block=True, group="event-registration")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """The registration form on its own page (and the target of the panel's form)."""
    event = _event(slug)
    if not event.is_published and not request.user.has_perm("events.change_event", event):
        raise PermissionDenied
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, auto_id="id_registration_%s"
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.registration_create(
                    event=event,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    organisation=form.cleaned_data["organisation"],
                    user=request.user,
                    consent=form.cleaned_data["consent"],
                )
            except services.RegistrationError as exc:
                form.add_error(exc.field, exc.message)
            else:
                if registration.status == RegistrationStatus.CONFIRMED:
                    text = _("You are registered. We have sent a confirmation to %(email)s.") % {
                        "email": registration.email
                    }
                else:
                    text = _(
                        "The event is fully booked; you are on the waiting list. We have sent "
                        "a confirmation to %(email)s and will write again if a place becomes "
                        "free."
                    ) % {"email": registration.email}
                messages.success(request, text)
                return redirect(f"{event.get_absolute_url()}#anmeldung")
    return render(
        request,
        "events/registration/register.html",
        {"event": event, "registration_form": form},
    )


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel a registration by the link from the e-mail: GET asks, POST cancels."""
    registration_id = registration_id_from_token(token)
    registration = (
        Registration.objects.select_related("event").filter(pk=registration_id).first()
        if registration_id is not None
        else None
    )
    if registration is None:
        return render(request, "events/registration/cancel_invalid.html", status=400)
    context: dict[str, Any] = {"registration": registration, "event": registration.event}
    if request.method == "POST":
        try:
            services.registration_cancel(registration_id=registration.pk)
        except services.RegistrationError as exc:
            context["error"] = exc.message
            return render(request, "events/registration/cancel.html", context, status=409)
        return render(request, "events/registration/cancel_done.html", context)
    if registration.status == RegistrationStatus.CANCELLED:
        context["error"] = _("This registration has already been cancelled.")
    elif registration.event.ends_at < timezone.now():
        context["error"] = _("This event is over; the registration can no longer be cancelled.")
    return render(request, "events/registration/cancel.html", context)


@require_http_methods(["GET", "POST"])
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators: the participants by status, with attendance."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = _event(slug)
    _require_change(request, event)
    if request.method == "POST":
        ids = {int(value) for value in request.POST.getlist("attended") if value.isdigit()}
        present = services.registration_attendance_set(
            event=event, attended_ids=ids, actor=request.user
        )
        messages.success(
            request,
            ngettext(
                "Attendance saved: %(count)s person attended.",
                "Attendance saved: %(count)s people attended.",
                present,
            )
            % {"count": present},
        )
        return redirect("events:participants", slug=event.slug)
    registrations = list(selectors.registration_list(event=event))
    groups = {
        status: [r for r in registrations if r.status == status]
        for status in RegistrationStatus.values
    }
    return render(
        request,
        "events/registration/participants.html",
        {
            "event": event,
            "confirmed": groups[RegistrationStatus.CONFIRMED],
            "waitlisted": groups[RegistrationStatus.WAITLISTED],
            "cancelled": groups[RegistrationStatus.CANCELLED],
        },
    )


def participants_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators: the participant list as CSV for Excel (UTF-8 with BOM, semicolons)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = _event(slug)
    _require_change(request, event)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="teilnehmende-{event.slug}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [_("Name"), _("E-mail"), _("Organisation"), _("Status"), _("Registered at"), _("Attended")]
    )
    labels = dict(RegistrationStatus.choices)
    attended = {True: _("yes"), False: _("no"), None: ""}
    for registration in selectors.registration_list(event=event):
        writer.writerow(
            [
                _csv_safe(registration.name),
                _csv_safe(registration.email),
                _csv_safe(registration.organisation),
                str(labels[registration.status]),
                timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M"),
                attended[registration.attended],
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; quote them as text."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


@require_http_methods(["GET", "POST"])
def participants_message(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators: write to the participants (sent by background tasks)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = _event(slug)
    _require_change(request, event)
    form = ParticipantMessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        sent = services.participants_message(
            event=event,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            include_waitlisted=form.cleaned_data["include_waitlisted"],
            actor=request.user,
        )
        messages.success(
            request,
            ngettext(
                "Your message is being sent to %(count)s person.",
                "Your message is being sent to %(count)s people.",
                sent,
            )
            % {"count": sent},
        )
        return redirect("events:participants", slug=event.slug)
    counts = selectors.registration_counts(event=event)
    return render(
        request,
        "events/registration/message.html",
        {"event": event, "form": form, "counts": counts},
    )
