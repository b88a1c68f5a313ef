"""``allmende index_scheduled``: put knowledge content whose publication date has arrived
into the search index. Meant for cron (e.g. every hour); items already indexed are skipped."""

from typing import Any

from django.core.management.base import BaseCommand

from allmende.knowledge.services_search import knowledge_index_due


class Command(BaseCommand):
    help = "Index knowledge content whose publication date has arrived."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the task for the worker instead of indexing now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            from allmende.knowledge.tasks import index_scheduled

            index_scheduled.enqueue()
            self.stdout.write("Indexing task queued.")
            return
        indexed = knowledge_index_due()
        self.stdout.write(f"{indexed} item(s) indexed.")
