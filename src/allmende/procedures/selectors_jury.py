"""Reads of the jury: a juror's desk, the manager's progress view and the others' scores.

Blindness lives here: ``jury_other_scores`` gives a juror the other jurors' scores only once
that juror has submitted all of their own, and ``jury_progress`` (the manager's view) carries
counts only, never points or reasons.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from allmende.procedures.forms_jury import JurorInviteForm
from allmende.procedures.models import (
    Application,
    ApplicationState,
    AwardCriterion,
    ConflictDeclaration,
    Eligibility,
    Juror,
    JurorRole,
    JuryScore,
    Procedure,
    ProcedureState,
)

# States in which the jury works: declarations from the close of submissions, scores only
# during the evaluation.
DECLARATION_STATES = (ProcedureState.SUBMISSION_CLOSED, ProcedureState.EVALUATION)
SCORING_STATES = (ProcedureState.EVALUATION,)
INVITATION_STATES = (
    ProcedureState.PUBLISHED,
    ProcedureState.SUBMISSION_CLOSED,
    ProcedureState.EVALUATION,
)
# Once the evaluation is closed the manager may see every score (the internal report).
EVALUATION_CLOSED_STATES = (
    ProcedureState.DECIDED,
    ProcedureState.OPTION,
    ProcedureState.CONCLUDED,
)


def jury_application_list(*, procedure: Procedure) -> QuerySet[Application]:
    """The applications the jury evaluates: submitted and admitted by the eligibility check."""
    return _jury_applications(procedure.pk)


def _jury_applications(procedure_id: int) -> QuerySet[Application]:
    return (
        Application.objects.filter(
            procedure_id=procedure_id,
            state=ApplicationState.SUBMITTED,
            eligibility=Eligibility.ELIGIBLE,
        )
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )


def juror_get(*, procedure: Procedure, user: Any) -> Juror | None:
    """The user's seat on the procedure's jury, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Juror.objects.filter(procedure=procedure, user=user)
        .select_related("user", "procedure")
        .first()
    )


def juror_list(*, procedure: Procedure) -> QuerySet[Juror]:
    return (
        Juror.objects.filter(procedure=procedure)
        .select_related("user")
        .order_by("invited_at", "pk")
    )


def criterion_list(*, procedure: Procedure) -> list[AwardCriterion]:
    return list(AwardCriterion.objects.filter(procedure=procedure).order_by("position", "pk"))


@dataclass
class DeskRow:
    """One application on a juror's desk."""

    application: Application
    declaration: ConflictDeclaration | None
    scored_criteria: int
    criteria_total: int

    @property
    def declared(self) -> bool:
        return self.declaration is not None

    @property
    def has_conflict(self) -> bool:
        return self.declaration is not None and self.declaration.has_conflict

    @property
    def fully_scored(self) -> bool:
        return self.criteria_total > 0 and self.scored_criteria >= self.criteria_total


@dataclass
class Desk:
    juror: Juror
    rows: list[DeskRow]

    @property
    def declarations_complete(self) -> bool:
        return all(row.declared for row in self.rows)

    @property
    def to_score(self) -> list[DeskRow]:
        return [row for row in self.rows if row.declared and not row.has_conflict]

    @property
    def scored_count(self) -> int:
        return sum(1 for row in self.to_score if row.fully_scored)

    @property
    def ready_to_submit(self) -> bool:
        """Every application declared, every one without conflict fully scored."""
        return self.declarations_complete and all(row.fully_scored for row in self.to_score)


def jury_desk(*, juror: Juror) -> Desk:
    """The juror's applications with their declaration and how many criteria they scored
    (three queries whatever the number of applications)."""
    criteria_total = AwardCriterion.objects.filter(procedure_id=juror.procedure_id).count()
    declarations = {d.application_id: d for d in ConflictDeclaration.objects.filter(juror=juror)}
    applications = _jury_applications(juror.procedure_id).annotate(
        own_scores=Count("scores", filter=Q(scores__juror=juror))
    )
    rows = [
        DeskRow(
            application=application,
            declaration=declarations.get(application.pk),
            scored_criteria=application.own_scores,
            criteria_total=criteria_total,
        )
        for application in applications
    ]
    return Desk(juror=juror, rows=rows)


def juror_scores(*, juror: Juror, application: Application) -> dict[int, JuryScore]:
    """The juror's own scores for one application by criterion id."""
    return {
        score.criterion_id: score
        for score in JuryScore.objects.filter(juror=juror, application=application)
    }


def may_see_other_scores(*, juror: Juror, application: Application) -> bool:
    """Blindness: only after submitting all of one's own scores, and never for an application
    one declared a conflict for."""
    if juror.scores_submitted_at is None:
        return False
    return not ConflictDeclaration.objects.filter(
        juror=juror, application=application, has_conflict=True
    ).exists()


@dataclass
class OtherJurorScores:
    juror: Juror
    scores: dict[int, JuryScore] = field(default_factory=dict)

    @property
    def counts(self) -> bool:
        return self.juror.role == JurorRole.VOTING


