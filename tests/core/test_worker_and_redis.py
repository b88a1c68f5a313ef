"""The real background components: the database task queue with its worker, and Redis."""

import os

import pytest
from django.core import mail
from django.core.management import call_command

from allmende.core.tasks import send_email


@pytest.mark.django_db(transaction=True)
def test_database_queue_worker_sends_queued_email(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    result = send_email.enqueue(subject="Hallo", body="Text", to=["a@example.org"])
    assert mail.outbox == []  # queued, not sent yet

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


REDIS_URL = os.environ.get("REDIS_URL_TEST", "")


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL_TEST not set (CI sets it)")
def test_rate_limit_counts_in_redis_shared_by_app_servers(settings, rf):
    from django.core.cache import caches
    from django_ratelimit.core import is_ratelimited

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    caches["default"].clear()
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    limited = [
        is_ratelimited(
            request, group="redis-test", key="ip", rate="3/m", method="POST", increment=True
        )
        for _ in range(4)
    ]
    assert limited == [False, False, False, True]
    caches["default"].clear()
