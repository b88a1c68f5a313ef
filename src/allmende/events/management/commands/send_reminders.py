"""``allmende send_reminders``: remind participants of events starting in 24–48 hours. Meant
for cron (e.g. every hour); people who were reminded once are not reminded again."""

from typing import Any

from django.core.management.base import BaseCommand

from allmende.events.services_registration import reminders_send


class Command(BaseCommand):
    help = "E-mail a reminder to confirmed participants of events starting in 24 to 48 hours."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the task for the worker instead of sending now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            from allmende.events.tasks import send_reminders

            send_reminders.enqueue()
            self.stdout.write("Reminder task queued.")
            return
        sent = reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