def jury_other_scores(*, juror: Juror, application: Application) -> list[OtherJurorScores]:
    """The final scores of the other jurors for one application: those who submitted, voting
    first. Empty while the juror may not see them (``may_see_other_scores``)."""
    if not may_see_other_scores(juror=juror, application=application):
        return []
    others = (
        Juror.objects.filter(procedure_id=juror.procedure_id, scores_submitted_at__isnull=False)
        .exclude(pk=juror.pk)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=JuryScore.objects.filter(application=application),
                to_attr="application_scores",
            )
        )
        .order_by("role", "invited_at", "pk")
    )
    result = []
    for other in others:
        scores = {s.criterion_id: s for s in other.application_scores}
        if scores:
            result.append(OtherJurorScores(juror=other, scores=scores))
    # "advisory" sorts before "voting": voting jurors first.
    result.sort(key=lambda o: 0 if o.counts else 1)
    return result


@dataclass
class JurorProgress:
    """What the manager sees of one juror: counts, no points, no reasons."""

    juror: Juror
    declared: int
    conflicts: int
    scored: int
    to_score: int
    applications: int
    has_scores: bool

    @property
    def declarations_complete(self) -> bool:
        return self.declared >= self.applications

    @property
    def submitted(self) -> bool:
        return self.juror.scores_submitted_at is not None


def jury_progress(*, procedure: Procedure) -> list[JurorProgress]:
    """Per juror: declarations made, applications fully scored of those without conflict,
    submitted or not (a fixed number of queries)."""
    applications = list(jury_application_list(procedure=procedure).values_list("pk", flat=True))
    criteria_total = AwardCriterion.objects.filter(procedure=procedure).count()
    jurors = list(juror_list(procedure=procedure))
    declared: dict[int, dict[int, bool]] = {j.pk: {} for j in jurors}
    for juror_id, application_id, has_conflict in ConflictDeclaration.objects.filter(
        juror__procedure=procedure, application_id__in=applications
    ).values_list("juror_id", "application_id", "has_conflict"):
        declared[juror_id][application_id] = has_conflict
    scored: dict[int, dict[int, int]] = {j.pk: {} for j in jurors}
    any_scores: set[int] = set()
    for juror_id, application_id, count in (
        JuryScore.objects.filter(juror__procedure=procedure)
        .values("juror_id", "application_id")
        .annotate(count=Count("pk"))
        .values_list("juror_id", "application_id", "count")
    ):
        any_scores.add(juror_id)
        if application_id in applications:
            scored[juror_id][application_id] = count
    progress = []
    for juror in jurors:
        own = declared[juror.pk]
        without_conflict = [a for a in applications if own.get(a) is False]
        progress.append(
            JurorProgress(
                juror=juror,
                declared=len(own),
                conflicts=sum(1 for c in own.values() if c),
                scored=sum(
                    1
                    for a in without_conflict
                    if criteria_total and scored[juror.pk].get(a, 0) >= criteria_total
                ),
                to_score=len(applications) - sum(1 for c in own.values() if c),
                applications=len(applications),
                has_scores=juror.pk in any_scores,
            )
        )
    return progress


def jury_actions_context(*, procedure: Procedure, user: Any) -> dict[str, Any]:
    """What ``procedures/_jury_actions.html`` shows on the public page, for views that
    include it: the user's seat on the jury (or None)."""
    return {"jury_seat": juror_get(procedure=procedure, user=user)}


def manage_jury_context(*, procedure: Procedure) -> dict[str, Any]:
    """What ``procedures/_manage_jury.html`` shows on the manager page, for views that include
    it: the jurors' progress (counts only) and the invitation form."""
    return {
        "jury_progress": jury_progress(procedure=procedure),
        "jury_invite_form": JurorInviteForm(),
        "jury_can_invite": procedure.state in INVITATION_STATES,
    }


@dataclass
class ApplicationScores:
    application: Application
    rows: list[tuple[AwardCriterion, list[JuryScore]]]
    conflicts: list[ConflictDeclaration]


def jury_scores_closed(*, procedure: Procedure, user: Any) -> list[ApplicationScores]:
    """Every score with its reason and every declared conflict, per application — for the
    managers once the evaluation is closed (decided or later); empty for everyone else and
    before (three queries)."""
    if procedure.state not in EVALUATION_CLOSED_STATES or not user.has_perm(
        "procedures.manage_procedure", procedure
    ):
        return []
    criteria = criterion_list(procedure=procedure)
    scores: dict[tuple[int, int], list[JuryScore]] = {}
    for score in (
        JuryScore.objects.filter(juror__procedure=procedure)
        .select_related("juror__user")
        .order_by("juror__role", "juror__invited_at", "juror_id")
    ):
        scores.setdefault((score.application_id, score.criterion_id), []).append(score)
    conflicts: dict[int, list[ConflictDeclaration]] = {}
    for declaration in ConflictDeclaration.objects.filter(
        juror__procedure=procedure, has_conflict=True
    ).select_related("juror__user"):
        conflicts.setdefault(declaration.application_id, []).append(declaration)
    return [
        ApplicationScores(
            application=application,
            rows=[(c, scores.get((application.pk, c.pk), [])) for c in criteria],
            conflicts=conflicts.get(application.pk, []),
        )
        for application in jury_application_list(procedure=procedure)
    ]
