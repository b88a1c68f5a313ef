"""Queue e-mails rendered from templates once the surrounding transaction has committed."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from allmende.core.tasks import send_email


def email_enqueue(
    *, template: str, context: dict[str, Any], to: list[str], language: str = "de"
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` and send them after commit.

    Rendering happens now (in the requested language) so the worker needs no request or
    database state; sending waits for the commit so that no mail announces a rolled-back change.
    """
    context = {
        "SITE_URL": settings.SITE_URL.rstrip("/"),
        "SITE_NAME": settings.SITE_NAME,
        **context,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    recipients = [address for address in to if address]
    if not recipients:
        return
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=recipients))
