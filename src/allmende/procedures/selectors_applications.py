"""Reads of a procedure's questions and applications; who sees which application is decided
here (on top of ``procedures.view_application``), for pages, downloads and the jury alike.

- Applicants (any role in the applying organisation) see their own application in every state.
- Managers see submitted applications, never drafts.
- Admins (operators, who may also change applications by the rules) see every application.
- Jurors see submitted applications that were admitted (eligible).
"""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from allmende.networks.models import OrganisationRole
from allmende.procedures.models import (
    Application,
    ApplicationAttachment,
    ApplicationState,
    Eligibility,
    EligibilityDecision,
    Juror,
    Procedure,
    Question,
)


def _with_details(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("organisation", "procedure").prefetch_related(
        Prefetch(
            "attachments", queryset=ApplicationAttachment.objects.order_by("created_at", "pk")
        ),
        Prefetch(
            "eligibility_decisions",
            queryset=EligibilityDecision.objects.select_related("criterion").order_by(
                "criterion__position", "criterion__pk"
            ),
        ),
    )


def answered_questions(*, procedure: Procedure) -> QuerySet[Question]:
    """The answered questions of a procedure as published: question and answer only, in the
    order they were asked (the asker is not part of what is shown)."""
    return (
        Question.objects.filter(procedure=procedure)
        .exclude(answer="")
        .only("pk", "procedure_id", "text", "answer", "asked_at", "answered_at")
        .order_by("asked_at", "pk")
    )


def open_questions(*, procedure: Procedure) -> QuerySet[Question]:
    """The questions still waiting for an answer, oldest first (for the managers)."""
    return (
        Question.objects.filter(procedure=procedure, answer="")
        .select_related("organisation")
        .order_by("asked_at", "pk")
    )


def question_list(*, procedure: Procedure) -> QuerySet[Question]:
    """Every question of a procedure with the asking organisation (for the managers)."""
    return (
        Question.objects.filter(procedure=procedure)
        .select_related("organisation")
        .order_by("asked_at", "pk")
    )


def own_applications(*, procedure: Procedure, user: Any) -> QuerySet[Application]:
    """The applications in the procedure of the organisations the user has a role in."""
    if not user.is_authenticated:
        return Application.objects.none()
    organisations = OrganisationRole.objects.filter(user=user).values("organisation_id")
    return _with_details(
        Application.objects.filter(procedure=procedure, organisation_id__in=organisations)
    ).order_by("organisation__name", "pk")


def applications_submitted(*, procedure: Procedure) -> QuerySet[Application]:
    """The submitted applications of a procedure (what the managers see), by organisation."""
    return _with_details(
        Application.objects.filter(procedure=procedure, state=ApplicationState.SUBMITTED)
    ).order_by("organisation__name", "pk")


def applications_for_jury(procedure: Procedure) -> QuerySet[Application]:
    """The applications the jury scores: submitted and admitted, by organisation."""
    return applications_submitted(procedure=procedure).filter(eligibility=Eligibility.ELIGIBLE)


def application_list(*, procedure: Procedure, user: Any) -> QuerySet[Application]:
    """The applications of the procedure the user may see (see the module docstring)."""
    if not user.is_authenticated:
        return Application.objects.none()
    queryset = _with_details(Application.objects.filter(procedure=procedure))
    if user.is_active and user.is_superuser:
        return queryset.order_by("organisation__name", "pk")
    if user.has_perm("procedures.manage_procedure", procedure):
        visible = Q(state=ApplicationState.SUBMITTED)
    elif Juror.objects.filter(procedure=procedure, user=user).exists():
        visible = Q(state=ApplicationState.SUBMITTED, eligibility=Eligibility.ELIGIBLE)
    else:
        visible = Q(pk__in=[])
    organisations = OrganisationRole.objects.filter(user=user).values("organisation_id")
    visible |= Q(organisation_id__in=organisations)
    return queryset.filter(visible).order_by("organisation__name", "pk")


def application_get(*, procedure: Procedure, pk: int, user: Any) -> Application:
    """One application of the procedure the user may see; raises
    ``Application.DoesNotExist`` otherwise."""
    return application_list(procedure=procedure, user=user).get(pk=pk)


def attachment_get(*, application: Application, pk: int) -> ApplicationAttachment:
    """One attachment of an application (whose visibility the caller has checked)."""
    return ApplicationAttachment.objects.get(application=application, pk=pk)


def applicant_actions_context(*, procedure: Procedure, user: Any) -> dict[str, Any]:
    """What ``procedures/_applicant_actions.html`` shows, for views that include it: the user's
    own applications."""
    return {
        "own_applications": own_applications(procedure=procedure, user=user),
    }


def manage_applications_context(*, procedure: Procedure) -> dict[str, Any]:
    """What ``procedures/_manage_applications.html`` shows, for views that include it."""
    return {
        "open_questions": open_questions(procedure=procedure),
        "submitted_applications": applications_submitted(procedure=procedure),
    }
