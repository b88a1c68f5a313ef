"""The submission deadline, judged by the server's clock in Europe/Berlin: one second before
it everything is possible, at and after it nothing changes and the refusal says why, also on
the days the clocks change (deadline 03:00 on the spring day; 02:30, which happens twice, on
the autumn day)."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allmende.procedures import services_applications as services
from allmende.procedures.models import Application, ApplicationState, Procedure

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SECOND = datetime.timedelta(seconds=1)
CONCEPTS = {"object": "Wohnen und Werkstätten.", "group": "Zwölf Leute."}

# Arithmetic on datetimes of one ZoneInfo is wall-clock arithmetic (03:00 CEST minus a second
# would be the non-existent 02:59:59, read as CET); the deadlines are therefore converted to UTC,
# where a second is a second.
LOCAL_DEADLINES = {
    # An ordinary winter evening.
    "winter": datetime.datetime(2026, 1, 15, 18, 0, tzinfo=BERLIN),
    # Spring forward: 02:00 CET is followed by 03:00 CEST; 03:00 CEST is 01:00 UTC.
    "spring": datetime.datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN),
    # Fall back: 02:30 happens twice, first in CEST (00:30 UTC), then in CET (01:30 UTC).
    "autumn_first": datetime.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=0),
    "autumn_second": datetime.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1),
}
DEADLINES = {name: moment.astimezone(datetime.UTC) for name, moment in LOCAL_DEADLINES.items()}


def test_the_dst_deadlines_are_the_instants_we_mean():
    utc = datetime.UTC
    assert DEADLINES["spring"] == datetime.datetime(2026, 3, 29, 1, 0, tzinfo=utc)
    assert DEADLINES["autumn_first"] == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=utc)
    assert DEADLINES["autumn_second"] == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=utc)
    # One second before the spring deadline is 01:59:59 CET: the hour between does not exist.
    before = (DEADLINES["spring"] - SECOND).astimezone(BERLIN)
    assert (before.hour, before.minute, before.second, before.utcoffset()) == (
        1,
        59,
        59,
        datetime.timedelta(hours=1),
    )


def _at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(datetime.UTC))


@pytest.fixture
def at_deadline(proc):
    """Returns a function that sets the submission deadline and gives a draft made before."""

    def setup(deadline):
        procedure = proc.publish()
        Procedure.objects.filter(pk=procedure.pk).update(
            question_deadline=deadline - datetime.timedelta(days=7), submission_deadline=deadline
        )
        procedure.refresh_from_db()
        with _at(deadline - datetime.timedelta(days=1)):
            application = services.application_create(
                procedure=procedure,
                organisation=proc.applicant,
                actor=proc.applicant_editor,
                data={"concepts": dict(CONCEPTS)},
            )
        return procedure, application

    return setup


@pytest.mark.parametrize("name", list(DEADLINES))
def test_submit_one_second_before_the_deadline_is_accepted(proc, at_deadline, name):
    deadline = DEADLINES[name]
    _procedure, application = at_deadline(deadline)
    with _at(deadline - SECOND):
        services.application_submit(application=application, actor=proc.applicant_editor)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_at == deadline - SECOND


@pytest.mark.parametrize("name", list(DEADLINES))
@pytest.mark.parametrize("offset", [0, 1])
def test_submit_at_or_after_the_deadline_is_refused(proc, at_deadline, name, offset):
    deadline = DEADLINES[name]
    _procedure, application = at_deadline(deadline)
    with _at(deadline + offset * SECOND), pytest.raises(ValidationError) as error:
        services.application_submit(application=application, actor=proc.applicant_editor)
    assert error.value.code == "submission_deadline"
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_autumn_deadline_in_the_second_0230_is_still_open_an_hour_after_the_first(
    proc, at_deadline
):
    deadline = DEADLINES["autumn_second"]
    _procedure, application = at_deadline(deadline)
    with _at(DEADLINES["autumn_first"] + SECOND):
        services.application_submit(application=application, actor=proc.applicant_editor)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED


@pytest.mark.parametrize("name", list(DEADLINES))
def test_every_change_is_refused_after_the_deadline_and_nothing_changes(proc, at_deadline, name):
    deadline = DEADLINES[name]
    procedure, application = at_deadline(deadline)
    with _at(deadline - SECOND):
        services.application_submit(application=application, actor=proc.applicant_editor)
    application.refresh_from_db()
    before = (application.concepts, application.state, application.receipt_hash)
    after = deadline + SECOND
    attempts = [
        lambda: services.application_update(
            application=application,
            actor=proc.applicant_editor,
            data={"concepts": {**CONCEPTS, "group": "Anders"}},
        ),
        lambda: services.application_withdraw(application=application, actor=proc.applicant_editor),
        lambda: services.application_submit(application=application, actor=proc.applicant_editor),
        lambda: services.attachment_add(
            application=application,
            actor=proc.applicant_editor,
            file=SimpleUploadedFile("f.pdf", b"%PDF-1.4\n"),
            title="Zu spät",
        ),
        lambda: services.application_create(
            procedure=procedure,
            organisation=proc.second_applicant,
            actor=proc.second_editor,
            data={"concepts": dict(CONCEPTS)},
        ),
    ]
    for attempt in attempts:
        with _at(after), pytest.raises(ValidationError):
            attempt()
    application.refresh_from_db()
    assert (application.concepts, application.state, application.receipt_hash) == before
    assert Application.objects.count() == 1
    assert not application.attachments.exists()


def test_withdrawal_one_second_before_the_spring_deadline(proc, at_deadline):
    deadline = DEADLINES["spring"]
    _procedure, application = at_deadline(deadline)
    with _at(deadline - 2 * SECOND):
        services.application_submit(application=application, actor=proc.applicant_editor)
    with _at(deadline - SECOND):
        services.application_withdraw(application=application, actor=proc.applicant_editor)
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN


def test_refusal_page_names_the_deadline_in_german_time(client, proc, at_deadline):
    deadline = DEADLINES["spring"]
    procedure, application = at_deadline(deadline)
    client.force_login(proc.applicant_editor)
    with _at(deadline + SECOND):
        response = client.post(
            reverse("procedures:application_edit", args=[procedure.pk, application.pk]),
            {"concept_object": "Neu", "concept_group": "Neu", "action": "submit"},
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Die Abgabefrist endete am 29. März 2026 03:00" in html
    assert 'class="error-summary"' in html
    # The typed text is still in the form.
    assert "Neu</textarea>" in html
    application.refresh_from_db()
    assert application.concepts == CONCEPTS


def test_question_deadline_on_the_spring_day(proc):
    procedure = proc.publish()
    deadline = DEADLINES["spring"]
    Procedure.objects.filter(pk=procedure.pk).update(question_deadline=deadline)
    procedure.refresh_from_db()
    with _at(deadline - SECOND):
        services.question_ask(
            procedure=procedure, organisation=proc.applicant, actor=proc.applicant_editor, text="?"
        )
    with _at(deadline), pytest.raises(ValidationError) as error:
        services.question_ask(
            procedure=procedure, organisation=proc.applicant, actor=proc.applicant_editor, text="?"
        )
    assert error.value.code == "question_deadline"
