"""The lifecycle of a procedure: every transition allowed or refused per state and role, the
preconditions of each step, publication with its scheme hash and the audit entries."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from allmende.procedures import services
from allmende.procedures.models import (
    AuditEntry,
    AwardCriterion,
    Procedure,
    ProcedureState,
)
from allmende.procedures.services_decision import procedure_decide

S = ProcedureState
ALLOWED = {
    (S.DRAFT, S.PUBLISHED),
    (S.DRAFT, S.CANCELLED),
    (S.PUBLISHED, S.SUBMISSION_CLOSED),
    (S.PUBLISHED, S.CANCELLED),
    (S.SUBMISSION_CLOSED, S.EVALUATION),
    (S.SUBMISSION_CLOSED, S.CANCELLED),
    (S.EVALUATION, S.DECIDED),
    (S.EVALUATION, S.CANCELLED),
    (S.DECIDED, S.OPTION),
    (S.DECIDED, S.CONCLUDED),
    (S.DECIDED, S.CANCELLED),
    (S.OPTION, S.CONCLUDED),
    (S.OPTION, S.CANCELLED),
}
OTHER_ROLES = ["anonymous", "outsider", "applicant_editor", "juror"]


def _user(proc, role):
    return {
        "anonymous": AnonymousUser(),
        "outsider": proc.outsider,
        "applicant_editor": proc.applicant_editor,
        "juror": proc.juror_one,
        "manager": proc.manager,
        "admin": proc.admin,
    }[role]


def _prepare(proc, from_state: str) -> Procedure:
    """Put the procedure into ``from_state`` with every precondition of the next steps met."""
    now = timezone.now()
    values = {"state": from_state, "option_until": (now + datetime.timedelta(days=200)).date()}
    if from_state != S.DRAFT:
        # After publication the deadlines may lie in the past (the submission may be closed).
        values["submission_deadline"] = now - datetime.timedelta(seconds=1)
        values["question_deadline"] = now - datetime.timedelta(days=1)
        values["scheme_hash"] = services.procedure_scheme_hash(proc.procedure)
    Procedure.objects.filter(pk=proc.procedure.pk).update(**values)
    proc.procedure.refresh_from_db()
    return proc.procedure


def _move(procedure: Procedure, to_state: str, actor) -> Procedure:
    if to_state == S.PUBLISHED:
        return services.procedure_publish(procedure=procedure, actor=actor)
    if to_state == S.DECIDED:
        # Only the decision reaches "decided" (the jurors of ``proc`` have not submitted).
        return procedure_decide(
            procedure=procedure,
            actor=actor,
            reasons_summary="Kein Konzept erreichte die Rangfolge.",
            confirm_incomplete=True,
        )
    if to_state == S.CANCELLED:
        return services.procedure_cancel(
            procedure=procedure, actor=actor, reason="Fördermittel fehlen"
        )
    return services.procedure_transition(procedure, to_state, actor)


@pytest.mark.parametrize("to_state", S.values)
@pytest.mark.parametrize("from_state", S.values)
@pytest.mark.parametrize("role", ["manager", "admin"])
def test_manager_and_admin_move_exactly_along_the_table(proc, role, from_state, to_state):
    procedure = _prepare(proc, from_state)
    if (from_state, to_state) in ALLOWED:
        _move(procedure, to_state, _user(proc, role))
        stored = Procedure.objects.get(pk=procedure.pk)
        assert stored.state == to_state
        if to_state == S.DECIDED:
            assert stored.result["decision"]["reasons_summary"]
            assert stored.tie_break_seed
    else:
        with pytest.raises(ValidationError):
            _move(procedure, to_state, _user(proc, role))
        assert Procedure.objects.get(pk=procedure.pk).state == from_state


@pytest.mark.parametrize("from_state", S.values)
def test_the_generic_transition_never_decides(proc, from_state):
    """ "Decided" needs the result, the seed and the winner: only ``procedure_decide`` sets
    them, so the generic transition refuses it even from evaluation."""
    procedure = _prepare(proc, from_state)
    with pytest.raises(ValidationError) as caught:
        services.procedure_transition(procedure, S.DECIDED, proc.manager)
    assert caught.value.code == "decision_only"
    assert "Entscheidung" in caught.value.messages[0]
    stored = Procedure.objects.get(pk=procedure.pk)
    assert (stored.state, stored.result, stored.winner_id) == (from_state, {}, None)
    assert not AuditEntry.objects.filter(procedure=procedure, action="decided").exists()


@pytest.mark.parametrize(("from_state", "to_state"), sorted(ALLOWED))
@pytest.mark.parametrize("role", OTHER_ROLES)
def test_nobody_else_moves_a_procedure(proc, role, from_state, to_state):
    procedure = _prepare(proc, from_state)
    with pytest.raises(PermissionDenied):
        _move(procedure, to_state, _user(proc, role))
    assert Procedure.objects.get(pk=procedure.pk).state == from_state


def test_manager_of_another_town_may_not_publish(proc, world):
    with pytest.raises(PermissionDenied):
        services.procedure_publish(procedure=proc.procedure, actor=world.editor)


def test_publish_stores_time_scheme_hash_and_audit_entry(proc):
    procedure = services.procedure_publish(procedure=proc.procedure, actor=proc.manager)
    procedure.refresh_from_db()
    assert procedure.state == S.PUBLISHED
    assert procedure.published_at is not None
    assert procedure.publication_date == timezone.localdate(procedure.published_at)
    assert len(procedure.scheme_hash) == 64
    assert procedure.scheme_hash == services.procedure_scheme_hash(procedure)
    entry = AuditEntry.objects.filter(procedure=procedure).order_by("-position").first()
    assert entry.action == "publish"
    assert entry.payload["scheme_hash"] == procedure.scheme_hash
    assert [c["key"] for c in entry.payload["scheme"]["criteria"]] == ["object", "group"]


def test_scheme_hash_ignores_the_notation_of_numbers_but_not_a_weight(proc):
    procedure = proc.procedure
    before = services.procedure_scheme_hash(procedure)
    AwardCriterion.objects.filter(procedure=procedure, key="object").update(weight=Decimal("60.00"))
    assert services.procedure_scheme_hash(procedure) == before
    AwardCriterion.objects.filter(procedure=procedure, key="object").update(weight=Decimal(59))
    assert services.procedure_scheme_hash(procedure) != before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"price_weight": Decimal(10)}, "price_weight", "Nur ein Verfahren"),
        ({"tie_break_criterion": "lage"}, "tie_break_criterion", "„lage“"),
        ({"aggregation": "class_banding"}, "classes", "Klassen"),
        ({"aggregation": "threshold"}, "threshold_points", "Schwellenmodell"),
        ({"price_model": "highest_bid"}, "price_weight", "über 0 %"),
    ],
)
def test_publish_refuses_an_incomplete_scheme(proc, change, field, message):
    Procedure.objects.filter(pk=proc.procedure.pk).update(**change)
    proc.procedure.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.procedure_publish(procedure=proc.procedure, actor=proc.manager)
    assert any(message in m for m in caught.value.message_dict[field])
    assert Procedure.objects.get(pk=proc.procedure.pk).state == S.DRAFT


def test_publish_refuses_weights_that_do_not_add_up_to_100(proc):
    AwardCriterion.objects.filter(procedure=proc.procedure, key="group").update(weight=30)
    with pytest.raises(ValidationError) as caught:
        services.procedure_publish(procedure=proc.procedure, actor=proc.manager)
    assert "90 %" in " ".join(caught.value.message_dict["__all__"])


def test_publish_needs_an_award_criterion(proc):
    Procedure.objects.filter(pk=proc.procedure.pk).update(tie_break_criterion="")
    AwardCriterion.objects.filter(procedure=proc.procedure).delete()
    with pytest.raises(ValidationError) as caught:
        services.procedure_publish(procedure=proc.procedure, actor=proc.manager)
    assert "mindestens ein Zuschlagskriterium" in " ".join(caught.value.message_dict["__all__"])


@pytest.mark.parametrize("field", ["question_deadline", "submission_deadline"])
def test_publish_needs_deadlines_in_the_future(proc, field):
    now = timezone.now()
    Procedure.objects.filter(pk=proc.procedure.pk).update(
        question_deadline=now - datetime.timedelta(days=2),
        submission_deadline=now - datetime.timedelta(days=1),
    )
    proc.procedure.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.procedure_publish(procedure=proc.procedure, actor=proc.manager)
    assert "in der Zukunft" in " ".join(caught.value.message_dict[field])


@pytest.mark.parametrize("field", ["question_deadline", "submission_deadline"])
def test_publish_needs_both_deadlines(proc, field):
    Procedure.objects.filter(pk=proc.procedure.pk).update(**{field: None})
    proc.procedure.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.procedure_publish(procedure=proc.procedure, actor=proc.manager)
    assert field in caught.value.message_dict


def test_dates_must_be_in_order(proc):
    procedure = proc.procedure
    deadline = procedure.submission_deadline
    with pytest.raises(ValidationError) as caught:
        services.procedure_update_draft(
            procedure=procedure,
            actor=proc.manager,
            data={
                "question_deadline": deadline + datetime.timedelta(hours=1),
                "jury_session_date": deadline.date() + datetime.timedelta(days=10),
                "decision_date": deadline.date() + datetime.timedelta(days=5),
            },
        )
    errors = caught.value.message_dict
    assert "Abgabefrist" in " ".join(errors["submission_deadline"])
    assert "Jurysitzung" in " ".join(errors["decision_date"])
    assert set(errors) == {"submission_deadline", "decision_date"}


def test_a_day_may_be_the_day_of_a_deadline(proc):
    procedure = proc.procedure
    deadline_day = timezone.localdate(procedure.submission_deadline)
    services.procedure_update_draft(
        procedure=procedure, actor=proc.manager, data={"presentation_date": deadline_day}
    )
    assert Procedure.objects.get(pk=procedure.pk).presentation_date == deadline_day


def test_close_submission_waits_for_the_deadline(proc, monkeypatch):
    procedure = proc.publish()
    deadline = procedure.submission_deadline
    monkeypatch.setattr(timezone, "now", lambda: deadline - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError) as caught:
        services.procedure_close_submission(procedure=procedure, actor=proc.manager)
    assert "Abgabefrist" in caught.value.messages[0]
    monkeypatch.setattr(timezone, "now", lambda: deadline + datetime.timedelta(seconds=1))
    services.procedure_close_submission(procedure=procedure, actor=proc.manager)
    assert Procedure.objects.get(pk=procedure.pk).state == S.SUBMISSION_CLOSED


def test_close_submission_on_the_night_the_clocks_go_back(proc, monkeypatch):
    """25 October 2026: 02:30 Berlin time happens twice; the deadline is the first 02:30
    (CEST, 00:30 UTC): closing at the second 02:30 (CET) is one hour after it."""
    deadline = datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)
    Procedure.objects.filter(pk=proc.procedure.pk).update(
        state=S.PUBLISHED, submission_deadline=deadline
    )
    proc.procedure.refresh_from_db()
    monkeypatch.setattr(timezone, "now", lambda: deadline - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services.procedure_close_submission(procedure=proc.procedure, actor=proc.manager)
    monkeypatch.setattr(timezone, "now", lambda: deadline + datetime.timedelta(hours=1))
    services.procedure_close_submission(procedure=proc.procedure, actor=proc.manager)
    assert Procedure.objects.get(pk=proc.procedure.pk).state == S.SUBMISSION_CLOSED


def test_cancel_needs_a_reason_and_stores_it(proc):
    procedure = proc.publish()
    with pytest.raises(ValidationError) as caught:
        services.procedure_cancel(procedure=procedure, actor=proc.manager, reason="  ")
    assert "Grund" in caught.value.messages[0]
    services.procedure_cancel(procedure=procedure, actor=proc.manager, reason="Brandschaden")
    procedure.refresh_from_db()
    assert procedure.state == S.CANCELLED
    assert procedure.cancel_reason == "Brandschaden"
    assert procedure.cancelled_at is not None
    entry = AuditEntry.objects.filter(procedure=procedure).order_by("-position").first()
    assert (entry.action, entry.payload["reason"]) == ("cancel", "Brandschaden")


def test_option_needs_its_end_date(proc):
    Procedure.objects.filter(pk=proc.procedure.pk).update(state=S.DECIDED, option_until=None)
    proc.procedure.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.procedure_start_option(procedure=proc.procedure, actor=proc.manager)
    assert "Optionszeit" in caught.value.messages[0]


def test_every_step_is_in_the_audit_trail(proc, monkeypatch):
    procedure = services.procedure_publish(procedure=proc.procedure, actor=proc.manager)
    later = procedure.submission_deadline + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.procedure_close_submission(procedure=procedure, actor=proc.manager)
    services.procedure_start_evaluation(procedure=procedure, actor=proc.manager)
    procedure_decide(
        procedure=procedure,
        actor=proc.manager,
        reasons_summary="Keine Bewerbung ging ein.",
        confirm_incomplete=True,
    )
    services.procedure_conclude(procedure=procedure, actor=proc.manager)
    actions = list(
        AuditEntry.objects.filter(procedure=procedure)
        .order_by("position")
        .values_list("action", flat=True)
    )
    assert actions == [
        "publish",
        "close_submission",
        "start_evaluation",
        "decided",
        "decide",
        "conclude",
    ]
    assert all(
        e.actor_id == proc.manager.pk for e in AuditEntry.objects.filter(procedure=procedure)
    )


def test_create_runs_by_the_owner_and_copies_the_template(proc):
    procedure = services.procedure_create(
        property=proc.property,
        actor=proc.manager,
        data={"title": "Hamburger Modell", "kind": "concept", "transfer": "sale"},
        template="hamburg",
    )
    assert procedure.organisation == proc.town
    assert procedure.price_model == "highest_bid"
    assert procedure.price_weight == 30
    assert [(c.key, c.weight, c.max_points) for c in procedure.criteria.all()] == [
        ("wohnungspolitik", 28, 280),
        ("staedtebau", 28, 280),
        ("energie", 14, 140),
    ]
    assert AuditEntry.objects.get(procedure=procedure).action == "create"


def test_create_needs_the_right_to_manage_the_property(proc):
    with pytest.raises(PermissionDenied):
        services.procedure_create(
            property=proc.property,
            actor=proc.outsider,
            data={"title": "x", "kind": "concept", "transfer": "sale"},
        )
