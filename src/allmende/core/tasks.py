"""Background tasks shared by the apps."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str], reply_to: list[str] | None = None) -> int:
    """Send one plain-text e-mail; runs in the task worker so that a slow mail server never
    holds up a page."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or None,
    )
    return message.send(fail_silently=False)
