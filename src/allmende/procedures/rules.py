"""Object-level permissions of allocation procedures.

- Managers: editors of the organisation running the procedure, coordinators of its networks,
  admins. They set it up, answer questions, check eligibility, invite the jury, decide.
- Everyone sees a procedure once it is published (drafts: managers only).
- Applicants: editors of an organisation other than the running one apply for it.
- Jurors: the users invited to the procedure's jury (see ``Juror``).
"""

from typing import Any

import rules

from allmende.networks.rules import (
    is_admin,
    is_coordinator_of_organisations_network,
    is_organisation_editor,
)
from allmende.procedures.models import Application, Juror, Procedure, ProcedureState


def _procedure_of(obj: Any) -> Procedure | None:
    if isinstance(obj, Procedure):
        return obj
    if isinstance(obj, Application | Juror):
        return obj.procedure
    return None


@rules.predicate
def is_procedure_manager(user: Any, obj: Any) -> bool:
    procedure = _procedure_of(obj)
    if procedure is None or not user.is_authenticated:
        return False
    return bool(
        is_organisation_editor(user, procedure.organisation)
        or is_coordinator_of_organisations_network(user, procedure.organisation)
    )


@rules.predicate
def is_published(user: Any, procedure: Procedure | None) -> bool:
    return procedure is not None and procedure.state != ProcedureState.DRAFT


@rules.predicate
def is_juror(user: Any, obj: Any) -> bool:
    procedure = _procedure_of(obj)
    if procedure is None or not user.is_authenticated:
        return False
    return Juror.objects.filter(procedure=procedure, user=user).exists()


@rules.predicate
def is_applicant_person(user: Any, application: Application | None) -> bool:
    """The user has a role (member or editor) in the applying organisation."""
    if application is None or not user.is_authenticated:
        return False
    return user.organisation_roles.filter(organisation_id=application.organisation_id).exists()


@rules.predicate
def is_applicant_editor(user: Any, application: Application | None) -> bool:
    return application is not None and is_organisation_editor(user, application.organisation)


@rules.predicate
def may_change_property(user: Any, prop: Any) -> bool:
    return prop is not None and bool(user.has_perm("properties.change_property", prop))


# On a property: start a procedure for it (the owner's side).
rules.add_perm("procedures.add_procedure", is_admin | may_change_property)
rules.add_perm("procedures.manage_procedure", is_admin | is_procedure_manager)
rules.add_perm("procedures.view_procedure", is_admin | is_procedure_manager | is_published)
# The internal report: every score with its reason, conflicts, the audit trail.
rules.add_perm("procedures.view_report", is_admin | is_procedure_manager)
rules.add_perm(
    "procedures.view_application",
    is_admin | is_procedure_manager | is_applicant_person | is_juror,
)
rules.add_perm("procedures.change_application", is_admin | is_applicant_editor)
