from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from allmende.core.progress import progress_for
from allmende.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from all public content."

    def handle(self, *args: Any, **options: Any) -> None:
        total = search_rebuild(progress=progress_for(self.stdout))
        self.stdout.write(_("Search index rebuilt: %(count)s entries.") % {"count": total})
