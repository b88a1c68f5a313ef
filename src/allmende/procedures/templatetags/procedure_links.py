"""Links from a property's page to its allocation procedures (the properties app does not
import the procedures app; its template loads this library)."""

from typing import Any

from django import template

from allmende.procedures.models import Procedure, ProcedureState

register = template.Library()


@register.simple_tag
def procedures_of(prop: Any, user: Any) -> list[Procedure]:
    """The property's procedures the user may see: published ones, drafts for managers."""
    procedures = Procedure.objects.filter(property=prop).select_related("organisation")
    return [
        procedure
        for procedure in procedures
        if procedure.state != ProcedureState.DRAFT
        or user.has_perm("procedures.manage_procedure", procedure)
    ]


@register.simple_tag
def may_start_procedure(prop: Any, user: Any) -> bool:
    return bool(user.has_perm("procedures.add_procedure", prop))
