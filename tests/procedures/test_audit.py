"""The hash-chained audit trail: an intact chain verifies; changing, deleting or swapping
entries is found and the first broken entry is named; ``verify_audit`` reports it, and a
published scheme that no longer matches the hash stored at publication."""

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from allmende.procedures.audit import GENESIS, audit_append, audit_verify
from allmende.procedures.models import AuditEntry, AwardCriterion, Procedure, ProcedureState
from allmende.procedures.services import procedure_scheme_hash, procedure_scheme_mismatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(proc):
    """Five entries on the procedure."""
    for index, action in enumerate(["publish", "question", "answer", "submit", "eligibility"]):
        audit_append(
            procedure=proc.procedure, action=action, actor=proc.manager, payload={"n": index}
        )
    return proc.procedure


def _entry(procedure, position):
    return AuditEntry.objects.get(procedure=procedure, position=position)


def test_an_intact_chain_verifies(chain):
    assert audit_verify() == []
    entries = list(AuditEntry.objects.filter(procedure=chain).order_by("position"))
    assert [e.position for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == GENESIS
    assert all(b.previous_hash == a.entry_hash for a, b in itertools.pairwise(entries))
    assert entries[0].actor_id is not None


def test_a_changed_payload_is_found_at_its_position(chain):
    AuditEntry.objects.filter(procedure=chain, position=3).update(payload={"n": 99})
    [problem] = audit_verify()
    assert (problem.procedure_id, problem.position) == (chain.pk, 3)
    assert "changed" in problem.message


def test_a_changed_action_or_time_is_found(chain):
    entry = _entry(chain, 2)
    AuditEntry.objects.filter(pk=entry.pk).update(action="withdraw")
    assert audit_verify()[0].position == 2


def test_a_deleted_entry_is_found_at_the_next_position(chain):
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {AuditEntry._meta.db_table} WHERE procedure_id = %s AND position = %s",  # noqa: S608 - table name from the model
            [chain.pk, 2],
        )
    [problem] = audit_verify()
    assert problem.position == 3
    assert "missing" in problem.message


def test_a_deleted_and_renumbered_entry_is_found(chain):
    """Someone deletes entry 2 and renumbers the rest to hide the gap: the link breaks."""
    with connection.cursor() as cursor:
        table = AuditEntry._meta.db_table
        cursor.execute(
            f"DELETE FROM {table} WHERE procedure_id = %s AND position = 2",  # noqa: S608
            [chain.pk],
        )
    for position in (3, 4, 5):
        AuditEntry.objects.filter(procedure=chain, position=position).update(position=position - 1)
    [problem] = audit_verify()
    assert problem.position == 2
    assert "previous hash" in problem.message


def test_swapped_entries_are_found_at_the_first_of_them(chain):
    third, fourth = _entry(chain, 3), _entry(chain, 4)
    AuditEntry.objects.filter(pk=third.pk).update(position=100)
    AuditEntry.objects.filter(pk=fourth.pk).update(position=3)
    AuditEntry.objects.filter(pk=third.pk).update(position=4)
    [problem] = audit_verify()
    assert problem.position == 3


def test_chains_are_verified_per_procedure(chain, proc):
    from tests.procedures.conftest import make_procedure

    other = make_procedure(proc.town, proc.property, title="Zweites Verfahren")
    audit_append(procedure=other, action="publish", actor=proc.manager)
    AuditEntry.objects.filter(procedure=chain, position=5).update(payload={})
    problems = audit_verify()
    assert [(p.procedure_id, p.position) for p in problems] == [(chain.pk, 5)]
    assert audit_verify([other.pk]) == []


def test_command_prints_ok_per_procedure(chain):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"{chain.pk}" in out.getvalue()
    assert "OK (5" in out.getvalue()


def test_command_names_the_first_broken_entry_and_fails(chain):
    AuditEntry.objects.filter(procedure=chain, position=4).update(payload={"n": "x"})
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("verify_audit", stdout=out)
    assert info.value.returncode == 1
    assert "entry 4" in out.getvalue() or "Eintrag 4" in out.getvalue()


def test_command_exit_status_is_non_zero_when_broken(chain, capsys):
    from django.core.management import ManagementUtility

    AuditEntry.objects.filter(procedure=chain, position=1).update(actor_label="jemand")
    with pytest.raises(SystemExit) as info:
        ManagementUtility(["allmende", "verify_audit"]).execute()
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert "1" in captured.out
    assert "broken" in captured.err or "gebrochen" in captured.err


def test_command_refuses_unknown_procedure(chain):
    with pytest.raises(CommandError):
        call_command("verify_audit", procedures=[999999])


def test_a_chain_cut_off_at_its_end_is_found(chain):
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {AuditEntry._meta.db_table} WHERE procedure_id = %s AND position >= %s",  # noqa: S608 - table name from the model
            [chain.pk, 4],
        )

    [problem] = audit_verify()

    assert (problem.procedure_id, problem.position) == (chain.pk, 4)
    assert "newest entries are missing" in problem.message


# --- The scheme frozen at publication -------------------------------------------------------


@pytest.fixture
def published(proc):
    """The procedure published (its scheme hash stored) with one audit entry."""
    procedure = proc.publish()
    audit_append(procedure=procedure, action="publish", actor=proc.manager)
    return procedure


def test_command_accepts_an_unchanged_published_scheme(published):
    assert published.scheme_hash == procedure_scheme_hash(published)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "OK (1" in out.getvalue()


def test_command_reports_a_scheme_changed_after_publication(published):
    stored = published.scheme_hash
    # Bulk updates bypass the model's freeze, as SQL on the database would.
    AwardCriterion.objects.filter(procedure=published, key="group").update(min_points=1)
    out = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("verify_audit", stdout=out)
    assert info.value.returncode == 1
    assert "Schema" in str(info.value) or "scheme" in str(info.value)
    output = out.getvalue()
    assert f"{published.pk}" in output
    assert stored in output
    assert procedure_scheme_hash(published) in output
    assert "OK" not in output  # the chain itself is intact, the procedure is not


def test_command_reports_a_removed_scheme_hash(published):
    Procedure.objects.filter(pk=published.pk).update(scheme_hash="")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", procedures=[published.pk], stdout=out)
    assert procedure_scheme_hash(published) in out.getvalue()


@pytest.mark.parametrize("state", [ProcedureState.DRAFT, ProcedureState.CANCELLED])
def test_a_never_published_procedure_has_no_frozen_scheme_to_check(proc, state):
    Procedure.objects.filter(pk=proc.procedure.pk).update(state=state)
    procedure = Procedure.objects.get(pk=proc.procedure.pk)
    assert procedure.scheme_hash == ""
    assert procedure_scheme_mismatch(procedure) is None
    call_command("verify_audit", stdout=StringIO())


def test_mismatch_names_both_hashes(published):
    stored = published.scheme_hash
    Procedure.objects.filter(pk=published.pk).update(tie_break_criterion="group")
    published.refresh_from_db()
    mismatch = procedure_scheme_mismatch(published)
    assert mismatch is not None
    assert (mismatch.stored, mismatch.current) == (stored, procedure_scheme_hash(published))
    assert mismatch.current != stored
