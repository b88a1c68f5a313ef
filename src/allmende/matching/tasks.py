"""Background work of the matching module."""

from django.tasks import task

from allmende.matching.services import recommendations_refresh


@task()
def refresh_recommendations(*, need_ids: list[int], property_ids: list[int]) -> int:
    """Re-rank the stored recommendations of changed needs and properties (see services)."""
    return recommendations_refresh(need_ids=need_ids, property_ids=property_ids)
