"""Background tasks of the newsletter: thin wrappers around the services."""

import datetime

from django.tasks import task
from django.utils import timezone

from allmende.newsletter import services

# A failed mail is tried again after this pause (when the task backend can defer tasks; the
# inline backend used by the demo and the tests tries again at once).
RETRY_DELAY = datetime.timedelta(minutes=5)


@task()
def send_issue_batch(*, delivery_ids: list[int]) -> int:
    """Send one batch of an issue; failed mails are queued again as a new task until they
    have used up their attempts. Returns the number of mails to be tried again."""
    retry = services.deliveries_send(delivery_ids=delivery_ids)
    if retry:
        if send_issue_batch.get_backend().supports_defer:
            send_issue_batch.using(run_after=timezone.now() + RETRY_DELAY).enqueue(
                delivery_ids=retry
            )
        else:
            send_issue_batch.enqueue(delivery_ids=retry)
    return len(retry)


@task()
def send_test_mail(*, issue_id: int, to: str) -> None:
    services.issue_test_mail_send(issue_id=issue_id, to=to)
