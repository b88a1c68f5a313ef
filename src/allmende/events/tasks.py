"""Background tasks of the events app."""

from django.tasks import task

from allmende.events.services_registration import reminders_send


@task()
def send_reminders() -> int:
    """Remind confirmed participants of events that start in 24 to 48 hours (once each)."""
    return reminders_send()
