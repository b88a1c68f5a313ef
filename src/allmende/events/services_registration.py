"""Registrations for events: create, cancel (with promotion from the waiting list), attendance,
messages to participants, reminders and the notice of a cancelled event.

Never overbooked: every decision about a place is taken while the event row is locked
(``select_for_update`` on PostgreSQL; on SQLite the project opens IMMEDIATE transactions, so
writers are serialised by the database). SQLite may still answer "database is locked" when many
writers wait at once; the affected transaction is rolled back as a whole and tried again."""

import datetime
import random
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from allmende.core.mail import email_enqueue
from allmende.events.models import Event, EventAudience, Registration, RegistrationStatus
from allmende.events.tokens import registration_cancel_token

LOCK_RETRIES = 60
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class RegistrationError(Exception):
    """A registration or cancellation that the rules refuse.

    ``code`` says why (``unavailable``, ``login_required``, ``members_only``, ``duplicate``,
    ``full``, ``consent``, ``already_cancelled``, ``over``); ``field`` names the form field the
    message belongs to, if any."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def _is_lock_error(exc: OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _with_lock_retry[T](work: Callable[[], T]) -> T:
    """Run ``work`` (which opens its own transaction) again when SQLite reports a lock held by
    another writer. Inside an outer transaction a retry cannot help, so the error is raised."""
    for attempt in range(LOCK_RETRIES):
        try:
            return work()
        except OperationalError as exc:
            if not _is_lock_error(exc) or connection.in_atomic_block:
                raise
            if attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.01 + random.random() * 0.05)  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")  # pragma: no cover


def _local(value: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def registration_refusal(
    *, event: Event, user: Any, now: datetime.datetime | None = None
) -> RegistrationError | None:
    """Why ``user`` cannot register for ``event`` now (ignoring the places left), or None."""
    now = now or timezone.now()
    if not event.is_published:
        return RegistrationError(_("This event is not published."), code="unavailable")
    if event.is_cancelled:
        return RegistrationError(_("This event has been cancelled."), code="unavailable")
    if event.starts_at <= now:
        return RegistrationError(
            _("This event has already begun, registration is closed."), code="unavailable"
        )
    if not event.registration_enabled:
        return RegistrationError(
            _("Registration for this event is not handled on this platform."),
            code="unavailable",
        )
    if event.registration_opens_at and event.registration_opens_at > now:
        return RegistrationError(
            _("Registration opens on %(date)s.") % {"date": _local(event.registration_opens_at)},
            code="unavailable",
        )
    if event.registration_closes_at and event.registration_closes_at < now:
        return RegistrationError(
            _("Registration closed on %(date)s.") % {"date": _local(event.registration_closes_at)},
            code="unavailable",
        )
    if event.audience == EventAudience.MEMBERS:
        if user is None or not user.is_authenticated:
            return RegistrationError(
                _("This event is for members of the network only. Please log in to register."),
                code="login_required",
            )
        if not user.has_perm("events.attend_members_event", event):
            return RegistrationError(
                _(
                    "This event is for members of the network only. Your account does not "
                    "belong to a member organisation of this network."
                ),
                code="members_only",
            )
    return None


def _duplicate_error() -> RegistrationError:
    return RegistrationError(
        _("This e-mail address is already registered for this event."),
        code="duplicate",
        field="email",
    )


def _links(registration: Registration) -> dict[str, str]:
    event = registration.event
    detail = event.get_absolute_url()
    return {
        "event_url": detail,
        "ics_url": reverse("events:event_ics", kwargs={"slug": event.slug}),
        "cancel_url": reverse(
            "events:registration_cancel",
            kwargs={"token": registration_cancel_token(registration.pk)},
        ),
    }


def _mail(registration: Registration, template: str, **extra: Any) -> None:
    """E-mail one participant. The meeting link goes only to confirmed participants."""
    event = registration.event
    show_link = (
        registration.status == RegistrationStatus.CONFIRMED
        and event.is_online
        and bool(event.online_url)
    )
    email_enqueue(
        template=f"events/email/{template}",
        context={
            "event": event,
            "registration": registration,
            "starts": timezone.localtime(event.starts_at),
            "ends": timezone.localtime(event.ends_at),
            "meeting_link": event.online_url if show_link else "",
            **_links(registration),
            **extra,
        },
        to=[registration.email],
    )


def registration_create(
    *,
    event: Event,
    name: str,
    email: str,
    organisation: str = "",
    user: Any = None,
    consent: bool,
    now: datetime.datetime | None = None,
) -> Registration:
    """Register a person: confirmed while places are left, else on the waiting list (if the
    event keeps one). Raises RegistrationError when the rules refuse (see
    ``registration_refusal``, plus ``consent``, ``duplicate`` and ``full``). Sends the
    confirmation mail after commit."""
    email = email.strip().lower()
    if not consent:
        raise RegistrationError(
            _("Please agree to the privacy notice."), code="consent", field="consent"
        )
    account = user if user is not None and user.is_authenticated else None

    def work() -> Registration:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            refusal = registration_refusal(event=locked, user=user, now=now)
            if refusal is not None:
                raise refusal
            active = Registration.objects.filter(event=locked, status__in=ACTIVE)
            if active.filter(email=email).exists():
                raise _duplicate_error()
            confirmed = active.filter(status=RegistrationStatus.CONFIRMED).count()
            if locked.capacity is None or confirmed < locked.capacity:
                status = RegistrationStatus.CONFIRMED
            elif locked.waiting_list:
                status = RegistrationStatus.WAITLISTED
            else:
                raise RegistrationError(
                    _("This event is fully booked. No places are left."), code="full"
                )
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(
                        event=locked,
                        name=name.strip(),
                        email=email,
                        organisation=organisation.strip(),
                        user=account,
                        status=status,
                        consent_at=now or timezone.now(),
                        created_at=now or timezone.now(),
                    )
            except IntegrityError as exc:
                raise _duplicate_error() from exc
            _mail(registration, "registration_created")
            return registration

    return _with_lock_retry(work)


def registration_cancel(
    *, registration_id: int, now: datetime.datetime | None = None
) -> tuple[Registration, list[Registration]]:
    """Cancel a registration. If it held a place, the first people on the waiting list (by
    time of registration) move up while places are free, and are e-mailed. Returns the
    cancelled registration and those promoted. Raises RegistrationError (``already_cancelled``,
    ``over``) and Registration.DoesNotExist."""
    now = now or timezone.now()

    def work() -> tuple[Registration, list[Registration]]:
        with transaction.atomic():
            event_id = (
                Registration.objects.filter(pk=registration_id)
                .values_list("event_id", flat=True)
                .get()
            )
            event = Event.objects.select_for_update().get(pk=event_id)
            registration = Registration.objects.get(pk=registration_id)
            registration.event = event
            if registration.status == RegistrationStatus.CANCELLED:
                raise RegistrationError(
                    _("This registration has already been cancelled."), code="already_cancelled"
                )
            if event.ends_at < now:
                raise RegistrationError(
                    _("This event is over; the registration can no longer be cancelled."),
                    code="over",
                )
            held_place = registration.status == RegistrationStatus.CONFIRMED
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at"])
            _mail(registration, "registration_cancelled")
            promoted = _promote(event, now) if held_place else []
            return registration, promoted

    return _with_lock_retry(work)


def _promote(event: Event, now: datetime.datetime) -> list[Registration]:
    """Move people up from the waiting list while places are free (event row locked)."""
    queue = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).order_by(
        "created_at", "pk"
    )
    if event.capacity is None:
        chosen = list(queue)
    else:
        confirmed = Registration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED
        ).count()
        free = max(event.capacity - confirmed, 0)
        chosen = list(queue[:free]) if free else []
    for registration in chosen:
        registration.event = event
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _mail(registration, "registration_promoted")
    return chosen


def registrations_notify_cancelled(event_id: int) -> int:
    """Tell everyone confirmed or on the waiting list that the event is cancelled; returns the
    number of mails queued. Meant for ``transaction.on_commit`` of the event's cancellation."""
    event = Event.objects.get(pk=event_id)
    registrations = list(Registration.objects.filter(event=event, status__in=ACTIVE))
    for registration in registrations:
        registration.event = event
        email_enqueue(
            template="events/email/event_cancelled",
            context={
                "event": event,
                "registration": registration,
                "starts": timezone.localtime(event.starts_at),
                "event_url": event.get_absolute_url(),
            },
            to=[registration.email],
        )
    return len(registrations)


