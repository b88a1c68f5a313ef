"""Reads of allocation procedures shared by the pages and the API, with the visibility rule
(``procedures.view_procedure``) applied in the query."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from allmende.networks.models import Membership, MembershipStatus, OrganisationRole
from allmende.networks.models import OrganisationRoleKind as RoleKind
from allmende.procedures.models import (
    AuditEntry,
    AwardCriterion,
    EligibilityCriterion,
    Procedure,
    ProcedureState,
    Question,
)


@dataclass(frozen=True, slots=True)
class ProcedureFilters:
    """The list's filters; empty values mean "no filter"."""

    state: str = ""
    kind: str = ""


def _managed_q(user: Any) -> Q:
    """The query form of ``is_procedure_manager``: editors of the running organisation and
    coordinators of a network it is an active member of."""
    edited = OrganisationRole.objects.filter(user=user, role=RoleKind.EDITOR).values(
        "organisation_id"
    )
    coordinated = Membership.objects.filter(
        status=MembershipStatus.ACTIVE, network__coordinators__user=user
    ).values("organisation_id")
    return Q(organisation_id__in=edited) | Q(organisation_id__in=coordinated)


def _visible_q(user: Any) -> Q:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Q()
    published = ~Q(state=ProcedureState.DRAFT)
    if not user.is_authenticated:
        return published
    return published | _managed_q(user)


def procedure_list(*, filters: ProcedureFilters, user: Any) -> QuerySet[Procedure]:
    """The procedures the user may see (drafts only for their managers), newest first."""
    queryset = Procedure.objects.filter(_visible_q(user)).select_related("property", "organisation")
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset.order_by("-created_at", "-pk")


def procedure_get(*, pk: int, user: Any) -> Procedure:
    """One procedure the user may see, with its criteria, documents and answered questions;
    Http404 when it does not exist or is a draft the user does not manage."""
    queryset = (
        Procedure.objects.filter(_visible_q(user))
        .select_related("property", "organisation")
        .prefetch_related(
            Prefetch("criteria", queryset=AwardCriterion.objects.order_by("position", "pk")),
            Prefetch(
                "eligibility_criteria",
                queryset=EligibilityCriterion.objects.order_by("position", "pk"),
            ),
            "documents",
        )
    )
    procedure: Procedure = get_object_or_404(queryset, pk=pk)
    return procedure


def procedure_answered_questions(*, procedure: Procedure) -> QuerySet[Question]:
    """The published Q&A: answered questions, oldest first, without the asker."""
    return procedure.questions.exclude(answer="").order_by("asked_at", "pk")


def procedure_audit(*, procedure: Procedure) -> QuerySet[AuditEntry]:
    """The procedure's audit trail, oldest first."""
    return AuditEntry.objects.filter(procedure=procedure).order_by("position")
