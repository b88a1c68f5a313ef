from django.core.management.base import BaseCommand, CommandParser

from allmende.newsletter import services


class Command(BaseCommand):
    help = (
        "Retention: delete newsletter sign-ups not confirmed within 30 days and remove the "
        "personal data of event registrations EVENT_REGISTRATION_RETENTION_DAYS after the "
        "event. Prints what was removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count, change nothing")

    def handle(self, *args: object, **options: object) -> None:
        dry_run = bool(options["dry_run"])
        subscribers = services.purge_pending_subscribers(dry_run=dry_run)
        registrations = services.purge_event_registrations(dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{subscribers} unconfirmed newsletter sign-ups {verb} deleted (older than 30 days)."
        )
        self.stdout.write(f"{registrations} event registrations {verb} anonymised.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