def registration_attendance_set(*, event: Event, attended_ids: set[int], actor: Any) -> int:
    """Record who attended: the confirmed registrations in ``attended_ids`` attended, the other
    confirmed ones did not. Only for those who may change the event. Returns the number marked
    as attended."""
    if not actor.has_perm("events.change_event", event):
        raise PermissionDenied
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    with transaction.atomic():
        present = confirmed.filter(pk__in=attended_ids).update(attended=True)
        confirmed.exclude(pk__in=attended_ids).update(attended=False)
    return present


def participants_message(
    *, event: Event, subject: str, body: str, include_waitlisted: bool, actor: Any
) -> int:
    """E-mail a message from the coordinators to each confirmed participant (and, if asked,
    everyone on the waiting list), one mail per person so nobody sees the others' addresses.
    Returns the number of mails queued."""
    if not actor.has_perm("events.change_event", event):
        raise PermissionDenied
    statuses = [RegistrationStatus.CONFIRMED]
    if include_waitlisted:
        statuses.append(RegistrationStatus.WAITLISTED)
    addresses = list(
        Registration.objects.filter(event=event, status__in=statuses)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    for address in addresses:
        email_enqueue(
            template="events/email/participants_message",
            context={
                "event": event,
                "message_subject": subject,
                "message_body": body,
                "event_url": event.get_absolute_url(),
            },
            to=[address],
        )
    return len(addresses)


# A day before the start; people who register later than 12 hours before are not reminded.
REMINDER_HOURS = 24
REMINDER_EARLIEST_HOURS = 12


def reminders_send(now: datetime.datetime | None = None) -> int:
    """Remind confirmed participants of published, not cancelled events that start in 12 to
    24 hours, once each (``reminded_at``): run hourly, the reminder goes out about a day before
    the start. Safe to run as often as wanted, also in parallel. Returns the number of
    reminders sent."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            reminded_at__isnull=True,
            event__is_published=True,
            event__is_cancelled=False,
            event__starts_at__gte=now + datetime.timedelta(hours=REMINDER_EARLIEST_HOURS),
            event__starts_at__lte=now + datetime.timedelta(hours=REMINDER_HOURS),
        )
        .select_related("event")
        .order_by("pk")
    )
    sent = 0
    for registration in due:
        with transaction.atomic():
            # Claiming the row first makes a parallel run skip it.
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                _mail(registration, "registration_reminder")
                sent += 1
    return sent
