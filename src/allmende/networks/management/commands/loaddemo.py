from django.core.management.base import BaseCommand, CommandError

from allmende.networks.demo import demo_load


class Command(BaseCommand):
    help = "Load or refresh the demo data (networks, organisations, demo logins). Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        # Imported here: the matching app imports from the networks app.
        from allmende.matching.demo import demo_matching_load

        try:
            logins = demo_load()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        counts = demo_matching_load()
        self.stdout.write(
            "{properties} properties, {needs} space needs, "
            "{recommendations} recommendations.".format(**counts)
        )
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        for email, password, role in logins:
            self.stdout.write(f"  {role:<20} {email:<40} password: {password}")
