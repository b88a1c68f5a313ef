"""E-mails are rendered when they are queued and sent by the task backend after the commit."""

import copy

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import translation

from allmende.core.mail import email_enqueue
from allmende.core.tasks import send_email
from tests.factories import MembershipApplicationFactory


@pytest.fixture
def mail_templates(settings, tmp_path):
    """A test mail whose texts Django itself translates ("Page not found", "Log in"), so the
    language of the rendering shows without depending on our own catalogue."""
    folder = tmp_path / "mails"
    folder.mkdir()
    (folder / "hello_subject.txt").write_text(
        '{% load i18n %}\n  [{{ SITE_NAME }}]   {% translate "Page not found" %}\n\n',
        encoding="utf-8",
    )
    (folder / "hello_body.txt").write_text(
        '{% load i18n %}{% translate "Log in" %}: {{ SITE_URL }}/konto/ - {{ who }}\n',
        encoding="utf-8",
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    settings.SITE_NAME = "Allmende"
    settings.SITE_URL = "https://allmende.example.org/"
    return "mails/hello"


@pytest.mark.django_db(transaction=True)
def test_email_is_rendered_in_german_and_sent_after_the_commit(mail_templates, mailoutbox):
    with translation.override("en"), transaction.atomic():
        email_enqueue(template=mail_templates, context={"who": "Erika"}, to=["erika@example.org"])
        assert mailoutbox == []  # not before the commit

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["erika@example.org"]
    assert mail.subject == "[Allmende] Seite nicht gefunden"
    assert mail.body == "Anmelden: https://allmende.example.org/konto/ - Erika\n"


@pytest.mark.django_db(transaction=True)
def test_email_can_be_rendered_in_english(mail_templates, mailoutbox):
    with transaction.atomic():
        email_enqueue(
            template=mail_templates,
            context={"who": "Erika"},
            to=["erika@example.org"],
            language="en",
        )

    assert mailoutbox[0].subject == "[Allmende] Page not found"
    assert mailoutbox[0].body.startswith("Log in: ")


class Abort(Exception):
    pass


def _enqueue_and_abort(template: str) -> None:
    with transaction.atomic():
        email_enqueue(template=template, context={"who": "Erika"}, to=["erika@example.org"])
        raise Abort


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(mail_templates, mailoutbox):
    with pytest.raises(Abort):
        _enqueue_and_abort(mail_templates)

    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_rolled_back_savepoint_drops_only_its_own_email(mail_templates, mailoutbox):
    with transaction.atomic():
        email_enqueue(template=mail_templates, context={"who": "Erika"}, to=["erika@example.org"])
        try:
            with transaction.atomic():
                email_enqueue(
                    template=mail_templates, context={"who": "Max"}, to=["max@example.org"]
                )
                raise RuntimeError("inner step failed")
        except RuntimeError:
            pass

    assert [mail.to for mail in mailoutbox] == [["erika@example.org"]]


def test_email_without_recipients_is_not_queued(
    db, mail_templates, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email_enqueue(template=mail_templates, context={"who": "Erika"}, to=["", ""])

    assert callbacks == []
    assert mailoutbox == []


def test_empty_addresses_are_dropped_from_the_recipients(
    db, mail_templates, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            template=mail_templates, context={"who": "Erika"}, to=["", "erika@example.org"]
        )

    assert [mail.to for mail in mailoutbox] == [["erika@example.org"]]


def test_application_mail_renders_the_real_templates(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory(
        org_name="Haus & Hof <Süd>",
        contact_name="Erika Beispiel",
        contact_email="erika@example.org",
        network__name="Netzwerk Immovielien",
    )

    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(
            template="networks/email/application_received",
            context={"application": application, "network": application.network},
            to=[application.contact_email],
        )

    [mail] = mailoutbox
    assert "Netzwerk Immovielien" in mail.subject
    assert "\n" not in mail.subject
    assert "Erika Beispiel" in mail.body
    assert "Haus & Hof <Süd>" in mail.body  # plain text: no HTML escaping
    assert "&amp;" not in mail.body
    assert "{%" not in mail.body
    # German by default, from the project's own catalogue.
    assert mail.subject.startswith("Ihr")
    assert mail.body.startswith("Hallo Erika Beispiel")


def test_send_email_task_runs_immediately_and_reports_success(db, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Allmende <noreply@allmende.example.org>"

    result = send_email.enqueue(
        subject="Hallo",
        body="Guten Tag.",
        to=["erika@example.org"],
        reply_to=["koordination@example.org"],
    )

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    [mail] = mailoutbox
    assert mail.from_email == "Allmende <noreply@allmende.example.org>"
    assert mail.reply_to == ["koordination@example.org"]
    assert mail.body == "Guten Tag."
