import logging

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from allmende.networks.demo import demo_load


class Command(BaseCommand):
    help = (
        "Load or refresh the demo data (networks, organisations, properties, space needs, "
        "allocation procedures, knowledge content, demo logins). Idempotent."
    )

    def handle(self, *args: object, **options: object) -> None:
        # Imported here: the matching app imports from the networks app.
        from allmende.electioncheck.demo import demo_electioncheck_load
        from allmende.knowledge.demo import demo_knowledge_load
        from allmende.matching.demo import demo_matching_load
        from allmende.newsletter.demo import demo_newsletter_load
        from allmende.procedures.demo import JUROR_EMAIL, demo_procedures_load

        try:
            logins = demo_load()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        counts = demo_matching_load()
        self.stdout.write(
            "{properties} properties, {needs} space needs, "
            "{recommendations} recommendations.".format(**counts)
        )
        # The procedures' e-mails (answers, receipts, invitations, decisions) stay unsent: the
        # demo people are fictional and the console would fill with them.
        tasks_log = logging.getLogger("django.tasks")
        level = tasks_log.level
        tasks_log.setLevel(logging.WARNING)
        with override_settings(
            TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
        ):
            procedures = demo_procedures_load()
        tasks_log.setLevel(level)
        self.stdout.write(
            "{procedures} allocation procedures ({decided} decided).".format(**procedures)
        )
        knowledge = demo_knowledge_load()
        self.stdout.write(
            "{articles} articles, {tools} tools, {places} example places, "
            "{news} news items.".format(**knowledge)
        )
        election = demo_electioncheck_load()
        self.stdout.write("Election check: {theses} theses, {parties} parties.".format(**election))
        from allmende.events.demo import demo_events_load

        events = demo_events_load()
        self.stdout.write(
            "{past} past and {upcoming} upcoming events, {registrations} registrations.".format(
                **events
            )
        )
        newsletter = demo_newsletter_load()
        self.stdout.write(
            "Newsletter: {subscribers} subscribers, {deliveries} deliveries.".format(**newsletter)
        )
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        logins = [*logins, (JUROR_EMAIL, logins[0][1], "juror")]
        for email, password, role in logins:
            self.stdout.write(f"  {role:<20} {email:<40} password: {password}")
