"""Reads about registrations shared by the pages, the panel and the API."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from allmende.events.models import Event, Registration, RegistrationStatus


def registration_counts(*, event: Event) -> dict[str, int]:
    """Confirmed and waitlisted registrations of an event, in one query."""
    counts = Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return {"confirmed": counts["confirmed"] or 0, "waitlisted": counts["waitlisted"] or 0}


def places_left(*, event: Event, confirmed: int) -> int | None:
    """Free places, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed, 0)


def registration_list(*, event: Event) -> QuerySet[Registration]:
    """All registrations of an event in order of registration (for coordinators)."""
    return (
        Registration.objects.filter(event=event).select_related("user").order_by("created_at", "pk")
    )


def registration_of_user(*, event: Event, user: Any) -> Registration | None:
    """The logged-in user's active registration, made while logged in. (Not matched by e-mail
    address: an account's address proves nothing about who registered with it.)"""
    if user is None or not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("created_at", "pk")
        .first()
    )
