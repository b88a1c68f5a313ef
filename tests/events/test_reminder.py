"""Reminders one day before: confirmed participants of events in 12–24 hours, once each."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from allmende.events.models import Registration, RegistrationStatus
from allmende.events.services_registration import reminders_send
from allmende.events.tasks import send_reminders
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _event_in(hours, **kwargs):
    start = timezone.now() + datetime.timedelta(hours=hours)
    return EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=3), **kwargs)


def test_reminders_reach_confirmed_participants_of_tomorrows_events_once():
    tomorrow = _event_in(23, is_online=True, online_url="https://meet.example.org/morgen")
    confirmed = RegistrationFactory(event=tomorrow, email="ja@example.org")
    RegistrationFactory(event=tomorrow, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=tomorrow, status=RegistrationStatus.CANCELLED)
    RegistrationFactory(event=_event_in(6))  # too soon: registered at the last minute
    RegistrationFactory(event=_event_in(26))  # later: reminded by a later hourly run
    RegistrationFactory(event=_event_in(23, is_cancelled=True))
    RegistrationFactory(event=_event_in(23, is_published=False))

    assert reminders_send() == 1
    assert [m.to for m in mail.outbox] == [["ja@example.org"]]
    assert "Erinnerung" in mail.outbox[0].subject
    assert "https://meet.example.org/morgen" in mail.outbox[0].body
    confirmed.refresh_from_db()
    assert confirmed.reminded_at is not None

    assert reminders_send() == 0
    assert len(mail.outbox) == 1


def test_reminder_task_and_command_run_the_service():
    RegistrationFactory(event=_event_in(20))
    RegistrationFactory(event=_event_in(21))
    result = send_reminders.enqueue()
    assert result.return_value == 2
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "0 reminder(s) sent." in out.getvalue()
    assert Registration.objects.filter(reminded_at__isnull=True).count() == 0
    assert len(mail.outbox) == 2


def test_reminder_command_can_queue_the_task():
    RegistrationFactory(event=_event_in(22))
    out = io.StringIO()
    call_command("send_reminders", "--background", stdout=out)
    assert "queued" in out.getvalue()
    assert len(mail.outbox) == 1  # the test settings run tasks at once
