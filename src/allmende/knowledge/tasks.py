"""Background tasks of the knowledge app."""

from django.tasks import task

from allmende.knowledge.services_search import knowledge_index_due


@task()
def index_scheduled() -> int:
    """Index the knowledge items whose publication date has arrived (see the service)."""
    return knowledge_index_due()
